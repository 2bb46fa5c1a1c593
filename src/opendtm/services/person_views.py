"""What the person list, the search and the person page show, read as plain columns.

These are the busiest reads of the web and the API, so they select the columns they show
(SQLAlchemy Core on the tables, no ORM entities) in as few statements as they can: the
list is one statement (two with a search), the person page five, plus the audit entry.
Names and documents are selected only for the roles that see them.
"""

from __future__ import annotations

import datetime as dt
from functools import lru_cache
from typing import Any, cast

from sqlalchemy import String, Table, bindparam, exists, false, or_, select, type_coerce
from sqlalchemy.orm import Session

from opendtm.domain.ages import age_in_months
from opendtm.domain.namefold import fold_words
from opendtm.domain.taxonomy import AssistanceType, MigrantStatus, Role, Sex, Vulnerability
from opendtm.store import driver
from opendtm.store.models import (
    Assistance,
    AuditEntry,
    Family,
    Partner,
    Person,
    PersonIdentity,
    Screening,
    ScreeningFinding,
)

from .access import NotFound, Scope
from .search import finder, newest_matches

IDENTITY_FIELDS = ("given_name", "family_name", "patronymic", "document_type",
                   "document_number", "phone")
MAX_PER_PAGE = 100

_PERSON = cast(Table, Person.__table__)
_PARTNER = cast(Table, Partner.__table__)
_IDENTITY = cast(Table, PersonIdentity.__table__)
_FAMILY = cast(Table, Family.__table__)
_SCREENING = cast(Table, Screening.__table__)
_FINDING = cast(Table, ScreeningFinding.__table__)
_HELP = cast(Table, Assistance.__table__)
_AUDIT = cast(Table, AuditEntry.__table__)
# The codes of sex and status read as the plain text they are stored as (their values):
# no enum made for each row only to be turned back into its value.
_SUMMARY = (_PERSON.c.id, _PERSON.c.beneficiary_id, _PERSON.c.partner_id,
            _PARTNER.c.name.label("partner_name"),
            type_coerce(_PERSON.c.sex, String).label("sex"), _PERSON.c.date_of_birth,
            _PERSON.c.age_years, _PERSON.c.nationality,
            type_coerce(_PERSON.c.migrant_status, String).label("migrant_status"),
            _PERSON.c.registered_on)
_NAMES = tuple(_IDENTITY.c[f] for f in IDENTITY_FIELDS)


def _plain(value: Any) -> Any:
    if isinstance(value, dt.date):
        return value.isoformat()
    return value.value if hasattr(value, "value") else value


def _years(person: Any, on: dt.date) -> int | None:
    months = age_in_months(on, person.date_of_birth, person.age_years, person.registered_on)
    return None if months is None else months // 12


def _summary(row: Any, partner_name: str, identity: Any, scope: Scope,
             today: dt.date) -> dict[str, Any]:
    out: dict[str, Any] = {
        "id": row.id,
        "beneficiary_id": row.beneficiary_id,
        "partner": {"id": row.partner_id, "name": partner_name},
        "sex": _plain(row.sex),
        "age_years": _years(row, today),
        "nationality": row.nationality,
        "migrant_status": _plain(row.migrant_status),
        "registered_on": row.registered_on.isoformat(),
    }
    if scope.identity:
        out["identity"] = {f: getattr(identity, f) if identity is not None else None
                           for f in IDENTITY_FIELDS}
    return out


def summary(person: Person, partner: Partner, identity: PersonIdentity | None,
            scope: Scope) -> dict[str, Any]:
    """A person as the list shows it, from ORM objects (review and family pages)."""
    return _summary(person, partner.name, identity, scope, dt.date.today())


def _columns(scope: Scope, *more: Any) -> Any:
    """The select of the summary's columns (names only for the roles that see them), of
    the persons in scope, with their partner (and identity); the scope's partner and
    country are bound parameters (``Scope.bound``)."""
    stmt = select(*_SUMMARY, *(_NAMES if scope.identity else ()), *more)
    joined = _PERSON.join(_PARTNER, _PARTNER.c.id == _PERSON.c.partner_id)
    if scope.identity:
        joined = joined.outerjoin(_IDENTITY, _IDENTITY.c.person_id == _PERSON.c.id)
    return scope.restrict_bound(stmt.select_from(joined), _PERSON.c.partner_id)


