"""Key figures per country, with consistency checks and, for the demo, the seed comparison."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

import ibis
import pyarrow as pa
from sqlalchemy import Engine, select

from opendtm import __version__
from opendtm.demo.cohorts import PROJECT_CODE
from opendtm.demo.seed import CONTRADICTIONS, SEED_FIGURES
from opendtm.domain.problems import Problem
from opendtm.process import checks, figures
from opendtm.store import facts
from opendtm.store.database import safe_url, unit_of_work
from opendtm.store.integrity import record_problems
from opendtm.store.models import Operation, Project


def key_figures(
    engine: Engine,
    countries: Sequence[str] | None = None,
    start: dt.date | None = None,
    end: dt.date | None = None,
) -> dict[str, Any]:
    with unit_of_work(engine) as session:
        known = set(session.scalars(select(Operation.country)))
        assist = facts.assistance_facts(session, countries, start, end)
        contacts = facts.contact_facts(session, countries, start, end)
        vulns = facts.vulnerability_facts(session)
        problems = list(record_problems(session))
        demo = session.scalar(select(Project.id).where(Project.code == PROJECT_CODE)) is not None
    result, found = country_blocks(assist, contacts, vulns, sorted(countries or known))
    problems += found
    out: dict[str, Any] = {
        "opendtm": __version__,
        "database": safe_url(str(engine.url)),
        "period": {"from": start.isoformat() if start else None,
                   "to": end.isoformat() if end else None},
        "countries": result,
        "problems": [p.to_dict() for p in problems],
    }
    if demo:
        out["seed"] = compare_with_seed(result)
    return out


def country_blocks(
    assist: pa.Table, contacts: pa.Table, vulns: pa.Table, wanted: Sequence[str],
    con: ibis.BaseBackend | None = None,
) -> tuple[dict[str, Any], list[Problem]]:
    """Figures of each wanted country, its partners' under ``by_partner``, and their checks."""
    con = con or figures.connect()
    by_country, by_partner = figures.compute_levels(
        assist, contacts, vulns, [figures.COUNTRY, figures.PARTNER], con)
    result: dict[str, Any] = {}
    problems: list[Problem] = []
    for country in wanted:
        block = by_country.get((country,), {})
        partners = {
            scope[1]: fig for scope, fig in sorted(by_partner.items()) if scope[0] == country
        }
        block["by_partner"] = partners
        result[country] = block
        problems += checks.check_block(country, block)
        for name, fig in partners.items():
            problems += checks.check_block(f"{country}.by_partner.{name}", fig)
    return result, problems


def lookup(countries: dict[str, Any], key: str) -> Any:
    """Follow a dotted key such as ``RUS.by_partner.Ural House.return.total``."""
    node: Any = countries
    parts = key.split(".")
    i = 0
    while i < len(parts):
        if not isinstance(node, dict):
            return None
        # partner names may contain dots: take the longest matching key
        for j in range(len(parts), i, -1):
            candidate = ".".join(parts[i:j])
            if candidate in node:
                node, i = node[candidate], j
                break
        else:
            return None
    return node


def compare_with_seed(countries: dict[str, Any]) -> dict[str, Any]:
    figures_out = []
    for f in SEED_FIGURES:
        got = lookup(countries, f.key)
        figures_out.append({"key": f.key, "seed": f.value, "computed": got,
                            "match": got == f.value, "says": f.says})
    contradictions = []
    for c in CONTRADICTIONS:
        got = lookup(countries, c.key)
        if isinstance(c.expected, dict) and isinstance(got, dict):
            got = {k: got.get(k) for k in c.expected}
        contradictions.append({"key": c.key, "says": c.says, "reading": c.reading,
                               "computed": got, "consistent": got == c.expected})
    return {
        "matched": sum(1 for f in figures_out if f["match"]),
        "figures": len(figures_out),
        "mismatches": [f for f in figures_out if not f["match"]],
        "checked": figures_out,
        "contradictions": contradictions,
    }
