"""Lays out one language of the bulletin in a process of its own (see
``opendtm.services.bulletin``): ``python -m opendtm.services.bulletin_worker JOB``, where
JOB is the pickle the build wrote; the paths written go to JOB with the suffix ``.paths``."""

from __future__ import annotations

import pickle
import sys
from pathlib import Path

from opendtm.services.bulletin import render_language


def main(job: Path) -> None:
    model, lang, config, out, formats = pickle.loads(job.read_bytes())
    paths = render_language(model, lang, config, out, formats)
    job.with_suffix(".paths").write_text("\n".join(str(p) for p in paths))


if __name__ == "__main__":
    main(Path(sys.argv[1]))
