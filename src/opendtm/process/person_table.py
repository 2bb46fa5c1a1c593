"""The tables of the persons counted in each scope, from which the figures are read.

A person is counted once per scope: the table has one row per scope and person, with who
they are, their age at their first assistance in scope, whether (and at what age first)
they got each group of help, and the bit sets of their rows' values
(``opendtm.process.bitsets``). The table of a coarser scope (a country) is derived from the
table of a finer one (a partner within the country) when it can be, exactly: a person's
attributes are the same on all their rows, the first age is the least of the first ages,
and the bit sets of the scope are the union of the partners' bit sets.
"""

from __future__ import annotations

import ibis.expr.types as ir

from opendtm.domain.taxonomy import PRE_DEPARTURE, AssistanceCategory, AssistanceType

ATTRIBUTES = ("sex", "nationality", "migrant_status", "previous_country")
HELP = ("return", "food_nfi", "pre_departure")


def from_rows(people: ir.Table, keys: list[str], bits: dict[str, ir.Value]) -> ir.Table:
    """The persons of each scope from the assistance rows (of persons only), with the
    ``bits`` aggregates."""
    age = people.age_months
    got = {
        "return": people.type == AssistanceType.RETURN.value,
        "food_nfi": people.category == AssistanceCategory.FOOD_NFI.value,
        "pre_departure": people.type.isin([t.value for t in PRE_DEPARTURE]),
    }
    metrics: dict[str, ir.Value] = {col: people[col].arbitrary() for col in ATTRIBUTES}
    metrics["age_months"] = age.min()
    for name, where in got.items():
        metrics[f"got_{name}"] = where.any()
        metrics[f"age_{name}"] = age.min(where=where)
    persons = people.group_by([*keys, "person_key"]).aggregate(**metrics, **bits)
    return persons.mutate(returnee=persons.migrant_status == "returnee")


def coarser(persons: ir.Table, keys: list[str], bits: list[str]) -> ir.Table:
    """The persons of each scope given by ``keys`` from a table of finer scopes."""
    metrics: dict[str, ir.Value] = {col: persons[col].arbitrary() for col in ATTRIBUTES}
    metrics["age_months"] = persons.age_months.min()
    for name in HELP:
        metrics[f"got_{name}"] = persons[f"got_{name}"].any()
        metrics[f"age_{name}"] = persons[f"age_{name}"].min()
    for col in bits:
        metrics[col] = persons[col].bit_or()
    out = persons.group_by([*keys, "person_key"]).aggregate(**metrics)
    return out.mutate(returnee=out.migrant_status == "returnee")
