"""The processes that lay out the bulletin's languages, forked before the figures are
counted (see ``opendtm.services.bulletin``).

A command that builds the bulletin starts its team first, before it imports the libraries
of the figures: one copy of the process (a fork) imports the libraries of the pages, then
forks once more for each further language, and every copy warms its chart renderer and
waits for its job (a pickle of the figures, the language, the configuration, the folder
and the formats) on a pipe of its own, while the build counts the figures on the other
core. The build then sends each language its job, and the languages are laid out at the
same time; each copy answers a pickle of the paths it wrote, or nothing if it failed (it
says why on its standard error).

A fork is taken only from a process running one thread, before the chart renderer has
started in it: a lock another thread held at that moment (a web server's, a connection
pool's) would stay locked in the copy, and the renderer's threads would be missing there.
Where that does not hold, or the system has no ``fork``, there is no team
(``Team.possible``), and the build lays out its languages as ``bulletin_worker`` says.

This module imports nothing heavy: it is imported before the fork. The ``opendtm`` command
starts the team before it imports its own libraries (``start_early``), when its arguments
ask for the bulletin's pages; the bulletin command takes it (``early``) if it lays out the
languages the command asks for, and ends it otherwise.
"""

from __future__ import annotations

import atexit
import itertools
import os
import pickle
import signal
import sys
import threading
import traceback
import warnings
from collections.abc import Sequence
from pathlib import Path
from typing import IO, ClassVar, NoReturn


class Team:
    """One forked process per language: ``send`` each its job, then ``paths``. Closing the
    team before the jobs are sent (a failed build) ends them, having written nothing."""

    _ends: ClassVar[set[int]] = set()  # the build's ends of every team's pipes

    @staticmethod
    def possible() -> bool:
        """Whether this process may fork the team: one thread, the renderer not started."""
        vega = sys.modules.get("opendtm.publish.vega")
        return (hasattr(os, "fork") and threading.active_count() == 1
                and not (vega is not None and vega.started()))

    def __init__(self, langs: Sequence[str]) -> None:
        self.langs = list(langs)
        pipes = [(os.pipe(), os.pipe()) for _ in self.langs]  # (job r, w), (result r, w)
        ours = {fd for (_, job_w), (res_r, _) in pipes for fd in (job_w, res_r)}
        with warnings.catch_warnings():
            # Python 3.12 warns of forking a process with threads (a database's pool): the
            # copy uses none of them, only the renderer it starts itself
            warnings.simplefilter("ignore", DeprecationWarning)
            self.pid = os.fork()
        if self.pid == 0:  # the copy: never returns
            for fd in ours | Team._ends:
                os.close(fd)
            _publisher([(job_r, res_w) for (job_r, _), (_, res_w) in pipes])
        for (job_r, _), (_, res_w) in pipes:
            os.close(job_r)
            os.close(res_w)
        Team._ends |= ours
        self._ours = ours
        self._jobs: dict[str, IO[bytes]] = {}
        self._results: dict[str, IO[bytes]] = {}
        for lang, ((_, job_w), (res_r, _)) in zip(self.langs, pipes, strict=True):
            self._jobs[lang] = open(job_w, "wb")  # noqa: SIM115 - closed by send or close
            self._results[lang] = open(res_r, "rb")  # noqa: SIM115 - closed by close
        self._code: int | None = None

    def __enter__(self) -> Team:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def send(self, lang: str, job: bytes) -> None:
        self._jobs[lang].write(job)
        self._jobs[lang].close()

    def paths(self, lang: str) -> list[Path] | None:
        """The files the language's process wrote, or ``None`` when it failed."""
        answer = self._results[lang].read()
        return [Path(p) for p in pickle.loads(answer)] if answer else None

    def close(self) -> bool:
        """End the processes that have no job yet, and wait for the team: whether every
        language was laid out."""
        if any(not job.closed for job in self._jobs.values()):
            os.kill(self.pid, signal.SIGKILL)  # the others end as their job pipe closes
        for job in self._jobs.values():
            job.close()
        if self._code is None:
            self._code = os.waitstatus_to_exitcode(os.waitpid(self.pid, 0)[1])
        for result in self._results.values():
            result.close()
        Team._ends -= self._ours
        return self._code == 0


def _publisher(pipes: list[tuple[int, int]]) -> NoReturn:
    """The first copy: imports the pages' libraries once, forks one copy more per further
    language, lays out the first language and waits for the others."""
    code = 1
    try:
        sys.stdout = sys.stderr = open(2, "w", closefd=False)  # noqa: SIM115
        from opendtm.services import bulletin_worker  # noqa: F401 - the pages' libraries

        others = []
        for i, (job_fd, result_fd) in enumerate(pipes[1:], 1):
            pid = os.fork()
            if pid == 0:
                for j, fds in enumerate(pipes):
                    if j != i:
                        for fd in fds:
                            os.close(fd)
                _serve(job_fd, result_fd)
            os.close(job_fd)
            os.close(result_fd)
            others.append(pid)
        ok = _serve(*pipes[0], leave=False)
        codes = [os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1]) for pid in others]
        code = 0 if ok and not any(codes) else 1
    except BaseException:
        traceback.print_exc()
        sys.stderr.flush()
    finally:
        os._exit(code)


def _serve(job_fd: int, result_fd: int, *, leave: bool = True) -> bool:
    """Warm the renderer, wait for the job, lay it out and answer the paths written; with
    ``leave``, end the process (``_exit``: no exit handler of the build's process runs
    twice, no connection of its is closed)."""
    from opendtm.services.bulletin_worker import serve

    ok = False
    try:
        with open(job_fd, "rb") as source, open(result_fd, "wb") as sink:
            paths = serve(source)
            if paths is not None:
                sink.write(pickle.dumps([str(p) for p in paths]))
            ok = True
    except BaseException:
        traceback.print_exc()
        sys.stderr.flush()
    if leave:
        os._exit(0 if ok else 1)
    return ok


_early: list[Team] = []


def start_early(args: Sequence[str]) -> None:
    """Start the team for the command line ``opendtm ARGS`` if it builds the bulletin's pages
    (the command's arguments are read again, fully, by the command itself)."""
    langs = _pages_asked(list(args))
    if langs and Team.possible():
        team = Team(langs)
        _early.append(team)
        atexit.register(team.close)  # a command that failed, or did not take it


def early(langs: Sequence[str]) -> Team | None:
    """The team ``start_early`` started, if it lays out ``langs``; else ``None`` (and the
    team, if any, is ended)."""
    team = _early.pop() if _early else None
    if team is not None and team.langs != list(langs):
        team.close()
        return None
    return team


def _pages_asked(args: list[str]) -> list[str]:
    """The languages of the bulletin's pages ``opendtm ARGS`` asks for, or none."""
    while args and args[0].startswith("-"):  # the options before the command: --db URL
        if args[0] != "--db" and not args[0].startswith("--db="):
            return []
        args = args[2:] if args[0] == "--db" else args[1:]
    if not args or args[0] != "bulletin" or "--help" in args:
        return []

    def values(option: str) -> list[str]:
        return [b for a, b in itertools.pairwise(args) if a == option] + [
            a.split("=", 1)[1] for a in args if a.startswith(f"{option}=")]

    formats = values("--format")
    if any(v != "assistance" for v in values("--series")) or (
            formats and not {"html", "pdf"} & set(formats[-1].split(","))):
        return []
    from opendtm.publish.i18n import LANGUAGES

    return values("--lang") or list(LANGUAGES)
