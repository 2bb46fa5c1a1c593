"""Helpers for the import tests: template rows, files written by the tests, table counts."""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, func, select

from opendtm.ingest import template
from opendtm.services.importer import ImportOptions
from opendtm.store import models as m
from opendtm.store import schema
from opendtm.store.database import make_engine

ADD = ImportOptions(add_partners=True)

COUNTED = (m.Assistance, m.Person, m.PersonIdentity, m.Family, m.Case, m.Screening,
           m.ScreeningFinding, m.Referral, m.Partner, m.ImportBatch, m.ImportChange,
           m.AuditEntry)  # fmt: skip


def row(record_id: str, **values: str) -> dict[str, str]:
    base = {"record_id": record_id, "beneficiary_id": "B1", "country": "KGZ",
            "partner": "Helping Hand", "admin1": "Chui", "sex": "f", "age": "30",
            "migrant_status": "returnee", "assistance_type": "food",
            "assistance_date": "2021-01-15"}  # fmt: skip
    base.update(values)
    return base


def five_rows() -> list[dict[str, str]]:
    """Five rows of one partner: vulnerabilities, a return, a family, Cyrillic values."""
    return [
        row("A1", vulnerabilities="vot disability", referral_source="hotline",
            given_name="Айгуль", family_name="Асанова", document_number="AN123"),
        row("A2", assistance_type="return", assistance_date="2021-02-01", return_from="RUS",
            return_to="KGZ", transport_mode="air"),
        row("A3", beneficiary_id="B2", family_id="F1", sex="m", age="", admin1="Osh",
            assistance_type="consultation", consultation_topic="registration",
            referral_source="Consulate of Kyrgyzstan in Moscow"),
        row("A4", beneficiary_id="", family_id="F1", sex="", age="", assistance_type="nfi"),
        row("A5", beneficiary_id="B3", sex="ж", age="", date_of_birth="12.03.2010",
            nationality="Таджикистан", admin1="Бишкек"),
    ]  # fmt: skip


def write_csv(path: Path, rows: list[dict[str, str]], *, encoding: str = "utf-8",
              delimiter: str = ",", hxl: bool = False, columns: list[str] | None = None) -> Path:
    names = columns or list(template.NAMES)
    with path.open("w", encoding=encoding, newline="") as fh:
        out = csv.writer(fh, delimiter=delimiter)
        out.writerow(names)
        if hxl:
            out.writerow([template.BY_NAME[n].hxl or "" if n in template.BY_NAME else ""
                          for n in names])
        for r in rows:
            out.writerow([r.get(n, "") for n in names])
    return path


def counts(engine: Engine) -> dict[str, int]:
    with engine.connect() as conn:
        return {t.__tablename__: conn.scalar(select(func.count()).select_from(t)) or 0
                for t in COUNTED}


def one(engine: Engine, stmt: Any) -> Any:
    with engine.connect() as conn:
        return conn.execute(stmt).one()


def engine_fixture() -> Callable[..., Iterator[Engine]]:
    """A fixture named ``engine`` for a test module (``engine = engine_fixture()``): a
    database at the current schema on each engine ``db_url`` gives."""

    @pytest.fixture
    def engine(db_url: str) -> Iterator[Engine]:
        eng = make_engine(db_url)
        schema.upgrade(eng)
        yield eng
        eng.dispose()

    return engine
