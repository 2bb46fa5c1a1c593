"""Ages in the fact tables are computed over whole columns; they follow the rule of one
row (``age_in_months``) for any dates: a birthday later in the month, a leap day, an age
reported at a registration after the help, a person with neither, a family's row."""

from __future__ import annotations

import datetime as dt

import pyarrow as pa
from hypothesis import given, settings
from hypothesis import strategies as st

from opendtm.domain.ages import age_in_months
from opendtm.store.facts import ages

DAYS = st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2035, 12, 31))
ROWS = st.lists(st.tuples(DAYS, st.none() | DAYS, st.none() | st.integers(0, 129),
                          st.none() | DAYS, st.booleans()), min_size=1, max_size=60)


@settings(max_examples=300, deadline=None)
@given(ROWS)
def test_ages_over_columns_follow_the_rule_of_one_row(rows) -> None:
    on, born, years, registered, counted = (list(c) for c in zip(*rows, strict=True))
    got = ages(pa.array(on, pa.date32()), pa.array(born, pa.date32()),
               pa.array(years, pa.int64()), pa.array(registered, pa.date32()),
               pa.array(counted, pa.bool_())).to_pylist()
    assert got == [age_in_months(o, b, y, r) if c else None
                   for o, b, y, r, c in zip(on, born, years, registered, counted, strict=True)]


def test_edges() -> None:
    on = [dt.date(2021, 3, 14), dt.date(2021, 2, 28), dt.date(2021, 1, 15), dt.date(2021, 1, 15)]
    born = [dt.date(2003, 3, 15), dt.date(2020, 2, 29), None, None]
    years = [None, None, 30, None]
    registered = [None, None, dt.date(2022, 6, 1), None]
    got = ages(pa.array(on, pa.date32()), pa.array(born, pa.date32()),
               pa.array(years, pa.int64()), pa.array(registered, pa.date32()),
               pa.array([True] * 4)).to_pylist()
    # a day short of 18 years; a leap day's child a day short of one; an age reported
    # after the help counts as reported; no date and no age: unknown
    assert got == [215, 11, 360, None]
