"""Find the partner a row names, or register it when the import is allowed to."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from opendtm.domain.gazetteer import gazetteer
from opendtm.store.models import Operation, Partner


class PartnerDirectory:
    """Partners by (country ISO3, name in English or Russian, any case)."""

    def __init__(self, session: Session, add: bool = False) -> None:
        self.session = session
        self.add = add
        self.added: list[str] = []
        self._ops = {o.country: o for o in session.scalars(select(Operation))}
        self._by_name: dict[tuple[str, str], int] = {}
        self._names: dict[str, list[str]] = {}
        for p, country in session.execute(
            select(Partner, Operation.country).join(Operation, Partner.operation_id == Operation.id)
        ):
            self._remember(country, p)

    def _remember(self, country: str, p: Partner) -> None:
        for name in (p.name, p.name_ru):
            if name:
                self._by_name[(country, name.strip().casefold())] = p.id
        self._names.setdefault(country, []).append(p.name)

    def __call__(self, country: str, name: str) -> int:
        found = self._by_name.get((country, name.strip().casefold()))
        if found is not None:
            return found
        if not self.add:
            known = self._names.get(country)
            hint = f"known in {country}: {', '.join(sorted(known)[:8])}" if known else (
                f"no partner is registered in {country} yet")
            raise LookupError(f"unknown partner {name!r} ({hint}); import with --add-partners "
                              "to register new partners")
        op = self._ops.get(country)
        if op is None:
            c = gazetteer().country(country)
            op = self._ops[country] = Operation(country=c.iso3, name_en=c.name_en,
                                                name_ru=c.name_ru)
            self.session.add(op)
        partner = Partner(operation=op, name=name.strip()[:200])
        self.session.add(partner)
        self.session.flush()
        self._remember(country, partner)
        self.added.append(f"{partner.name} ({country})")
        return partner.id


def names(session: Session, countries: Sequence[str]) -> list[tuple[str, str, str | None]]:
    """``(country, name, Russian name)`` of every partner in the countries."""
    rows = session.execute(
        select(Operation.country, Partner.name, Partner.name_ru)
        .join(Partner, Partner.operation_id == Operation.id)
        .where(Operation.country.in_(list(countries)))
    )
    return [(country, name, name_ru) for country, name, name_ru in rows]
