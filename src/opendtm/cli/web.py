"""``opendtm serve``: the web application on the configured database."""

from __future__ import annotations

import os
from typing import Annotated

import typer

from opendtm.services.search import index_missing
from opendtm.store import schema
from opendtm.store.database import ENV_VAR, safe_url, unit_of_work

from .context import console, engine, handled, progress_bar


def serve(
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8000,
    secure_cookies: Annotated[bool, typer.Option(
        help="Send cookies over HTTPS only (keep on unless testing over plain HTTP on a "
             "machine other than localhost).")] = True,
    workers: Annotated[int, typer.Option(help="Server processes (one per core).", min=1)] = 1,
) -> None:
    """Start the web application (pages and the JSON API under /api/v1)."""
    import uvicorn

    from opendtm.web.app import create_app, freeze_startup_objects
    from opendtm.web.context import Settings

    with handled():
        eng = engine()
        schema.require_current(eng)
        with progress_bar("names") as bar, unit_of_work(eng) as session:
            task = bar.add_task("indexing names for search", total=None)
            index_missing(session, step=lambda done, total: bar.update(
                task, completed=done, total=total))
        console.print(f"opendtm on http://{host}:{port}/ over {safe_url(str(eng.url))}")
    # No access log: at the warning level it is never written, yet each request would still
    # format its line.
    if workers == 1:
        with handled():
            app = create_app(eng, Settings(secure_cookies=secure_cookies))
        freeze_startup_objects()
        uvicorn.run(app, host=host, port=port, log_level="warning", access_log=False,
                    proxy_headers=False)
        return
    os.environ[ENV_VAR] = str(eng.url.render_as_string(hide_password=False))
    eng.dispose()  # the first process only deals connections; each worker has its own
    os.environ["OPENDTM_SECURE_COOKIES"] = "1" if secure_cookies else "0"
    # The first process accepts the connections and deals them evenly to the workers
    # (see opendtm.web.workers).
    from opendtm.web import workers as server_processes

    server_processes.serve(host, port, workers)


def register(app: typer.Typer) -> None:
    app.command()(serve)
