"""The figures counted over coded facts (small integer codes for the text columns) equal
the figures counted over the text itself, at both scope levels."""

from __future__ import annotations

import pyarrow as pa
import pyarrow.compute as pc
import pytest

from opendtm.process import coding, figures, synthetic

LEVELS = [figures.COUNTRY, figures.PARTNER]


def test_coded_facts_give_the_figures_of_the_text() -> None:
    # people meet several partners; a tenth of the rows have a city (many places)
    assist, contacts, vulns = synthetic.facts(6000, seed=5, people_per_row=0.1)
    cities = pa.array([f"city {i % 90}" if i % 10 == 0 else None
                       for i in range(assist.num_rows)], pa.string())
    assist = assist.set_column(assist.schema.get_field_index("city"), "city", cities)
    con = figures.connect()
    # tables of the engine itself are used as they are: text, not codes
    tables = [con.create_table(name, t) for name, t in
              (("assist", assist), ("contacts", contacts), ("vulns", vulns))]
    text = figures.compute_levels(*tables, LEVELS, con)
    coded = figures.compute_levels(assist, contacts, vulns, LEVELS)  # coded from text
    dictionaries = [t.set_column(t.schema.get_field_index("city"), "city",
                                 t["city"].dictionary_encode()) if t is assist else t
                    for t in (assist, contacts, vulns)]
    given = figures.compute_levels(*dictionaries, LEVELS)  # coded from dictionaries
    assert coded == text
    assert given == text
    assert all(block["by_city"] for block in text[0].values())
    assert {scope[0] for scope in text[1]} == set(synthetic.COUNTRIES)


@pytest.mark.parametrize("rows", ["families only", "none"])
def test_facts_without_persons(rows: str) -> None:
    # no person is assisted: the bit sets hold no value, and nothing breaks
    assist, contacts, vulns = synthetic.facts(3000, seed=4, coded=True)
    assist = (assist.filter(pc.is_null(assist["person_key"])) if rows == "families only"
              else assist.slice(0, 0))
    coded = figures.compute_levels(assist, contacts, vulns, LEVELS)
    con = figures.connect()
    tables = [con.create_table(name, t.cast(plain(t.schema))) for name, t in
              (("assist", assist), ("contacts", contacts), ("vulns", vulns))]
    assert coded == figures.compute_levels(*tables, LEVELS, con)
    assert all("individuals" not in block for block in coded[1].values())
    assert all(block["consultations"]["total"] for block in coded[0].values())
    if rows == "families only":
        pairs = assist.cast(plain(assist.schema)).group_by(["country", "family_id"])
        families = pairs.aggregate([]).num_rows  # a family counts once in each country
        assert sum(block["families"]["total"] for block in coded[0].values()) == families


def plain(schema: pa.Schema) -> pa.Schema:
    return pa.schema([pa.field(f.name, f.type.value_type) if pa.types.is_dictionary(f.type)
                      else f for f in schema])


def test_synthetic_facts_coded_hold_the_same_values() -> None:
    plain = synthetic.facts(2000, seed=3)
    coded = synthetic.facts(2000, seed=3, coded=True)
    for p, c in zip(plain, coded, strict=True):
        assert c.cast(p.schema).equals(p)
    assert figures.compute_levels(*coded, LEVELS) == figures.compute_levels(*plain, LEVELS)


def test_repeated_and_null_dictionary_values_get_one_code() -> None:
    values = pa.array(["b", "a", "b", None, "c"])
    column = pa.DictionaryArray.from_arrays(pa.array([0, 1, 2, 3, None, 4, 0], pa.int32()),
                                            values)
    table, codes = coding.encode(pa.table({"x": column, "n": pa.array(range(7))}))
    assert codes.values["x"] == ["b", "a", "c"]
    decoded = [codes.decode("x", v) for v in table["x"].to_pylist()]
    assert decoded == ["b", "a", "b", None, None, "c", "b"]
    assert codes.code("x", "c") == 2 and codes.code("x", "z") == coding.ABSENT
    assert table["n"].to_pylist() == list(range(7)) and not codes.coded("n")
