"""Load the demo dataset calibrated to the seed bulletin."""

from __future__ import annotations

from sqlalchemy import Engine

from opendtm.demo.builder import DemoBuilder, Progress
from opendtm.store.database import unit_of_work
from opendtm.store.schema import require_current

from .audit import record


def load_demo(engine: Engine, progress: Progress | None = None, actor: str = "cli") -> bool:
    """Load the demo in one transaction; returns False when it is already there."""
    require_current(engine)
    with unit_of_work(engine) as session:
        builder = DemoBuilder(session, progress)
        if builder.already_loaded():
            return False
        builder.build()
        record(session, actor, "load", "demo", None, {"dataset": "bulletin-6-direct-assistance"})
    return True


def prepare_demo(url: str) -> str:
    """A database at ``url`` with the schema, the gazetteer and the demo: what ``make demo``
    sets up, in one call (for tests and benchmarks). Returns ``url``."""
    from opendtm.store import schema
    from opendtm.store.database import make_engine

    from .reference import sync_gazetteer

    engine = make_engine(url)
    try:
        schema.upgrade(engine)
        with unit_of_work(engine) as session:
            sync_gazetteer(session)
        load_demo(engine)
    finally:
        engine.dispose()
    return url
