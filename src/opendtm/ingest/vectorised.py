"""The set-based reading of a delimited template file: DuckDB reads, maps and checks it whole.

The row path (``RowChecker`` row by row) turns each cell into a value with a memoised
function; here DuckDB reads the file, and each function runs once per distinct value of its
column (a few thousand in a million rows), its results joined back as a look-up table. The
row hash, the duplicate rows inside the file, the records already imported unchanged and
the rows that repeat a record id are found by queries; what is left to stage comes out in
batches of plain tuples, in the order of the file.

This path only loads clean files. It returns ``None`` (the caller then uses the row path,
which writes the detailed report) for a file any of whose rows has a problem, and for
shapes it does not handle: XLSX and JSON, a mapping that joins 0/1 option columns or maps
values of a several-answer column, rows DuckDB reads differently from Python's ``csv``
(blank lines, ragged rows, stray quotes). Both paths give the same rows, hashes and values.
"""

from __future__ import annotations

import logging
import shutil
import tempfile
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa

from opendtm.timing import timed

from . import fingerprints
from . import template as t
from .checks import RowChecker
from .mapping import Plan
from .readers import Table

log = logging.getLogger(__name__)
# What Python's str.strip() removes, which the row path applies to every cell.
WHITESPACE = "".join(ch for ch in map(chr, range(0x3001)) if ch.isspace())
_INTS = ("age", "city")  # converters whose values are integers
MEMORY_LIMIT = "384MB"  # DuckDB spills to disk beyond this
N = len(t.COLUMNS)
I = t.INDEX  # noqa: E741 - the column positions of a template row


def _lit(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


@dataclass
class Checked:
    """A clean file in DuckDB: counts, the duplicate rows, and the rows to stage."""

    rows_read: int
    unchanged: int
    duplicates: list[tuple[int, int]]  # (row, first row with the same content)
    staged: int
    con: duckdb.DuckDBPyConnection
    spill: Path
    query: str  # of the rows to stage, in no particular order (see fingerprints.staged_rows)

    def batches(self, size: int) -> Iterator[list[tuple[Any, ...]]]:
        """The rows to stage, in the loader's staging order, ``size`` at a time."""
        cur = self.con.cursor()
        try:
            cur.execute(f"{self.query} ORDER BY 1")
            while rows := cur.fetchmany(size):
                yield rows
        finally:
            cur.close()

    def release(self) -> None:
        """Drop the file's rows once what ``query`` gives has been copied out of them."""
        self.con.execute("DROP TABLE IF EXISTS f")
        self.con.execute("DROP TABLE IF EXISTS keep")

    def materialise(self, name: str, columns: Sequence[str]) -> None:
        """The rows to stage as DuckDB table ``name`` (``columns``), and the file's rows
        dropped: DuckDB keeps one copy in memory, not two (beyond its limit it would spill
        and read back both); ``query`` and ``batches`` then read the table."""
        self.con.execute(f"CREATE TABLE {name} AS SELECT * FROM ({self.query}) "
                         f"q({', '.join(columns)})")
        self.release()
        self.query = f"SELECT * FROM {name}"

    def close(self) -> None:
        self.con.close()
        shutil.rmtree(self.spill, ignore_errors=True)


def read(path: Path, table: Table, plan: Plan, checker: RowChecker,
         known: Callable[[list[int]], dict[int, set[int]]],
         step: Callable[[int, float], None] = lambda rows, done: None) -> Checked | None:
    """Read and check a whole CSV file set-wise; ``None`` hands it to the row path.
    ``known(partners)`` gives the fingerprints of each partner's records in the store;
    ``step(rows, fraction)`` is told how far the reading has gone."""
    if table.shape != "csv" or plan.options or any(
            t.COLUMNS[c].kind == "multi" for c in plan.values):
        return None
    spill = Path(tempfile.mkdtemp(prefix="opendtm-import-"))
    con = duckdb.connect(config={"memory_limit": MEMORY_LIMIT, "temp_directory": str(spill)})
    try:
        checked = _read(con, path, spill, table, plan, checker, known, step)
    except (duckdb.Error, UnicodeError, OSError):
        checked = None
    if checked is None:
        con.close()
        shutil.rmtree(spill, ignore_errors=True)
    return checked


def _utf8(path: Path, table: Table, spill: Path) -> Path:
    """The file itself when it is UTF-8; otherwise a UTF-8 copy in the spill folder."""
    if table.encoding in ("utf-8", "utf-8-sig"):
        return path
    copy = spill / "utf8.csv"
    with path.open(encoding=table.encoding, newline="") as src, copy.open(
            "w", encoding="utf-8", newline="") as dst:
        shutil.copyfileobj(src, dst, 1 << 20)
    return copy


def _newlines(path: Path) -> int:
    count, last = 0, b"\n"
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 22), b""):
            count += chunk.count(b"\n")
            last = chunk[-1:]
    return count + (last != b"\n")  # a last line without its newline


