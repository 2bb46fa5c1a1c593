"""The figures counted over coded facts (small integer codes for the text columns) equal
the figures counted over the text itself, at both scope levels."""

from __future__ import annotations

import pyarrow as pa

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
