"""The tables of the persons counted in each scope, from which the figures are read.

A person is counted once per scope: the table has one row per scope and person, with who
they are, their age at their first assistance in scope, whether (and at what age first)
they got each group of help, and the bit sets of their rows' values
(``opendtm.process.bitsets``). The table of a coarser scope (a country) is derived from the
table of a finer one (a partner within the country) when it can be, exactly: a person's
attributes are the same on all their rows, the first age is the least of the first ages,
and the bit sets of the scope are the union of the partners' bit sets. Whether a person
got a group of help is read from the bits of their types and categories when the bits hold
them (one aggregate less per group), else aggregated from the rows. Text columns may be
coded (``opendtm.process.coding``): values are compared through ``codes``.
"""

from __future__ import annotations

import ibis.expr.types as ir

from opendtm.domain.taxonomy import PRE_DEPARTURE, AssistanceCategory, AssistanceType
from opendtm.process.bitsets import BitSets
from opendtm.process.coding import Codes
from opendtm.process.packing import Packing

ATTRIBUTES = ("sex", "nationality", "migrant_status", "previous_country")
# each group of help: the breakdown and the values that put a person in it
HELP: dict[str, tuple[str, str, list[str]]] = {
    "return": ("by_type", "type", [AssistanceType.RETURN.value]),
    "food_nfi": ("by_category", "category", [AssistanceCategory.FOOD_NFI.value]),
    "pre_departure": ("by_type", "type", [t.value for t in PRE_DEPARTURE]),
}


def from_rows(
    people: ir.Table, keys: list[str], sets: BitSets, codes: Codes,
    packing: Packing | None = None,
) -> ir.Table:
    """The persons of each scope from the assistance rows (of persons only), with the bit
    sets of ``sets``; with ``packing``, grouped by one packed key and with the attributes
    packed (read it through :func:`view`)."""
    age = people.age_months
    metrics: dict[str, ir.Value] = (
        {"attributes": packing.attributes_of(people).arbitrary()} if packing else
        {col: people[col].arbitrary() for col in ATTRIBUTES})
    metrics["age_months"] = age.min()
    from_bits = _from_bits(sets)
    for name, (_, col, values) in HELP.items():
        where = people[col].isin(codes.codes(col, values))
        if not from_bits:
            metrics[f"got_{name}"] = where.any()
        metrics[f"age_{name}"] = age.min(where=where)
    by = {"scope": packing.key(people)} if packing else [*keys, "person_key"]
    return people.group_by(by).aggregate(**metrics, **sets.aggregates(people))


def coarser(
    persons: ir.Table, keys: list[str], sets: BitSets, packing: Packing | None = None,
) -> tuple[ir.Table, Packing | None]:
    """The persons of each scope given by ``keys`` from a table of finer scopes (as
    :func:`from_rows` returns it), and the packing of the new table."""
    metrics: dict[str, ir.Value] = (
        {"attributes": persons.attributes.arbitrary()} if packing else
        {col: persons[col].arbitrary() for col in ATTRIBUTES})
    metrics["age_months"] = persons.age_months.min()
    from_bits = _from_bits(sets)
    for name in HELP:
        if not from_bits:
            metrics[f"got_{name}"] = persons[f"got_{name}"].any()
        metrics[f"age_{name}"] = persons[f"age_{name}"].min()
    for col in sets.bit_columns():
        metrics[col] = persons[col].bit_or()
    if packing is None:
        return persons.group_by([*keys, "person_key"]).aggregate(**metrics), None
    scope, packing = packing.coarser(persons.scope, keys)
    return persons.group_by(scope=scope).aggregate(**metrics), packing


def view(persons: ir.Table, sets: BitSets, codes: Codes, packing: Packing | None) -> ir.Table:
    """The table the figures read: the packed columns unpacked (and kept, for
    :func:`coarser`), whether each person got
    each group of help (from the bits when they hold it) and whether they are a
    returnee."""
    if packing is not None:
        unpacked = packing.unpack(persons.scope, persons.attributes)
        persons = persons.select(**unpacked, **{c: persons[c] for c in persons.columns})
    got: dict[str, ir.Value] = {}
    if _from_bits(sets):
        for name, (breakdown, _, values) in HELP.items():
            has = sets.has(persons, breakdown, values)
            assert has is not None
            got[f"got_{name}"] = has
    return persons.mutate(
        **got, returnee=persons.migrant_status == codes.code("migrant_status", "returnee"))


def _from_bits(sets: BitSets) -> bool:
    return all(sets.columns.get(name) is not None for name, _, _ in HELP.values())
