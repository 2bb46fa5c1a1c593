"""Screenings, vulnerability findings and referrals of an import, from its staging tables.

An import writes one screening per (person, case, day) with a finding for each code its
rows carry, and ``assistance.import_vulnerabilities`` keeps the codes each record carried.
When a record comes back with a code gone (or moved to another person, case or day), the
finding at its former screening is removed, unless another record of the store still
declares that code for the same screening. A screening left with no finding and no notes
goes too. Records imported before the codes were kept (no ``import_vulnerabilities``)
remove nothing.
"""

from __future__ import annotations

from sqlalchemy import Connection, text

from opendtm.domain.taxonomy import Vulnerability

_CODES = " UNION ALL ".join(f"SELECT '{v.value}' AS code" for v in Vulnerability)


def _has(column: str) -> str:
    return f"(' ' || {column} || ' ') LIKE ('% ' || v.code || ' %')"


def write(conn: Connection) -> None:
    """Screenings and findings of the staged rows' codes; incoming referrals per case."""
    same = ("x.person_id = s.person_id AND x.case_id = s.case_id AND "
            "x.screened_on = s.delivered_on")
    conn.execute(text(
        "INSERT INTO screening (person_id, case_id, screened_on) SELECT DISTINCT s.person_id, "
        "s.case_id, s.delivered_on FROM import_stage s WHERE s.vulnerabilities IS NOT NULL AND "
        f"s.person_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM screening x WHERE {same})"))
    conn.execute(text(
        "INSERT INTO screening_finding (screening_id, vulnerability) SELECT DISTINCT x.id, "
        "v.vulnerability FROM import_vuln v JOIN import_stage s ON s.row_no = v.row_no "
        f"JOIN screening x ON {same} WHERE NOT EXISTS (SELECT 1 FROM screening_finding f "
        "WHERE f.screening_id = x.id AND f.vulnerability = v.vulnerability)"))
    conn.execute(text(
        "INSERT INTO referral (case_id, direction, kind, organisation, referred_on) "
        "SELECT case_id, 'in', referral_kind, referral_org, min(delivered_on) FROM "
        "import_stage s WHERE referral_kind IS NOT NULL AND NOT EXISTS (SELECT 1 FROM "
        "referral r WHERE r.case_id = s.case_id AND r.direction = 'in' AND r.kind = "
        "s.referral_kind AND r.organisation IS NOT DISTINCT FROM s.referral_org) "
        "GROUP BY case_id, referral_kind, referral_org"))


def drop_stale(conn: Connection) -> list[tuple[int, str]]:
    """Delete the findings the staged rows of this import no longer support (after the
    import's own rows are written); returns (row, code) removed."""
    if conn.execute(text("SELECT 1 FROM import_stage WHERE action = 'updated' AND "
                         "old_vulnerabilities IS NOT NULL LIMIT 1")).first() is None:
        return []  # a first import, or no updated record carried codes
    stale = conn.execute(text(
        f"SELECT DISTINCT s.row_no, x.id, v.code FROM import_stage s CROSS JOIN ({_CODES}) v "
        "JOIN screening x ON x.person_id = s.old_person_id AND x.case_id = s.old_case_id "
        "AND x.screened_on = s.old_delivered_on "
        "JOIN screening_finding f ON f.screening_id = x.id AND f.vulnerability = v.code "
        f"WHERE s.action = 'updated' AND s.old_vulnerabilities IS NOT NULL AND "
        f"{_has('s.old_vulnerabilities')} "
        "AND NOT EXISTS (SELECT 1 FROM assistance a WHERE a.person_id = x.person_id AND "
        "a.case_id = x.case_id AND a.delivered_on = x.screened_on AND "
        f"{_has('a.import_vulnerabilities')}) ORDER BY s.row_no, v.code")).all()  # fmt: skip
    pairs = sorted({(screening, code) for _, screening, code in stale})
    if not pairs:
        return []
    conn.execute(text("DELETE FROM screening_finding WHERE screening_id = :s AND "
                      "vulnerability = :v"), [{"s": s, "v": v} for s, v in pairs])
    conn.execute(text("DELETE FROM screening WHERE id = :s AND notes IS NULL AND NOT EXISTS "
                      "(SELECT 1 FROM screening_finding f WHERE f.screening_id = :s)"),
                 [{"s": s} for s in sorted({s for s, _ in pairs})])
    return [(row, code) for row, _, code in stale]
