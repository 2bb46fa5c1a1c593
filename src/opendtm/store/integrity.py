"""Record-level checks run against the store: things no figure can show."""

from __future__ import annotations

from collections.abc import Iterator

from sqlalchemy import and_, exists, func, select
from sqlalchemy.orm import Session

from opendtm.domain.problems import Problem

from .models import Assistance, Operation, Partner, Period


def record_problems(session: Session) -> Iterator[Problem]:
    orphans = session.scalar(
        select(func.count()).where(Assistance.person_id.is_(None), Assistance.family_id.is_(None))
    )
    if orphans:
        yield Problem("no-recipient", f"{orphans} assistance records have neither a person nor "
                      "a family", key="assistance")
    in_period = exists().where(
        and_(
            Period.operation_id == Partner.operation_id,
            Period.start_date <= Assistance.delivered_on,
            Period.end_date >= Assistance.delivered_on,
        )
    )
    has_period = exists().where(Period.operation_id == Partner.operation_id)
    stmt = (
        select(Operation.country, func.count())
        .select_from(Assistance)
        .join(Partner, Partner.id == Assistance.partner_id)
        .join(Operation, Operation.id == Partner.operation_id)
        .where(has_period, ~in_period)
        .group_by(Operation.country)
    )
    for country, n in session.execute(stmt):
        yield Problem("outside-period", f"{n} assistance records fall outside every reporting "
                      f"period of the operation", "warning", key=f"{country}.assistance")
