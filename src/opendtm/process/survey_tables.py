"""Bulletin figures from survey answers, per the indicator catalogue, computed with Ibis.

Respondents are classified once (``survey_classes``); then, per theme, one DuckDB pass
counts every option of every categorical indicator at the finest breakdown (country x class
x sex x age group) and one query per numeric indicator counts its values. Python rolls the
counts up to every breakdown of the catalogue (``survey_rollup``).
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

from . import survey_rollup as rollup
from .survey_classes import classify_table
from .survey_codes import Prepared, encode
from .survey_rollup import FINEST

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
            con: ibis.BaseBackend) -> Prepared:
    """The answers with each respondent's class (and failed criteria), age group and the
    dimensions under their own names, as integer codes. Classification runs once; later
    queries scan the coded Arrow table."""
    t = classify_table(ibis.memtable(table), rules, catalogue.country)
    age = t[catalogue.age]
    bands = [((age >= lo) & (age <= hi), catalogue.band_label(lo, hi))
             for lo, hi in catalogue.age_bands]
    derived = con.to_pyarrow(t.select(
        _class=t.respondent_class, failed_criteria=t.failed_criteria,
        _age_group=ibis.cases(*bands, else_=None) if bands else ibis.literal(None, "string"),
    ))
    out = table
    for name in derived.column_names:
        column = derived[name]
        out = out.append_column(name, column.dictionary_encode() if name != "failed_criteria"
                                else column)
    out = out.append_column("_country", table[catalogue.country])
    out = out.append_column("_sex", table[catalogue.sex])
    return encode(out)


def _rows(con: ibis.BaseBackend, expr: ir.Table) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = con.to_pyarrow(expr).to_pylist()
    return rows


def _value_counts(con: ibis.BaseBackend, p: Prepared, indicators: list[Indicator],
                  catalogue: Catalogue, spec: FormSpec,
                  ) -> tuple[dict[str, list[dict[str, Any]]], dict[str, list[dict[str, Any]]]]:
    """Counts of every option of every categorical indicator, and how many answered, at the
    finest breakdown: one group-by on integer codes per question (a several-answer list
    unnested first), the bases and age bands as conditional counts in ONE pass; numbers as
    value counts, one query each (exact medians need the values)."""
    t = p.table
    counts: dict[str, list[dict[str, Any]]] = defaultdict(list)
    bases: dict[str, list[dict[str, Any]]] = defaultdict(list)
    aggs: dict[str, ir.Value] = {}
    meaning: dict[str, tuple[str, str | None]] = {}  # aggregate column -> (indicator, option)
    done: dict[tuple[str, tuple[str, ...]], list[dict[str, Any]]] = {}

    def of_classes(ind: Indicator) -> ir.Table:
        return t.filter(t._class.isin(p.codes("_class", list(ind.classes)))) if ind.classes \
            else t

    def add(ind: Indicator, option: str | None, condition: ir.BooleanValue) -> None:
        name = f"a{len(aggs)}"
        if ind.classes:
            condition = condition & t._class.isin(p.codes("_class", list(ind.classes)))
        aggs[name] = t.count(where=condition)
        meaning[name] = (ind.id, option)

    for ind in indicators:
        col = t[ind.question]
        if ind.kind == "summary":
            sub = of_classes(ind)
            extra = [ind.by_answer] if ind.by_answer else []
            answered = sub.filter(sub[ind.question].notnull())
            rows = p.decode_rows(_rows(con, answered.group_by(
                [*FINEST, *extra, ind.question]).agg(_count=answered.count())))
            for r in rows:
                r["_value"], r["_extra"] = r[ind.question], (
                    str(r[ind.by_answer]) if ind.by_answer else "")
            counts[ind.id] = rows
            continue
        if ind.kind == "bands":
            ranges = [(catalogue.band_label(lo, hi), lo, hi) for lo, hi in catalogue.age_bands]
            for label, lo, hi in ranges:
                add(ind, label, (col >= lo) & (col <= hi))
            add(ind, None, col.notnull() & (col >= ranges[0][1]) & (col <= ranges[-1][2]))
            continue
        options = {c.name for c in spec.options(spec.question(ind.question))}
        several = col.type().is_array()
        add(ind, None, (col.notnull() & (col.length() > 0)) if several else col.notnull())
        key = (ind.question, ind.classes)
        if key not in done:
            sub = of_classes(ind)
            values = sub.select(*FINEST, _value=sub[ind.question].unnest() if several
                                else sub[ind.question])
            values = values.filter(values._value.notnull())
            found = _rows(con, values.group_by([*FINEST, "_value"]).agg(
                _count=values.count()))
            done[key] = [r for r in p.decode_rows(
                [{**r, ind.question: r.pop("_value")} for r in found])]
            for r in done[key]:
                r["_value"] = r.pop(ind.question)
        counts[ind.id] = [r for r in done[key] if r["_value"] in options]
    if aggs:
        for row in p.decode_rows(_rows(con, t.group_by(FINEST).agg(**aggs))):
            dims = {d: row[d] for d in FINEST}
            for column, (ind_id, chosen) in meaning.items():
                if not row[column]:
                    continue
                if chosen is None:
                    bases[ind_id].append({**dims, "_n": row[column]})
                else:
                    counts[ind_id].append({**dims, "_value": chosen, "_count": row[column]})
    return counts, bases


def tabulate(table: pa.Table, spec: FormSpec, catalogue: Catalogue,
             rules: Mapping[str, CountryRules], theme: str, min_base: int | None = None,
             con: ibis.BaseBackend | None = None, prepared: Prepared | None = None,
             ) -> dict[str, Any]:
    """The figures of one bulletin theme, as a JSON-ready dict."""
    indicators = catalogue.of_theme(theme)
    min_base = catalogue.min_base if min_base is None else min_base
    con = con or ibis.duckdb.connect()
    p = prepared if prepared is not None else prepare(table, catalogue, rules, con)
    t = p.table
    out: dict[str, Any] = {
        "theme": theme, "title": {k: catalogue.themes[theme][k] for k in ("en", "ru")},
        "bulletin": catalogue.themes[theme].get("bulletin"), "form_id": spec.form_id,
        "min_base": min_base,
        "counting": {k: v.format(min_base=min_base) for k, v in COUNTING.items()},
        "sample": _sample(con, p, catalogue),
        "not_classified": _not_classified(con, p),
        "labels": _labels(spec, catalogue, rules),
        "indicators": {},
    }
    for ind in indicators:
        for name in (ind.question, ind.by_answer):
            if name and name not in t.columns:
                raise ValueError(f"indicator {ind.id!r}: the form has no question {name!r}")
    counts, bases = _value_counts(con, p, indicators, catalogue, spec)
    for ind in indicators:
        block: dict[str, Any] = {
            "kind": ind.kind, "question": ind.question, "classes": list(ind.classes),
            "title": dict(ind.title) or _question_labels(spec, ind.question),
        }
        if ind.kind == "summary":
            block["by_answer"] = ind.by_answer
            block["groups"] = rollup.summary(ind, catalogue, min_base, counts[ind.id])
        else:
            options = _options(spec, catalogue, ind)
            block["options"] = options
            block["groups"] = rollup.categorical(
                ind, catalogue, [o["name"] for o in options], min_base, counts[ind.id],
                bases[ind.id])
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


def _sample(con: ibis.BaseBackend, p: Prepared, catalogue: Catalogue
            ) -> list[dict[str, Any]]:
    t = p.table
    return rollup.sample(catalogue, p.decode_rows(_rows(con, t.group_by(FINEST).agg(
        _n=t.count()))))


def _not_classified(con: ibis.BaseBackend, p: Prepared) -> list[dict[str, Any]]:
    failed = p.table.filter(p.table.failed_criteria != "")
    crit = failed.select("_country", criterion=failed.failed_criteria.split(";").unnest())
    rows = p.decode_rows(_rows(con, crit.group_by(["_country", "criterion"]).agg(
        n=crit.count())))
    # Equal counts in the criterion's order, so that every build lists them alike.
    return sorted(({"country": r["_country"], "criterion": r["criterion"], "n": r["n"]}
                   for r in rows),
                  key=lambda r: (str(r["country"]), -r["n"], str(r["criterion"])))


def _labels(spec: FormSpec, catalogue: Catalogue,
            rules: Mapping[str, CountryRules]) -> dict[str, Any]:
    def of(name: str) -> dict[str, dict[str, str]]:
        if not spec.has(name):
            return {}
        return {c.name: dict(c.labels) for c in spec.options(spec.question(name))}

    return {"class": class_labels(rules), "country": of(catalogue.country),
            "sex": of(catalogue.sex)}
