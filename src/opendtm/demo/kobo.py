"""Write submissions as KoboToolbox exports them: XLSX (repeats as extra sheets) or CSV.

Headers are XML names with group paths (``profile/sex``) or English labels; a
select_multiple comes as one space-separated column, as one 0/1 column per option, or both
(Kobo's default); Kobo's own columns (``_id``, ``_uuid``, ``_submission_time``, ``_index``...)
follow. Used by the demo, the tests and the benchmark.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any, Literal

from opendtm.domain.xlsform import FormSpec, Question

from .xlsx import XlsxWriter

Headers = Literal["xml", "label"]
Multiple = Literal["both", "single", "binary"]
META = ["_id", "_uuid", "_submission_time", "_validation_status", "_status",
        "_submitted_by", "__version__", "_index"]
REPEAT_META = ["_index", "_parent_table_name", "_parent_index", "_submission__id",
               "_submission__uuid"]


class KoboLayout:
    def __init__(self, spec: FormSpec, headers: Headers = "xml", multiple: Multiple = "both"):
        self.spec, self.headers, self.multiple = spec, headers, multiple

    def _title(self, q: Question) -> str:
        return q.xpath if self.headers == "xml" else q.label("en")

    def columns(self, questions: list[Question]) -> list[tuple[str, Question, str | None]]:
        out: list[tuple[str, Question, str | None]] = []
        for q in questions:
            if not q.is_multiple or self.multiple != "binary":
                out.append((self._title(q), q, None))
            if q.is_multiple and self.multiple != "single":
                for c in self.spec.options(q):
                    name = c.name if self.headers == "xml" else c.label("en")
                    out.append((f"{self._title(q)}/{name}", q, c.name))
        return out

    def cell(self, q: Question, option: str | None, value: Any) -> Any:
        if value is None:
            return None
        if option is not None:
            return 1 if option in value else 0
        labels = self.headers == "label" and q.is_select
        if labels:
            by_name = {c.name: c.label("en") for c in self.spec.options(q)}
            if q.is_multiple:
                return " ".join(by_name[v] for v in value)
            return by_name[value]
        if q.is_multiple:
            return " ".join(value)
        return value


def write_export(spec: FormSpec, rows: Iterable[tuple[str, dict[str, Any]]], path: Path,
                 headers: Headers = "xml", multiple: Multiple = "both") -> int:
    """Write the submissions to ``path`` (.xlsx or .csv); the number written."""
    layout = KoboLayout(spec, headers, multiple)
    main_cols = layout.columns(spec.top_level())
    repeats = {name: layout.columns(spec.in_repeat(name)) for name in spec.repeats}
    header = [c[0] for c in main_cols] + META
    if path.suffix.lower() == ".csv":
        with path.open("w", encoding="utf-8", newline="") as fh:
            writer = csv.writer(fh, delimiter=";")
            writer.writerow(header)
            n = 0
            for n, (uuid, answers) in enumerate(rows, start=1):
                writer.writerow(["" if v is None else v for v in
                                 _main_row(layout, main_cols, n, uuid, answers)])
        return n
    data = list(rows)
    with XlsxWriter(path) as book:
        book.sheet(spec.form_id, [header, *(
            _main_row(layout, main_cols, n, uuid, answers)
            for n, (uuid, answers) in enumerate(data, start=1))])
        for name, cols in repeats.items():
            book.sheet(name, _repeat_rows(spec, name, cols, layout, data))
    return len(data)


def _repeat_rows(spec: FormSpec, name: str, cols: list[tuple[str, Question, str | None]],
                 layout: KoboLayout, data: list[tuple[str, dict[str, Any]]]
                 ) -> Iterator[list[Any]]:
    yield [c[0] for c in cols] + REPEAT_META
    index = 0
    for n, (uuid, answers) in enumerate(data, start=1):
        for item in answers.get(name, []):
            index += 1
            yield ([layout.cell(q, o, item.get(q.name)) for _, q, o in cols]
                   + [index, spec.form_id[:31], n, n, uuid])


def _main_row(layout: KoboLayout, cols: list[tuple[str, Question, str | None]], n: int,
              uuid: str, answers: dict[str, Any]) -> list[Any]:
    day = answers.get("today", "2020-12-01")
    return [layout.cell(q, o, answers.get(q.name)) for _, q, o in cols] + [
        n, uuid, f"{day}T12:00:00", "", "submitted_via_web", "", "vBf4demo", n]
