"""Staging of an import's checked rows: temporary tables filled in batches.

Rows go into temporary tables in batches (``executemany`` on SQLite, ``COPY`` on
PostgreSQL), on the caller's connection and inside the caller's transaction; the loader
writes the store from them with set-based SQL. Rows that repeat a record id with other
content are found here, once the whole file is staged.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Connection, text

from opendtm.store import driver

STAGE_COLUMNS = (
    "row_no", "partner_id", "record_id", "row_hash", "beneficiary_id", "family_code", "sex",
    "date_of_birth", "age_years", "nationality", "migrant_status", "type", "delivered_on",
    "admin1_code", "city_id", "return_from", "return_to", "transport_mode",
    "consultation_topic", "vulnerabilities", "referral_kind", "referral_org", "given_name",
    "family_name", "patronymic", "document_number", "phone",
)  # fmt: skip
_TYPES = {"row_no": "INTEGER PRIMARY KEY", "partner_id": "INTEGER NOT NULL",
          "row_hash": "BIGINT NOT NULL", "date_of_birth": "DATE", "age_years": "INTEGER",
          "delivered_on": "DATE NOT NULL", "city_id": "INTEGER"}  # fmt: skip
_EXTRA = ("action VARCHAR(10) DEFAULT 'created'", "person_id INTEGER", "family_id INTEGER",
          "case_id INTEGER", "assistance_id INTEGER", "old_person_id INTEGER",
          "old_family_id INTEGER", "old_case_id INTEGER", "old_delivered_on DATE",
          "old_vulnerabilities VARCHAR(400)")  # fmt: skip
_VULN = STAGE_COLUMNS.index("vulnerabilities")

BATCH = 5000
TEMP_TABLES = ("import_stage", "import_seen", "import_vuln", "import_person", "import_new",
               "import_case")


class Staging:
    """The staging tables of one import, on its connection."""

    def __init__(self, conn: Connection) -> None:
        self.conn = conn
        self.pg = conn.dialect.name == "postgresql"
        # Whole-table aggregates read the staging table in file order and sort: through the
        # key index SQLite would read its wide rows in random order.
        self._scan = "import_stage" if self.pg else "import_stage NOT INDEXED"
        self._stage: list[Sequence[Any]] = []
        self._seen: list[tuple[int, int, str, int]] = []
        self._known: dict[int, set[int]] = {}
        self.dropped: list[tuple[int, str]] = []  # (row, vulnerability) findings removed
        if not self.pg:
            # Index pages of a million-row load must stay in memory, not thrash a 2 MB cache.
            self._sql("PRAGMA cache_size = -262144")
            self._sql("PRAGMA temp.cache_size = -262144")
        schema = "pg_temp" if self.pg else "temp"
        for name in TEMP_TABLES:
            self._sql(f"DROP TABLE IF EXISTS {schema}.{name}")
        cols = ", ".join(f"{c} {_TYPES.get(c, 'VARCHAR(400)')}" for c in STAGE_COLUMNS)
        # Room on each page for the ids written by later updates (PostgreSQL: in place).
        self._temp("import_stage", f"({cols}, {', '.join(_EXTRA)})"
                   + (" WITH (fillfactor = 50)" if self.pg else ""))
        self._temp("import_seen", "(row_no INTEGER PRIMARY KEY, partner_id INTEGER NOT NULL, "
                   "record_id VARCHAR(64) NOT NULL, row_hash BIGINT NOT NULL)")
        self._temp("import_vuln", "(row_no INTEGER NOT NULL, vulnerability VARCHAR(32) NOT NULL)")
        if not self.pg:  # the cases an import opens, by subject (see the loader)
            self._temp("import_case", "(partner_id INTEGER NOT NULL, subject INTEGER NOT NULL, "
                       "id INTEGER NOT NULL, PRIMARY KEY (subject, partner_id)) WITHOUT ROWID")

    # -- staging ---------------------------------------------------------------------

    def _sql(self, sql: str, params: dict[str, Any] | None = None) -> int:
        return self.conn.execute(text(sql), params or {}).rowcount

    def _temp(self, name: str, body: str) -> None:
        if self.pg and body.startswith("AS "):
            self._sql(f"CREATE TEMPORARY TABLE {name} ON COMMIT DROP {body}")
        elif self.pg:
            self._sql(f"CREATE TEMPORARY TABLE {name} {body} ON COMMIT DROP")
        else:
            self._sql(f"CREATE TEMPORARY TABLE {name} {body}")

    def known(self, partner_id: int) -> set[int]:
        """Fingerprints of the partner's records as last imported."""
        return self.known_of([partner_id])[partner_id]

    def known_of(self, partners: Sequence[int]) -> dict[int, set[int]]:
        """Fingerprints of the records of each of ``partners`` as last imported. On SQLite,
        when those partners hold most of the store's records (a re-import of a large file),
        one pass over ``assistance`` reads them all: through the key's index SQLite would
        fetch each record apart, in the index's order rather than the table's."""
        wanted = sorted({p for p in partners if p not in self._known})
        if wanted:
            listed = ", ".join(str(int(p)) for p in wanted)
            table = "assistance NOT INDEXED" if self._most(listed) else "assistance"
            found: dict[int, set[int]] = {p: set() for p in wanted}
            for rows in driver.batches(  # plain tuples: a million rows, no result objects
                    self.conn, f"SELECT partner_id, import_hash FROM {table} WHERE partner_id "
                    f"IN ({listed}) AND import_hash IS NOT NULL", (), BATCH * 10):
                for partner, digest in rows:
                    found[partner].add(digest)
            self._known.update(found)
        return {p: self._known[p] for p in partners}

    def _most(self, listed: str) -> bool:
        """SQLite: whether the partners ``listed`` hold at least 60% of the store's records
        (theirs counted in the key's index alone; all of them read from the greatest id, as
        ``references.pays`` does: records are never deleted)."""
        if self.pg:
            return False
        mine = self.conn.execute(text(
            f"SELECT count(*) FROM assistance WHERE partner_id IN ({listed})")).scalar_one()
        total = self.conn.execute(text(
            "SELECT coalesce(max(id), 0) FROM assistance")).scalar_one()
        return bool(mine) and mine * 5 >= total * 3

    def seen(self, row_no: int, partner_id: int, record_id: str, row_hash: int) -> None:
        self._seen.append((row_no, partner_id, record_id, row_hash))
        if len(self._seen) >= BATCH:
            self._write("import_seen", ("row_no", "partner_id", "record_id", "row_hash"),
                        self._seen)
            self._seen = []

    def stage(self, record: Sequence[Any]) -> None:
        self._stage.append(record)
        if len(self._stage) >= BATCH:
            self._flush_stage()

    def stage_many(self, records: Sequence[Sequence[Any]]) -> None:
        """Stage a batch of records at once."""
        self._stage.extend(records)
        if len(self._stage) >= BATCH:
            self._flush_stage()

    def flush(self) -> None:
        self._flush_stage()
        self._write("import_seen", ("row_no", "partner_id", "record_id", "row_hash"), self._seen)
        self._seen = []

    def _flush_stage(self) -> None:
        rows, vulns = self._stage, list[tuple[int, str]]()
        self._stage = []
        for r in rows:
            if r[_VULN]:
                vulns.extend((r[0], v) for v in r[_VULN].split())
        self._write("import_stage", STAGE_COLUMNS, rows)
        self._write("import_vuln", ("row_no", "vulnerability"), vulns)

    def _write(self, table: str, columns: Sequence[str], rows: Sequence[Sequence[Any]]) -> None:
        if not rows:
            return
        names = ", ".join(columns)
        connection = self.conn.connection.driver_connection
        if self.pg:
            assert connection is not None
            with connection.cursor() as cur, cur.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            marks = ", ".join("?" * len(columns))
            self.conn.exec_driver_sql(f"INSERT INTO {table} ({names}) VALUES ({marks})",
                                      rows)

    # -- checks on the whole file ----------------------------------------------------

    def conflicts(self) -> list[tuple[str, int, int]]:
        """(record id, row, first row) for rows that repeat a record id with other content."""
        self._sql("CREATE INDEX import_seen_key ON import_seen (partner_id, record_id)")
        rows = self.conn.execute(text(
            "SELECT s.record_id, s.row_no, min(t.row_no) FROM import_seen s JOIN import_seen t "
            "ON t.partner_id = s.partner_id AND t.record_id = s.record_id AND t.row_no < s.row_no "
            "GROUP BY s.record_id, s.row_no ORDER BY s.row_no"))  # fmt: skip
        return [(r[0], r[1], r[2]) for r in rows]

    def staged(self) -> bool:
        """Whether any row is staged for the loader to write."""
        return self.conn.execute(text("SELECT 1 FROM import_stage LIMIT 1")).first() is not None

    def _count(self, source: str) -> int:
        return int(self.conn.execute(text(f"SELECT count(*) FROM {source}")).scalar_one())

    def close(self) -> None:
        """Drop the staging tables (PostgreSQL drops them itself at the end of the
        transaction)."""
        if not self.pg:
            for name in TEMP_TABLES:
                self._sql(f"DROP TABLE IF EXISTS temp.{name}")