def _summaries(rows: Any, scope: Scope) -> list[dict[str, Any]]:
    """:func:`_summary` of rows of :func:`_columns`, unpacked by position (the busiest
    loop of the list)."""
    today, names, out = dt.date.today(), scope.identity, []
    for row in rows:
        pid, code, partner_id, partner, sex, born, age, nationality, status, registered = \
            row[:10]
        months = age_in_months(today, born, age, registered)
        item = {"id": pid, "beneficiary_id": code, "partner": {"id": partner_id,
                                                                "name": partner},
                "sex": sex, "age_years": None if months is None else months // 12,
                "nationality": nationality, "migrant_status": status,
                "registered_on": registered.isoformat()}
        if names:
            item["identity"] = dict(zip(IDENTITY_FIELDS, row[10:16], strict=True))
        out.append(item)
    return out


# Statements are built once for each kind of scope and filter (building one costs more
# Python than running it); the values are bound parameters.
@lru_cache(maxsize=128)
def _list_statement(scope: Scope, partner: bool, sex: bool, status: bool, paged: bool) -> Any:
    stmt = _columns(scope)
    if partner:
        stmt = stmt.where(_PERSON.c.partner_id == bindparam("partner_id"))
    if sex:
        stmt = stmt.where(_PERSON.c.sex == bindparam("sex"))
    if status:
        stmt = stmt.where(_PERSON.c.migrant_status == bindparam("migrant_status"))
    stmt = stmt.order_by(_PERSON.c.id.desc())
    return stmt.offset(bindparam("offset")).limit(bindparam("limit")) if paged else stmt


def list_persons(session: Session, scope: Scope, q: str | None = None,
                 partner_id: int | None = None, sex: Sex | None = None,
                 migrant_status: MigrantStatus | None = None, page: int = 1,
                 per_page: int = 25) -> dict[str, Any]:
    """One page of the persons in scope, newest first. ``q`` finds a partner code, and for
    roles that see identities a name (either script) or a document number."""
    per_page = max(1, min(per_page, MAX_PER_PAGE))
    page = max(1, page)
    kind = (scope.kind, partner_id is not None, sex is not None, migrant_status is not None)
    params = {**scope.bound, "partner_id": partner_id, "sex": sex,
              "migrant_status": migrant_status}
    rows: Any
    if q and q.strip():
        only = scope.partner_id if scope.role is Role.PARTNER_CASEWORKER else partner_id
        need = page * per_page + 1
        found, words = finder(session, q.strip(), fold_words(q), scope.identity, only, need)
        rows = newest_matches(session, _list_statement(*kind, False), found,
                              need - per_page - 1, per_page + 1, {**params, **words})
    else:
        rows = driver.rows(session.connection(), _list_statement(*kind, True), {
            **params, "offset": (page - 1) * per_page, "limit": per_page + 1})
    items = _summaries(rows[:per_page], scope)
    if scope.identity and items:
        scope.audit_read(session, "list", "person", None,
                         {"ids": [i["id"] for i in items], "q": q or None})
    return {
        "items": items,
        "page": page,
        "per_page": per_page,
        "has_next": len(rows) > per_page,
        "filters": {"q": q or None, "partner_id": partner_id, "sex": _plain(sex),
                    "migrant_status": _plain(migrant_status)},
    }


@lru_cache(maxsize=32)
def _person_statement(scope: Scope) -> Any:
    # In a merge group: merged into another, or another merged into this one (partial
    # index on merged_into_id); asked only of the roles that review.
    merged_here = _PERSON.alias("merged")
    group = (exists().where(merged_here.c.merged_into_id == _PERSON.c.id) if scope.review
             else false())
    stmt = _columns(scope, _PERSON.c.previous_country, _PERSON.c.merged_into_id,
                    _PERSON.c.family_id, _FAMILY.c.family_code, group.label("has_merged"))
    stmt = stmt.outerjoin(_FAMILY, _FAMILY.c.id == _PERSON.c.family_id)
    return stmt.where(_PERSON.c.id == bindparam("person_id"))


# The statements after the person's own read its family from it, so that all of them go
# to the database at once (store.driver.rows_of_each).
_FAMILY_OF = (select(_PERSON.c.family_id).where(_PERSON.c.id == bindparam("person_id"))
              .scalar_subquery())
