"""Kobo API v2 and ODK Central OData JSON exports, streamed with ijson.

An export holds its submissions in one array: the whole response (a bare list), or under
``results`` (Kobo API v2) or ``value`` (ODK Central OData), with a few scalars beside it.
The file is read twice, one submission at a time: a first pass finds the array, checks
every submission is an object and collects the columns (a later submission may answer a
question the first did not); the second yields the rows. Memory holds one submission and
the column names, whatever the size of the file.
"""

from __future__ import annotations

import codecs
import io
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

import ijson

from .kobo import flatten_submission

ARRAY_KEYS = ("results", "value", "data", "submissions")
JSONError = ijson.JSONError


class _Utf8(io.RawIOBase):
    """Bytes of a text file in another encoding, re-encoded as UTF-8 for ijson."""

    def __init__(self, path: Path, encoding: str) -> None:
        self._text = path.open("r", encoding=encoding, newline="")
        self._pending = b""

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        while len(self._pending) < len(buffer):
            chunk = self._text.read(1 << 16)
            if not chunk:
                break
            self._pending += chunk.encode("utf-8")
        size = min(len(buffer), len(self._pending))
        buffer[:size] = self._pending[:size]
        self._pending = self._pending[size:]
        return size

    def close(self) -> None:
        self._text.close()
        super().close()


def open_bytes(path: Path, encoding: str) -> IO[bytes]:
    """The file as UTF-8 bytes without a byte-order mark."""
    if encoding in ("utf-8", "utf-8-sig"):
        fh = path.open("rb")
        if fh.read(3) != codecs.BOM_UTF8:
            fh.seek(0)
        return fh
    return io.BufferedReader(_Utf8(path, encoding))


def array_prefix(fh: IO[bytes]) -> str:
    """The ijson prefix of the submissions' array ('item' for a bare list)."""
    events = ijson.parse(fh, use_float=True)
    for prefix, event, value in events:
        if prefix == "" and event == "start_array":
            return "item"
        if prefix == "" and event == "start_map":
            continue
        if prefix == "" and event == "map_key" and value in ARRAY_KEYS:
            _, kind, _ = next(events)
            if kind == "start_array":
                return f"{value}.item"
        if prefix == "" and event not in ("map_key", "end_map"):
            break
    raise ValueError("expected a list of submissions, or an object with 'results' "
                     "(Kobo API v2) or 'value' (ODK Central OData)")


def submissions(fh: IO[bytes], prefix: str) -> Iterator[dict[str, str]]:
    """Flattened submissions, one at a time."""
    for n, item in enumerate(ijson.items(fh, prefix, use_float=True), 1):
        if not isinstance(item, dict):
            raise ValueError(f"submission {n} is not an object")
        yield flatten_submission(item)


def scan(path: Path, encoding: str) -> tuple[str, list[str], int]:
    """(array prefix, column names in order of first appearance, number of submissions)."""
    with open_bytes(path, encoding) as fh:
        prefix = array_prefix(fh)
    columns: dict[str, None] = {}
    count = 0
    with open_bytes(path, encoding) as fh:
        for record in submissions(fh, prefix):
            count += 1
            columns.update(dict.fromkeys(record))
    return prefix, list(columns), count
