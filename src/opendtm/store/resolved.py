"""A clean file's new records written to SQLite with every id resolved in DuckDB first.

The loader stages every checked row in SQLite and resolves families, persons and cases with
``UPDATE`` passes over the wide staged rows. When the set-based reading has the file in
DuckDB and none of its records is in the store yet (a first import, or a file of new
records), the same work is done there instead: the store's keys of the file's partners
(families, persons, open cases) are read into DuckDB once, new families, persons and cases
take the ids SQLite would give them (the greatest id so far plus their rank in the order
the loader inserts them), and each store table gets only its own columns, in id order,
with one ``executemany`` per batch (``resolved_writing``). The database written is the
loader's, row for row; its references are proved before it is written (``references``).

A file one of whose records is already in the store (an update) goes to the loader.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from contextlib import AbstractContextManager
from typing import TYPE_CHECKING

import pyarrow as pa

from opendtm.store import references, resolved_findings
from opendtm.store.resolved_writing import PERSON, Writing
from opendtm.store.staging import STAGE_COLUMNS, Staging
from opendtm.timing import timed

if TYPE_CHECKING:
    from opendtm.ingest.vectorised import Checked

log = logging.getLogger(__name__)
WRITING_MEMORY = "192MB"  # DuckDB's memory while SQLite writes (see ``Resolved._cases``)
_KEPT = ("row_no", "rp.partner_id", "record_id", "row_hash", "person_id", "rp.family_id", "type",
         "delivered_on", "admin1_code", "city_id", "return_from", "return_to", "transport_mode",
         "consultation_topic", "vulnerabilities", "referral_kind", "referral_org")
_TEXT = frozenset({"family_code", "beneficiary_id", "record_id", "code",
                   *resolved_findings.TEXT})  # see ``_store``


def _timed(step: str) -> AbstractContextManager[None]:
    return timed(log, step)


class Resolved(Writing):
    """The resolved rows of one import in DuckDB, ready to be written (see the module)."""

    def _store(self, name: str, columns: Sequence[str], sql: str) -> None:
        """A query of the store, as DuckDB table ``name`` (``columns``: those of ``_TEXT``
        are text, all others integers)."""
        rows = self.conn.exec_driver_sql(sql).fetchall()
        data = list(zip(*rows, strict=True)) if rows else [() for _ in columns]
        kinds = [pa.string() if c in _TEXT else pa.int64() for c in columns]
        arrow = pa.table({c: pa.array(list(v), k) for c, v, k in zip(columns, data, kinds,
                                                                     strict=True)})
        self.con.register(f"{name}_arrow", arrow)
        self.con.execute(f"CREATE TABLE {name} AS SELECT * FROM {name}_arrow")
        self.con.unregister(f"{name}_arrow")

    def _max(self, table: str) -> int:
        return int(self.conn.exec_driver_sql(
            f"SELECT coalesce(max(id), 0) FROM {table}").scalar_one())

    def resolve(self, partners: str) -> bool:
        """Ids for every row; ``False`` when a record of the file is in the store."""
        con, scope = self.con, f"partner_id IN ({partners})"
        self._store("sa", ("partner_id", "record_id"),
                    f"SELECT partner_id, record_id FROM assistance WHERE {scope}")
        if con.execute("SELECT 1 FROM s JOIN sa USING (partner_id, record_id) LIMIT 1"
                       ).fetchall():
            return False
        self._store("sf", ("id", "partner_id", "family_code"),
                    f"SELECT id, partner_id, family_code FROM family WHERE {scope}")
        self._store("sp", ("id", "partner_id", "beneficiary_id"),
                    f"SELECT id, partner_id, beneficiary_id FROM person WHERE {scope}")
        open_case = f"FROM case_file WHERE {scope} AND status <> 'closed' AND "
        self._store("ocp", ("partner_id", "person_id", "id"),
                    f"SELECT partner_id, person_id, max(id) {open_case} person_id IS NOT "
                    "NULL GROUP BY partner_id, person_id")
        self._store("ocf", ("partner_id", "family_id", "id"),
                    f"SELECT partner_id, family_id, max(id) {open_case} person_id IS NULL "
                    "AND family_id IS NOT NULL GROUP BY partner_id, family_id")
        # New families in the order of their first row by (partner, beneficiary, row).
        con.execute(
            f"CREATE TABLE nf AS SELECT partner_id, family_code, {self._max('family')} + "
            "row_number() OVER (ORDER BY partner_id, beneficiary_id NULLS FIRST, row_no) AS id "
            "FROM (SELECT partner_id, family_code, beneficiary_id, row_no, row_number() OVER "
            "(PARTITION BY partner_id, family_code ORDER BY beneficiary_id NULLS FIRST, "
            "row_no) AS n FROM s WHERE family_code IS NOT NULL AND NOT EXISTS (SELECT 1 FROM "
            "sf WHERE sf.partner_id = s.partner_id AND sf.family_code = s.family_code)) "
            "WHERE n = 1")
        # Views, not tables: each is a hash join DuckDB repeats faster than it copies rows.
        con.execute("CREATE VIEW r AS SELECT s.*, f.id AS family_id FROM s LEFT JOIN (SELECT "
                    "partner_id, family_code, id FROM sf UNION ALL SELECT partner_id, "
                    "family_code, id FROM nf) f USING (partner_id, family_code)")
        # One row per person; where rows disagree the greatest value is kept.
        # A person held keeps its id; new persons take the next ids in (partner,
        # beneficiary) order: the count of new persons so far is each one's rank.
        self.base_person = self._max("person")
        con.execute(
            "CREATE TABLE ip AS SELECT g.*, coalesce(sp.id, "
            f"{self.base_person} + sum(CASE WHEN sp.id IS NULL THEN 1 ELSE 0 END) OVER "
            "(ORDER BY g.partner_id, g.beneficiary_id ROWS UNBOUNDED PRECEDING))::BIGINT "
            "AS id FROM (SELECT partner_id, beneficiary_id, "
            + ", ".join(f"max({c}) AS {c}" for c in PERSON)
            + ", max(return_from) AS previous_country, min(delivered_on) AS first_day "
            "FROM r WHERE beneficiary_id IS NOT NULL GROUP BY partner_id, beneficiary_id) g "
            "LEFT JOIN sp USING (partner_id, beneficiary_id)")
        con.execute("CREATE VIEW rp AS SELECT r.*, ip.id AS person_id FROM r LEFT JOIN ip "
                    "USING (partner_id, beneficiary_id)")
        if not self._cases():
            return False
        # What the rows refer to beyond the file's partners (see ``references``).
        self._store("spt", ("id",), "SELECT id FROM partner")
        self._store("sad", ("code",), "SELECT code FROM admin1")
        self._store("sct", ("id",), "SELECT id FROM city")
        resolved_findings.read(self._store, partners)
        self.base_screening, self.base_referral = self._max("screening"), self._max("referral")
        return True

    def broken(self) -> list[references.Broken]:
        """The references of the rows to write that name no row (see ``references``)."""
        return references.resolved(self.con, self.base_person)

    def _cases(self) -> bool:
        """Each row's case: its subject's newest open case, or a new one per subject
        (persons first, then families without a person), as the loader opens them;
        ``False`` when the rows do not come out in the file's order."""
        con, base = self.con, self._max("case_file")
        kind = ("CASE WHEN bool_or(type = 'return') THEN 'avr' ELSE 'general' END AS kind, "
                "min(delivered_on) AS opened_on")
        con.execute(
            f"CREATE TABLE nc AS SELECT {base} + row_number() OVER (ORDER BY partner_id, "
            f"person_id) AS id, partner_id, person_id, max(family_id) AS family_id, {kind} "
            "FROM rp WHERE person_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM ocp WHERE "
            "ocp.partner_id = rp.partner_id AND ocp.person_id = rp.person_id) "
            "GROUP BY partner_id, person_id")
        base += self._one("SELECT count(*) FROM nc")
        con.execute(
            f"INSERT INTO nc SELECT {base} + row_number() OVER (ORDER BY partner_id, "
            f"family_id), partner_id, NULL, family_id, {kind} FROM rp WHERE person_id IS NULL "
            "AND family_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM ocf WHERE ocf.partner_id "
            "= rp.partner_id AND ocf.family_id = rp.family_id) GROUP BY partner_id, family_id")
        # Each subject's case, keyed by the person's id or the family's id negated.
        con.execute("CREATE TABLE cm AS SELECT partner_id, person_id AS subject, id FROM ocp "
                    "UNION ALL SELECT partner_id, -family_id, id FROM ocf UNION ALL SELECT "
                    "partner_id, coalesce(person_id, -family_id), id FROM nc")
        self.base_assistance = self._max("assistance")
        # Only the columns written from here on, stored in the file's order, sorted once:
        # the writing reads them back in that order without sorting them again, and a
        # row's place in the table (its rowid: DuckDB stores the rows of a CREATE TABLE
        # ... ORDER BY in that order) gives its id.
        con.execute(
            f"CREATE TABLE a_rows AS SELECT {', '.join(_KEPT)}, cm.id AS case_id FROM rp LEFT "
            "JOIN cm ON cm.partner_id = rp.partner_id AND cm.subject = coalesce(rp.person_id, "
            "-rp.family_id) ORDER BY row_no")
        con.execute(f"CREATE VIEW a AS SELECT {self.base_assistance} + 1 + rowid AS id, * "
                    "FROM a_rows")
        if self._one("SELECT count(*) FROM (SELECT row_no - lag(row_no) OVER (ORDER BY "
                     "rowid) AS step FROM a_rows) WHERE step <= 0"):
            return False  # not in the file's order after all: the loader writes the rows
        con.execute("DROP VIEW rp")
        con.execute("DROP VIEW r")
        con.execute("DROP TABLE s")
        # SQLite's page caches grow while the rows are written: DuckDB keeps less in memory
        # from here on and reads the rest back from its spill folder.
        con.execute(f"SET memory_limit = '{WRITING_MEMORY}'")
        return True


def resolve(staging: Staging, checked: Checked,
            step: Callable[[float], None]) -> Resolved | None:
    """The rows the set-based reading left to write (the staging columns, see
    ``ingest.vectorised``) resolved for SQLite; ``None`` when the loader must write them
    (PostgreSQL, nothing to write, or a record of the file already in the store: the
    loader then stages them from DuckDB table ``s``)."""
    if staging.pg:
        return None
    con = checked.con
    with _timed("converted rows in DuckDB"):
        checked.materialise("s", STAGE_COLUMNS)
    with _timed("resolving ids in DuckDB"):
        partners = [int(p) for (p,) in con.execute(
            "SELECT DISTINCT partner_id FROM s ORDER BY 1").fetchall()]
        if not partners:
            return None
        resolved = Resolved(staging, con, step)
        return resolved if resolved.resolve(", ".join(map(str, partners))) else None
