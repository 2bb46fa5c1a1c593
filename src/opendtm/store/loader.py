"""Bulk loading of checked import rows: staging tables, then set-based SQL.

Rows go into temporary staging tables in batches (``executemany`` on SQLite, ``COPY`` on
PostgreSQL); families, persons, identities, cases, screenings, referrals and assistance are
then written with a handful of ``INSERT ... SELECT`` and ``UPDATE ... FROM`` statements, on
the caller's connection and inside the caller's transaction. No ORM object per row.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import Connection, text

from opendtm.store import bulk, findings

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
_PERSON = ("sex", "date_of_birth", "age_years", "nationality", "family_id")
_IDENTITY = ("given_name", "family_name", "patronymic", "document_number", "phone")
_ASSISTANCE = ("case_id", "person_id", "family_id", "type", "delivered_on", "admin1_code",
               "city_id", "return_from", "return_to", "transport_mode", "consultation_topic")
_STAGE_KEYS = ("import_stage (row_no, partner_id, record_id, beneficiary_id, family_code, "
               "action, person_id, family_id, case_id, delivered_on, vulnerabilities)")
BATCH = 5000


class Loader:
    """Stages rows of one import and writes them; everything on one connection."""

    def __init__(self, conn: Connection) -> None:
        self.conn = conn
        self.pg = conn.dialect.name == "postgresql"
        self._stage: list[Sequence[Any]] = []
        self._seen: list[tuple[int, int, str, int]] = []
        self._known: dict[int, set[int]] = {}
        self.dropped: list[tuple[int, str]] = []  # (row, vulnerability) findings removed
        if not self.pg:
            # Index pages of a million-row load must stay in memory, not thrash a 2 MB cache.
            self._sql("PRAGMA cache_size = -262144")
            self._sql("PRAGMA temp.cache_size = -262144")
        schema = "pg_temp" if self.pg else "temp"
        for name in ("import_stage", "import_seen", "import_vuln", "import_person",
                     "import_new"):
            self._sql(f"DROP TABLE IF EXISTS {schema}.{name}")
        cols = ", ".join(f"{c} {_TYPES.get(c, 'VARCHAR(400)')}" for c in STAGE_COLUMNS)
        # Room on each page for the ids written by later updates (PostgreSQL: in place).
        self._temp("import_stage", f"({cols}, {', '.join(_EXTRA)})"
                   + (" WITH (fillfactor = 50)" if self.pg else ""))
        self._temp("import_seen", "(row_no INTEGER PRIMARY KEY, partner_id INTEGER NOT NULL, "
                   "record_id VARCHAR(64) NOT NULL, row_hash BIGINT NOT NULL)")
        self._temp("import_vuln", "(row_no INTEGER NOT NULL, vulnerability VARCHAR(32) NOT NULL)")

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
        hashes = self._known.get(partner_id)
        if hashes is None:
            rows = self.conn.execute(text("SELECT row_hash FROM import_record WHERE "
                                          "partner_id = :p"), {"p": partner_id})
            hashes = self._known[partner_id] = {h for (h,) in rows}
        return hashes

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
        driver = self.conn.connection.driver_connection
        if self.pg:
            assert driver is not None
            with driver.cursor() as cur, cur.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
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

    # -- writing ---------------------------------------------------------------------

    def apply(self, batch_id: int) -> dict[str, int]:
        """Write the staged rows; returns counts of what was created and updated."""
        sql, counts = self._sql, {}
        sql("CREATE INDEX import_stage_person ON import_stage (partner_id, beneficiary_id)")
        self._analyze("import_stage", "import_vuln")
        sql("UPDATE import_stage SET action = 'updated', assistance_id = a.id, "
            "old_person_id = a.person_id, old_family_id = a.family_id, old_case_id = a.case_id, "
            "old_delivered_on = a.delivered_on FROM assistance a WHERE a.partner_id = "
            "import_stage.partner_id AND a.record_id = import_stage.record_id")
        sql("UPDATE import_stage SET old_vulnerabilities = r.vulnerabilities FROM "
            "import_record r WHERE import_stage.action = 'updated' AND r.partner_id = "
            "import_stage.partner_id AND r.record_id = import_stage.record_id AND "
            "r.vulnerabilities IS NOT NULL")
        counts["families_created"] = sql(
            "INSERT INTO family (partner_id, family_code) SELECT DISTINCT partner_id, family_code "
            "FROM import_stage s WHERE family_code IS NOT NULL AND NOT EXISTS (SELECT 1 FROM "
            "family f WHERE f.partner_id = s.partner_id AND f.family_code = s.family_code)")
        sql("UPDATE import_stage SET family_id = f.id FROM family f WHERE f.partner_id = "
            "import_stage.partner_id AND f.family_code = import_stage.family_code")
        counts.update(self._persons())
        self._cases()
        findings.write(self.conn)
        counts.update(self._assistance(batch_id))
        self.dropped = findings.drop_stale(self.conn)
        counts["vulnerabilities_removed"] = len(self.dropped)
        return counts

    def _persons(self) -> dict[str, int]:
        """One row per person in the file; where rows of a person disagree the greatest
        value is kept, and a blank never erases what the store already holds."""
        sql = self._sql
        attrs = (*_PERSON, "migrant_status", *_IDENTITY)
        self._temp("import_person", "AS SELECT partner_id, beneficiary_id, "
                   + ", ".join(f"max({c}) AS {c}" for c in attrs)
                   + ", max(return_from) AS previous_country, min(delivered_on) AS first_day "
                   "FROM import_stage WHERE beneficiary_id IS NOT NULL "
                   "GROUP BY partner_id, beneficiary_id")
        with bulk.loading(self.conn, "person", self._count("import_person")):
            created = sql(
                "INSERT INTO person (partner_id, beneficiary_id, family_id, sex, "
                "date_of_birth, age_years, nationality, migrant_status, previous_country, "
                "registered_on) SELECT partner_id, beneficiary_id, family_id, sex, "
                "date_of_birth, age_years, nationality, coalesce(migrant_status, 'other'), "
                "previous_country, first_day FROM import_person p WHERE NOT EXISTS (SELECT 1 "
                "FROM person x WHERE x.partner_id = p.partner_id AND x.beneficiary_id = "
                "p.beneficiary_id)")
        self._analyze("person", "import_person")
        sql("UPDATE import_stage SET person_id = x.id FROM person x WHERE x.partner_id = "
            "import_stage.partner_id AND x.beneficiary_id = import_stage.beneficiary_id")
        self._analyze("import_stage")
        same = ("person.partner_id = p.partner_id AND person.beneficiary_id = "
                "p.beneficiary_id")
        sets = [f"{c} = coalesce(p.{c}, person.{c})" for c in (*_PERSON, "migrant_status")]
        differs = " OR ".join(f"coalesce(p.{c}, person.{c}) IS DISTINCT FROM person.{c}"
                              for c in (*_PERSON, "migrant_status"))
        updated = sql(f"UPDATE person SET {', '.join(sets)}, updated_at = CURRENT_TIMESTAMP "
                      f"FROM import_person p WHERE {same} AND ({differs})")
        any_id = " OR ".join(f"p.{c} IS NOT NULL" for c in _IDENTITY)
        sql(f"INSERT INTO person_identity (person_id, {', '.join(_IDENTITY)}) SELECT "
            f"x.id, {', '.join('p.' + c for c in _IDENTITY)} FROM import_person p JOIN person x "
            "ON x.partner_id = p.partner_id AND x.beneficiary_id = p.beneficiary_id "
            f"WHERE ({any_id}) AND NOT EXISTS (SELECT 1 FROM person_identity i "
            "WHERE i.person_id = x.id)")
        isets = ", ".join(f"{c} = coalesce(p.{c}, person_identity.{c})" for c in _IDENTITY)
        idiff = " OR ".join(f"coalesce(p.{c}, person_identity.{c}) IS DISTINCT FROM "
                            f"person_identity.{c}" for c in _IDENTITY)
        sql(f"UPDATE person_identity SET {isets}, updated_at = CURRENT_TIMESTAMP FROM "
            "import_person p JOIN person x ON x.partner_id = p.partner_id AND "
            "x.beneficiary_id = p.beneficiary_id WHERE person_identity.person_id = x.id "
            f"AND ({idiff})")
        return {"persons_created": created, "persons_updated": updated}

    def _cases(self) -> None:
        sql = self._sql
        # A record that keeps its recipient keeps its case.
        sql("UPDATE import_stage SET case_id = old_case_id WHERE action = 'updated' AND "
            "old_person_id IS NOT DISTINCT FROM person_id AND "
            "old_family_id IS NOT DISTINCT FROM family_id")
        for subject in ("person_id", "family_id"):
            where = ("{t}case_id IS NULL AND {t}" + subject + " IS NOT NULL"
                     + (" AND {t}person_id IS NULL" if subject == "family_id" else ""))
            scope, qualified = where.format(t=""), where.format(t="import_stage.")
            family_level = " AND c.person_id IS NULL" if subject == "family_id" else ""
            # The oldest open case of each subject: SQLite looks it up row by row through
            # the index; PostgreSQL joins (it would otherwise plan a loop per row).
            lookup = (f"UPDATE import_stage SET case_id = (SELECT min(c.id) FROM case_file c "
                      f"WHERE c.partner_id = import_stage.partner_id AND c.{subject} = "
                      f"import_stage.{subject} AND c.status <> 'closed'{family_level}) "
                      f"WHERE {scope}")
            join = (f"UPDATE import_stage SET case_id = c.id FROM (SELECT c.partner_id, "
                    f"c.{subject}, min(c.id) AS id FROM case_file c JOIN (SELECT DISTINCT "
                    f"partner_id, {subject} FROM import_stage WHERE {scope}) s ON "
                    f"s.partner_id = c.partner_id AND s.{subject} = c.{subject} WHERE "
                    f"c.status <> 'closed'{family_level} GROUP BY c.partner_id, c.{subject}) c "
                    f"WHERE c.partner_id = import_stage.partner_id AND "
                    f"c.{subject} = import_stage.{subject} AND {qualified}")
            find = join if self.pg else lookup
            sql(find)
            family = "max(family_id)" if subject == "person_id" else "family_id"
            person = "person_id" if subject == "person_id" else "NULL"
            subjects = self._count(f"(SELECT DISTINCT partner_id, {subject} FROM "
                                   f"import_stage WHERE {scope}) t")
            with bulk.loading(self.conn, "case_file", subjects):
                sql(f"INSERT INTO case_file (partner_id, person_id, family_id, kind, status, "
                    f"opened_on) SELECT partner_id, {person}, {family}, CASE WHEN max(CASE WHEN "
                    "type = 'return' THEN 1 ELSE 0 END) = 1 THEN 'avr' ELSE 'general' END, 'open', "
                    f"min(delivered_on) FROM import_stage WHERE {scope} GROUP BY partner_id, "
                    f"{subject}")
            self._analyze("case_file")
            sql(find)
        self._analyze("import_stage")

    def _count(self, source: str) -> int:
        return int(self.conn.execute(text(f"SELECT count(*) FROM {source}")).scalar_one())

    def _analyze(self, *tables: str) -> None:
        """Fresh planner statistics after a bulk insert (PostgreSQL plans by them); on the
        wide staging table only for the columns the joins use."""
        if self.pg:
            self._sql("ANALYZE " + ", ".join(_STAGE_KEYS if t == "import_stage" else t
                                             for t in tables))

    def _assistance(self, batch_id: int) -> dict[str, int]:
        sql, cols = self._sql, ", ".join(_ASSISTANCE)
        new = self._count("import_stage WHERE action = 'created'")
        insert = (f"INSERT INTO assistance (partner_id, record_id, {cols}) SELECT partner_id, "
                  f"record_id, {cols} FROM import_stage WHERE action = 'created'")
        with bulk.loading(self.conn, "assistance", new):
            if self.pg:
                # The new ids come back from the insert itself: no second pass over the stage.
                self._temp("import_new", "(partner_id INTEGER, record_id VARCHAR(64), "
                           "id INTEGER)")
                created = sql(f"WITH ins AS ({insert} RETURNING partner_id, record_id, id) "
                              "INSERT INTO import_new SELECT partner_id, record_id, id FROM ins")
            else:
                created = sql(insert)
        sets = ", ".join(f"{c} = s.{c}" for c in _ASSISTANCE)
        updated = sql(f"UPDATE assistance SET {sets}, updated_at = CURRENT_TIMESTAMP FROM "
                      "import_stage s WHERE assistance.id = s.assistance_id AND "
                      "s.action = 'updated'")
        params = {"b": batch_id}
        with bulk.loading(self.conn, "import_record", new):
            sql("INSERT INTO import_record (partner_id, record_id, row_hash, batch_id, row_no, "
                "vulnerabilities) SELECT partner_id, record_id, row_hash, :b, row_no, "
                "vulnerabilities FROM import_stage WHERE true ON CONFLICT (partner_id, "
                "record_id) DO UPDATE SET row_hash = excluded.row_hash, batch_id = "
                "excluded.batch_id, row_no = excluded.row_no, vulnerabilities = "
                "excluded.vulnerabilities", params)
        change = ("INSERT INTO import_change (batch_id, row_no, partner_id, record_id, "
                  "assistance_id, action) SELECT :b, s.row_no, s.partner_id, s.record_id, {id}, "
                  "s.action FROM import_stage s {join}")
        staged = self._count("import_stage")
        if self.pg:
            change = change.format(id="coalesce(s.assistance_id, n.id)", join="LEFT JOIN "
                                   "import_new n ON n.partner_id = s.partner_id AND "
                                   "n.record_id = s.record_id")
        else:
            sql("UPDATE import_stage SET assistance_id = a.id FROM assistance a WHERE "
                "import_stage.action = 'created' AND a.partner_id = import_stage.partner_id "
                "AND a.record_id = import_stage.record_id")
            change = change.format(id="s.assistance_id", join="")
        with bulk.loading(self.conn, "import_change", staged):
            sql(change, params)
        return {"created": created, "updated": updated}

    def changes(self, batch_id: int) -> Iterable[tuple[Any, ...]]:
        """The batch's change rows in order (for the audit digest)."""
        rows = self.conn.execute(text(
            "SELECT row_no, partner_id, record_id, assistance_id, action FROM import_change "
            "WHERE batch_id = :b ORDER BY row_no"), {"b": batch_id})  # fmt: skip
        return (tuple(r) for part in rows.partitions(BATCH) for r in part)

    def close(self) -> None:
        """Drop the staging tables (PostgreSQL drops them itself at the end of the
        transaction)."""
        if not self.pg:
            for name in ("import_stage", "import_seen", "import_vuln", "import_person"):
                self._sql(f"DROP TABLE IF EXISTS temp.{name}")