def _read(con: duckdb.DuckDBPyConnection, path: Path, spill: Path, table: Table, plan: Plan,
          checker: RowChecker, known: Callable[[list[int]], dict[int, set[int]]],
          step: Callable[[int, float], None]) -> Checked | None:
    source = _utf8(path, table, spill)
    width = len(table.columns)
    cols = "{" + ", ".join(f"'c{i}': 'VARCHAR'" for i in range(width)) + "}"
    with timed(log, "read_csv"):
        con.execute(
            f"CREATE TABLE raw AS SELECT * FROM read_csv({_lit(str(source))}, header = false, "
            f"skip = {table.first_row - 1}, delim = {_lit(table.delimiter or ',')}, "
            f"quote = '\"', escape = '\"', columns = {cols}, auto_detect = false, "
            "strict_mode = true, null_padding = false)")
    # str.strip() of every cell; most cells start and end with no space at all, which one
    # regular expression tells more cheaply than finding each cell's last character.
    space = "[" + "".join(f"\\x{{{ord(ch):x}}}" for ch in WHITESPACE) + "]"
    con.execute(f"CREATE MACRO st(x) AS CASE WHEN x IS NULL THEN '' WHEN regexp_matches(x, "
                f"{_lit(f'^{space}|{space}$')}) THEN trim(x, {_lit(WHITESPACE)}) ELSE x END")
    # Every record is one line plus the line breaks inside its quoted cells: anything else
    # (a blank line, which Python counts as a row and DuckDB skips) goes to the row path.
    embedded = " + ".join(f"coalesce(length(c{i}) - length(replace(c{i}, chr(10), '')), 0)"
                          for i in range(width))
    # Counted only in the rare rows that hold one: a search is cheaper than a count.
    any_break = " OR ".join(f"contains(c{i}, chr(10))" for i in range(width))
    with timed(log, "line count"):
        records, inside = con.execute(
            f"SELECT count(*), coalesce(sum(CASE WHEN {any_break} THEN {embedded} END), 0) "
            "FROM raw").fetchall()[0] or (0, 0)
        if table.first_row - 1 + records + inside != _newlines(source) or not records:
            return None
    step(0, 0.3)
    trimmed = ", ".join(f"st(c{i}) AS c{i}" for i in range(width))
    with timed(log, "stripping and mapping cells"):
        con.execute(f"CREATE TABLE f AS SELECT r + {table.first_row} AS row_no, "
                    + ", ".join(f"{_cell(plan, n)} AS t{n}" for n in range(N))
                    + f" FROM (SELECT rowid AS r, {trimmed} FROM raw) WHERE "
                    + " OR ".join(f"c{i} <> ''" for i in range(width)))
        con.execute("DROP TABLE raw")
    rows_read = fingerprints.count(con, "f")
    if not rows_read:
        return None
    step(rows_read, 0.6)
    # As the row path: every row is placed (record id, country, partner) and fingerprinted;
    # only the rows that are neither repeated nor unchanged are checked further.
    country = I["country"]
    with timed(log, "countries and partners"):
        _convert(con, checker, [c for c in checker._convs if c[0] == country], "f")
        if _unplaced(con) or not _partners(con, checker):
            return None
    with timed(log, "fingerprints, repeated and unchanged rows"):
        found = fingerprints.find(con, known)
    if found is None:
        return None
    unchanged, duplicates, staged = found
    step(rows_read, 0.8)
    kept = "f JOIN keep k ON k.row_no = f.row_no"
    with timed(log, "conversions"):
        joins = _convert(con, checker, [c for c in checker._convs if c[0] != country], kept)
    with timed(log, "checks"):
        if _bad_rows(con, checker, joins, kept):
            return None
    return Checked(rows_read, unchanged, duplicates, staged, con, spill,
                   fingerprints.staged_rows(joins))


def _cell(plan: Plan, n: int) -> str:
    """The SQL of template cell ``n``: the file's column, its mapped values, its default."""
    source = plan.index[n]
    expr = f"c{source}" if source is not None else "''"
    values = plan.values.get(n)
    if values:
        cases = " ".join(f"WHEN {_lit(k)} THEN {_lit(v)}" for k, v in values.items() if k)
        expr = f"(CASE {expr} {cases} ELSE {expr} END)" if cases else expr
    default = plan.defaults.get(n)
    if default is not None:
        expr = f"(CASE WHEN {expr} = '' THEN {_lit(default)} ELSE {expr} END)"
    return expr


def _lookup(con: duckdb.DuckDBPyConnection, name: str, keys: list[Any],
            results: list[tuple[Any, str | None]], kind: pa.DataType) -> None:
    iso3 = [k[0] if isinstance(k, tuple) else None for k in keys]
    text = [k[1] if isinstance(k, tuple) else k for k in keys]
    lookup = pa.table({"iso3": pa.array(iso3, pa.string()), "k": pa.array(text, pa.string()),
                       "v": pa.array([r[0] for r in results], kind),
                       "e": pa.array([r[1] for r in results], pa.string())})
    con.register(f"{name}_arrow", lookup)
    con.execute(f"CREATE TABLE {name} AS SELECT * FROM {name}_arrow")
    con.unregister(f"{name}_arrow")


