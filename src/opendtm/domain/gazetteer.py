"""Gazetteer: countries, first-level administrative units and cities, with their outlines.

The packaged data (``opendtm/data``) covers the five countries of operation (KAZ, KGZ,
RUS, TJK, UZB) as they were in 2020-2021: Kazakhstan before the 2022 regions (Abay,
Jetisu, Ulytau) and with Nur-Sultan; Russia's 83 federal subjects. Every unit has its ISO
3166-2 code, its OCHA p-code (for Russia the federal subject, OCHA's level 2), its HASC
code where one is known, English and Russian names, a label point and the aliases people
type. Countries are every ISO 3166-1 country, named in English and Russian.

Look-up (:meth:`Gazetteer.admin1`, :meth:`Gazetteer.city`, :meth:`Gazetteer.country`):

1. A code is tried first, ignoring case: ISO 3166-2 (``KG-C``), p-code
   (``KG08000000000``) or HASC (``KG.CU``) for units; alpha-2, alpha-3 or numeric codes
   for countries.
2. Otherwise names and aliases are compared by key (:mod:`opendtm.domain.placenames`):
   case, accents, punctuation, spacing and script do not matter, and generic words
   (*oblast*, *область*, *viloyati*, *город*, *city* ...) are ignored.
3. When several units share a key the rule is: **a bare name means the region**. "Osh",
   "Ош", "Tashkent" and "Almaty" are the Osh, Tashkent and Almaty regions (Moscow is the
   exception: a bare "Moscow" or "Москва" is the city, as every migrant means it, and the
   oblast needs its own name, "Moscow Oblast" or "Московская область"); the city unit
   needs a city word in the input ("Osh city",
   "г. Ош", "Toshkent shahri", "Алматы қаласы", "город Москва") or its own name
   ("Moscow City", "Город Ташкент") or code. A region word (область, oblysy ...) picks the
   region. Any tie left is broken by an exact spelling (generic words included); if still
   several, or none, :class:`UnknownPlace` is raised, naming up to five candidates. A
   city that is not a unit (Ust-Kamenogorsk) is not taken for its region, but the error
   suggests the unit it lies in first.

Cities that are units of their own and have no outline in the boundary files (Osh,
Shymkent) keep an empty ``boundary`` and name in ``parent`` the unit whose outline holds
them.
"""

from __future__ import annotations

import csv
import functools
import gettext
import io
import json
from collections.abc import Iterable
from dataclasses import dataclass
from importlib import resources
from importlib.resources.abc import Traversable
from typing import Any

import pycountry

from opendtm.domain.placenames import NameIndex, UnknownPlace, name_key, resolve

__all__ = ["Admin1", "City", "Country", "Gazetteer", "UnknownPlace", "gazetteer"]

_DATA: Traversable = resources.files("opendtm.data")

# Short English and Russian names where ISO's are long or formal.
_NAME_EN = {
    "RUS": "Russia", "GBR": "United Kingdom", "USA": "United States",
    "COD": "Democratic Republic of the Congo", "VAT": "Holy See",
}  # fmt: skip
_NAME_RU = {
    "RUS": "Россия", "MDA": "Молдова", "KGZ": "Кыргызстан", "IRN": "Иран", "SYR": "Сирия",
    "TZA": "Танзания", "LAO": "Лаос", "VEN": "Венесуэла", "GBR": "Великобритания",
    "USA": "США", "PRK": "КНДР", "KOR": "Южная Корея",
}  # fmt: skip
# Other names in use (English, Russian and national spellings).
_COUNTRY_ALIASES = {
    "RUS": "Russia|Россия|РФ|Rossiya|Российская Федерация",
    "KGZ": "Kyrgyzstan|Kyrgyz Republic|Kirghizia|Kirgizia|Киргизия|Кыргызстан|Киргизстан|"
    "Кыргызская Республика|Кыргыз Республикасы",
    "KAZ": "Kazakhstan|Казахстан|Қазақстан|Qazaqstan",
    "TJK": "Tajikistan|Таджикистан|Тоҷикистон|Tojikiston",
    "UZB": "Uzbekistan|Узбекистан|O'zbekiston|Ўзбекистон",
    "TKM": "Turkmenistan|Туркменистан|Туркмения|Türkmenistan",
    "MDA": "Moldova|Молдова|Молдавия|Republic of Moldova",
    "TUR": "Turkey|Türkiye|Турция",
    "UKR": "Ukraine|Украина|Україна",
    "BLR": "Belarus|Беларусь|Белоруссия|Byelorussia",
    "GEO": "Georgia|Грузия|Sakartvelo",
    "AZE": "Azerbaijan|Азербайджан|Azərbaycan",
    "ARM": "Armenia|Армения|Hayastan",
    "AFG": "Afghanistan|Афганистан",
    "IRN": "Iran|Иран|Persia",
    "CHN": "China|Китай|КНР|PRC",
    "KOR": "South Korea|Южная Корея|Korea",
    "PRK": "North Korea|Северная Корея|КНДР",
    "GBR": "United Kingdom|UK|Great Britain|Britain|Великобритания",
    "USA": "United States|USA|US|America|США",
    "ARE": "UAE|ОАЭ|Emirates",
}


