"""A template row -> typed values ready to load, or the problems that stop it.

Every conversion is memoised by its input text, so a million rows with a few thousand
distinct dates, places and codes cost a few thousand look-ups. Messages never repeat the
content of a personal-data column.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import operator
import re
from collections.abc import Callable
from typing import Any, NamedTuple

from opendtm.domain.gazetteer import gazetteer
from opendtm.domain.problems import Problem

from . import template as t

EXCEL_EPOCH = dt.date(1899, 12, 30)
_DMY = re.compile(r"^(\d{1,2})[./](\d{1,2})[./](\d{4})$")
_SERIAL = re.compile(r"^\d{1,7}(\.\d+)?$")
_CACHE_LIMIT = 200_000
I = t.INDEX  # noqa: E741 - short on purpose: the column positions of a template row
_DELIVERED, _BORN, _TYPE = I["assistance_date"], I["date_of_birth"], I["assistance_type"]
_RETURN_TO, _REFERRAL = I["return_to"], I["referral_source"]
_BENEFICIARY, _FAMILY = I["beneficiary_id"], I["family_id"]
_PERSONAL = tuple(I[c] for c in ("given_name", "family_name", "patronymic", "document_number",
                                 "phone"))


class Record(NamedTuple):
    """One checked row, in the order of the loader's staging table."""

    row_no: int
    partner_id: int
    record_id: str
    row_hash: int
    beneficiary_id: str | None
    family_code: str | None
    sex: str | None
    date_of_birth: str | None  # ISO 8601
    age_years: int | None
    nationality: str | None
    migrant_status: str | None
    type: str
    delivered_on: str  # ISO 8601
    admin1_code: str | None
    city_id: int | None
    return_from: str | None
    return_to: str | None
    transport_mode: str | None
    consultation_topic: str | None
    vulnerabilities: str | None
    referral_kind: str | None
    referral_org: str | None
    given_name: str | None
    family_name: str | None
    patronymic: str | None
    document_number: str | None
    phone: str | None


def iso_date(text: str) -> str:
    return parse_date(text).isoformat()


def parse_date(text: str) -> dt.date:
    """ISO date (a time part is ignored), dd.mm.yyyy, dd/mm/yyyy or an Excel serial."""
    try:
        if _SERIAL.match(text):
            days = float(text)
            if not 1 <= days < 2958466:
                raise ValueError
            day = EXCEL_EPOCH + dt.timedelta(days=int(days))
        elif m := _DMY.match(text):
            day = dt.date(int(m[3]), int(m[2]), int(m[1]))
        else:
            day = dt.date.fromisoformat(text[:10])
    except (ValueError, OverflowError):
        raise ValueError(f"{text[:40]!r} is not a date (use YYYY-MM-DD, DD.MM.YYYY or an "
                         "Excel date)") from None
    if not 1900 <= day.year <= 2100:
        raise ValueError(f"{text[:40]!r} is not a plausible date")
    return day


def parse_age(text: str) -> int:
    try:
        value = float(text.replace(",", "."))
    except ValueError:
        raise ValueError(f"{text[:40]!r} is not an age in years") from None
    if not value.is_integer() or not 0 <= value < 130:
        raise ValueError(f"{text[:40]!r} is not an age in whole years (0-129)")
    return int(value)


def row_hash(partner_id: int, cells: list[str]) -> int:
    """A 64-bit fingerprint of a row's content (what 'unchanged' is judged by)."""
    data = f"{partner_id}\x1f" + "\x1f".join(cells)
    digest = hashlib.blake2b(data.encode("utf-8", "surrogatepass"), digest_size=8).digest()
    return int.from_bytes(digest, "big", signed=True)


