"""Screenings, findings and referrals of a resolved import, made in DuckDB.

``store.findings`` writes them from the staged rows with three ``INSERT ... SELECT``; on
the resolved path (``store.resolved``) the same rows are made in DuckDB from the rows of
``a`` and written once, in id order, without staging anything in SQLite:

- a screening per (person, case, day) of the rows that carry codes, unless the store holds
  one: new screenings take their ids in the order of their first row (as SQLite's
  ``SELECT DISTINCT`` over the staged rows gives them);
- a finding per screening and code, unless the store holds it;
- an incoming referral per (case, kind, organisation), unless the store holds it, dated by
  its first day: ids in (case, kind, organisation) order, a blank organisation first (as
  SQLite's ``GROUP BY`` gives them).

What the store already holds for the file's partners is read into DuckDB inside the
import's transaction (``read``), the new rows made by ``make`` (DuckDB only: it may run
while SQLite writes other tables).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import duckdb

# (DuckDB table, its columns, the store's rows of the file's partners {scope})
STORE = (
    ("ss", ("id", "person_id", "case_id", "screened_on"),
     "SELECT x.id, x.person_id, x.case_id, x.screened_on FROM screening x JOIN person p ON "
     "p.id = x.person_id WHERE p.partner_id IN ({scope})"),
    ("ssf", ("screening_id", "vulnerability"),
     "SELECT f.screening_id, f.vulnerability FROM screening_finding f JOIN screening x ON "
     "x.id = f.screening_id JOIN person p ON p.id = x.person_id WHERE p.partner_id IN "
     "({scope})"),
    ("sr", ("case_id", "kind", "organisation"),
     "SELECT r.case_id, r.kind, r.organisation FROM referral r JOIN case_file c ON c.id = "
     "r.case_id WHERE r.direction = 'in' AND c.partner_id IN ({scope})"),
)  # fmt: skip
TEXT = frozenset({"screened_on", "vulnerability", "kind", "organisation"})
# (table, columns, DuckDB query of its new rows in id order)
WRITES = (
    ("screening", ("id", "person_id", "case_id", "screened_on"),
     "SELECT id, person_id, case_id, screened_on FROM ns ORDER BY id"),
    ("screening_finding", ("screening_id", "vulnerability"),
     "SELECT screening_id, vulnerability FROM nsf ORDER BY screening_id, vulnerability"),
    ("referral", ("id", "case_id", "direction", "kind", "organisation", "referred_on"),
     "SELECT id, case_id, 'in', kind, organisation, referred_on FROM nr ORDER BY id"),
)  # fmt: skip


def read(store: Callable[[str, Sequence[str], str], None], partners: str) -> None:
    """The store's screenings, findings and incoming referrals of ``partners`` (a list of
    ids) as DuckDB tables, through ``store(name, columns, sql)`` (``Resolved._store``)."""
    for name, columns, sql in STORE:
        store(name, columns, sql.format(scope=partners))


def make(con: duckdb.DuckDBPyConnection, base_screening: int, base_referral: int) -> None:
    """DuckDB tables ``ns``, ``nsf`` and ``nr`` of the rows to write (see the module)."""
    con.execute(
        f"CREATE TABLE ns AS SELECT {base_screening} + row_number() OVER (ORDER BY first_row) "
        "AS id, person_id, case_id, delivered_on AS screened_on FROM (SELECT person_id, "
        "case_id, delivered_on, min(row_no) AS first_row FROM a WHERE vulnerabilities IS NOT "
        "NULL AND person_id IS NOT NULL GROUP BY person_id, case_id, delivered_on) g WHERE "
        "NOT EXISTS (SELECT 1 FROM ss WHERE ss.person_id = g.person_id AND ss.case_id = "
        "g.case_id AND ss.screened_on = g.delivered_on)")
    con.execute(
        "CREATE TABLE nsf AS SELECT DISTINCT x.id AS screening_id, s.v AS vulnerability FROM "
        "(SELECT person_id, case_id, delivered_on, unnest(string_split(vulnerabilities, ' ')) "
        "AS v FROM a WHERE vulnerabilities IS NOT NULL) s JOIN (SELECT id, person_id, case_id, "
        "screened_on FROM ss UNION ALL SELECT id, person_id, case_id, screened_on FROM ns) x "
        "ON x.person_id = s.person_id AND x.case_id = s.case_id AND x.screened_on = "
        "s.delivered_on WHERE s.v <> '' AND NOT EXISTS (SELECT 1 FROM ssf f WHERE "
        "f.screening_id = x.id AND f.vulnerability = s.v)")
    con.execute(
        f"CREATE TABLE nr AS SELECT {base_referral} + row_number() OVER (ORDER BY case_id, "
        "referral_kind, referral_org NULLS FIRST) AS id, case_id, referral_kind AS kind, "
        "referral_org AS organisation, min(delivered_on) AS referred_on FROM a WHERE "
        "referral_kind IS NOT NULL AND NOT EXISTS (SELECT 1 FROM sr WHERE sr.case_id = "
        "a.case_id AND sr.kind = a.referral_kind AND sr.organisation IS NOT DISTINCT FROM "
        "a.referral_org) GROUP BY case_id, referral_kind, referral_org")