@dataclass(frozen=True, slots=True)
class Country:
    iso3: str
    iso2: str
    name_en: str
    name_ru: str


@dataclass(frozen=True, slots=True)
class Admin1:
    code: str  # ISO 3166-2
    country: str  # ISO 3166-1 alpha-3
    pcode: str | None
    hasc: str | None
    name_en: str
    name_ru: str
    type: str  # region, city, republic, krai, autonomous_okrug, autonomous_oblast, districts
    lat: float
    lon: float
    boundary: str | None  # ``opendtm_code`` of its feature in the boundary file
    parent: str | None = None  # unit whose outline holds it, when it has none of its own
    aliases: tuple[str, ...] = ()

    @property
    def is_city(self) -> bool:
        return self.type == "city"

    @property
    def label(self) -> str:
        return f"{self.name_en} ({self.code})"


@dataclass(frozen=True, slots=True)
class City:
    name_en: str
    name_ru: str
    country: str
    admin1_code: str
    lat: float
    lon: float
    aliases: tuple[str, ...] = ()

    @property
    def label(self) -> str:
        return f"{self.name_en} ({self.country})"


def _rows(name: str) -> list[dict[str, str]]:
    text = _DATA.joinpath("gazetteer", name).read_text(encoding="utf-8")
    return list(csv.DictReader(io.StringIO(text)))


def _split(value: str) -> tuple[str, ...]:
    return tuple(a for a in value.split("|") if a)


@functools.cache
def _read_json_text(*parts: str) -> str:
    return _DATA.joinpath(*parts).read_text(encoding="utf-8")


