"""The writing half of ``store.resolved``: each store table gets only its own columns from
DuckDB, in id order, with one ``executemany`` per batch (see ``resolved``'s docstring)."""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import AbstractContextManager
from typing import Any, TypeVar

import duckdb
import pyarrow as pa

from opendtm.store import bulk, resolved_findings
from opendtm.store.loader import update_persons
from opendtm.store.staging import BATCH, Staging
from opendtm.timing import timed

log = logging.getLogger("opendtm.store.resolved")  # one log for both halves
_T = TypeVar("_T")
_IDENTITY = ("given_name", "family_name", "patronymic", "document_number", "phone")
PERSON = ("sex", "date_of_birth", "age_years", "nationality", "family_id", "migrant_status",
          *_IDENTITY)  # fmt: skip
_ASSISTANCE = ("id", "partner_id", "record_id", "case_id", "person_id", "family_id", "type",
               "delivered_on", "admin1_code", "city_id", "return_from", "return_to",
               "transport_mode", "consultation_topic")  # fmt: skip
_IMPORTED = ("import_hash", "import_batch_id", "import_row", "import_vulnerabilities")


def _timed(step: str) -> AbstractContextManager[None]:
    return timed(log, step)


class Writing:
    """Writes the DuckDB tables ``Resolved`` makes (``nf``, ``ip``, ``nc``, ``a``) to SQLite."""

    def __init__(self, staging: Staging, con: duckdb.DuckDBPyConnection,
                 step: Callable[[float], None]) -> None:
        self.staging, self.conn, self.con, self.step = staging, staging.conn, con, step
        self.base_person = 0  # the greatest person id before the import
        self.total = 1  # rows to write
        self.base_assistance = 0  # the greatest assistance id before the import
        self.base_screening = self.base_referral = 0  # likewise
        self._digest: Future[str] | None = None  # of the changes, made while they are written

    def _one(self, sql: str) -> int:
        return int(self.con.execute(sql).fetchall()[0][0])

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
        """Write the resolved rows; returns counts of what was created and updated. What
        DuckDB alone makes for later (the screenings, findings and referrals to write, the
        digest of the changes) is made on a thread of its own meanwhile: DuckDB and SQLite
        both let go of Python's lock while they work, so the two run on two cores."""
        self.total = max(self._one("SELECT count(*) FROM a"), 1)
        with ThreadPoolExecutor(max_workers=1, thread_name_prefix="duckdb") as pool:
            made = pool.submit(_aside, self.con.cursor(), resolved_findings.make,
                               self.base_screening, self.base_referral)
            self._digest = pool.submit(_aside, self.con.cursor(), _digest)
            return self._write(batch_id, made)

    def _write(self, batch_id: int, made: Future[None]) -> dict[str, int]:
        conn = self.conn
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
            made.result()
            self._findings()
        with _timed("assistance"), bulk.loading(conn, "assistance", self.total):
            # with what the import wrote, kept on the record (migration 0012)
            counts["created"] = self._insert(
                "assistance", (*_ASSISTANCE, *_IMPORTED), "SELECT " + ", ".join(_ASSISTANCE)
                + f", row_hash, {int(batch_id)}, row_no, vulnerabilities FROM a")
        with _timed("import changes"), bulk.loading(conn, "import_change", self.total):
            # From the rows just written, in id order (the file's): no round trip.
            conn.exec_driver_sql(
                "INSERT INTO import_change (batch_id, action, row_no, partner_id, record_id, "
                "assistance_id) SELECT ?, 'created', import_row, partner_id, record_id, id "
                "FROM assistance WHERE id > ?", (batch_id, self.base_assistance))
        return counts

    def changes_sha256(self, batch_id: int) -> str:
        """``Loader.changes_sha256`` of the change rows ``apply`` wrote (one per row of
        ``a``, all created), made by DuckDB while SQLite wrote them (see ``_digest``)."""
        del batch_id  # the rows are the batch's own
        assert self._digest is not None, "apply() first"
        return self._digest.result()

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
        columns = ("partner_id", "beneficiary_id", *PERSON, "previous_country", "first_day")
        self.staging._temp("import_person", f"({', '.join(columns)})")
        self._insert("import_person", columns, f"SELECT {', '.join(columns)} FROM ip WHERE "
                     f"id <= {self.base_person} ORDER BY id")
        return {"persons_created": created, "persons_updated": update_persons(self.conn)}

    def _findings(self) -> None:
        """Screenings, findings and referrals made in DuckDB (``resolved_findings``)."""
        for table, columns, sql in resolved_findings.WRITES:
            with bulk.loading(self.conn, table, self._one(f"SELECT count(*) FROM ({sql})")):
                self._insert(table, columns, sql)


def _aside(cur: duckdb.DuckDBPyConnection, job: Callable[..., _T], *args: Any) -> _T:
    """``job(cur, *args)``, then ``cur`` closed: the worker thread's work on a DuckDB
    cursor of its own (made by the caller's thread)."""
    try:
        return job(cur, *args)
    finally:
        cur.close()


def _digest(con: duckdb.DuckDBPyConnection) -> str:
    """The digest ``Loader.changes_sha256`` gives of the change rows written from ``a``:
    DuckDB makes each line, and the digest reads the lines straight from Arrow's buffer."""
    digest = hashlib.sha256()
    lines = con.sql("SELECT concat_ws(chr(31), row_no, partner_id, record_id, id, "
                    "'created') || chr(10) FROM a ORDER BY row_no")
    for batch in lines.to_arrow_reader(BATCH * 20) or ():
        text = batch.column(0)
        if not pa.types.is_string(text.type):
            text = text.cast(pa.string())
        _, offsets, values = text.buffers()
        if values is not None and offsets is not None:
            ends = memoryview(offsets).cast("i")
            digest.update(memoryview(values)[ends[text.offset]:ends[text.offset + len(text)]])
    return digest.hexdigest()
