"""The bulletin's pages of one language, and the process that lays out a second language
while the build lays out the first, where the build has no team of forked processes (see
``opendtm.services.bulletin_team``: a web server's process, or a system without ``fork``).

That process is a new interpreter, ``python -m opendtm.services.bulletin_worker``, which
imports only what the pages need. It starts as soon as a build begins: while the build
counts the figures it warms the chart renderer, then reads its job (a pickle of the
figures, the language, the configuration, the folder and the formats) from its standard
input and writes the paths of the files it wrote to its standard output, one a line. An
empty job (the build failed before the pages) ends it quietly.
"""

from __future__ import annotations

import pickle
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import IO, Any

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


def serve(source: IO[bytes]) -> list[Path] | None:
    """Warm the renderer, wait for the job and lay it out: the files written, or ``None``
    for an empty job."""
    charts.warm()
    job = source.read()
    if not job:
        return None
    model, lang, config, out, formats = pickle.loads(job)
    return render_language(model, lang, config, out, formats)


class Worker:
    """One language laid out by a new interpreter: ``send`` it the job, then ``paths``."""

    def __init__(self) -> None:
        self._proc = subprocess.Popen(
            [sys.executable, "-m", "opendtm.services.bulletin_worker"],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE)
        assert self._proc.stdin is not None and self._proc.stdout is not None
        self.job, self.result = self._proc.stdin, self._proc.stdout

    def send(self, job: bytes) -> None:
        self.job.write(job)
        self.job.close()

    def paths(self) -> list[Path] | None:
        """The files written, or ``None`` when the process failed (it said why on its
        standard error)."""
        out = self.result.read()  # a few paths: the worker writes them as it ends
        return [Path(p) for p in out.decode().splitlines()] if self.wait() == 0 else None

    def wait(self) -> int:
        return self._proc.wait()

    def close(self) -> None:
        """End the process if it has no job yet (a failed build: it has written nothing),
        and wait for it."""
        if not self.job.closed:
            self._proc.kill()
            self.job.close()
        self.wait()
        self.result.close()


def main() -> None:
    paths = serve(sys.stdin.buffer)
    if paths is not None:
        sys.stdout.buffer.write("".join(f"{p}\n" for p in paths).encode())


if __name__ == "__main__":
    main()
