"""Synthetic fact tables of any size, in the store's fact schemas, for benchmarks and for
running the figures on other engines. Deterministic for a given seed; no personal data."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
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
STATUSES = ["returnee", "stranded", "other"]
PREVIOUS = ["RUS", "KAZ", "TUR"]
TOPICS = ["registration", "citizenship", "health"]


def strings(choices: Sequence[str], index: Any, null: Any = None) -> pa.Array:
    """The strings ``choices[index]``, null where ``null`` is true, built by Arrow's
    dictionary decoding (no Python object per value)."""
    return dictionary(choices, index, null).dictionary_decode()


def dictionary(choices: Sequence[str], index: Any, null: Any = None) -> pa.DictionaryArray:
    """The same values as :func:`strings`, dictionary-encoded (each distinct value once)."""
    distinct = sorted(set(choices))
    renumber = np.array([distinct.index(c) for c in choices], dtype=np.int32)
    indices = pa.array(renumber[np.asarray(index, dtype=np.int64)], mask=null)
    return pa.DictionaryArray.from_arrays(indices, pa.array(distinct, pa.string()))


def dictionary_schema(schema: pa.Schema) -> pa.Schema:
    """``schema`` with its text columns dictionary-encoded."""
    return pa.schema([
        pa.field(f.name, pa.dictionary(pa.int32(), pa.string())) if f.type == pa.string()
        else f for f in schema
    ])


def facts(rows: int, seed: int = 7, people_per_row: float = 0.4, coded: bool = False) -> tuple[
    pa.Table, pa.Table, pa.Table
]:
    """Assistance, contact and vulnerability facts: ``rows`` assistance rows over about
    ``rows * people_per_row`` people in five countries, 8 partners each; with ``coded``,
    the text columns are dictionary-encoded (the same values)."""
    text = dictionary if coded else strings
    rng = np.random.default_rng(seed)
    n_people = max(1, int(rows * people_per_row))
    codes = list(COUNTRIES)
    p_country = rng.integers(0, len(codes), n_people)
    p_sex = rng.choice(3, n_people, p=[0.6, 0.38, 0.02])  # m, f, not recorded
    p_age = rng.integers(0, 80 * 12, n_people)
    p_nat = rng.choice(len(NATIONALITIES), n_people)
    p_status = rng.choice(len(STATUSES), n_people)
    p_prev = rng.choice(len(PREVIOUS) + 1, n_people)  # the last: not recorded
    person = rng.integers(0, n_people, rows)
    family_rows = rng.random(rows) < 0.03
    family_head = (person // 3) * 3
    country_idx = p_country[person]
    partners = [f"{c} partner {i}" for c in codes for i in range(8)]
    partner_idx = country_idx * 8 + rng.integers(0, 8, rows)
    type_idx = rng.integers(0, len(TYPES), rows)
    categories = [CATEGORY_OF[AssistanceType(t)].value for t in TYPES]
    regions = [units[j % len(units)] for units in COUNTRIES.values() for j in range(7)]
    region_idx = country_idx * 7 + rng.integers(0, 7, rows)
    not_return = type_idx != TYPES.index("return")
    start = dt.date(2020, 10, 1)
    days = rng.integers(0, 240, rows)
    sex = p_sex[person]
    none = pa.nulls(rows, pa.string())
    if coded:
        none = none.dictionary_encode()
    prev = p_prev[person]
    assist = pa.table({
        "assistance_id": pa.array(np.arange(rows, dtype=np.int64)),
        "country": text(codes, country_idx),
        "partner": text(partners, partner_idx),
        "person_key": pa.array(person, pa.int64(), mask=family_rows),
        "family_id": pa.array(person // 3, pa.int64(), mask=~family_rows),
        # a family's nationality is that of its first member: one per family
        "family_nationality": text(NATIONALITIES, p_nat[family_head], ~family_rows),
        "sex": text(["m", "f", "-"], sex, family_rows | (sex == 2)),
        "age_months": pa.array(p_age[person] + days // 30, pa.int64(), mask=family_rows),
        "nationality": text(NATIONALITIES, p_nat[person], family_rows),
        "migrant_status": text(STATUSES, p_status[person], family_rows),
        "previous_country": text([*PREVIOUS, "-"], prev,
                                    family_rows | (prev == len(PREVIOUS))),
        "type": text(TYPES, type_idx),
        "category": text(categories, type_idx),
        "delivered_on": pa.array(np.datetime64(start) + days.astype("timedelta64[D]"),
                                 pa.date32()),
        "admin1_code": text(regions, region_idx),
        "city": none,
        "return_from": text(codes, country_idx, not_return),
        "return_to": text(NATIONALITIES, p_nat[person], not_return),
        "transport_mode": text(["air", "land"], rng.choice(2, rows), not_return),
        "consultation_topic": none,
    }, schema=dictionary_schema(ASSISTANCE_SCHEMA) if coded else ASSISTANCE_SCHEMA)
    n_contacts = max(1, rows // 100)
    contacts = pa.table({
        "country": text(codes, rng.choice(len(codes), n_contacts)),
        "partner": text(["hotline"], np.zeros(n_contacts)),
        "contacted_on": pa.array(np.datetime64(start) + rng.integers(0, 240, n_contacts)
                                 .astype("timedelta64[D]"), pa.date32()),
        "sex": text(["m", "f"], rng.choice(2, n_contacts)),
        "nationality": text(NATIONALITIES, rng.choice(len(NATIONALITIES), n_contacts)),
        "topic": text(TOPICS, rng.choice(len(TOPICS), n_contacts)),
        "channel": text(["phone"], np.zeros(n_contacts)),
        "contacts": pa.array(rng.integers(1, 3, n_contacts), pa.int64()),
    }, schema=dictionary_schema(CONTACT_SCHEMA) if coded else CONTACT_SCHEMA)
    screened = rng.random(n_people) < 0.3
    vulns = pa.table({
        "person_key": pa.array(np.arange(n_people, dtype=np.int64)[screened]),
        "vulnerability": text(VULNERABILITIES,
                                 rng.choice(len(VULNERABILITIES), int(screened.sum()))),
    }, schema=dictionary_schema(VULNERABILITY_SCHEMA) if coded
       else VULNERABILITY_SCHEMA)
    return assist, contacts, vulns
