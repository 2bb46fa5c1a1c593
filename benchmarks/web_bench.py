"""Web benchmark: the person list, a name search and a person page under 20 concurrent
clients, and assistance registrations per second through the API, on PostgreSQL.

    python benchmarks/web_bench.py --persons 1000000 \
        --db "postgresql+psycopg:///opendtm_bench?host=/var/run/postgresql"

The database is emptied and filled server-side (generate_series): N persons with names in
Cyrillic, their search tokens, one case each and two assistance records each. Then
``opendtm serve`` runs on loopback and a bounded load run (a fixed number of requests, with
a time cap) measures each scenario. Figures are printed; nothing is asserted.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import IO
from urllib.parse import quote

import httpx
from sqlalchemy import text

from opendtm.domain.namefold import fold
from opendtm.domain.taxonomy import Role
from opendtm.services import users
from opendtm.services.reference import sync_gazetteer
from opendtm.store import schema
from opendtm.store.database import make_engine, unit_of_work

GIVEN = ["Айгуль", "Бакыт", "Жылдыз", "Нурлан", "Зарина", "Фарход", "Гульнара", "Алишер",
         "Шахноза", "Джамшед", "Мадина", "Рустам", "Дильноза", "Санжар", "Малика", "Тимур",
         "Нигора", "Азамат", "Камила", "Улугбек", "Асель", "Эркин", "Динара", "Бахтиёр",
         "Гулноза", "Шерзод", "Айжан", "Икром", "Лола", "Мурод", "Салтанат", "Даврон",
         "Айпери", "Жасур", "Мохира", "Канат", "Перизат", "Обид", "Сабина", "Марат"]
FAMILY = ["Осмоналиев", "Рахимов", "Каримов", "Юсупов", "Абдуллаев", "Турсунов", "Назаров",
          "Исмаилов", "Сатыбалдиев", "Джураев", "Мамытов", "Ахмедов", "Холматов", "Султанов",
          "Жумабаев", "Эргашев", "Токтогулов", "Садыков", "Кадыров", "Умаров", "Бекмуратов",
          "Алимов", "Шарипов", "Мирзоев", "Асанов", "Нуриев", "Хасанов", "Ташиев", "Усманов",
          "Раджабов", "Мусаев", "Каримбеков", "Абдыкадыров", "Сулайманов", "Орозбеков",
          "Иброгимов", "Давлатов", "Файзуллаев", "Зияев", "Эшматов"]
PARTNERS = 20


def fill(url: str, n: int) -> None:
    engine = make_engine(url)
    schema.downgrade(engine, "base")
    schema.upgrade(engine)
    t0 = time.perf_counter()
    with unit_of_work(engine) as s:
        sync_gazetteer(s)
        s.execute(text("INSERT INTO operation (id, country, name_en, name_ru) VALUES "
                       "(1, 'KGZ', 'Kyrgyzstan', 'Кыргызстан')"))
        s.execute(text("INSERT INTO partner (id, operation_id, name, kind, created_at, "
                       "updated_at) SELECT i, 1, 'Partner ' || i, 'ngo', now(), now() "
                       "FROM generate_series(1, :p) i"), {"p": PARTNERS})
    steps = [
        ("persons", "INSERT INTO person (id, partner_id, beneficiary_id, sex, age_years, "
         "nationality, migrant_status, registered_on, created_at, updated_at) "
         "SELECT i, 1 + i % :p, 'B' || i, CASE WHEN i % 2 = 0 THEN 'f' ELSE 'm' END, "
         "18 + i % 50, 'KGZ', 'returnee', date '2021-01-01' + (i % 365), now(), now() "
         "FROM generate_series(1, :n) i"),
        ("identities", "INSERT INTO person_identity (person_id, given_name, family_name, "
         "document_type, document_number, created_at, updated_at) "
         "SELECT i, (CAST(:g AS text[]))[1 + i % 40], "
         "(CAST(:f AS text[]))[1 + (i / 40) % 40], 'passport', 'AC' || i, "
         "now(), now() FROM generate_series(1, :n) i"),
        ("search tokens", "INSERT INTO person_name_token (person_id, partner_id, token) "
         "SELECT i, 1 + i % :p, (CAST(:gk AS text[]))[1 + i % 40] "
         "FROM generate_series(1, :n) i UNION ALL "
         "SELECT i, 1 + i % :p, (CAST(:fk AS text[]))[1 + (i / 40) % 40] "
         "FROM generate_series(1, :n) i UNION ALL "
         "SELECT i, 1 + i % :p, 'ac' || i FROM generate_series(1, :n) i"),
        ("cases", "INSERT INTO case_file (id, partner_id, person_id, kind, status, "
         "opened_on, created_at, updated_at) SELECT id, partner_id, id, 'general', 'open', "
         "registered_on, now(), now() FROM person"),
        ("assistance", "INSERT INTO assistance (partner_id, record_id, case_id, person_id, "
         "type, delivered_on, created_at, updated_at) SELECT p.partner_id, "
         "'R' || p.id || '-' || k, p.id, p.id, CASE WHEN k = 1 THEN 'food' ELSE 'hygiene' "
         "END, p.registered_on + k, now(), now() FROM person p CROSS JOIN "
         "generate_series(1, 2) k"),
    ]
    params = {"n": n, "p": PARTNERS, "g": GIVEN, "f": FAMILY,
              "gk": [fold(g) for g in GIVEN], "fk": [fold(f) for f in FAMILY]}
    for label, sql in steps:
        t = time.perf_counter()
        with engine.begin() as conn:
            conn.execute(text(sql), params)
        print(f"  filled {label} in {time.perf_counter() - t:.0f} s", flush=True)
    with engine.begin() as conn:
        for table in ("person", "case_file", "assistance", "person_identity"):
            conn.execute(text(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                              f"(SELECT max(id) FROM {table}))") if table != "person_identity"
                         else text("SELECT 1"))
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text("VACUUM ANALYZE"))
    print(f"filled {n} persons, {2 * n} assistance in {time.perf_counter() - t0:.0f} s")
    engine.dispose()


def make_users(url: str) -> dict[str, str]:
    engine = make_engine(url)
    tokens = {}
    suffix = str(int(time.time()))
    with unit_of_work(engine) as s:
        for name, role, partner, country in [
            ("bench_worker", Role.PARTNER_CASEWORKER, "Partner 1", None),
            ("bench_protection", Role.PROTECTION_OFFICER, None, "KGZ"),
        ]:
            users.add_user(s, name + suffix, role, "bench password", partner, country)
            tokens[name] = users.new_token(s, name + suffix)
    engine.dispose()
    return tokens


def _cpu(pid: int) -> float:
    """CPU seconds (user + system) a process has used, or 0 if it is gone."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _children(pid: int) -> set[int]:
    found = {pid}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                ppid = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, ValueError, IndexError):
                continue
            if ppid == pid:
                found |= _children(int(entry.name))
    return found