class Gazetteer:
    """Look-up of countries, admin-1 units and cities; see the module documentation."""

    def __init__(self, units: Iterable[Admin1], cities: Iterable[City]) -> None:
        self._units = list(units)
        self._cities = list(cities)
        self._by_code: dict[str, Admin1] = {}
        self._unit_names: NameIndex[Admin1] = NameIndex()
        for u in self._units:
            for code in (u.code, u.pcode, u.hasc):
                if code:
                    self._by_code[code.upper()] = u
            self._unit_names.add(u, (u.name_en, u.name_ru, *u.aliases))
        self._city_names: NameIndex[City] = NameIndex()
        for c in self._cities:
            self._city_names.add(c, (c.name_en, c.name_ru, *c.aliases))

    @classmethod
    def load(cls) -> Gazetteer:
        """The gazetteer of the packaged data."""
        units = [
            Admin1(
                code=r["code"], country=r["country"], pcode=r["pcode"] or None,
                hasc=r["hasc"] or None, name_en=r["name_en"], name_ru=r["name_ru"],
                type=r["type"], lat=float(r["lat"]), lon=float(r["lon"]),
                boundary=r["boundary"] or None, parent=r["parent"] or None,
                aliases=_split(r["aliases"]),
            )
            for r in _rows("admin1.csv")
        ]  # fmt: skip
        cities = [
            City(r["name_en"], r["name_ru"], r["country"], r["admin1_code"],
                 float(r["lat"]), float(r["lon"]), _split(r["aliases"]))
            for r in _rows("cities.csv")
        ]  # fmt: skip
        return cls(units, cities)

    # -- countries -------------------------------------------------------------------

    @functools.cached_property
    def _countries(self) -> tuple[dict[str, Country], NameIndex[Country]]:
        ru = gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=["ru"])
        by_code: dict[str, Country] = {}
        index: NameIndex[Country] = NameIndex()
        for c in pycountry.countries:
            names = [c.name, getattr(c, "common_name", ""), getattr(c, "official_name", "")]
            names = [n for n in names if n]
            ru_names = [ru.gettext(n) for n in names]
            country = Country(
                c.alpha_3, c.alpha_2,
                _NAME_EN.get(c.alpha_3) or getattr(c, "common_name", "")
                or (getattr(c, "official_name", "") if "," in c.name else "") or c.name,
                _NAME_RU.get(c.alpha_3) or ru_names[0],
            )  # fmt: skip
            for code in (c.alpha_3, c.alpha_2, c.numeric):
                by_code[code] = country
            aliases = _split(_COUNTRY_ALIASES.get(c.alpha_3, ""))
            index.add(country, (country.name_en, country.name_ru, *names, *ru_names, *aliases))
        return by_code, index

    def country(self, name: str) -> Country:
        """Any ISO 3166-1 country by code (MDA, md, 498) or English/Russian name."""
        by_code, index = self._countries
        code = name.strip().upper()
        if code in by_code:
            return by_code[code]
        return resolve(index, name, "country", label=lambda c: f"{c.name_en} ({c.iso3})")

    # -- admin-1 units ---------------------------------------------------------------

    def admin1_units(self, country: str | None = None) -> list[Admin1]:
        iso3 = self.country(country).iso3 if country else None
        return [u for u in self._units if iso3 is None or u.country == iso3]

    def admin1(self, name: str, country: str | None = None) -> Admin1:
        """The unit named or coded ``name``, optionally within ``country``."""
        iso3 = self.country(country).iso3 if country else None
        unit = self._by_code.get(name.strip().upper())
        if unit and iso3 in (None, unit.country):
            return unit
        # A city's name is answered with a hint at the unit it lies in.
        cities = self._city_names.find(name_key(name))
        in_unit = [u for c in cities if (u := self._by_code.get(c.admin1_code.upper()))]
        return resolve(
            self._unit_names, name, "admin-1 unit", where=iso3,
            keep=lambda u: iso3 in (None, u.country), label=lambda u: u.label,
            is_city=lambda u: u.is_city, hint=in_unit,
        )  # fmt: skip

    # -- cities ----------------------------------------------------------------------

    def cities(self, country: str | None = None) -> list[City]:
        iso3 = self.country(country).iso3 if country else None
        return [c for c in self._cities if iso3 is None or c.country == iso3]

    def city(self, name: str, country: str | None = None) -> City:
        iso3 = self.country(country).iso3 if country else None
        return resolve(
            self._city_names, name, "city", where=iso3,
            keep=lambda c: iso3 in (None, c.country), label=lambda c: c.label,
        )  # fmt: skip

    # -- outlines --------------------------------------------------------------------

    def boundaries(self, country: str) -> dict[str, Any]:
        """GeoJSON FeatureCollection of a country's admin-1 units.

        Each feature carries its unit's ISO 3166-2 code as the ``opendtm_code`` property.
        A new object is returned on every call.
        """
        iso3 = self.country(country).iso3
        try:
            text = _read_json_text("boundaries", "admin1", f"{iso3}.geojson")
        except FileNotFoundError:
            raise UnknownPlace(f"no admin-1 boundaries for {country!r}", country) from None
        data: dict[str, Any] = json.loads(text)
        return data

    def countries_geojson(self) -> dict[str, Any]:
        """Country outlines (``opendtm_code`` = ISO alpha-3); a new object on every call."""
        data: dict[str, Any] = json.loads(_read_json_text("boundaries", "admin0.geojson"))
        return data


@functools.cache
def gazetteer() -> Gazetteer:
    """The gazetteer of the packaged data, loaded once."""
    return Gazetteer.load()
