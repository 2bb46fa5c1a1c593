"""CPU per request of the web benchmark's scenarios, in one process, without HTTP.

    python benchmarks/web_cpu.py --requests 1000 \
        --db "postgresql+psycopg:///opendtm_bench?host=/var/run/postgresql"

Builds the app as ``opendtm serve`` does over a database filled by ``web_bench.py`` and
calls it as an ASGI application (hand-made scope, receive and send: no client, no server),
one request at a time, so that the CPU time of the process is the app's own: routing,
parameters, the service's statements, the audit entry and the response. Prints, per
scenario, the CPU milliseconds per request of this process and the wall time; ``--profile
TEXT`` runs the scenarios whose name has TEXT under cProfile and prints the top functions.
The machine's load average is printed beside the figures. Nothing is asserted.
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import json
import os
import pstats
import random
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import quote

sys.path.insert(0, str(Path(__file__).parent))
from web_bench import FAMILY, GIVEN, PARTNERS, make_users

from opendtm.domain.namefold import fold
from opendtm.store.database import make_engine
from opendtm.web.app import create_app, freeze_startup_objects
from opendtm.web.context import Settings

Request = tuple[str, str, bytes]  # method, path with query, body


def scenarios(tokens: dict[str, str], n: int, persons: int) -> dict[str, tuple[str, list[Request]]]:
    rng = random.Random(7)
    latin = [fold(g) for g in GIVEN]
    partner_one = list(range(PARTNERS, persons + 1, PARTNERS))
    return {
        "list, first page (caseworker)": (tokens["bench_worker"],
                                          [("GET", "/api/v1/persons", b"")] * n),
        "list, first page (protection)": (tokens["bench_protection"],
                                          [("GET", "/api/v1/persons", b"")] * n),
        "name search, Cyrillic given+family": (tokens["bench_protection"], [
            ("GET", f"/api/v1/persons?q={rng.choice(GIVEN)}+{rng.choice(FAMILY)}", b"")
            for _ in range(n)]),
        "name search, Latin prefix (caseworker)": (tokens["bench_worker"], [
            ("GET", f"/api/v1/persons?q={rng.choice(latin)[:4]}", b"") for _ in range(n)]),
        "document search": (tokens["bench_protection"], [
            ("GET", f"/api/v1/persons?q=AC{rng.randint(1, persons)}", b"") for _ in range(n)]),
        "person page": (tokens["bench_protection"], [
            ("GET", f"/api/v1/persons/{rng.randint(1, persons)}", b"") for _ in range(n)]),
        "POST /api/v1/assistance": (tokens["bench_worker"], [
            ("POST", "/api/v1/assistance", json.dumps({
                "person_id": rng.choice(partner_one), "type": "food",
                "delivered_on": "2021-03-01"}).encode()) for _ in range(n)]),
    }


async def call(app: Any, token: str, request: Request) -> int:
    """One request through the ASGI app; returns its status."""
    method, target, body = request
    path, _, query = quote(target, safe="/?=&+").partition("?")
    headers = [(b"host", b"127.0.0.1"), (b"authorization", f"Bearer {token}".encode())]
    if body:
        headers += [(b"content-type", b"application/json"),
                    (b"content-length", str(len(body)).encode())]
    scope = {"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1",
             "method": method, "scheme": "http", "path": path, "raw_path": path.encode(),
             "query_string": query.encode(), "root_path": "", "headers": headers,
             "client": ("127.0.0.1", 50000), "server": ("127.0.0.1", 8000)}
    sent = False
    status = 0

    async def receive() -> dict[str, Any]:
        nonlocal sent
        if sent:
            await asyncio.sleep(3600)
        sent = True
        return {"type": "http.request", "body": body, "more_body": False}

    async def send(message: dict[str, Any]) -> None:
        nonlocal status
        if message["type"] == "http.response.start":
            status = message["status"]

    await app(scope, receive, send)
    return status


BATCH = 50


async def drive(app: Any, token: str, requests: list[Request]
                ) -> tuple[float, float, float, int]:
    """CPU and wall seconds of the requests, one at a time, the least CPU seconds of a
    batch of ``BATCH`` of them, per request (the least disturbed by other work on the
    machine), and how many failed."""
    errors, least = 0, float("inf")
    cpu, wall = time.process_time(), time.perf_counter()
    for start in range(0, len(requests), BATCH):
        batch = requests[start:start + BATCH]
        began = time.process_time()
        for request in batch:
            if await call(app, token, request) not in (200, 201):
                errors += 1
        if len(batch) == BATCH:
            least = min(least, (time.process_time() - began) / BATCH)
    return time.process_time() - cpu, time.perf_counter() - wall, least, errors


def inline_services() -> None:
    """Run the thread pool's work inline, so that one profile sees all of a request."""
    from opendtm.web import app as web_app
    from opendtm.web import context, fastpath

    async def inline(func: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        return func(*args, **kwargs)

    context.run_in_threadpool = inline  # type: ignore[assignment]
    web_app.run_in_threadpool = inline  # type: ignore[assignment]

    async def direct(_self: Any, work: Callable[[], Any]) -> Any:
        return work()

    fastpath.FastRoutes.offload = direct  # type: ignore[method-assign]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", required=True, help="PostgreSQL URL filled by web_bench.py")
    parser.add_argument("--persons", type=int, default=1_000_000)
    parser.add_argument("--requests", type=int, default=1000, help="per scenario")
    parser.add_argument("--only", default="", help="run the scenarios whose name has this")
    parser.add_argument("--profile", default="", help="profile the scenarios with this")
    parser.add_argument("--top", type=int, default=40, help="functions the profile shows")
    parser.add_argument("--inline", action="store_true",
                        help="run the services on the event loop's thread instead of the "
                             "thread pool (the profile sees only the thread that starts it)")
    args = parser.parse_args()
    if args.inline or args.profile:
        inline_services()
    tokens = make_users(args.db)
    app = create_app(make_engine(args.db), Settings(secure_cookies=False))
    freeze_startup_objects()
    loop = asyncio.new_event_loop()
    try:
        import uvloop

        loop = uvloop.new_event_loop()
    except ImportError:
        pass
    chosen = {k: v for k, v in scenarios(tokens, args.requests, args.persons).items()
              if args.only in k}
    print(f"{args.requests} requests per scenario, one at a time, in process")
    print(f"{'scenario':42} {'CPU ms':>7} {'least':>7} {'wall ms':>7} {'errors':>6} "
          f"{'fast':>6} {'load':>5}")
    def run(token: str, reqs: list[Request]) -> tuple[float, float, float, int]:
        return loop.run_until_complete(drive(app, token, reqs))

    for label, (token, requests) in chosen.items():
        run(token, requests[: max(20, len(requests) // 10)])  # warm up
        served = getattr(app.state, "fast_served", 0)
        chosen_one = bool(args.profile) and args.profile in label
        profile = cProfile.Profile(time.process_time) if chosen_one else None
        if profile:
            profile.enable()
        cpu, wall, least, errors = run(token, requests)
        if profile:
            profile.disable()
        n = len(requests)
        fast = getattr(app.state, "fast_served", 0) - served
        print(f"{label:42} {1000 * cpu / n:7.2f} {1000 * least:7.2f} {1000 * wall / n:7.2f} "
              f"{errors:6d} "
              f"{fast:6d} {os.getloadavg()[0]:5.1f}", flush=True)
        if profile:
            stats = pstats.Stats(profile)
            stats.sort_stats("tottime").print_stats(args.top)
            stats.sort_stats("cumulative").print_stats(args.top)


if __name__ == "__main__":
    main()
