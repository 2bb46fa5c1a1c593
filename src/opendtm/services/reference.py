"""Keep the store's place tables in step with the packaged gazetteer."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from opendtm.domain.gazetteer import gazetteer
from opendtm.store.models import Admin1, City


def sync_gazetteer(session: Session) -> tuple[int, int]:
    """Insert or update every admin-1 unit and city; returns how many of each exist."""
    gaz = gazetteer()
    known = {a.code: a for a in session.scalars(select(Admin1))}
    units = gaz.admin1_units()
    for unit in units:
        row = known.get(unit.code) or Admin1(code=unit.code)
        row.country, row.pcode = unit.country, unit.pcode
        row.name_en, row.name_ru = unit.name_en, unit.name_ru
        session.add(row)
    session.flush()
    cities = {(c.country, c.name_en): c for c in session.scalars(select(City))}
    all_cities = gaz.cities()
    for city in all_cities:
        crow = cities.get((city.country, city.name_en)) or City(
            country=city.country, name_en=city.name_en
        )
        crow.name_ru, crow.admin1_code = city.name_ru, city.admin1_code
        crow.lat, crow.lon = city.lat, city.lon
        session.add(crow)
    session.flush()
    return len(units), len(all_cities)


def city_id(session: Session, country: str, name_en: str) -> int | None:
    return session.scalar(select(City.id).where(City.country == country, City.name_en == name_en))
