"""The set-based reading's fingerprint is the row path's, byte for byte: each path must
recognise the records the other imported as unchanged."""

from __future__ import annotations

import hashlib

import pyarrow as pa
from hypothesis import given, settings
from hypothesis import strategies as st

from opendtm.ingest.checks import row_hash
from opendtm.ingest.fingerprints import _blake

CELLS = st.lists(st.text(st.characters(exclude_categories=("Cs",)), max_size=30),
                 min_size=1, max_size=27)


@settings(deadline=None)  # the shared machine's load, not the code
@given(st.lists(st.tuples(st.integers(1, 10**6), CELLS), max_size=40),
       st.integers(0, 5))
def test_arrow_fingerprints_are_the_row_paths(rows: list[tuple[int, list[str]]],
                                              skip: int) -> None:
    texts = [f"{partner}\x1f" + "\x1f".join(cells) for partner, cells in rows]
    expected = [row_hash(partner, cells) for partner, cells in rows]
    for kind in (pa.string(), pa.large_string()):
        array = pa.array(["padding"] * skip + texts, kind).slice(skip)  # an offset array
        assert _blake(array).to_pylist() == expected
        chunked = pa.chunked_array([array[:3], array[3:]], kind)
        assert _blake(chunked).to_pylist() == expected


def test_a_known_fingerprint() -> None:
    digest = hashlib.blake2b("7\x1fA1\x1fКыргызстан".encode(), digest_size=8).digest()
    expected = int.from_bytes(digest, "big", signed=True)
    assert row_hash(7, ["A1", "Кыргызстан"]) == expected
    assert _blake(pa.array(["7\x1fA1\x1fКыргызстан"])).to_pylist() == [expected]
