"""Vulnerability screening of a person: the history of screenings and a new one.

Trafficking and violence findings (``SENSITIVE_VULNERABILITIES``) are shown and recorded
only for roles that see them (``Scope.sensitive``); other roles see the other findings, and
a screening that found only sensitive ones shows as a screening without findings."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from opendtm.domain.taxonomy import Vulnerability
from opendtm.store.models import Screening, ScreeningFinding

from .access import Forbidden, Scope
from .casework_inputs import ScreeningIn
from .persons import load, open_case


def choices(scope: Scope) -> list[str]:
    """The vulnerabilities the caller may see and record."""
    return [v.value for v in Vulnerability if scope.visible(v)]


def screenings(session: Session, scope: Scope, person_id: int) -> dict[str, Any]:
    person = load(session, scope, person_id, "read screenings of")
    rows = session.scalars(select(Screening).where(Screening.person_id == person.id)
                           .order_by(Screening.screened_on.desc(), Screening.id.desc()))
    items = []
    for s in rows:
        found = sorted(f.vulnerability.value for f in s.findings if scope.visible(f.vulnerability))
        items.append({"id": s.id, "screened_on": s.screened_on.isoformat(), "findings": found,
                      "notes": s.notes if scope.sensitive else None})
    if scope.identity:
        scope.audit(session, "read", "screening", person.id)
    return {"person_id": person.id, "beneficiary_id": person.beneficiary_id,
            "items": items, "choices": choices(scope), "can_edit": scope.write}


def screen(session: Session, scope: Scope, person_id: int, data: ScreeningIn) -> dict[str, Any]:
    scope.require_write()
    person = load(session, scope, person_id, "screen")
    hidden = [v for v in data.findings if not scope.visible(v)]
    if hidden:
        raise Forbidden("your role may not record trafficking or violence findings")
    case = open_case(session, person)
    row = Screening(person_id=person.id, case_id=case.id if case else None,
                    screened_on=data.screened_on, notes=data.notes)
    for v in sorted(set(data.findings)):
        row.findings.append(ScreeningFinding(vulnerability=v))
    session.add(row)
    session.flush()
    found = sorted(v.value for v in set(data.findings))
    scope.audit(session, "create", "screening", row.id,
                {"person_id": person.id, "changes": {"findings": [None, found],
                                                     "screened_on": [None, str(data.screened_on)]}})
    return {"id": row.id, "person_id": person.id, "screened_on": data.screened_on.isoformat(),
            "findings": found}