class RowChecker:
    """Checks rows of one file. ``partner`` resolves (country ISO3, name) to a partner id or
    raises LookupError; ``city_ids`` maps (country, English name) to the store's city id."""

    def __init__(self, file: str, partner: Callable[[str, str], int],
                 city_ids: dict[tuple[str, str], int], today: dt.date | None = None) -> None:
        self.file = file
        self._partner = partner
        self._city_ids = city_ids
        self._today = today or dt.date.today()
        self._caches: dict[str, dict[Any, tuple[Any, str | None]]] = {}
        self._choices = {c.name: t.choice_lookup(c.name) for c in t.COLUMNS if c.choices}
        self._today_iso = self._today.isoformat()
        self._max = [c.max_length for c in t.COLUMNS]
        self._convs = self._converters()
        for _, kind, *_rest in self._convs:
            self._caches.setdefault(kind, {})

    def _conv(self, kind: str, fn: Callable[[Any], Any], text: Any) -> tuple[Any, str | None]:
        cache = self._caches.setdefault(kind, {})
        try:
            return cache[text]
        except KeyError:
            pass
        try:
            result: tuple[Any, str | None] = (fn(text), None)
        except (ValueError, LookupError) as exc:
            result = (None, str(exc))
        if len(cache) < _CACHE_LIMIT:
            cache[text] = result
        return result

    def _problem(self, row: int, column: str, code: str, message: str) -> Problem:
        return Problem(code, message, file=self.file, row=row, column=column)

    def identify(self, row: int, cells: list[str]) -> tuple[int, str, int] | list[Problem]:
        """(partner id, record id, content hash), or why the row cannot be placed."""
        problems: list[Problem] = []
        record_id = cells[I["record_id"]]
        if not record_id:
            problems.append(self._problem(row, "record_id", "required", "record_id is blank"))
        elif len(record_id) > 64:
            problems.append(self._problem(row, "record_id", "too-long",
                                          "record_id is longer than 64 characters"))
        if not cells[I["country"]]:
            problems.append(self._problem(row, "country", "required", "country is blank"))
            return problems
        iso3, error = self._conv("country", _country, cells[I["country"]])
        if error:
            problems.append(self._problem(row, "country", "unknown-country", error))
            return problems
        name = cells[I["partner"]]
        if not name:
            problems.append(self._problem(row, "partner", "required", "partner is blank"))
            return problems
        partner_id, error = self._conv("partner", lambda k: self._partner(*k), (iso3, name))
        if error:
            problems.append(self._problem(row, "partner", "unknown-partner", error))
        if problems:
            return problems
        return partner_id, record_id, row_hash(partner_id, cells)

    def _converters(self) -> list[tuple[int, str, Callable[[Any], Any], str, bool]]:
        """(column position, cache name, function, problem code, keyed by country)."""
        out: list[tuple[int, str, Callable[[Any], Any], str, bool]] = []
        for col in t.COLUMNS:
            pos = I[col.name]
            if col.name == "referral_source" or col.kind in ("text", "personal"):
                continue
            if col.kind == "date":
                out.append((pos, "date", iso_date, "invalid", False))
            elif col.kind == "age":
                out.append((pos, "age", parse_age, "invalid", False))
            elif col.kind == "country":
                out.append((pos, "country", _country, "unknown-country", False))
            elif col.kind == "admin1":
                out.append((pos, "admin1", _admin1, "unknown-region", True))
            elif col.kind == "city":
                out.append((pos, "city", self._city, "unknown-city", True))
            elif col.kind == "multi":
                out.append((pos, "multi", self._multi, "not-allowed", False))
            elif col.choices is not None:
                out.append((pos, col.name, self._choice_fn(col.name), "not-allowed", False))
        return out

    def _choice_fn(self, column: str) -> Callable[[str], str]:
        lookup = self._choices[column]
        allowed = ", ".join(m.value for m in t.BY_NAME[column].choices or ())

        def choose(text: str) -> str:
            code = lookup.get(text.casefold())
            if code is None:
                raise ValueError(f"{column} {text[:40]!r} is not one of: {allowed}")
            return code

        return choose

    def check(self, row: int, cells: list[str], ident: tuple[int, str, int]
              ) -> Record | list[Problem]:
        problems: list[Problem] = []
        values: list[Any] = [None] * len(cells)
        iso3 = self._conv("country", _country, cells[I["country"]])[0]
        caches = self._caches
        for pos, kind, fn, code, by_country in self._convs:
            text = cells[pos]
            if not text:
                continue
            key = (iso3, text) if by_country else text
            cache = caches[kind]
            hit = cache.get(key)
            if hit is None:
                hit = self._conv(kind, fn, key)
            if hit[1] is not None:
                problems.append(self._problem(row, t.COLUMNS[pos].name, code, hit[1]))
            values[pos] = hit[0]
        too_long = any(map(operator.gt, map(len, cells), self._max))
        for n in range(len(cells)) if too_long else ():
            if len(cells[n]) <= self._max[n]:
                continue
            col = t.COLUMNS[n]
            what = "" if col.kind == "personal" else f" ({cells[n][:20]!r}...)"
            problems.append(self._problem(row, col.name, "too-long", f"{col.name} is longer "
                                          f"than {col.max_length} characters{what}"))
        delivered, born, kind = values[_DELIVERED], values[_BORN], values[_TYPE]
        if not cells[_DELIVERED]:
            problems.append(self._problem(row, "assistance_date", "required",
                                          "assistance_date is blank"))
        elif delivered is not None and delivered > self._today_iso:
            problems.append(self._problem(row, "assistance_date", "future",
                                          f"assistance_date {delivered} is in the future"))
        if born and delivered and born > delivered:
            problems.append(self._problem(row, "date_of_birth", "born-after-assistance",
                                          "date_of_birth is after assistance_date"))
        if not cells[_TYPE]:
            problems.append(self._problem(row, "assistance_type", "required",
                                          "assistance_type is blank"))
        if kind == "return" and not cells[_RETURN_TO]:
            problems.append(self._problem(row, "return_to", "return-without-destination",
                                          "a return needs return_to (the destination country)"))
        beneficiary, family = cells[_BENEFICIARY] or None, cells[_FAMILY] or None
        if not beneficiary and not family:
            problems.append(self._problem(row, "beneficiary_id", "missing-recipient",
                                          "beneficiary_id and family_id are both blank"))
        if problems:
            return problems
        referral = cells[_REFERRAL]
        ref_kind = self._choices["referral_source"].get(referral.casefold()) if referral else None
        v = values
        return Record(
            row, ident[0], ident[1], ident[2], beneficiary, family, v[I["sex"]], born,
            v[I["age"]], v[I["nationality"]], v[I["migrant_status"]], kind, delivered,
            v[I["admin1"]], v[I["city"]], v[I["return_from"]], v[I["return_to"]],
            v[I["transport_mode"]], v[I["consultation_topic"]], v[I["vulnerabilities"]] or None,
            (ref_kind or "other") if referral else None, None if ref_kind else (referral or None),
            cells[_PERSONAL[0]] or None, cells[_PERSONAL[1]] or None,
            cells[_PERSONAL[2]] or None, cells[_PERSONAL[3]] or None,
            cells[_PERSONAL[4]] or None,
        )  # fmt: skip

    def _multi(self, text: str) -> str:
        lookup = self._choices["vulnerabilities"]
        codes = []
        for token in text.replace(",", " ").replace(";", " ").split():
            code = lookup.get(token.casefold())
            if code is None:
                allowed = ", ".join(t.BY_NAME["vulnerabilities"].choices or ())
                raise ValueError(f"vulnerability {token[:40]!r} is not one of: {allowed}")
            codes.append(code)
        return " ".join(sorted(set(codes)))

    def _city(self, key: tuple[str | None, str]) -> int:
        place = gazetteer().city(key[1], country=key[0])
        city_id = self._city_ids.get((place.country, place.name_en))
        if city_id is None:
            raise LookupError(f"city {place.name_en} is not in the database: run `opendtm init`")
        return city_id


def _admin1(key: tuple[str | None, str]) -> str:
    return gazetteer().admin1(key[1], country=key[0]).code


def _country(text: str) -> str:
    return gazetteer().country(text).iso3
