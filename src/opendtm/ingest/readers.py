"""Readers: a file's bytes -> a header and a stream of rows of text, whatever its shape.

The format is told from the bytes, never from the file name: a ZIP container is an XLSX
workbook, a leading ``{`` or ``[`` is JSON (Kobo API v2 or ODK Central OData), anything
else is delimited text. Text encoding (UTF-8, UTF-8 with BOM, UTF-16 with BOM, CP1251) and
the delimiter (comma, semicolon, tab) are detected from the first bytes. CSV and XLSX are
streamed; JSON exports (Kobo API v2, ODK Central OData) are streamed with ijson.

A table's rows are lists of stripped text cells; ``Table.records()`` gives them as
``{column: text}`` dicts for callers that prefer names. Row numbers are those a
spreadsheet shows: the header is row 1. An optional second row of HXL hashtags is taken
out of the data and kept in ``Table.hxl``.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from opendtm.domain.problems import Problem

SAMPLE = 64 * 1024
DELIMITERS = (",", ";", "\t")
csv.field_size_limit(min(sys.maxsize, 2**31 - 1))


class ReadError(Exception):
    """The file cannot be read as a table; carries the problem to report."""

    def __init__(self, problem: Problem) -> None:
        super().__init__(str(problem))
        self.problem = problem


@dataclass
class Table:
    name: str
    columns: list[str]
    hxl: list[str] | None
    first_row: int
    shape: str  # csv, xlsx, json
    size: int  # bytes, for progress
    _rows: Iterator[list[str]]
    position: Callable[[], int] = lambda: 0
    encoding: str | None = None
    delimiter: str | None = None
    _closers: list[Callable[[], None]] = field(default_factory=list)

    def rows(self) -> Iterator[tuple[int, list[str]]]:
        """(row number, cells) for every non-blank data row; raises ReadError on bad bytes."""
        row_no = self.first_row - 1
        try:
            for cells in self._rows:
                row_no += 1
                if any(cells):
                    yield row_no, cells
        except UnicodeDecodeError as exc:
            raise ReadError(Problem(
                "encoding", f"bytes not valid in {self.encoding} near row {row_no + 1} "
                f"({exc.reason}); save the file as UTF-8", file=self.name, row=row_no + 1,
            )) from None  # fmt: skip
        except csv.Error as exc:
            raise ReadError(Problem(
                "unreadable", f"not readable as delimited text near row {row_no + 1}: {exc}",
                file=self.name, row=row_no + 1,
            )) from None  # fmt: skip
        finally:
            self.close()

    def records(self) -> Iterator[tuple[int, dict[str, str]]]:
        for row_no, cells in self.rows():
            yield row_no, dict(zip(self.columns, cells, strict=False))

    def close(self) -> None:
        for closer in self._closers:
            closer()
        self._closers.clear()


def open_table(path: Path, sheet: str | None = None, name: str | None = None) -> Table:
    """Open any supported file as a Table; raises ReadError with a clear problem."""
    label = name or path.name
    try:
        with path.open("rb") as fh:
            head = fh.read(SAMPLE)
        size = path.stat().st_size
    except OSError as exc:
        raise ReadError(Problem("unreadable", f"cannot read the file: {exc.strerror}",
                                file=label)) from None
    if not head.strip():
        raise ReadError(Problem("empty", "the file is empty", file=label))
    if head.startswith(b"PK\x03\x04"):
        return _xlsx(path, label, size, sheet)
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        raise ReadError(Problem("old-excel", "an old Excel .xls workbook: save it as .xlsx "
                                "or CSV (UTF-8)", file=label))
    encoding = detect_encoding(head)
    text_head = head.decode(encoding, errors="replace").lstrip("\ufeff \r\n\t")
    if text_head[:1] in ("{", "["):
        return _json(path, label, size, encoding)
    return _csv(path, label, size, encoding, text_head)


def detect_encoding(sample: bytes) -> str:
    if sample.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if sample.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    try:
        sample.decode("utf-8")
    except UnicodeDecodeError as exc:
        # A character cut by the end of the sample is not a reason to doubt UTF-8.
        if not (exc.start >= len(sample) - 3 and exc.reason == "unexpected end of data"):
            return "cp1251"
    return "utf-8"


def detect_delimiter(text: str) -> str:
    line, quoted = [], False
    for ch in text:
        if ch == '"':
            quoted = not quoted
        elif ch in "\r\n" and not quoted:
            break
        elif not quoted:
            line.append(ch)
    counts = {d: line.count(d) for d in DELIMITERS}
    best = max(DELIMITERS, key=lambda d: counts[d])
    return best if counts[best] else ","


def is_hxl_row(cells: list[str]) -> bool:
    filled = [c.strip() for c in cells if c.strip()]
    return bool(filled) and all(c.startswith("#") and len(c) > 1 for c in filled)


def _header(label: str, rows: Iterator[list[str]]) -> tuple[list[str], list[str] | None, int,
                                                             Iterator[list[str]]]:
    try:
        header = next(rows)
    except StopIteration:
        raise ReadError(Problem("empty", "the file has no header row", file=label)) from None
    columns = [c.strip().lstrip("\ufeff") for c in header]
    if not any(columns):
        raise ReadError(Problem("no-header", "the first row is blank: it must name the columns",
                                file=label, row=1))
    second = next(rows, None)
    if second is not None and is_hxl_row(second):
        return columns, [c.strip() for c in second], 3, rows
    rest = rows if second is None else _chain(second, rows)
    return columns, None, 2, rest


def _chain(first: list[str], rest: Iterator[list[str]]) -> Iterator[list[str]]:
    yield first
    yield from rest


def _csv(path: Path, label: str, size: int, encoding: str, text_head: str) -> Table:
    raw = path.open("rb")
    text = io.TextIOWrapper(raw, encoding=encoding, newline="")
    delimiter = detect_delimiter(text_head)
    cells = (list(map(str.strip, r)) for r in csv.reader(text, delimiter=delimiter))
    try:
        columns, hxl, first, rows = _header(label, cells)
    except (UnicodeDecodeError, csv.Error) as exc:
        text.close()
        raise ReadError(Problem("unreadable", f"the header cannot be read ({exc}); save the "
                                "file as CSV in UTF-8", file=label, row=1)) from None
    return Table(label, columns, hxl, first, "csv", size, rows, raw.tell, encoding, delimiter,
                 [text.close])


def cell_text(value: Any) -> str:
    """Spreadsheet or JSON cell -> text, dates as ISO, whole numbers without '.0'."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _xlsx(path: Path, label: str, size: int, sheet: str | None) -> Table:
    import openpyxl

    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds on a damaged workbook
        raise ReadError(Problem("unreadable", f"not a readable XLSX workbook ({exc})",
                                file=label)) from None
    if sheet is not None and sheet not in book.sheetnames:
        book.close()
        raise ReadError(Problem("no-sheet", f"no sheet {sheet!r}; the workbook has: "
                                f"{', '.join(book.sheetnames)}", file=label))
    ws = book[sheet] if sheet else book.worksheets[0]
    done = [0]

    def cells() -> Iterator[list[str]]:
        try:
            for values in ws.iter_rows(values_only=True):
                done[0] += 1
                yield [cell_text(v) for v in values]
        except Exception as exc:  # a damaged sheet can fail in many ways inside openpyxl
            raise ReadError(Problem("unreadable", f"damaged workbook near row {done[0] + 1} "
                                    f"({exc})", file=label, row=done[0] + 1)) from None

    total_rows = ws.max_row or 0
    columns, hxl, first, rows = _header(label, cells())
    position = (lambda: size * done[0] // total_rows) if total_rows else (lambda: 0)
    return Table(label, columns, hxl, first, "xlsx", size, rows, position,
                 _closers=[book.close])


def _json(path: Path, label: str, size: int, encoding: str) -> Table:
    from . import jsonstream

    def unreadable(exc: Exception) -> ReadError:
        return ReadError(Problem("unreadable", f"not a Kobo or ODK JSON export: {exc}",
                                 file=label))

    try:
        prefix, names, count = jsonstream.scan(path, encoding)
    except (ValueError, UnicodeDecodeError, RecursionError, jsonstream.JSONError) as exc:
        raise unreadable(exc) from None
    if not names:
        raise ReadError(Problem("empty", "the JSON export holds no submissions", file=label))
    fh = jsonstream.open_bytes(path, encoding)
    done = [0]

    def cells() -> Iterator[list[str]]:
        try:
            for rec in jsonstream.submissions(fh, prefix):
                done[0] += 1
                yield [rec.get(n, "") for n in names]
        except (ValueError, UnicodeDecodeError, RecursionError, jsonstream.JSONError) as exc:
            raise unreadable(exc) from None

    position = (lambda: size * done[0] // count) if count else (lambda: size)
    return Table(label, names, None, 2, "json", size, cells(), position, encoding,
                 _closers=[fh.close])
