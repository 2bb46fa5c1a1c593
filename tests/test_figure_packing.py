"""The persons grouped by one packed key, with their attributes packed into one integer,
give the figures of the persons grouped by their scope's columns with each attribute apart,
at both scope levels: on facts where people meet several partners and two countries, some
ages are missing and a country has no return."""

from __future__ import annotations

import ibis
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from opendtm.process import coding, figures, packing, person_table, synthetic

LEVELS = [figures.COUNTRY, figures.PARTNER]


def mixed_facts() -> tuple[pa.Table, pa.Table, pa.Table]:
    assist, contacts, vulns = synthetic.facts(8000, seed=11, people_per_row=0.1, coded=True)
    rng = np.random.default_rng(3)
    n = assist.num_rows
    country = assist["country"].combine_chunks()
    codes = country.indices.to_numpy(zero_copy_only=False)
    moved = rng.random(n) < 0.1  # a tenth of the rows in another country
    country = pa.DictionaryArray.from_arrays(
        pa.array(np.where(moved, (codes + 1) % len(country.dictionary), codes), pa.int32()),
        country.dictionary)
    person = assist["person_key"].to_numpy(zero_copy_only=False)
    ages = assist["age_months"]
    no_age = (rng.random(n) < 0.05) | (np.nan_to_num(person, nan=1) % 17 == 0)
    ages = pa.array(ages.to_numpy(zero_copy_only=False), pa.int64(),
                    mask=no_age | pc.is_null(ages).to_numpy(zero_copy_only=False))
    assist = assist.set_column(assist.schema.get_field_index("country"), "country", country)
    assist = assist.set_column(assist.schema.get_field_index("age_months"), "age_months", ages)
    # no return in Kyrgyzstan: the return group and its breakdowns are empty there
    is_kgz = pc.equal(pc.cast(assist["country"], pa.string()), "KGZ")
    is_return = pc.equal(pc.cast(assist["type"], pa.string()), "return")
    assist = assist.filter(pc.invert(pc.and_(is_kgz, is_return)))
    return assist, contacts, vulns


def test_packed_persons_give_the_figures_of_the_plain_ones() -> None:
    assist, contacts, vulns = mixed_facts()
    _, codes = coding.encode(assist)
    person_range = (0, int(pc.max(assist["person_key"]).as_py()))
    assert packing.plan(codes, figures.PARTNER, person_table.ATTRIBUTES, person_range)
    packed = figures.compute_levels(assist, contacts, vulns, LEVELS)
    plain = figures.compute_levels(assist, contacts, vulns, LEVELS, pack=False)
    assert packed == plain
    rows = figures.compute_levels(assist, contacts, vulns, LEVELS, use_bits=False)
    assert packed == rows
    # the facts hold what the test is about
    assert any("return" not in block for scope, block in packed[0].items()
               if scope == ("KGZ",))
    two = assist.filter(pc.is_valid(assist["person_key"])).group_by(
        ["person_key", "country"]).aggregate([]).group_by("person_key").aggregate(
        [([], "count_all")])
    assert pc.max(two["count_all"]).as_py() >= 2


def test_person_keys_past_32_bits_are_not_packed() -> None:
    assist, contacts, vulns = synthetic.facts(3000, seed=4, coded=True)
    shifted = pc.add(assist["person_key"], 1 << 40)
    assist = assist.set_column(assist.schema.get_field_index("person_key"), "person_key",
                               shifted)
    _, codes = coding.encode(assist)
    span = (1 << 40, int(pc.max(shifted).as_py()))
    assert packing.plan(codes, figures.PARTNER, person_table.ATTRIBUTES, span) is None
    assert packing.plan(codes, figures.PARTNER, person_table.ATTRIBUTES, (-1, 5)) is None
    assert (figures.compute_levels(assist, contacts, vulns, LEVELS)
            == figures.compute_levels(assist, contacts, vulns, LEVELS, use_bits=False))


def test_fields_read_back_their_codes() -> None:
    codes = coding.Codes({"country": ["A", "B", "C"], "partner": [f"p{i}" for i in range(40)],
                          "sex": ["m", "f"], "nationality": list("abcdefghij"),
                          "migrant_status": ["r", "s", "o"], "previous_country": ["x"]})
    plan = packing.plan(codes, ["country", "partner"], person_table.ATTRIBUTES, (0, 9))
    assert plan is not None
    rows = pa.table({"country": pa.array([0, 2, None], pa.int32()),
                     "partner": pa.array([39, None, 0], pa.int32()),
                     "person_key": pa.array([0, (1 << 32) - 1, 7], pa.int64()),
                     "sex": pa.array([None, 1, 0], pa.int32()),
                     "nationality": pa.array([9, 0, None], pa.int32()),
                     "migrant_status": pa.array([2, None, 1], pa.int32()),
                     "previous_country": pa.array([0, None, 0], pa.int32())})
    t = ibis.memtable(rows)
    fine = t.select(scope=plan.key(t), attributes=plan.attributes_of(t))
    back = fine.select(**plan.unpack(fine.scope, fine.attributes))
    got = figures.connect().to_pyarrow(back)
    for col in rows.column_names:
        assert got[col].to_pylist() == rows[col].to_pylist(), col
    coarse, coarse_plan = plan.coarser(fine.scope, ["country"])
    one = fine.select(**coarse_plan.unpack(coarse, fine.attributes))
    got = figures.connect().to_pyarrow(one)
    assert got["country"].to_pylist() == [0, 2, None]
    assert got["person_key"].to_pylist() == rows["person_key"].to_pylist()


def test_ages_are_narrowed_only_when_they_fit() -> None:
    ages = pa.table({"age_months": pa.array([1, None, 900], pa.int64())})
    narrowed = packing.narrow(ages, "age_months")
    assert narrowed["age_months"].type == pa.int16()
    assert narrowed["age_months"].to_pylist() == [1, None, 900]
    wide = pa.table({"age_months": pa.array([1, 1 << 20], pa.int64())})
    assert packing.narrow(wide, "age_months")["age_months"].type == pa.int64()
    empty = pa.table({"age_months": pa.array([None], pa.int64())})
    assert packing.narrow(empty, "age_months")["age_months"].type == pa.int64()
