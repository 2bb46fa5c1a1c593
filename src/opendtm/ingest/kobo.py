"""KoboToolbox and ODK shapes: JSON submissions, group paths and select_multiple columns.

- Kobo API v2 (``/api/v2/assets/<uid>/data.json``) returns ``{"count": n, "results": [...]}``
  with keys already written as ``group/question``.
- ODK Central's OData feed returns ``{"@odata.context": ..., "value": [...]}`` with groups as
  nested objects; they are flattened here to the same ``group/question`` paths.
- Kobo's CSV and XLSX exports name columns ``group/question`` (XML names) or by their labels,
  and write a select_multiple question as one space-separated column, as one 0/1 column per
  option (``question/option``), or both.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

# Columns that identify a submission when the form has no record_id question.
RECORD_ID_FALLBACKS = ("_uuid", "meta/instanceID", "__id", "instanceID", "_id")
# How a 0/1 option column says "selected".
SELECTED = frozenset({"1", "1.0", "true", "True", "TRUE", "yes", "Yes", "x", "X"})


def flatten_submission(record: dict[str, Any], prefix: str = "") -> dict[str, str]:
    """Nested groups -> ``group/question`` keys; scalar lists -> space-separated text.
    Repeat groups (lists of objects) and attachments are left out."""
    out: dict[str, str] = {}
    for key, value in record.items():
        path = f"{prefix}/{key}" if prefix else str(key)
        if isinstance(value, dict):
            out.update(flatten_submission(value, path))
        elif isinstance(value, list):
            if all(not isinstance(v, dict | list) for v in value):
                out[path] = " ".join(_text(v) for v in value)
        else:
            out[path] = _text(value)
    return out


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value).strip()


def leaf(path: str) -> str:
    """The question's own name in a ``group/subgroup/question`` path."""
    return path.rstrip("/").rsplit("/", 1)[-1].strip()


def parent(path: str) -> str | None:
    """The path above the last segment, or None at the top."""
    head, sep, _ = path.rstrip("/").rpartition("/")
    return head if sep else None