class CpuMeter:
    """CPU time of the server's processes and of the database's backends serving it."""

    def __init__(self, url: str, server: int) -> None:
        self.engine, self.server = make_engine(url), server

    def sample(self) -> dict[int, float]:
        with self.engine.connect() as conn:
            backends = conn.execute(text(
                "SELECT pid FROM pg_stat_activity WHERE datname = current_database() "
                "AND pid <> pg_backend_pid()")).scalars().all()
        return {p: _cpu(p) for p in {*_children(self.server), *backends}}

    def since(self, before: dict[int, float]) -> tuple[float, float]:
        """Server and database CPU seconds used since ``before``."""
        now, server = self.sample(), _children(self.server)
        used = {p: now[p] - before.get(p, 0.0) for p in now}
        return (sum(v for p, v in used.items() if p in server),
                sum(v for p, v in used.items() if p not in server))


def _port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


async def _exchange(reader: asyncio.StreamReader, writer: asyncio.StreamWriter,
                    request: bytes) -> int:
    """Send one HTTP/1.1 request on a kept-alive connection; returns the status once the
    whole body is read."""
    writer.write(request)
    status = int((await reader.readline()).split()[1])
    length = 0
    while (line := await reader.readline()) not in (b"\r\n", b""):
        name, _, value = line.partition(b":")
        if name.lower() == b"content-length":
            length = int(value)
    await reader.readexactly(length)
    return status


