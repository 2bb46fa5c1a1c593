"""A clean file's new records written to SQLite with every id resolved in DuckDB first.

The loader stages every checked row in SQLite and resolves families, persons and cases with
``UPDATE`` passes over the wide staged rows. When the set-based reading has the file in
DuckDB and none of its records is in the store yet (a first import, or a file of new
records), the same work is done there instead: the store's keys of the file's partners
(families, persons, open cases) are read into DuckDB once, new families, persons and cases
take the ids SQLite would give them (the greatest id so far plus their rank in the order
the loader inserts them), and each store table gets only its own columns, in id order,
with one ``executemany`` per batch. The database written is the loader's, row for row.

A file one of whose records is already in the store (an update) goes to the loader.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator, Sequence
from contextlib import AbstractContextManager
from typing import TYPE_CHECKING, Any

import duckdb
import pyarrow as pa

from opendtm.store import bulk, findings, references
from opendtm.store.loader import update_persons
from opendtm.store.staging import BATCH, STAGE_COLUMNS, Staging
from opendtm.timing import timed

if TYPE_CHECKING:
    from opendtm.ingest.vectorised import Checked

log = logging.getLogger(__name__)
WRITING_MEMORY = "192MB"  # DuckDB's memory while SQLite writes (see ``Resolved._cases``)
_IDENTITY = ("given_name", "family_name", "patronymic", "document_number", "phone")
_PERSON = ("sex", "date_of_birth", "age_years", "nationality", "family_id", "migrant_status",
           *_IDENTITY)  # fmt: skip
_ASSISTANCE = ("id", "partner_id", "record_id", "case_id", "person_id", "family_id", "type",
               "delivered_on", "admin1_code", "city_id", "return_from", "return_to",
               "transport_mode", "consultation_topic")  # fmt: skip
_KEPT = ("row_no", "rp.partner_id", "record_id", "row_hash", "person_id", "rp.family_id", "type",
         "delivered_on", "admin1_code", "city_id", "return_from", "return_to", "transport_mode",
         "consultation_topic", "vulnerabilities", "referral_kind", "referral_org")
_TEXT = frozenset({"family_code", "beneficiary_id", "record_id", "code"})  # see ``_store``
_PARAMS = "partner_id, record_id, row_hash, row_no, vulnerabilities"
_FINDINGS = ("row_no", "partner_id", "record_id", "row_hash", "delivered_on", "person_id",
             "family_id", "case_id", "vulnerabilities", "referral_kind", "referral_org")


def _timed(step: str) -> AbstractContextManager[None]:
    return timed(log, step)


class Resolved:
    """The resolved rows of one import in DuckDB, ready to be written (see the module)."""

    def __init__(self, staging: Staging, con: duckdb.DuckDBPyConnection,
                 step: Callable[[float], None]) -> None:
        self.staging, self.conn, self.con, self.step = staging, staging.conn, con, step
        self.base_person = 0  # the greatest person id before the import
        self.total = 1  # rows to write
        self.base_assistance = 0  # the greatest assistance id before the import

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

    def _one(self, sql: str) -> int:
        return int(self.con.execute(sql).fetchall()[0][0])

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
                    f"SELECT partner_id, person_id, min(id) {open_case} person_id IS NOT "
                    "NULL GROUP BY partner_id, person_id")
        self._store("ocf", ("partner_id", "family_id", "id"),
                    f"SELECT partner_id, family_id, min(id) {open_case} person_id IS NULL "
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
            + ", ".join(f"max({c}) AS {c}" for c in _PERSON)
            + ", max(return_from) AS previous_country, min(delivered_on) AS first_day "
            "FROM r WHERE beneficiary_id IS NOT NULL GROUP BY partner_id, beneficiary_id) g "
            "LEFT JOIN sp USING (partner_id, beneficiary_id)")
        con.execute("CREATE VIEW rp AS SELECT r.*, ip.id AS person_id FROM r LEFT JOIN ip "
                    "USING (partner_id, beneficiary_id)")
        self._cases()
        # What the rows refer to beyond the file's partners (see ``references``).
        self._store("spt", ("id",), "SELECT id FROM partner")
        self._store("sad", ("code",), "SELECT code FROM admin1")
        self._store("sct", ("id",), "SELECT id FROM city")
        return True

    def broken(self) -> list[references.Broken]:
        """The references of the rows to write that name no row (see ``references``)."""
        return references.resolved(self.con, self.base_person)

    def _cases(self) -> None:
        """Each row's case: its subject's oldest open case, or a new one per subject
        (persons first, then families without a person), as the loader opens them."""
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
        # Only the columns written from here on, stored in id order (the file's): the
        # writing reads them back in that order without sorting them again. Every id is
        # given explicitly, so the order only keeps SQLite's inserts sequential.
        con.execute(
            f"CREATE TABLE a AS SELECT {self.base_assistance} + row_number() OVER (ORDER BY "
            f"row_no) AS id, {', '.join(_KEPT)}, cm.id AS case_id FROM rp LEFT JOIN cm ON "
            "cm.partner_id = rp.partner_id AND cm.subject = coalesce(rp.person_id, "
            "-rp.family_id) ORDER BY id")
        con.execute("DROP VIEW rp")
        con.execute("DROP VIEW r")
        con.execute("DROP TABLE s")
        # SQLite's page caches grow while the rows are written: DuckDB keeps less in memory
        # from here on and reads the rest back from its spill folder.
        con.execute(f"SET memory_limit = '{WRITING_MEMORY}'")

    # -- writing ---------------------------------------------------------------------

    def _rows(self, sql: str) -> Iterator[list[tuple[Any, ...]]]:
        """The rows of DuckDB query ``sql`` as tuples, ``BATCH`` at a time (DuckDB's own
        conversion: cheaper than Arrow's column lists zipped into rows)."""
        cur = self.con.cursor()  # its own result, whatever else runs meanwhile
        try:
            cur.execute(sql)
            while rows := cur.fetchmany(BATCH):
                yield rows
        finally:
            cur.close()

    def _insert(self, table: str, columns: Sequence[str] | str, sql: str,
                suffix: str = "") -> int:
        """``executemany`` of the rows of DuckDB query ``sql`` into ``table`` (its
        ``columns``, or a text of the columns and values)."""
        driver = self.conn.connection.driver_connection
        assert driver is not None
        values = columns if isinstance(columns, str) else (
            f"({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})")
        statement = f"INSERT INTO {table} {values}{suffix}"
        done, cur = 0, driver.cursor()
        try:
            for rows in self._rows(sql):
                cur.executemany(statement, rows)
                done += len(rows)
                if table == "assistance":
                    self.step(done / self.total)
        finally:
            cur.close()
        return done

    def apply(self, batch_id: int) -> dict[str, int]:
        """Write the resolved rows; returns counts of what was created and updated."""
        conn = self.conn
        self.total = max(self._one("SELECT count(*) FROM a"), 1)
        counts = {"updated": 0, "vulnerabilities_removed": 0}
        with _timed("families"):
            counts["families_created"] = self._insert(
                "family", ("id", "partner_id", "family_code"),
                "SELECT id, partner_id, family_code FROM nf ORDER BY id")
        with _timed("persons"):
            counts.update(self._persons())
        new_cases = self._one("SELECT count(*) FROM nc")
        with _timed("cases"), bulk.loading(conn, "case_file", new_cases):
            self._insert("case_file", ("id", "partner_id", "person_id", "family_id", "kind",
                                       "status", "opened_on"),
                         "SELECT id, partner_id, person_id, family_id, kind, 'open', "
                         "opened_on FROM nc ORDER BY id")
        with _timed("screenings and referrals"):
            self._findings()
        with _timed("assistance"), bulk.loading(conn, "assistance", self.total):
            counts["created"] = self._insert("assistance", _ASSISTANCE, "SELECT "
                                             + ", ".join(_ASSISTANCE) + " FROM a")
        with _timed("import records"), bulk.loading(conn, "import_record", self.total):
            self._insert("import_record", f"(batch_id, {_PARAMS}) VALUES ({int(batch_id)}, "
                         "?, ?, ?, ?, ?)",
                         "SELECT partner_id, record_id, row_hash, row_no, vulnerabilities "
                         "FROM a", " ON CONFLICT (partner_id, record_id) DO UPDATE "
                         "SET row_hash = excluded.row_hash, batch_id = excluded.batch_id, row_no = "
                         "excluded.row_no, vulnerabilities = excluded.vulnerabilities")
        with _timed("import changes"), bulk.loading(conn, "import_change", self.total):
            # From the rows just written, in id order (the file's): no round trip.
            conn.exec_driver_sql(
                "INSERT INTO import_change (batch_id, action, row_no, partner_id, record_id, "
                "assistance_id) SELECT ?, 'created', r.row_no, a.partner_id, a.record_id, a.id "
                "FROM assistance a JOIN import_record r ON r.partner_id = a.partner_id AND "
                "r.record_id = a.record_id WHERE a.id > ?", (batch_id, self.base_assistance))
        return counts

    def _persons(self) -> dict[str, int]:
        new = f"FROM ip WHERE id > {self.base_person} ORDER BY id"
        created = self._one(f"SELECT count(*) FROM ip WHERE id > {self.base_person}")
        with bulk.loading(self.conn, "person", created):
            self._insert("person", ("id", "partner_id", "beneficiary_id", "family_id", "sex",
                                    "date_of_birth", "age_years", "nationality",
                                    "migrant_status", "previous_country", "registered_on"),
                         "SELECT id, partner_id, beneficiary_id, family_id, sex, date_of_birth, "
                         "age_years, nationality, coalesce(migrant_status, 'other'), "
                         f"previous_country, first_day {new}")
        ids = ", ".join(_IDENTITY)
        self._insert("person_identity", ("person_id", *_IDENTITY),
                     f"SELECT id, {ids} FROM ip WHERE id > {self.base_person} AND ("
                     + " OR ".join(f"{c} IS NOT NULL" for c in _IDENTITY) + ") ORDER BY id")
        # Persons already in the store: the loader's update, from their rows only.
        columns = ("partner_id", "beneficiary_id", *_PERSON, "previous_country", "first_day")
        self.staging._temp("import_person", f"({', '.join(columns)})")
        self._insert("import_person", columns, f"SELECT {', '.join(columns)} FROM ip WHERE "
                     f"id <= {self.base_person} ORDER BY id")
        return {"persons_created": created, "persons_updated": update_persons(self.conn)}

    def _findings(self) -> None:
        """The rows that carry vulnerabilities or a referral, staged for ``findings``."""
        rows = "FROM a WHERE vulnerabilities IS NOT NULL OR referral_kind IS NOT NULL"
        vulns: list[tuple[int, str]] = []
        for batch in self._rows(f"SELECT {', '.join(_FINDINGS)} {rows}"):
            self.staging._write("import_stage", _FINDINGS, batch)
            vulns.extend((r[0], v) for r in batch if r[8] for v in r[8].split())
        self.staging._write("import_vuln", ("row_no", "vulnerability"), vulns)
        findings.write(self.conn)


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
