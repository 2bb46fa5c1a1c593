"""Fingerprints of the rows of a file read set-wise (see ``vectorised``): duplicates inside
the file, records already imported unchanged, and the query of the rows left to stage.

The fingerprint is the row path's ``checks.row_hash`` (BLAKE2b of the partner id and the
row's template cells), computed by a DuckDB function over Arrow arrays (``_blake``), so a
file imported by either path is recognised as unchanged by the other.
"""

from __future__ import annotations

import array
import hashlib
import itertools
import sys
from collections.abc import Callable

import duckdb
import pyarrow as pa
from duckdb.func import PythonUDFType

from . import template as t

I = t.INDEX  # noqa: E741 - the column positions of a template row
N = len(t.COLUMNS)


def count(con: duckdb.DuckDBPyConnection, source: str) -> int:
    return int(con.execute(f"SELECT count(*) FROM {source}").fetchall()[0][0])


def _blake(data: pa.Array | pa.ChunkedArray) -> pa.Array:
    """The row path's ``row_hash`` of each ``partner id \\x1f cells`` text: BLAKE2b of
    the text's UTF-8 bytes, read in place from the Arrow buffer (no Python string per
    row), its 8 bytes taken as a signed big-endian integer (all at once, not per row)."""
    if isinstance(data, pa.ChunkedArray):
        data = data.combine_chunks()
    if not (pa.types.is_string(data.type) or pa.types.is_large_string(data.type)):
        data = data.cast(pa.large_string())
    _, offsets, values = data.buffers()
    assert offsets is not None and data.null_count == 0
    view = memoryview(offsets)
    wide = view.cast("q") if pa.types.is_large_string(data.type) else view.cast("i")
    ends = wide[data.offset:data.offset + len(data) + 1].tolist()
    raw, blake = memoryview(values if values is not None else b""), hashlib.blake2b
    digests = array.array("q", b"".join([blake(raw[a:b], digest_size=8).digest()
                                         for a, b in itertools.pairwise(ends)]))
    if sys.byteorder == "little":
        digests.byteswap()
    return pa.Array.from_buffers(pa.int64(), len(data), [None, pa.py_buffer(digests)])


def find(con: duckdb.DuckDBPyConnection,
         known: Callable[[list[int]], dict[int, set[int]]]
         ) -> tuple[int, list[tuple[int, int]], int] | None:
    """(rows unchanged, (row, first row) of each duplicate, rows to stage); ``None`` when a
    record id comes back with other content (the row path reports it)."""
    country, partner = I["country"], I["partner"]
    con.create_function("row_hash", _blake, ["varchar"], "bigint", type=PythonUDFType.ARROW)
    cells = ", ".join(f"f.t{n}" for n in range(N))
    con.execute(
        "CREATE TABLE h AS SELECT *, min(row_no) OVER (PARTITION BY row_hash) AS first_row "
        f"FROM (SELECT f.row_no, p.v AS partner_id, f.t{I['record_id']} AS record_id, "
        f"row_hash(CAST(p.v AS VARCHAR) || chr(31) || concat_ws(chr(31), {cells})) AS row_hash "
        f"FROM f JOIN lk{country} l ON l.k = f.t{country} JOIN lkpartner p ON "
        f"p.iso3 = l.v AND p.k = f.t{partner})")
    clash = con.execute("SELECT 1 FROM h WHERE row_no = first_row GROUP BY partner_id, "
                        "record_id HAVING count(*) > 1 LIMIT 1").fetchall()
    if clash:
        return None
    duplicates = [(r, f) for r, f in con.execute(
        "SELECT row_no, first_row FROM h WHERE row_no <> first_row ORDER BY row_no").fetchall()]
    partners = [p for (p,) in con.execute("SELECT DISTINCT partner_id FROM h").fetchall()]
    held = [pa.table({"partner_id": pa.array([p] * len(hashes), pa.int64()),
                      "row_hash": pa.array(list(hashes), pa.int64())})
            for p, hashes in known(partners).items()]
    con.register("known_arrow", pa.concat_tables(held) if held else pa.table(
        {"partner_id": pa.array([], pa.int64()), "row_hash": pa.array([], pa.int64())}))
    con.execute("CREATE TABLE keep AS SELECT row_no, partner_id, row_hash FROM h WHERE "
                "row_no = first_row AND NOT EXISTS (SELECT 1 FROM known_arrow k WHERE "
                "k.partner_id = h.partner_id AND k.row_hash = h.row_hash)")
    con.unregister("known_arrow")
    staged = count(con, "keep")
    unchanged = count(con, "h WHERE row_no = first_row") - staged
    con.execute("DROP TABLE h")
    return unchanged, duplicates, staged


def staged_rows(joins: str) -> str:
    """The query of the rows to write, as the row path's ``Record``: blanks are NULL; in no
    particular order (the first column is the row number)."""
    def blank(name: str) -> str:
        return f"nullif(f.t{I[name]}, '')"

    def value(name: str) -> str:
        return f"l{I[name]}.v"

    return (
        f"SELECT f.row_no, k.partner_id, f.t{I['record_id']}, k.row_hash, "
        f"{blank('beneficiary_id')}, {blank('family_id')}, {value('sex')}, "
        f"{value('date_of_birth')}, {value('age')}, {value('nationality')}, "
        f"{value('migrant_status')}, {value('assistance_type')}, {value('assistance_date')}, "
        f"{value('admin1')}, {value('city')}, {value('return_from')}, {value('return_to')}, "
        f"{value('transport_mode')}, {value('consultation_topic')}, "
        f"nullif({value('vulnerabilities')}, ''), lref.v, lref.e, "
        + ", ".join(blank(n) for n in ("given_name", "family_name", "patronymic",
                                       "document_number", "phone"))
        + f" FROM f JOIN keep k ON k.row_no = f.row_no {joins}")
