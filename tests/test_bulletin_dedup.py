"""The bulletin counts merged persons once and says how many duplicates were merged."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

from sqlalchemy import select

from opendtm.publish import config
from opendtm.publish.narrative import paragraphs
from opendtm.services import dedup
from opendtm.services.bulletin import Request, build
from opendtm.services.demo import prepare_demo
from opendtm.store.database import make_engine, unit_of_work
from opendtm.store.models import Assistance, Operation, Partner


def figures(url: str, out: Path) -> dict[str, Any]:
    engine = make_engine(url)
    try:
        build(engine, Request(out=out, config=config.load(), audience="internal",
                              formats=["json"]))
    finally:
        engine.dispose()
    data: dict[str, Any] = json.loads((out / "figures.json").read_text("utf-8"))
    return data


def test_a_merge_counts_once_and_is_reported(db_url: str, tmp_path: Path) -> None:
    url = prepare_demo(db_url)
    before = figures(url, tmp_path / "before")["countries"]
    assert before["KGZ"]["dedup"] == {"merged": 0}
    engine = make_engine(url)
    with unit_of_work(engine) as s:
        a, b = s.scalars(
            select(Assistance.person_id).join(Partner, Partner.id == Assistance.partner_id)
            .join(Operation).where(Operation.country == "KGZ",
                                   Assistance.person_id.is_not(None))
            .group_by(Assistance.person_id).order_by(Assistance.person_id).limit(2)).all()
        assert a is not None and b is not None
        dedup.decide(s, a, b, "same_person", "officer")
    after = figures(url, tmp_path / "after")["countries"]
    assert after["KGZ"]["dedup"] == {"merged": 1}
    assert after["KGZ"]["individuals"]["total"] == before["KGZ"]["individuals"]["total"] - 1
    assert after["TJK"]["individuals"] == before["TJK"]["individuals"]
    assert after["TJK"]["dedup"] == {"merged": 0}
    with unit_of_work(engine) as s:
        dedup.unmerge(s, b, "officer")
    engine.dispose()
    again = figures(url, tmp_path / "again")["countries"]
    assert again["KGZ"]["individuals"] == before["KGZ"]["individuals"]
    assert again["KGZ"]["dedup"] == {"merged": 0}


def test_the_narrative_says_how_many_were_merged() -> None:
    day = dt.date(2021, 1, 1)
    for n, en, ru in ((1, "1 duplicate record of", "1 повторная запись"),
                      (3, "3 duplicate records of", "3 повторные записи"),
                      (5, "5 duplicate records of", "5 повторных записей")):
        assert any(en in p for p in paragraphs("en", "KGZ", {"dedup": {"merged": n}}, day, day))
        assert any(ru in p for p in paragraphs("ru", "KGZ", {"dedup": {"merged": n}}, day, day))
    assert paragraphs("en", "KGZ", {"dedup": {"merged": 0}}, day, day) == []
