"""Pages benchmark: the families list and a family page, the referral and consultation
lists, the dashboard charts (drawn, then cached) and a bulletin build, through the JSON API
in process, on the demo dataset plus generated families and referrals.

    python benchmarks/pages_bench.py --families 20000 \
        [--db "postgresql+psycopg:///opendtm_pages?host=/var/run/postgresql"]

The machine may be shared: every figure is printed as wall and CPU time, and as a ratio to
the person list's first page measured in the same run. Nothing is asserted.
"""

from __future__ import annotations

import argparse
import datetime as dt
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from fastapi.testclient import TestClient
from sqlalchemy import insert, select

from opendtm.domain.taxonomy import ReferralDirection, ReferralKind, Role
from opendtm.services import users
from opendtm.services.demo import prepare_demo
from opendtm.store import models as m
from opendtm.store import schema
from opendtm.store.database import make_engine, unit_of_work
from opendtm.web.app import create_app


def fill(url: str, families: int) -> str:
    engine = make_engine(url)
    schema.downgrade(engine, "base")
    engine.dispose()
    prepare_demo(url)
    engine = make_engine(url)
    with unit_of_work(engine) as s:
        partner = s.scalars(select(m.Partner).order_by(m.Partner.id)).first()
        assert partner is not None
        day = dt.date(2021, 3, 1)
        s.execute(insert(m.Family), [{"partner_id": partner.id, "family_code": f"BF-{i:07d}"}
                                     for i in range(families)])
        ids = list(s.scalars(select(m.Family.id).where(m.Family.family_code.like("BF-%"))))
        s.execute(insert(m.Person), [
            {"partner_id": partner.id, "beneficiary_id": f"BP-{fid}-{k}", "family_id": fid,
             "registered_on": day, "age_years": 30 - 20 * k} for fid in ids for k in (0, 1)])
        persons = list(s.scalars(select(m.Person.id).where(
            m.Person.beneficiary_id.like("BP-%"))))
        s.execute(insert(m.Case), [{"partner_id": partner.id, "person_id": p, "opened_on": day}
                                   for p in persons[::2]])
        cases = list(s.scalars(select(m.Case.id).where(m.Case.person_id.in_(
            select(m.Person.id).where(m.Person.beneficiary_id.like("BP-%"))))))
        kinds = list(ReferralKind)
        s.execute(insert(m.Referral), [
            {"case_id": c, "direction": ReferralDirection.OUT if i % 3 else ReferralDirection.IN,
             "kind": kinds[i % len(kinds)], "referred_on": day} for i, c in enumerate(cases)])
        users.add_user(s, "bench", Role.ADMINISTRATOR, "correct horse battery")
        token = users.new_token(s, "bench")
    engine.dispose()
    return token


def timed(call: Callable[[], object], n: int) -> tuple[float, float, float]:
    """Median and 95th percentile wall time, and mean CPU time, in milliseconds."""
    walls, cpus = [], []
    for _ in range(n):
        w, c = time.perf_counter(), time.process_time()
        call()
        walls.append((time.perf_counter() - w) * 1000)
        cpus.append((time.process_time() - c) * 1000)
    walls.sort()
    p95 = walls[min(len(walls) - 1, int(0.95 * len(walls)))]
    return statistics.median(walls), p95, statistics.mean(cpus)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--families", type=int, default=20_000)
    parser.add_argument("--db", default=None)
    parser.add_argument("--n", type=int, default=30)
    args = parser.parse_args()
    url = args.db or f"sqlite:///{Path(tempfile.mkdtemp()) / 'pages.db'}"
    t0 = time.perf_counter()
    token = fill(url, args.families)
    print(f"filled {url.split(':')[0]} in {time.perf_counter() - t0:.1f} s "
          f"(demo + {args.families} families of 2, {args.families} referrals)")
    engine = make_engine(url)
    client = TestClient(create_app(engine), base_url="https://testserver")
    hdr = {"Authorization": f"Bearer {token}"}

    def get(path: str, **params: object) -> Callable[[], object]:
        def call() -> object:
            r = client.get(path, params=params, headers=hdr)
            assert r.status_code == 200, r.text
            return r
        return call

    family = client.get("/api/v1/families", headers=hdr).json()["items"][0]["id"]
    scenarios = [
        ("persons, first page (baseline)", get("/api/v1/persons"), args.n),
        ("families, first page", get("/api/v1/families"), args.n),
        ("families, code search", get("/api/v1/families", q="BF-00012"), args.n),
        ("family page", get(f"/api/v1/families/{family}"), args.n),
        ("referrals, first page", get("/api/v1/referrals"), args.n),
        ("referrals, out and pending", get("/api/v1/referrals", direction="out",
                                            status="pending"), args.n),
        ("consultations with totals", get("/api/v1/consultations"), args.n),
        ("charts, drawn (first call)", get("/api/v1/dashboard/charts", country="KGZ"), 1),
        ("charts, cached", get("/api/v1/dashboard/charts", country="KGZ"), args.n),
    ]
    base = None
    print(f"{'scenario':34} {'median ms':>10} {'p95 ms':>8} {'cpu ms':>8} {'x base':>7}")
    for name, call, n in scenarios:
        median, p95, cpu = timed(call, n)
        base = base or median
        print(f"{name:34} {median:10.1f} {p95:8.1f} {cpu:8.1f} {median / base:7.1f}")
    w, c = time.perf_counter(), time.process_time()
    r = client.post("/api/v1/bulletins", headers=hdr,
                    json={"countries": ["KGZ"], "language": "ru", "formats": ["html", "json"]})
    assert r.status_code == 200, r.text
    print(f"{'bulletin KGZ, HTML + JSON':34} {(time.perf_counter() - w) * 1000:10.1f} "
          f"{'':8} {(time.process_time() - c) * 1000:8.1f}")
    engine.dispose()


if __name__ == "__main__":
    main()
