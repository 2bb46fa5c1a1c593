"""Bulletin figures from survey answers, per the indicator catalogue, computed with Ibis.

Respondents are classified once (``survey_classes``) and put in DuckDB; each indicator is
one query at the finest breakdown (country x class x sex x age group), rolled up in Python
to every breakdown of the catalogue (counts add up); means and medians are queried per
breakdown. Every percentage comes with its base n; on a base under ``min_base`` it is None.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from typing import Any

import ibis
import ibis.expr.types as ir
import pyarrow as pa

from opendtm.domain.glossary import CountryRules, class_labels
from opendtm.domain.indicators import Catalogue, Indicator
from opendtm.domain.xlsform import FormSpec

from .survey_classes import classify_table

DIMS = {"country": "_country", "class": "_class", "sex": "_sex", "age_group": "_age_group"}
FINEST = list(DIMS.values())
COUNTING = {
    "en": "Respondents are unique submissions of the survey, each counted once. A percentage "
          "is of the respondents who answered the question (n); for several-answer questions "
          "the shares add up to more than 100%. Percentages on fewer than {min_base} "
          "respondents are not shown.",
    "ru": "Респонденты — уникальные анкеты опроса, каждая учитывается один раз. Процент "
          "рассчитан от числа ответивших на вопрос (n); в вопросах с несколькими ответами "
          "сумма долей превышает 100%. Проценты при базе менее {min_base} респондентов "
          "не приводятся.",
}


def questions_needed(catalogue: Catalogue, rules: Mapping[str, CountryRules]) -> set[str]:
    names = {catalogue.country, catalogue.sex, catalogue.age}
    names |= {i.question for i in catalogue.indicators}
    names |= {i.by_answer for i in catalogue.indicators if i.by_answer}
    for country_rules in rules.values():
        for klass in country_rules.classes:
            for c in klass.criteria:
                names |= c.questions()
    return names


def prepare(table: pa.Table, catalogue: Catalogue, rules: Mapping[str, CountryRules],
            con: ibis.BaseBackend) -> ir.Table:
    """Classify, band ages, name the dimensions; materialised once in ``con``."""
    t = classify_table(ibis.memtable(table), rules, catalogue.country)
    age = t[catalogue.age]
    bands = [((age >= lo) & (age <= hi), catalogue.band_label(lo, hi))
             for lo, hi in catalogue.age_bands]
    t = t.mutate(
        _country=t[catalogue.country], _class=t.respondent_class, _sex=t[catalogue.sex],
        _age_group=ibis.cases(*bands, else_=None) if bands else ibis.literal(None, "string"),
    )
    return con.create_table("survey_respondents", t, overwrite=True)


def _rows(con: ibis.BaseBackend, expr: ir.Table) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = con.to_pyarrow(expr).to_pylist()
    return rows


def _key(row: Mapping[str, Any], dims: tuple[str, ...]) -> tuple[Any, ...]:
    return tuple(row[DIMS[d]] for d in dims)


def _group(dims: tuple[str, ...], key: tuple[Any, ...], n: int, min_base: int,
           values: list[dict[str, Any]]) -> dict[str, Any]:
    shown = n >= min_base
    for v in values:
        v["percent"] = round(100 * v["count"] / n, 1) if shown and n else None
    return {"by": dict(zip(dims, key, strict=True)), "n": n, "suppressed": not shown,
            "values": values}


def _counts(con: ibis.BaseBackend, t: ir.Table, value: ir.Value, base_filter: ir.BooleanValue,
            multiple: bool) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    answered = t.filter(base_filter)
    if multiple:
        exploded = answered.select(*FINEST, _value=value.unnest())
        bases = _rows(con, answered.group_by(FINEST).agg(_n=answered.count()))
    else:
        exploded = answered.select(*FINEST, _value=value)
        bases = []
    counts = _rows(con, exploded.group_by([*FINEST, "_value"]).agg(_count=exploded.count()))
    if not multiple:
        totals: dict[tuple[Any, ...], int] = defaultdict(int)
        for r in counts:
            totals[tuple(r[d] for d in FINEST)] += r["_count"]
        bases = [{**dict(zip(FINEST, k, strict=True)), "_n": n} for k, n in totals.items()]
    return counts, bases


def _categorical(con: ibis.BaseBackend, t: ir.Table, ind: Indicator, catalogue: Catalogue,
                 options: list[str], min_base: int) -> list[dict[str, Any]]:
    col = t[ind.question]
    multiple = ind.kind == "multiple" or (ind.kind == "top" and col.type().is_array())
    if ind.kind == "bands":
        value: ir.Value = ibis.cases(*[((col >= lo) & (col <= hi), catalogue.band_label(lo, hi))
                                       for lo, hi in catalogue.age_bands], else_=None)
        base_filter = value.notnull()
    elif multiple:
        value, base_filter = col, col.notnull() & (col.length() > 0)
    else:
        value, base_filter = col, col.notnull()
    counts, bases = _counts(con, t, value, base_filter, multiple)
    groups = []
    for dims in catalogue.breakdowns:
        n_of: dict[tuple[Any, ...], int] = defaultdict(int)
        c_of: dict[tuple[Any, ...], dict[str, int]] = defaultdict(lambda: defaultdict(int))
        for r in bases:
            n_of[_key(r, dims)] += r["_n"]
        for r in counts:
            c_of[_key(r, dims)][r["_value"]] += r["_count"]
        for key in sorted(n_of, key=lambda k: tuple(str(x) for x in k)):
            found = c_of[key]
            order = options + sorted(set(found) - set(options), key=str)
            pairs = [(o, found.get(o, 0)) for o in order]
            if ind.kind == "top":
                pairs = sorted((p for p in pairs if p[1]), key=lambda p: -p[1])[: ind.n]
            values: list[dict[str, Any]] = [{"option": o, "count": c} for o, c in pairs]
            groups.append(_group(dims, key, n_of[key], min_base, values))
    return groups


def _summary(con: ibis.BaseBackend, t: ir.Table, ind: Indicator, catalogue: Catalogue,
             min_base: int) -> list[dict[str, Any]]:
    col = t[ind.question]
    answered = t.filter(col.notnull())
    extra = [ind.by_answer] if ind.by_answer else []
    groups = []
    for dims in catalogue.breakdowns:
        keys = [DIMS[d] for d in dims] + extra
        metrics = {"_n": answered.count(), "mean": col.mean(), "median": col.median(),
                   "min": col.min(), "max": col.max()}
        expr = answered.group_by(keys).agg(**metrics) if keys else answered.agg(**metrics)
        for r in sorted(_rows(con, expr), key=lambda r: tuple(str(r[k]) for k in keys)):
            n = int(r["_n"])
            shown = n >= min_base
            by = {d: r[DIMS[d]] for d in dims} | {k: r[k] for k in extra}
            stats = {k: (round(float(r[k]), 1) if shown and r[k] is not None else None)
                     for k in ("mean", "median", "min", "max")}
            if n:
                groups.append({"by": by, "n": n, "suppressed": not shown, **stats})
    return groups


def tabulate(table: pa.Table, spec: FormSpec, catalogue: Catalogue,
             rules: Mapping[str, CountryRules], theme: str, min_base: int | None = None,
             con: ibis.BaseBackend | None = None, prepared: ir.Table | None = None,
             ) -> dict[str, Any]:
    """The figures of one bulletin theme, as a JSON-ready dict."""
    indicators = catalogue.of_theme(theme)
    min_base = catalogue.min_base if min_base is None else min_base
    con = con or ibis.duckdb.connect()
    t = prepared if prepared is not None else prepare(table, catalogue, rules, con)
    out: dict[str, Any] = {
        "theme": theme, "title": {k: catalogue.themes[theme][k] for k in ("en", "ru")},
        "bulletin": catalogue.themes[theme].get("bulletin"), "form_id": spec.form_id,
        "min_base": min_base,
        "counting": {k: v.format(min_base=min_base) for k, v in COUNTING.items()},
        "sample": _sample(con, t, catalogue),
        "not_classified": _not_classified(con, t),
        "labels": _labels(spec, catalogue, rules),
        "indicators": {},
    }
    for ind in indicators:
        if ind.question not in t.columns:
            raise ValueError(f"indicator {ind.id!r}: the form has no question {ind.question!r}")
        sub = t.filter(t._class.isin(list(ind.classes))) if ind.classes else t
        block: dict[str, Any] = {
            "kind": ind.kind, "question": ind.question, "classes": list(ind.classes),
            "title": _question_labels(spec, ind.question),
        }
        if ind.kind == "summary":
            block["by_answer"] = ind.by_answer
            block["groups"] = _summary(con, sub, ind, catalogue, min_base)
        else:
            options = _options(spec, catalogue, ind)
            block["options"] = options
            block["groups"] = _categorical(con, sub, ind, catalogue,
                                           [o["name"] for o in options], min_base)
        out["indicators"][ind.id] = block
    return out


def _options(spec: FormSpec, catalogue: Catalogue, ind: Indicator) -> list[dict[str, Any]]:
    if ind.kind == "bands":
        return [{"name": catalogue.band_label(lo, hi), "label": {}} for lo, hi in
                catalogue.age_bands]
    if not spec.has(ind.question):
        return []
    return [{"name": c.name, "label": dict(c.labels)}
            for c in spec.options(spec.question(ind.question))]


def _question_labels(spec: FormSpec, name: str) -> dict[str, str]:
    return dict(spec.question(name).labels) if spec.has(name) else {"en": name}


def _sample(con: ibis.BaseBackend, t: ir.Table, catalogue: Catalogue) -> list[dict[str, Any]]:
    rows = _rows(con, t.group_by(FINEST).agg(_n=t.count()))
    out = []
    for dims in catalogue.breakdowns:
        n_of: dict[tuple[Any, ...], int] = defaultdict(int)
        for r in rows:
            n_of[_key(r, dims)] += r["_n"]
        for key in sorted(n_of, key=lambda k: tuple(str(x) for x in k)):
            out.append({"by": dict(zip(dims, key, strict=True)), "n": n_of[key]})
    return out


def _not_classified(con: ibis.BaseBackend, t: ir.Table) -> list[dict[str, Any]]:
    failed = t.filter(t.failed_criteria != "")
    crit = failed.select("_country", criterion=failed.failed_criteria.split(";").unnest())
    rows = _rows(con, crit.group_by(["_country", "criterion"]).agg(n=crit.count()))
    return sorted(({"country": r["_country"], "criterion": r["criterion"], "n": r["n"]}
                   for r in rows), key=lambda r: (str(r["country"]), -r["n"]))


def _labels(spec: FormSpec, catalogue: Catalogue,
            rules: Mapping[str, CountryRules]) -> dict[str, Any]:
    def of(name: str) -> dict[str, dict[str, str]]:
        if not spec.has(name):
            return {}
        return {c.name: dict(c.labels) for c in spec.options(spec.question(name))}

    return {"class": class_labels(rules), "country": of(catalogue.country),
            "sex": of(catalogue.sex)}