def _request(method: str, path: str, token: str, body: bytes = b"") -> bytes:
    head = (f"{method} {quote(path, safe='/?=&+')} HTTP/1.1\r\nHost: 127.0.0.1\r\n"
            f"Authorization: Bearer {token}\r\n")
    if body:
        head += f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n"
    return (head + "\r\n").encode() + body


async def _closed_loop(port: int, requests: list[bytes], expect: int, clients: int,
                       cap_seconds: float) -> tuple[list[float], int, float]:
    """``clients`` connections, each sending its next request as soon as the last one is
    answered (closed loop, no think time), until every request is sent or the cap passes;
    returns the latencies (ms) of the answers with status ``expect``, the errors, the wall
    time."""
    todo = iter(requests)
    latencies: list[float] = []
    errors = 0
    deadline = time.monotonic() + cap_seconds

    async def client() -> None:
        nonlocal errors
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        try:
            for request in todo:
                if time.monotonic() > deadline:
                    break
                t = time.perf_counter()
                status = await _exchange(reader, writer, request)
                if status == expect:
                    latencies.append((time.perf_counter() - t) * 1000)
                else:
                    errors += 1
        finally:
            writer.close()

    start = time.perf_counter()
    await asyncio.gather(*[client() for _ in range(clients)])
    return latencies, errors, time.perf_counter() - start


@dataclass
class Run:
    p50: float
    p95: float
    rate: float
    errors: int
    done: int  # requests answered (fewer than sent when the time cap is reached)
    client_cpu: float  # seconds of CPU the load client used


def load(port: int, token: str, paths: list[str], clients: int = 20,
         cap_seconds: float = 60) -> Run:
    """Send every path once with ``clients`` at a time (a light asyncio client on raw
    HTTP/1.1 keep-alive connections, so that the client takes little of the CPU the server
    needs)."""
    return _run(port, [_request("GET", p, token) for p in paths], 200, clients, cap_seconds)


def _run(port: int, requests: list[bytes], expect: int, clients: int,
         cap_seconds: float) -> Run:
    cpu = time.process_time()
    latencies, errors, wall = asyncio.run(
        _closed_loop(port, requests, expect, clients, cap_seconds))
    q = statistics.quantiles(latencies, n=100) if len(latencies) > 1 else [0.0] * 99
    return Run(q[49], q[94], len(latencies) / wall, errors, len(latencies) + errors,
               time.process_time() - cpu)


def post_run(port: int, token: str, n: int, persons: int, clients: int = 20) -> Run:
    """``n`` registrations of assistance for random persons of partner 1."""
    ids = [i for i in range(PARTNERS, persons + 1, PARTNERS)]  # partner 1's persons
    rng = random.Random(11)
    bodies = [json.dumps({"person_id": rng.choice(ids), "type": "food",
                          "delivered_on": "2021-03-01"}).encode() for _ in range(n)]
    return _run(port, [_request("POST", "/api/v1/assistance", token, b) for b in bodies],
                201, clients, 120)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", required=True, help="PostgreSQL URL of a database to fill")
    parser.add_argument("--persons", type=int, default=1_000_000)
    parser.add_argument("--requests", type=int, default=400, help="per scenario")
    parser.add_argument("--workers", type=int, default=2, help="server processes")
    parser.add_argument("--keep", action="store_true", help="reuse the filled database")
    parser.add_argument("--only", default="", help="run the scenarios whose name has this")
    args = parser.parse_args()
    if not args.keep:
        fill(args.db, args.persons)
    tokens = make_users(args.db)
    port = _port()
    env = {**os.environ, "OPENDTM_DATABASE_URL": args.db}
    with tempfile.TemporaryFile() as errors:
        measure(args, tokens, port, env, errors)


