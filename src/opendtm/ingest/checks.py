"""A template row -> typed values ready to load, or the problems that stop it.

Every conversion is memoised by its input text, so a million rows with a few thousand
distinct dates, places and codes cost a few thousand look-ups. Messages never repeat the
content of a personal-data column.
"""

from __future__ import annotations

import datetime as dt
import hashlib
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


class Record(NamedTuple):
    """One checked row, in the order of the loader's staging table."""

    row_no: int
    partner_id: int
    record_id: str
    row_hash: int
    beneficiary_id: str | None
    family_code: str | None
    sex: str | None
    date_of_birth: dt.date | None
    age_years: int | None
    nationality: str | None
    migrant_status: str | None
    type: str
    delivered_on: dt.date
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

    def check(self, row: int, cells: list[str], ident: tuple[int, str, int]
              ) -> Record | list[Problem]:
        problems: list[Problem] = []

        def conv(column: str, kind: str, fn: Callable[[Any], Any], text: Any,
                 code: str = "invalid") -> Any:
            if not text:
                return None
            value, error = self._conv(kind, fn, text)
            if error:
                problems.append(self._problem(row, column, code, error))
            return value

        for col in t.COLUMNS:
            if len(cells[I[col.name]]) > col.max_length:
                what = "" if col.kind == "personal" else f" ({cells[I[col.name]][:20]!r}...)"
                problems.append(self._problem(row, col.name, "too-long", f"{col.name} is "
                                              f"longer than {col.max_length} characters{what}"))
        iso3 = self._conv("country", _country, cells[I["country"]])[0]
        delivered = conv("assistance_date", "date", parse_date, cells[I["assistance_date"]])
        if delivered is None and not cells[I["assistance_date"]]:
            problems.append(self._problem(row, "assistance_date", "required",
                                          "assistance_date is blank"))
        elif delivered is not None and delivered > self._today:
            problems.append(self._problem(row, "assistance_date", "future",
                                          f"assistance_date {delivered} is in the future"))
        born = conv("date_of_birth", "date", parse_date, cells[I["date_of_birth"]])
        if born and delivered and born > delivered:
            problems.append(self._problem(row, "date_of_birth", "born-after-assistance",
                                          "date_of_birth is after assistance_date"))
        kind = self._choice(row, "assistance_type", cells, problems)
        if kind is None and not cells[I["assistance_type"]]:
            problems.append(self._problem(row, "assistance_type", "required",
                                          "assistance_type is blank"))
        return_to = conv("return_to", "country", _country, cells[I["return_to"]],
                         "unknown-country")
        if kind == "return" and not return_to and not cells[I["return_to"]]:
            problems.append(self._problem(row, "return_to", "return-without-destination",
                                          "a return needs return_to (the destination country)"))
        beneficiary, family = cells[I["beneficiary_id"]] or None, cells[I["family_id"]] or None
        if not beneficiary and not family:
            problems.append(self._problem(row, "beneficiary_id", "missing-recipient",
                                          "beneficiary_id and family_id are both blank"))
        admin1 = conv("admin1", "admin1", lambda k: gazetteer().admin1(k[1], country=k[0]).code,
                      (iso3, cells[I["admin1"]]) if cells[I["admin1"]] else None,
                      "unknown-region")
        city = conv("city", "city", self._city, (iso3, cells[I["city"]])
                    if cells[I["city"]] else None, "unknown-city")
        vulns = conv("vulnerabilities", "multi", self._multi, cells[I["vulnerabilities"]])
        referral = cells[I["referral_source"]]
        ref_kind = self._choices["referral_source"].get(referral.casefold()) if referral else None
        record = Record(
            row, *ident[:3], beneficiary, family,
            self._choice(row, "sex", cells, problems),
            born,
            conv("age", "age", parse_age, cells[I["age"]]),
            conv("nationality", "country", _country, cells[I["nationality"]], "unknown-country"),
            self._choice(row, "migrant_status", cells, problems),
            kind or "", delivered or self._today, admin1, city,
            conv("return_from", "country", _country, cells[I["return_from"]], "unknown-country"),
            return_to,
            self._choice(row, "transport_mode", cells, problems),
            self._choice(row, "consultation_topic", cells, problems),
            vulns or None,
            (ref_kind or "other") if referral else None,
            None if ref_kind else (referral or None),
            *(cells[I[c]] or None for c in ("given_name", "family_name", "patronymic",
                                            "document_number", "phone")),
        )  # fmt: skip
        return problems or record

    def _choice(self, row: int, column: str, cells: list[str], problems: list[Problem]
                ) -> str | None:
        text = cells[I[column]]
        if not text:
            return None
        code = self._choices[column].get(text.casefold())
        if code is None:
            allowed = ", ".join(m.value for m in t.BY_NAME[column].choices or ())
            problems.append(self._problem(row, column, "not-allowed",
                                          f"{column} {text[:40]!r} is not one of: {allowed}"))
        return code

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


def _country(text: str) -> str:
    return gazetteer().country(text).iso3
