"""The bulletin's pages of one language, and the process that lays out a second language
while the build lays out the first (see ``opendtm.services.bulletin``).

``python -m opendtm.services.bulletin_worker`` is started as soon as a build begins: while
the build counts the figures it imports what pages need and warms the chart renderer, then
reads its job (a pickle of the figures, the language, the configuration, the folder and the
formats) from its standard input and writes the paths of the files it wrote to its standard
output, one a line. An empty input (the build failed before the pages) ends it quietly.
This module imports only what pages need, so the process starts fast.
"""

from __future__ import annotations

import pickle
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from opendtm.publish import charts, html, pdf
from opendtm.publish.config import BulletinConfig


def render_language(
    model: dict[str, Any], lang: str, config: BulletinConfig, out: Path, formats: Sequence[str]
) -> list[Path]:
    """``bulletin-<lang>.html`` and ``.pdf`` from the figures, as asked."""
    pages = html.pages(model, lang, config, pdf="pdf" in formats)
    paths = []
    if "html" in formats:
        path = out / f"bulletin-{lang}.html"
        path.write_text(pages.html, "utf-8")
        paths.append(path)
    if pages.pdf is not None:
        paths.append(pdf.write(pages.pdf, out / f"bulletin-{lang}.pdf", pages.images))
    return paths


def main() -> None:
    charts.warm()
    job = sys.stdin.buffer.read()
    if not job:
        return
    model, lang, config, out, formats = pickle.loads(job)
    paths = render_language(model, lang, config, out, formats)
    sys.stdout.write("".join(f"{p}\n" for p in paths))


if __name__ == "__main__":
    main()