def _convert(con: duckdb.DuckDBPyConnection, checker: RowChecker,
             convs: list[tuple[int, str, Callable[[Any], Any], str, bool]], rows: str) -> str:
    """Converters of the row path, each once per distinct value of ``rows``, into look-up
    tables ``lk<position>`` (key, value, error); returns the joins that give each row of
    ``f`` its values as ``l<position>.v`` (the country's look-up is made first, alone)."""
    country = I["country"]
    joins = [f"LEFT JOIN lk{country} l{country} ON l{country}.k = f.t{country}"]
    for pos, kind, fn, _code, by_country in convs:
        if by_country:
            keys = [tuple(k) for k in con.execute(
                f"SELECT DISTINCT l.v, f.t{pos} FROM {rows} LEFT JOIN lk{country} l ON "
                f"l.k = f.t{country} WHERE f.t{pos} <> ''").fetchall()]
            on = f"l{pos}.k = f.t{pos} AND l{pos}.iso3 IS NOT DISTINCT FROM l{country}.v"
        else:
            keys = [k for (k,) in con.execute(f"SELECT DISTINCT f.t{pos} FROM {rows} WHERE "
                                              f"f.t{pos} <> ''").fetchall()]
            on = f"l{pos}.k = f.t{pos}"
        results = [checker._conv(kind, fn, k) for k in keys]
        _lookup(con, f"lk{pos}", keys, results, pa.int64() if kind in _INTS else pa.string())
        if pos != country:
            joins.append(f"LEFT JOIN lk{pos} l{pos} ON {on}")
    if rows == "f":
        return ""
    ref = I["referral_source"]
    refs = [k for (k,) in con.execute(f"SELECT DISTINCT f.t{ref} FROM {rows} WHERE "
                                      f"f.t{ref} <> ''").fetchall()]
    lookup = checker._choices["referral_source"]
    kinds = [lookup.get(r.casefold()) for r in refs]
    # Referral text -> (kind, organisation), the row path's rule, as the look-up's v and e.
    _lookup(con, "lkref", refs, [(k or "other", None if k else r) for k, r in
                                 zip(kinds, refs, strict=True)], pa.string())
    joins.append(f"LEFT JOIN lkref lref ON lref.k = f.t{ref}")
    return " ".join(joins)


def _partners(con: duckdb.DuckDBPyConnection, checker: RowChecker) -> bool:
    """Partner ids, asked for in the order the rows first name them (as the row path
    does, so partners an import registers get the same ids)."""
    country, partner = I["country"], I["partner"]
    keys = con.execute(f"SELECT l.v, f.t{partner} FROM f JOIN lk{country} l ON l.k = "
                       f"f.t{country} WHERE l.v IS NOT NULL AND f.t{partner} <> '' "
                       "GROUP BY ALL ORDER BY min(f.row_no)").fetchall()
    results = [checker._conv("partner", lambda k: checker._partner(*k), tuple(k))
               for k in keys]
    if any(error for _, error in results):
        return False
    _lookup(con, "lkpartner", [tuple(k) for k in keys], results, pa.int64())
    return True


def _unplaced(con: duckdb.DuckDBPyConnection) -> bool:
    """Whether a row lacks a record id, a known country or a partner's name."""
    record, country, partner = (f"f.t{I[c]}" for c in ("record_id", "country", "partner"))
    return fingerprints.count(con, f"f LEFT JOIN lk{I['country']} l ON l.k = f.t{I['country']} "
                              f"WHERE {record} = '' OR length({record}) > 64 OR {country} = '' "
                              f"OR l.e IS NOT NULL OR {partner} = ''") > 0


def _bad_rows(con: duckdb.DuckDBPyConnection, checker: RowChecker, joins: str,
              rows: str) -> bool:
    """Whether a row to stage has a problem the row path would report (it then does)."""
    c = {name: f"f.t{pos}" for name, pos in I.items()}
    v = {name: f"l{pos}.v" for name, pos in I.items()}
    tests = [f"{c['record_id']} = ''", f"length({c['record_id']}) > 64",
             f"{c['country']} = ''", f"{c['partner']} = ''",
             f"{c['assistance_date']} = ''", f"{c['assistance_type']} = ''",
             f"{v['assistance_date']} > {_lit(checker._today_iso)}",
             f"{v['date_of_birth']} > {v['assistance_date']}",
             f"{v['assistance_type']} = 'return' AND {c['return_to']} = ''",
             f"{c['beneficiary_id']} = '' AND {c['family_id']} = ''"]
    tests += [f"length(f.t{n}) > {col.max_length}" for n, col in enumerate(t.COLUMNS)]
    tests += [f"l{pos}.e IS NOT NULL" for pos, *_ in checker._convs]
    return fingerprints.count(con, f"{rows} {joins} WHERE " + " OR ".join(
        f"coalesce({test}, false)" for test in tests)) > 0
