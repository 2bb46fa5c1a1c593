"""The glossary's rules (``domain.glossary``) applied to a whole table of respondents in Ibis.

Adds ``respondent_class`` and ``failed_criteria`` ('a;b', empty when classified) columns; the
same rules as ``domain.glossary.classify``, compiled to one expression per criterion.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

import ibis
import ibis.expr.types as ir

from opendtm.domain.glossary import NOT_CLASSIFIED, CountryRules, Criterion


def _predicate(t: ir.Table, c: Criterion) -> ir.BooleanValue:
    if c.any_of or c.all_of:
        parts = [_predicate(t, p) for p in (*c.any_of, *c.all_of)]
        out = parts[0]
        for p in parts[1:]:
            out = (out | p) if c.any_of else (out & p)
        return out
    if c.question not in t.columns:
        return ibis.literal(False)
    col = t[c.question]
    value = c.value
    if isinstance(value, dt.date):
        value = ibis.date(value.isoformat())
    if c.op == "in":
        pred = col.isin(list(value))
    else:
        pred = {"eq": col.__eq__, "ne": col.__ne__, "gt": col.__gt__, "ge": col.__ge__,
                "lt": col.__lt__, "le": col.__le__}[c.op or "eq"](value)
    return pred.fill_null(False)


def classify_table(t: ir.Table, rules: Mapping[str, CountryRules], country: str) -> ir.Table:
    """``t`` with the class of every respondent and, when not classified, what it failed."""
    cases: list[tuple[ir.BooleanValue, str]] = []
    failed_cases: list[tuple[ir.BooleanValue, ir.StringValue]] = []
    in_country = {code: t[country] == code for code in rules}
    for code, country_rules in rules.items():
        failed: ir.StringValue = ibis.literal("")
        for klass in country_rules.classes:
            ok = [(c.name, _predicate(t, c)) for c in klass.criteria]
            all_ok = ok[0][1]
            for _, pred in ok[1:]:
                all_ok = all_ok & pred
            cases.append((in_country[code] & all_ok, klass.name))
            for name, pred in ok:
                failed = failed.concat(pred.ifelse("", name + ";"))
        failed_cases.append((in_country[code], failed))
    klass_col = ibis.cases(*cases, else_=NOT_CLASSIFIED) if cases else ibis.literal(
        NOT_CLASSIFIED)
    no_rules = ibis.literal("no rules for this country;")
    failed_col = ibis.cases(*failed_cases, else_=no_rules) if failed_cases else no_rules
    failed_col = (klass_col == NOT_CLASSIFIED).ifelse(failed_col.re_replace(
        ";+$", ""), "")
    return t.mutate(respondent_class=klass_col, failed_criteria=failed_col)
