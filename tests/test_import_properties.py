"""Property-based: whatever the bytes or rows, the importer answers with a report, never an
unhandled exception, and a file it rejects leaves the database exactly as it was."""

from __future__ import annotations

import csv
import io
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import Engine

from importing import counts
from opendtm.ingest import template
from opendtm.services.importer import ImportOptions, import_file
from opendtm.store import schema
from opendtm.store.database import make_engine

SETTINGS = settings(max_examples=40, deadline=None,
                    suppress_health_check=[HealthCheck.function_scoped_fixture])


@pytest.fixture(scope="module")
def engine(module_db_url: str) -> Iterator[Engine]:
    eng = make_engine(module_db_url)
    schema.upgrade(eng)
    yield eng
    eng.dispose()


def run(engine: Engine, data: bytes, suffix: str = ".csv") -> None:
    before = counts(engine)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"input{suffix}"
        path.write_bytes(data)
        report = import_file(engine, path, ImportOptions(add_partners=True))
    after = counts(engine)
    if report.landed:
        assert report.errors == 0
    else:
        assert report.errors > 0
        assert after == before
    assert all(p.code and p.message for p in report.problems)


HEADER = ",".join(template.NAMES).encode()
prefixes = st.sampled_from([b"", HEADER + b"\n", b"PK\x03\x04", b"{", b"[", b"\xef\xbb\xbf"])


@SETTINGS
@given(prefix=prefixes, body=st.binary(max_size=400))
def test_random_bytes(engine: Engine, prefix: bytes, body: bytes) -> None:
    run(engine, prefix + body)


VALUES = {
    "record_id": st.sampled_from(["", "R1", "R2", "R3", "x" * 70]),
    "beneficiary_id": st.sampled_from(["", "B1", "B2"]),
    "family_id": st.sampled_from(["", "F1"]),
    "country": st.sampled_from(["KGZ", "TJK", "Кыргызстан", "", "Atlantis", "kg"]),
    "partner": st.sampled_from(["Helping Hand", "", "Рука помощи"]),
    "admin1": st.sampled_from(["", "Chui", "Ош", "KG-C", "Sughd", "Nowhere"]),
    "sex": st.sampled_from(["", "f", "M", "ж", "x"]),
    "age": st.sampled_from(["", "30", "-1", "200", "3.5", "abc"]),
    "date_of_birth": st.sampled_from(["", "1990-01-01", "31.12.1985", "33000", "2999-01-01"]),
    "assistance_type": st.sampled_from(["food", "return", "consultation", "", "cake"]),
    "assistance_date": st.sampled_from(["2021-01-15", "15.01.2021", "44197", "", "soon",
                                        "2099-01-01"]),
    "return_to": st.sampled_from(["", "KGZ", "Россия", "Narnia"]),
    "vulnerabilities": st.sampled_from(["", "vot", "gbv disability", "sad"]),
    "referral_source": st.sampled_from(["", "hotline", "a friend"]),
}
rows = st.lists(st.fixed_dictionaries({}, optional={k: v for k, v in VALUES.items()} | {
    "given_name": st.text(max_size=10), "city": st.text(max_size=8)}), max_size=6)


@SETTINGS
@given(data=rows, delimiter=st.sampled_from([",", ";", "\t"]),
       encoding=st.sampled_from(["utf-8", "utf-8-sig", "cp1251"]))
def test_random_rows(engine: Engine, data: list[dict[str, str]], delimiter: str,
                     encoding: str) -> None:
    buffer = io.StringIO()
    out = csv.writer(buffer, delimiter=delimiter)
    out.writerow(template.NAMES)
    for r in data:
        out.writerow([r.get(n, "") for n in template.NAMES])
    run(engine, buffer.getvalue().encode(encoding, errors="replace"))
