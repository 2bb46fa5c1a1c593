"""Shared CLI plumbing: the database option, one-line errors, progress bars."""

from __future__ import annotations

import datetime as dt
import os
import sys
import weakref
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import NoReturn

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn
from sqlalchemy import Engine
from sqlalchemy.exc import SQLAlchemyError

from opendtm.store.database import DatabaseError, make_engine, resolve_url

console = Console()
err = Console(stderr=True)


class State:
    db_url: str | None = None
    # the engines a command made that are still in use, disposed when the command ends
    engines: weakref.WeakSet[Engine]

    def __init__(self) -> None:
        self.engines = weakref.WeakSet()


state = State()


def fail(message: str, code: int = 1) -> NoReturn:
    err.print(f"[bold red]error:[/] {message}", highlight=False, soft_wrap=True)
    raise typer.Exit(code)


@contextmanager
def handled() -> Iterator[None]:
    """Turn expected failures into a one-line message and a non-zero exit."""
    try:
        yield
    except typer.Exit:
        raise
    except DatabaseError as exc:
        fail(str(exc))
    except SQLAlchemyError as exc:
        first = str(getattr(exc, "orig", None) or exc).strip().splitlines()[0]
        fail(f"database error: {first}")
    except (ValueError, LookupError, OSError) as exc:
        fail(str(exc))
    except KeyboardInterrupt:
        fail("interrupted", 130)
    except Exception as exc:
        if os.environ.get("OPENDTM_DEBUG"):
            raise
        fail(f"internal error ({type(exc).__name__}: {exc}); set OPENDTM_DEBUG=1 to see where")


def engine() -> Engine:
    made = make_engine(resolve_url(state.db_url))
    state.engines.add(made)
    return made


@contextmanager
def progress_bar(label: str) -> Iterator[Progress]:
    bar = Progress(
        TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
        console=err, transient=True, disable=not sys.stderr.isatty(),
    )
    with bar:
        yield bar


Step = Callable[[str, int, int], None]


@contextmanager
def progress_steps(first: str, prefix: str = "") -> Iterator[Step]:
    """A progress bar and the ``step(label, done, total)`` callback services report to."""
    with progress_bar(first) as bar:
        task = bar.add_task(f"{prefix}{first}", total=None)

        def step(label: str, done: int, total: int) -> None:
            bar.update(task, description=f"{prefix}{label}", completed=done, total=total)

        yield step


def parse_date(value: str | None, option: str) -> dt.date | None:
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        fail(f"{option} {value!r} is not a date (use YYYY-MM-DD)")