_MEMBERS = (select(_PERSON.c.id, _PERSON.c.beneficiary_id, _PERSON.c.sex)
            .where(_PERSON.c.family_id == _FAMILY_OF).order_by(_PERSON.c.id))
_FINDINGS = (select(_SCREENING.c.screened_on, _FINDING.c.vulnerability)
             .join(_FINDING, _FINDING.c.screening_id == _SCREENING.c.id)
             .where(_SCREENING.c.person_id == bindparam("person_id"))
             .order_by(_SCREENING.c.screened_on, _SCREENING.c.id, _FINDING.c.vulnerability))
_HELP_COLUMNS = select(_HELP.c.id, _HELP.c.type, _HELP.c.delivered_on, _HELP.c.person_id,
                       _HELP.c.record_id, _HELP.c.return_from, _HELP.c.return_to,
                       _HELP.c.transport_mode)
_HELP_ORDER = (_HELP.c.delivered_on.desc(), _HELP.c.id.desc())
# The person's own assistance and their family's (none when the person has no family).
_PERSON_HELP = (_HELP_COLUMNS.where(or_(_HELP.c.person_id == bindparam("person_id"),
                                        _HELP.c.family_id == _FAMILY_OF))
                .order_by(*_HELP_ORDER).limit(100))
_HISTORY = (select(_AUDIT.c.at, _AUDIT.c.actor, _AUDIT.c.action, _AUDIT.c.detail)
            .where(_AUDIT.c.entity == "person", _AUDIT.c.entity_id == bindparam("entity_id"),
                   or_(_AUDIT.c.action == "create", _AUDIT.c.action == "update"))
            .order_by(_AUDIT.c.id))


def get_person(session: Session, scope: Scope, person_id: int) -> dict[str, Any]:
    """The person page: summary, family, findings, help, history; NotFound outside scope."""
    # Prebuilt Core statements straight on the driver (``store.driver``): rows are tuples,
    # read by position, codes of enumerations as text.
    conn = session.connection()
    ids = {**scope.bound, "person_id": person_id, "entity_id": str(person_id)}
    # The whole page in one round trip; the rest is dropped when the person is not in scope.
    found, findings, help_rows, changes, members = driver.rows_of_each(conn, [
        (_person_statement(scope.kind), ids), (_FINDINGS, ids), (_PERSON_HELP, ids),
        (_HISTORY, ids), (_MEMBERS, ids)])
    if not found:
        raise NotFound("person", person_id, "read")
    row = found[0]
    previous_country, merged_into_id, family_id, family_code, has_merged = \
        row[16 if scope.identity else 10:]
    out = _summaries([row], scope)[0]
    out.update({"date_of_birth": _plain(row[5]), "previous_country": previous_country,
                "can_edit": scope.write})
    out["family"] = None if family_id is None else {
        "id": family_id, "family_code": family_code,
        "members": [{"id": m_id, "beneficiary_id": code, "sex": _plain(sex)}
                    for m_id, code, sex in members],
    }
    out["vulnerabilities"] = [
        {"screened_on": on.isoformat(), "vulnerability": finding.value}
        for on, finding in ((on, Vulnerability(v)) for on, v in findings)
        if scope.visible(finding)]
    out["assistance"] = [
        {"id": a_id, "type": AssistanceType(kind).value, "delivered_on": on.isoformat(),
         "for_family": helped is None, "record_id": record, "return_from": origin,
         "return_to": destination, "transport_mode": _plain(mode)}
        for a_id, kind, on, helped, record, origin, destination, mode in help_rows]
    out["history"] = _history(scope, changes)
    out["merged_into_id"] = merged_into_id
    out["can_unmerge"] = scope.review and (merged_into_id is not None or bool(has_merged))
    if scope.identity:
        scope.audit_read(session, "read", "person", person_id)
    return out


def _history(scope: Scope, rows: list[tuple[Any, ...]]) -> list[dict[str, Any]]:
    """Who registered and changed the person, when (rows of ``_HISTORY``); old and new
    values where allowed."""
    out = []
    for at, actor, action, detail in rows:
        item: dict[str, Any] = {"at": at.isoformat(), "actor": actor, "action": action}
        if scope.identity:
            item["changes"] = (detail or {}).get("changes", {})
        out.append(item)
    return out
