"""Build the Direct Assistance bulletin: HTML, PDF, figures.json and HXL, from the records.

One dictionary (the content of ``figures.json``) is built from the store through the Ibis
figures, checked, protected by disclosure control for the public, and every output is
rendered from it.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import pickle
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
from sqlalchemy import Engine, select
from sqlalchemy.engine import make_url

from opendtm import __version__
from opendtm.process import disclosure
from opendtm.process.digest import input_hash
from opendtm.publish import html, hxl, i18n
from opendtm.publish.config import AUDIENCES, FORMATS, BulletinConfig
from opendtm.services.bulletin_team import Team
from opendtm.services.stats import country_blocks
from opendtm.store import dedup, facts, partners
from opendtm.store.database import unit_of_work
from opendtm.store.integrity import record_problems
from opendtm.store.models import Operation

Step = Callable[[str, int, int], None]


class BulletinError(ValueError):
    """The bulletin cannot be built; the message says why and what to do."""


@dataclass
class Request:
    out: Path
    config: BulletinConfig
    countries: Sequence[str] = ()
    start: dt.date | None = None
    end: dt.date | None = None
    languages: Sequence[str] = i18n.LANGUAGES
    audience: str = "public"
    formats: Sequence[str] = FORMATS
    threshold: int | None = None
    allow_problems: bool = False


@dataclass
class Result:
    model: dict[str, Any]
    paths: list[Path] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)  # countries without records


def build(
    engine: Engine, req: Request, step: Step | None = None, *, team: Team | None = None,
    fork: bool | None = None,
) -> Result:
    """The bulletin's files. Each language is laid out by a process of its own (``team``,
    forked by the caller before it imported the figures' libraries, else forked here where
    that is safe, see ``bulletin_team``); with ``fork=False`` or where a fork is not safe,
    this process lays out the first language and a new interpreter the second."""
    langs = list(req.languages) if {"html", "pdf"} & set(req.formats) else []
    if team is None and langs and (Team.possible() if fork is None else fork):
        team = Team(langs)
    if team is not None and team.langs != langs:
        team.close()
        raise ValueError(f"the team lays out {team.langs}, the bulletin asks for {langs}")
    helpers = team or _Helpers(langs)
    with helpers:
        model, skipped = figures_model(engine, req)
        total = 1 + len(langs) * (("html" in req.formats) + ("pdf" in req.formats))
        done = 0

        def tick(label: str) -> None:
            nonlocal done
            done += 1
            if step:
                step(label, done, total)

        req.out.mkdir(parents=True, exist_ok=True)
        if langs and step:
            step(f"charts and pages: {', '.join(langs)}", done, total)
        for lang in helpers.langs:  # they lay out their pages while this writes the data
            helpers.send(lang, pickle.dumps((model, lang, req.config, req.out,
                                             list(req.formats))))
        result = Result(model, skipped=skipped)
        if "json" in req.formats:
            path = req.out / "figures.json"
            path.write_text(json.dumps(model, ensure_ascii=False, indent=2) + "\n", "utf-8")
            result.paths.append(path)
        if "hxl" in req.formats:
            result.paths += hxl.write(model["countries"], req.out / "hxl")
        tick("figures")
        pages: dict[str, list[Path]] = {}
        for lang in langs:
            if lang in helpers.langs:
                paths = helpers.paths(lang)
                if paths is None:
                    raise BulletinError(f"the {lang} bulletin could not be laid out (see the "
                                        "message above)")
                pages[lang] = paths
            else:
                pages[lang] = _render_here(model, lang, req)
            for path in pages[lang]:
                tick(f"{lang} {path.suffix[1:].upper()}")
        result.paths += [path for lang in langs for path in pages[lang]]
    return result


def _render_here(model: dict[str, Any], lang: str, req: Request) -> list[Path]:
    from opendtm.services.bulletin_worker import render_language  # the pages' libraries

    return render_language(model, lang, req.config, req.out, req.formats)


class _Helpers:
    """Where there is no team: this process lays out the first language; with two languages
    and two cores or more, a new interpreter lays out the second (charts and PDF layout are
    CPU work that does not share the interpreter), started now so that it is ready when the
    figures are counted. Leaving the ``with`` block before its job is sent (a failed build)
    ends it."""

    def __init__(self, langs: list[str]) -> None:
        self.first = langs[:1]
        self.langs = langs[1:] if len(langs) > 1 and (os.cpu_count() or 1) > 1 else []
        self.workers: dict[str, Any] = {}

    def __enter__(self) -> _Helpers:
        if self.langs:
            from opendtm.services.bulletin_worker import Worker

            self.workers = {lang: Worker() for lang in self.langs}
        if self.first:
            from opendtm.publish import charts

            charts.warm_soon()  # while the figures are counted
        return self

    def send(self, lang: str, job: bytes) -> None:
        self.workers[lang].send(job)

    def paths(self, lang: str) -> list[Path] | None:
        paths: list[Path] | None = self.workers[lang].paths()
        return paths

    def __exit__(self, *exc: object) -> None:
        for worker in self.workers.values():
            worker.close()


def figures_model(engine: Engine, req: Request) -> tuple[dict[str, Any], list[str]]:
    """The content of ``figures.json``: every number of the bulletin, and where it came from."""
    if req.audience not in AUDIENCES:
        raise BulletinError(f"audience {req.audience!r}: use public or internal")
    if req.start and req.end and req.start > req.end:
        raise BulletinError(f"the period starts ({req.start}) after it ends ({req.end})")
    with unit_of_work(engine) as session:
        known = sorted(set(session.scalars(select(Operation.country))))
        wanted = list(req.countries) or known
        assist = facts.assistance_facts(session, wanted, req.start, req.end)
        contacts = facts.contact_facts(session, wanted, req.start, req.end)
        vulns = facts.vulnerability_facts(session)
        problems = list(record_problems(session))
        merged = dedup.duplicates_assisted(session, wanted, req.start, req.end)
        registry_names = partners.names(session, wanted)
    if assist.num_rows == 0 and contacts.num_rows == 0:
        raise BulletinError(
            f"no assistance or consultation is recorded for {', '.join(wanted) or 'any country'}"
            f" {_period_words(req.start, req.end)}: nothing to publish; choose another period "
            f"(--from, --to) or country (--country)"
        )
    with_data = set(assist.column("country").to_pylist()) | set(
        contacts.column("country").to_pylist())
    order = [c for c in req.config.country_order if c in wanted]
    ordered = order + sorted(c for c in wanted if c not in order)
    present = [c for c in ordered if c in with_data]
    blocks, found = country_blocks(assist, contacts, vulns, present)
    problems += found
    errors = [p for p in problems if p.severity == "error"]
    if errors and not req.allow_problems:
        listed = "; ".join(f"{p.key}: {p.message}" for p in errors[:5])
        more = f" (and {len(errors) - 5} more)" if len(errors) > 5 else ""
        raise BulletinError(f"{len(errors)} consistency check(s) failed: {listed}{more}. "
                            "Fix the records, or build anyway with --allow-problems to list "
                            "them in an annex")
    rules = req.config.rules
    if req.threshold is not None:
        rules = disclosure.Rules(req.threshold, rules.single_dimensions)
    suppressed: list[disclosure.Suppressed] = []
    if req.audience == "public":
        for code in present:
            blocks[code], hidden = disclosure.protect(blocks[code], rules, f"{code}.")
            suppressed += hidden
    for code in present:  # a count of records, not of people: no disclosure control
        blocks[code]["dedup"] = {"merged": merged.get(code, 0)}
    start, end = _period(req, assist, contacts)
    model = {
        "title": req.config.text("en")["title"],
        "audience": req.audience,
        "countries": blocks,
        "period": {"from": start.isoformat(), "to": end.isoformat()},
        "counting_rules": {k: v["en"] for k, v in html.COUNTING_RULES.items()},
        "disclosure": {
            "applied": req.audience == "public",
            "threshold": rules.threshold,
            "single_dimensions": list(rules.single_dimensions),
            "suppressed": [s.to_dict() for s in suppressed],
        },
        "provenance": {
            "opendtm": __version__,
            "database": _database_label(str(engine.url)),
            "period": {"from": start.isoformat(), "to": end.isoformat()},
            "built_at": dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat(),
            "input_rows": {"assistance": assist.num_rows, "consultations": contacts.num_rows},
            "input_sha256": input_hash(assist, contacts, vulns),
        },
        "problems": [p.to_dict() for p in problems],
        "partner_names": partner_names(registry_names, req.config, present),
    }
    return model, [c for c in ordered if c not in with_data]


def partner_names(
    registry: Sequence[tuple[str, str, str | None]], config: BulletinConfig,
    countries: Sequence[str],
) -> dict[str, dict[str, dict[str, str]]]:
    """Each partner's name in every language: ``{country: {name: {lang: name}}}``. The
    Russian name is the one the bulletin configuration gives, else the registry's, else the
    name as registered."""
    names: dict[str, dict[str, dict[str, str]]] = {c: {} for c in countries}
    for country, name, name_ru in registry:
        if country in names:
            names[country][name] = {
                lang: config.partner_name(lang, name) or (name_ru if lang == "ru" else None)
                or name for lang in i18n.LANGUAGES}
    return names


def _period(req: Request, assist: pa.Table, contacts: pa.Table) -> tuple[dt.date, dt.date]:
    ends = [pc.min_max(t.column(c)).as_py() for t, c in ((assist, "delivered_on"),
                                                         (contacts, "contacted_on"))]
    firsts = [e["min"] for e in ends if e["min"] is not None]
    lasts = [e["max"] for e in ends if e["max"] is not None]
    return req.start or min(firsts), req.end or max(lasts)


def _period_words(start: dt.date | None, end: dt.date | None) -> str:
    if start and end:
        return f"between {start} and {end}"
    if start:
        return f"from {start} on"
    if end:
        return f"up to {end}"
    return "at all"


def _database_label(url: str) -> str:
    """The engine and the database's name: no host, no folder, no password."""
    parsed = make_url(url)
    name = Path(parsed.database or "").name
    return f"{parsed.get_backend_name()}:{name}"
