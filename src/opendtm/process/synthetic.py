"""Synthetic fact tables of any size, in the store's fact schemas, for benchmarks and for
running the figures on other engines. Deterministic for a given seed; no personal data."""

from __future__ import annotations

import datetime as dt
from typing import Any

import numpy as np
import pyarrow as pa

from opendtm.domain.taxonomy import CATEGORY_OF, AssistanceType
from opendtm.store.facts import ASSISTANCE_SCHEMA, CONTACT_SCHEMA, VULNERABILITY_SCHEMA

COUNTRIES = {
    "KGZ": ["KG-B", "KG-C", "KG-J", "KG-N", "KG-O", "KG-T", "KG-Y"],
    "TJK": ["TJ-GB", "TJ-KT", "TJ-RA", "TJ-SU"],
    "KAZ": ["KZ-AKT", "KZ-ALA", "KZ-ALM", "KZ-AST", "KZ-KAR", "KZ-SHY"],
    "RUS": ["RU-MOW", "RU-SPE", "RU-SVE"],
    "UZB": ["UZ-TK", "UZ-SA", "UZ-FA"],
}
NATIONALITIES = ["UZB", "TJK", "KGZ", "RUS", "KAZ", "MDA", "UKR", "AFG", "TKM", "AZE"]
TYPES = [t.value for t in AssistanceType]
VULNERABILITIES = ["income_loss", "undocumented", "disability", "vot", "gbv"]


def nulls(values: Any, where: Any) -> Any:
    """``values`` as an object array with ``None`` where ``where`` is true."""
    out = np.asarray(values).astype(object)
    out[where] = None
    return out


def facts(rows: int, seed: int = 7, people_per_row: float = 0.4) -> tuple[
    pa.Table, pa.Table, pa.Table
]:
    """Assistance, contact and vulnerability facts: ``rows`` assistance rows over about
    ``rows * people_per_row`` people in five countries, 8 partners each."""
    rng = np.random.default_rng(seed)
    n_people = max(1, int(rows * people_per_row))
    codes = list(COUNTRIES)
    p_country = rng.integers(0, len(codes), n_people)
    p_sex = rng.choice(np.array(["m", "f", None], dtype=object), n_people, p=[0.6, 0.38, 0.02])
    p_age = rng.integers(0, 80 * 12, n_people)
    p_nat = rng.choice(np.array(NATIONALITIES, dtype=object), n_people)
    p_status = rng.choice(np.array(["returnee", "stranded", "other"], dtype=object), n_people)
    p_prev = rng.choice(np.array(["RUS", "KAZ", "TUR", None], dtype=object), n_people)
    person = rng.integers(0, n_people, rows)
    family_rows = rng.random(rows) < 0.03
    country_idx = p_country[person]
    country = np.array(codes, dtype=object)[country_idx]
    partner = np.array([f"{c} partner {i}" for c in codes for i in range(8)], dtype=object)[
        country_idx * 8 + rng.integers(0, 8, rows)]
    type_idx = rng.integers(0, len(TYPES), rows)
    type_ = np.array(TYPES, dtype=object)[type_idx]
    category = np.array([CATEGORY_OF[AssistanceType(t)].value for t in TYPES],
                        dtype=object)[type_idx]
    regions = np.array([[units[j % len(units)] for j in range(7)]
                        for units in COUNTRIES.values()], dtype=object)
    region = regions[country_idx, rng.integers(0, 7, rows)]
    is_return = type_ == "return"
    start = dt.date(2020, 10, 1)
    days = rng.integers(0, 240, rows)
    person_key = nulls(person, family_rows)
    family_id = nulls(person // 3, ~family_rows)
    assist = pa.table({
        "assistance_id": pa.array(np.arange(rows, dtype=np.int64)),
        "country": pa.array(country, pa.string()),
        "partner": pa.array(partner, pa.string()),
        "person_key": pa.array(person_key, pa.int64()),
        "family_id": pa.array(family_id, pa.int64()),
        "family_nationality": pa.array(nulls(p_nat[person], ~family_rows), pa.string()),
        "sex": pa.array(nulls(p_sex[person], family_rows), pa.string()),
        "age_months": pa.array(nulls(p_age[person] + days // 30, family_rows), pa.int64()),
        "nationality": pa.array(nulls(p_nat[person], family_rows), pa.string()),
        "migrant_status": pa.array(nulls(p_status[person], family_rows), pa.string()),
        "previous_country": pa.array(nulls(p_prev[person], family_rows), pa.string()),
        "type": pa.array(type_, pa.string()),
        "category": pa.array(category, pa.string()),
        "delivered_on": pa.array(np.datetime64(start) + days.astype("timedelta64[D]"),
                                 pa.date32()),
        "admin1_code": pa.array(region, pa.string()),
        "city": pa.array(np.full(rows, None, dtype=object), pa.string()),
        "return_from": pa.array(nulls(country, ~is_return), pa.string()),
        "return_to": pa.array(nulls(p_nat[person], ~is_return), pa.string()),
        "transport_mode": pa.array(nulls(rng.choice(np.array(["air", "land"], dtype=object),
                                                    rows), ~is_return), pa.string()),
        "consultation_topic": pa.array(np.full(rows, None, dtype=object), pa.string()),
    }, schema=ASSISTANCE_SCHEMA)
    n_contacts = max(1, rows // 100)
    contacts = pa.table({
        "country": pa.array(rng.choice(np.array(codes, dtype=object), n_contacts), pa.string()),
        "partner": pa.array(np.full(n_contacts, "hotline", dtype=object), pa.string()),
        "contacted_on": pa.array(np.datetime64(start) + rng.integers(0, 240, n_contacts)
                                 .astype("timedelta64[D]"), pa.date32()),
        "sex": pa.array(rng.choice(np.array(["m", "f"], dtype=object), n_contacts), pa.string()),
        "nationality": pa.array(rng.choice(np.array(NATIONALITIES, dtype=object), n_contacts),
                                pa.string()),
        "topic": pa.array(rng.choice(np.array(["registration", "citizenship", "health"],
                                              dtype=object), n_contacts), pa.string()),
        "channel": pa.array(np.full(n_contacts, "phone", dtype=object), pa.string()),
        "contacts": pa.array(rng.integers(1, 3, n_contacts), pa.int64()),
    }, schema=CONTACT_SCHEMA)
    screened = rng.random(n_people) < 0.3
    vulns = pa.table({
        "person_key": pa.array(np.arange(n_people, dtype=np.int64)[screened]),
        "vulnerability": pa.array(rng.choice(np.array(VULNERABILITIES, dtype=object),
                                             int(screened.sum())), pa.string()),
    }, schema=VULNERABILITY_SCHEMA)
    return assist, contacts, vulns
