"""The row breakdowns counted from the per-person bit sets, and the countries' persons
derived from their partners', equal the distinct counts over the assistance rows, at both
scope levels, on facts where people meet several partners."""

from __future__ import annotations

import pyarrow as pa
import pyarrow.compute as pc
import pytest

from opendtm.process import bitsets, figures, synthetic


@pytest.mark.parametrize("keys", [figures.COUNTRY, figures.PARTNER])
def test_bitsets_equal_distinct_counts(keys: list[str]) -> None:
    # 6,000 rows over 600 people: each person has about ten rows, at several partners
    assist, contacts, vulns = synthetic.facts(6000, seed=5, people_per_row=0.1)
    pairs = assist.group_by(["person_key", "partner"]).aggregate([])
    assert pairs.num_rows > 2 * pc.count_distinct(assist["person_key"]).as_py()
    fast = figures.compute(assist, contacts, vulns, keys, use_bits=True)
    slow = figures.compute(assist, contacts, vulns, keys, use_bits=False)
    assert fast == slow
    both = figures.compute_levels(assist, contacts, vulns, [figures.COUNTRY, figures.PARTNER])
    assert both[len(keys) - 1] == slow
    for block in fast.values():
        if "by_type" in block:
            assert sum(block["by_type"].values()) > block["individuals"]["total"]
            assert block["by_region"] and block["return"]["by_destination"]


def test_many_values_fall_back_to_distinct_counts() -> None:
    # a city per row: more values than the bits hold, so cities keep the distinct count
    assist, contacts, vulns = synthetic.facts(3000, seed=9)
    cities = pa.array([f"city {i % 400}" for i in range(assist.num_rows)], pa.string())
    assist = assist.set_column(assist.schema.get_field_index("city"), "city", cities)
    con = figures.connect()
    table = con.create_table("assist", assist)
    rows = table.filter(table.person_key.notnull())
    plan = bitsets.plan(con, rows, figures.ROW_BREAKDOWNS, rows.type == "return")
    assert "by_city" not in plan.columns and "by_region" in plan.columns
    fast = figures.compute(assist, contacts, vulns, figures.COUNTRY, con)
    slow = figures.compute(assist, contacts, vulns, figures.COUNTRY, con, use_bits=False)
    assert fast == slow
    assert all(len(block["by_city"]) > 50 for block in fast.values() if "by_city" in block)
