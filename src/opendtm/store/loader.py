"""Bulk loading of checked import rows: staging tables, then set-based SQL.

Rows go into temporary staging tables in batches (``executemany`` on SQLite, ``COPY`` on
PostgreSQL); families, persons, identities, cases, screenings, referrals and assistance are
then written with a handful of ``INSERT ... SELECT`` and ``UPDATE ... FROM`` statements, on
the caller's connection and inside the caller's transaction. No ORM object per row.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from typing import Any

from sqlalchemy import Connection, text

from opendtm.store import bulk, driver, findings
from opendtm.store.staging import BATCH, Staging

_PERSON = ("sex", "date_of_birth", "age_years", "nationality", "family_id")
_IDENTITY = ("given_name", "family_name", "patronymic", "document_number", "phone")
_ASSISTANCE = ("case_id", "person_id", "family_id", "type", "delivered_on", "admin1_code",
               "city_id", "return_from", "return_to", "transport_mode", "consultation_topic")
# What an import last wrote, kept on the record (migration 0012).
_IMPORTED = "import_hash, import_batch_id, import_row, import_vulnerabilities"
_STAGE_KEYS = ("import_stage (row_no, partner_id, record_id, beneficiary_id, family_code, "
               "action, person_id, family_id, case_id, delivered_on, vulnerabilities)")


def update_persons(conn: Connection) -> int:
    """Persons of ``import_person`` already in the store take its values where it has one
    (a blank never erases), and their identities likewise; returns the persons changed."""
    def sql(statement: str) -> int:
        return conn.execute(text(statement)).rowcount

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
    return updated


class Loader(Staging):
    """Stages rows of one import (see ``Staging``) and writes them; everything on one
    connection."""

    def apply(self, batch_id: int) -> dict[str, int]:
        """Write the staged rows; returns counts of what was created and updated."""
        sql, counts = self._sql, {}
        if self.pg:  # SQLite would walk it row by row over the wide staging rows
            sql("CREATE INDEX import_stage_person ON import_stage (partner_id, beneficiary_id)")
        self._analyze("import_stage", "import_vuln")
        sql("UPDATE import_stage SET action = 'updated', assistance_id = a.id, "
            "old_person_id = a.person_id, old_family_id = a.family_id, old_case_id = a.case_id, "
            "old_delivered_on = a.delivered_on, old_vulnerabilities = "
            "a.import_vulnerabilities FROM assistance a WHERE a.partner_id = "
            "import_stage.partner_id AND a.record_id = import_stage.record_id")
        new_family = ("family_code IS NOT NULL AND NOT EXISTS (SELECT 1 FROM family f WHERE "
                      "f.partner_id = s.partner_id AND f.family_code = s.family_code)")
        counts["families_created"] = sql(
            f"INSERT INTO family (partner_id, family_code) SELECT DISTINCT partner_id, "
            f"family_code FROM import_stage s WHERE {new_family}" if self.pg else
            # New families in the order of their first row by (partner, beneficiary, row).
            "INSERT INTO family (partner_id, family_code) SELECT partner_id, family_code FROM "
            "(SELECT partner_id, family_code, beneficiary_id, row_no, row_number() OVER "
            "(PARTITION BY partner_id, family_code ORDER BY beneficiary_id NULLS FIRST, row_no) "
            f"AS n FROM import_stage s WHERE {new_family}) t WHERE n = 1 ORDER BY partner_id, "
            "beneficiary_id NULLS FIRST, row_no")
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
                   f"FROM {self._scan} WHERE beneficiary_id IS NOT NULL "
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
        if self.pg:
            sql("UPDATE import_stage SET person_id = x.id FROM person x WHERE x.partner_id = "
                "import_stage.partner_id AND x.beneficiary_id = import_stage.beneficiary_id")
        else:  # row by row in file order: SQLite's join would write the rows in key order
            sql("UPDATE import_stage SET person_id = (SELECT x.id FROM person x WHERE "
                "x.partner_id = import_stage.partner_id AND x.beneficiary_id = "
                "import_stage.beneficiary_id) WHERE beneficiary_id IS NOT NULL")
        self._analyze("import_stage")
        updated = update_persons(self.conn)
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
            # The newest open case of each subject (as the web and the screenings take):
            # SQLite looks it up row by row through
            # the index; PostgreSQL joins (it would otherwise plan a loop per row).
            cases = (f"FROM case_file c WHERE c.partner_id = import_stage.partner_id AND "
                     f"c.{subject} = import_stage.{subject} AND c.status <> 'closed'"
                     f"{family_level}")
            lookup = f"UPDATE import_stage SET case_id = (SELECT max(c.id) {cases}) WHERE {scope}"
            join = (f"UPDATE import_stage SET case_id = c.id FROM (SELECT c.partner_id, "
                    f"c.{subject}, max(c.id) AS id FROM case_file c JOIN (SELECT DISTINCT "
                    f"partner_id, {subject} FROM import_stage WHERE {scope}) s ON "
                    f"s.partner_id = c.partner_id AND s.{subject} = c.{subject} WHERE "
                    f"c.status <> 'closed'{family_level} GROUP BY c.partner_id, c.{subject}) c "
                    f"WHERE c.partner_id = import_stage.partner_id AND "
                    f"c.{subject} = import_stage.{subject} AND {qualified}")
            if self.pg:
                sql(join)
            elif self._open_cases(subject):  # only the rows that find one are written
                sql(f"{lookup} AND EXISTS (SELECT 1 {cases})")
            base = self.conn.execute(text("SELECT coalesce(max(id), 0) FROM case_file")).scalar()
            family = "max(family_id)" if subject == "person_id" else "family_id"
            person = "person_id" if subject == "person_id" else "NULL"
            # At most one new case per row in scope (an upper bound is enough here).
            with bulk.loading(self.conn, "case_file", self._count(f"import_stage WHERE {scope}")):
                sql(f"INSERT INTO case_file (partner_id, person_id, family_id, kind, status, "
                    f"opened_on) SELECT partner_id, {person}, {family}, CASE WHEN max(CASE WHEN "
                    "type = 'return' THEN 1 ELSE 0 END) = 1 THEN 'avr' ELSE 'general' END, 'open', "
                    f"min(delivered_on) FROM {self._scan} WHERE {scope} GROUP BY partner_id, "
                    f"{subject}")
            self._analyze("case_file")
            if self.pg:
                sql(join)
            else:  # every row left in scope gets its subject's new case, the only open one
                sql("DELETE FROM import_case")
                sql(f"INSERT INTO import_case SELECT partner_id, {subject}, id FROM case_file "
                    "WHERE id > :b", {"b": base})
                sql("UPDATE import_stage SET case_id = (SELECT n.id FROM import_case n WHERE "
                    f"n.subject = import_stage.{subject} AND n.partner_id = "
                    f"import_stage.partner_id) WHERE {scope}")
        self._analyze("import_stage")

    def _open_cases(self, subject: str) -> bool:
        """Whether a partner of the staged rows has an open case of a person (or family)."""
        return self.conn.execute(text(
            "SELECT 1 FROM (SELECT DISTINCT partner_id FROM import_stage) p WHERE EXISTS "
            "(SELECT 1 FROM case_file c WHERE c.partner_id = p.partner_id AND "
            f"c.{subject} IS NOT NULL AND c.status <> 'closed') LIMIT 1")).first() is not None

    def _analyze(self, *tables: str) -> None:
        """Fresh planner statistics after a bulk insert (PostgreSQL plans by them); on the
        wide staging table only for the columns the joins use."""
        if self.pg:
            self._sql("ANALYZE " + ", ".join(_STAGE_KEYS if t == "import_stage" else t
                                             for t in tables))

    def _assistance(self, batch_id: int) -> dict[str, int]:
        sql, cols = self._sql, ", ".join(_ASSISTANCE)
        new = self._count("import_stage WHERE action = 'created'")
        params = {"b": batch_id}
        insert = (f"INSERT INTO assistance (partner_id, record_id, {cols}, {_IMPORTED}) "
                  f"SELECT partner_id, record_id, {cols}, row_hash, :b, row_no, "
                  "vulnerabilities FROM import_stage WHERE action = 'created'")
        with bulk.loading(self.conn, "assistance", new):
            if self.pg:
                # The new ids come back from the insert itself: no second pass over the stage.
                self._temp("import_new", "(partner_id INTEGER, record_id VARCHAR(64), "
                           "id INTEGER)")
                created = sql(f"WITH ins AS ({insert} RETURNING partner_id, record_id, id) "
                              "INSERT INTO import_new SELECT partner_id, record_id, id FROM ins",
                              params)
            else:
                created = sql(insert, params)
        sets = ", ".join(f"{c} = s.{c}" for c in _ASSISTANCE)
        updated = sql(f"UPDATE assistance SET {sets}, import_hash = s.row_hash, "
                      "import_batch_id = :b, import_row = s.row_no, import_vulnerabilities = "
                      "s.vulnerabilities, updated_at = CURRENT_TIMESTAMP FROM import_stage s "
                      "WHERE assistance.id = s.assistance_id AND s.action = 'updated'", params)
        change = ("INSERT INTO import_change (batch_id, row_no, partner_id, record_id, "
                  "assistance_id, action) SELECT :b, s.row_no, s.partner_id, s.record_id, {id}, "
                  "s.action FROM import_stage s {join}")
        staged = self._count("import_stage")
        if self.pg:
            change = change.format(id="coalesce(s.assistance_id, n.id)", join="LEFT JOIN "
                                   "import_new n ON n.partner_id = s.partner_id AND "
                                   "n.record_id = s.record_id")
        else:  # the ids through the unique key, without writing them into the stage
            change = change.format(id="a.id", join="JOIN assistance a ON a.partner_id = "
                                   "s.partner_id AND a.record_id = s.record_id")
        with bulk.loading(self.conn, "import_change", staged):
            sql(change, params)
        return {"created": created, "updated": updated}

    def changes_sha256(self, batch_id: int) -> str:
        """The digest of the batch's change rows, for its audit entry: a line per row, its
        values joined by \\x1f, in row order."""
        digest = hashlib.sha256()
        for change in self.changes(batch_id):
            digest.update(("\x1f".join(map(str, change)) + "\n").encode())
        return digest.hexdigest()

    def changes(self, batch_id: int) -> Iterator[tuple[Any, ...]]:
        """The batch's change rows in order (for the audit digest), as plain tuples from the
        driver's cursor."""
        marker = "%s" if self.pg else "?"
        for rows in driver.batches(
                self.conn, "SELECT row_no, partner_id, record_id, assistance_id, action FROM "
                f"import_change WHERE batch_id = {marker} ORDER BY row_no", (batch_id,), BATCH):
            yield from rows
