"""The bulletin's pages of one language, and the process that lays out a second language
while the build lays out the first (see ``opendtm.services.bulletin``).

The process starts as soon as a build begins: while the build counts the figures it warms
the chart renderer, then reads its job (a pickle of the figures, the language, the
configuration, the folder and the formats) from a pipe and writes the paths of the files it
wrote to another, one a line. An empty job (the build failed before the pages) ends it
quietly.

Where the system can, the process is a fork of the build's own: it has every module the
pages need already imported, and starts in milliseconds instead of seconds. A fork is
taken only from a process running one thread, before the chart renderer has started in it:
a lock another thread held at that moment (a web server's, a connection pool's) would stay
locked in the copy, and the renderer's threads would be missing there. Otherwise, and
where there is no ``fork``, it is a new interpreter, ``python -m
opendtm.services.bulletin_worker``, which imports only what pages need.
"""

from __future__ import annotations

import os
import pickle
import signal
import subprocess
import sys
import threading
import traceback
import warnings
from collections.abc import Sequence
from pathlib import Path
from typing import IO, Any, ClassVar, NoReturn

from opendtm.publish import charts, html, pdf, vega
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


def _job(source: IO[bytes], sink: IO[bytes]) -> None:
    """Warm the renderer, wait for the job, lay it out and name the files written."""
    charts.warm()
    job = source.read()
    if not job:
        return
    model, lang, config, out, formats = pickle.loads(job)
    paths = render_language(model, lang, config, out, formats)
    sink.write("".join(f"{p}\n" for p in paths).encode())


class Worker:
    """One language laid out by another process: ``send`` it the job, then ``paths``."""

    _pipes: ClassVar[set[int]] = set()  # the build's ends of the pipes to workers: none for a copy

    def __init__(self, fork: bool | None = None) -> None:
        if fork is None:
            fork = (hasattr(os, "fork") and threading.active_count() == 1
                    and not vega.started())
        self.forked = fork
        self._fds: set[int] = set()
        self._proc: subprocess.Popen[bytes] | None = None
        self._code: int | None = None
        if fork:
            self._fork()
        else:
            proc = subprocess.Popen([sys.executable, "-m", "opendtm.services.bulletin_worker"],
                                    stdin=subprocess.PIPE, stdout=subprocess.PIPE)
            assert proc.stdin is not None and proc.stdout is not None
            self.pid, self.job, self.result = proc.pid, proc.stdin, proc.stdout
            self._proc = proc

    def _fork(self) -> None:
        job_r, job_w = os.pipe()
        res_r, res_w = os.pipe()
        with warnings.catch_warnings():
            # Python 3.12 warns of forking a process with threads (a database's pool): the
            # copy uses none of them, only the renderer it starts itself
            warnings.simplefilter("ignore", DeprecationWarning)
            pid = os.fork()
        if pid == 0:  # the copy: never returns
            for fd in (job_w, res_r, *Worker._pipes):
                os.close(fd)
            _child(job_r, res_w)
        os.close(job_r)
        os.close(res_w)
        self._fds = {job_w, res_r}
        Worker._pipes |= self._fds
        self.pid = pid
        self.job = open(job_w, "wb")  # noqa: SIM115 - closed by send or close
        self.result = open(res_r, "rb")  # noqa: SIM115 - closed by close

    def send(self, job: bytes) -> None:
        self.job.write(job)
        self.job.close()

    def paths(self) -> list[Path] | None:
        """The files written, or ``None`` when the process failed (it said why on its
        standard error)."""
        out = self.result.read()  # a few paths: the worker writes them as it ends
        return [Path(p) for p in out.decode().splitlines()] if self.wait() == 0 else None

    def wait(self) -> int:
        if self._code is None:
            if self._proc is not None:
                self._code = self._proc.wait()
            else:
                self._code = os.waitstatus_to_exitcode(os.waitpid(self.pid, 0)[1])
        return self._code

    def close(self) -> None:
        """End the process if it has no job yet (a failed build: it has written nothing),
        and wait for it."""
        if not self.job.closed:
            if self._proc is not None:
                self._proc.kill()
            else:
                os.kill(self.pid, signal.SIGKILL)
            self.job.close()
        self.wait()
        self.result.close()
        Worker._pipes -= self._fds


def _child(job_fd: int, result_fd: int) -> NoReturn:
    """The forked copy: the job from one pipe, the paths to the other, then ``_exit`` (no
    exit handler of the build's process runs twice, no connection of its is closed)."""
    code = 1
    try:
        # fresh standard streams: a thread of the build may have held their locks
        sys.stdout = sys.stderr = open(2, "w", closefd=False)  # noqa: SIM115
        with open(job_fd, "rb") as source, open(result_fd, "wb") as sink:
            _job(source, sink)
        code = 0
    except BaseException:
        traceback.print_exc()
        sys.stderr.flush()
    finally:
        os._exit(code)


def main() -> None:
    _job(sys.stdin.buffer, sys.stdout.buffer)


if __name__ == "__main__":
    main()