def measure(args: argparse.Namespace, tokens: dict[str, str], port: int,
            env: dict[str, str], errors: IO[bytes]) -> None:
    """Start ``opendtm serve`` (its standard error into ``errors``) and run the scenarios."""
    server = subprocess.Popen(
        [str(Path(sys.executable).parent / "opendtm"), "serve", "--port", str(port),
         "--workers", str(args.workers)], env=env, stdout=subprocess.DEVNULL, stderr=errors)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(900):
            try:
                httpx.get(f"{base}/sign-in", timeout=1)
                break
            except httpx.HTTPError:
                time.sleep(0.2)
        # Measure only once every worker serves (each says so when it is ready).
        waited = time.monotonic() + 120
        while args.workers > 1 and _said(errors).count(" ready (process ") < args.workers:
            if time.monotonic() > waited:
                print("not every worker said it was ready within 120 s", file=sys.stderr)
                break
            time.sleep(0.2)
        rng = random.Random(7)
        n = args.requests
        latin = [fold(g) for g in GIVEN]
        scenarios = {
            "list, first page (caseworker, 50k persons)":
                (tokens["bench_worker"], ["/api/v1/persons"] * n),
            "list, first page (protection officer, 1M)":
                (tokens["bench_protection"], ["/api/v1/persons"] * n),
            "name search, Cyrillic given+family (protection)":
                (tokens["bench_protection"],
                 [f"/api/v1/persons?q={rng.choice(GIVEN)}+{rng.choice(FAMILY)}"
                  for _ in range(n)]),
            "name search, Latin prefix (caseworker)":
                (tokens["bench_worker"],
                 [f"/api/v1/persons?q={rng.choice(latin)[:4]}" for _ in range(n)]),
            "document search (protection)":
                (tokens["bench_protection"],
                 [f"/api/v1/persons?q=AC{rng.randint(1, args.persons)}" for _ in range(n)]),
            "person page (protection)":
                (tokens["bench_protection"],
                 [f"/api/v1/persons/{rng.randint(1, args.persons)}" for _ in range(n)]),
        }
        if args.only:
            scenarios = {k: v for k, v in scenarios.items() if args.only in k}
        print(f"\n{args.persons} persons, {2 * args.persons} assistance; 20 concurrent "
              f"clients, {n} requests per scenario, {args.workers} server processes", flush=True)
        print("CPU: milliseconds of CPU per request used by the server processes, by the "
              "database backends and by the load client; load: the machine's 1-minute load "
              "average")
        print(f"{'scenario':48} {'p50 ms':>7} {'p95 ms':>7} {'req/s':>7} {'errors':>6} "
              f"{'srv CPU':>7} {'db CPU':>7} {'clt CPU':>7} {'load':>5}")
        meter = CpuMeter(args.db, server.pid)

        def show(label: str, run: Run, srv: float, db: float, latencies: bool = True) -> None:
            done = max(run.done, 1)
            times = f"{run.p50:7.1f} {run.p95:7.1f}" if latencies else f"{'':7} {'':7}"
            print(f"{label:48} {times} {run.rate:7.1f} {run.errors:6d} "
                  f"{1000 * srv / done:7.1f} {1000 * db / done:7.1f} "
                  f"{1000 * run.client_cpu / done:7.1f} {os.getloadavg()[0]:5.1f}", flush=True)

        for label, (token, paths) in scenarios.items():
            load(port, token, paths[:100])  # warm up (every worker compiles its statements)
            before = meter.sample()
            run = load(port, token, paths)
            show(label, run, *meter.since(before))
        if not args.only or args.only in "POST /api/v1/assistance":
            before = meter.sample()
            run = post_run(port, tokens["bench_worker"], n * 2, args.persons)
            show("POST /api/v1/assistance (caseworker)", run, *meter.since(before), False)
    finally:
        server.terminate()
        server.wait(10)
        sys.stderr.write(_said(errors))


def _said(errors: IO[bytes]) -> str:
    """What the server wrote on standard error so far."""
    errors.seek(0)
    return errors.read().decode(errors="replace")


if __name__ == "__main__":
    main()
