"""The glossary's definitions of respondent classes, as rules read from data.

One TOML file per country (``data/survey/glossary/KGZ.toml``...) lists the classes a
respondent interviewed there may belong to, each with named criteria on the form's answers.
Users add or change countries with files of their own in a folder (``--rules DIR`` or
``OPENDTM_GLOSSARY_DIR``); a user's file for a country replaces the shipped one.

A respondent belongs to the first class of its country whose criteria all hold; otherwise
it is ``not_classified`` and the criteria it failed are named. A missing answer fails.
"""

from __future__ import annotations

import datetime as dt
import os
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

OPS = {"eq", "ne", "in", "gt", "ge", "lt", "le"}
NOT_CLASSIFIED = "not_classified"
ENV = "OPENDTM_GLOSSARY_DIR"


@dataclass(frozen=True)
class Criterion:
    name: str
    question: str | None = None
    op: str | None = None
    value: Any = None
    any_of: tuple[Criterion, ...] = ()
    all_of: tuple[Criterion, ...] = ()
    labels: dict[str, str] = field(default_factory=dict)

    def questions(self) -> set[str]:
        names = {self.question} if self.question else set()
        for part in (*self.any_of, *self.all_of):
            names |= part.questions()
        return names

    def holds(self, answers: Mapping[str, Any]) -> bool:
        if self.any_of:
            return any(c.holds(answers) for c in self.any_of)
        if self.all_of:
            return all(c.holds(answers) for c in self.all_of)
        assert self.question is not None
        answer = answers.get(self.question)
        if answer is None or answer == "":
            return False
        value = self.value
        if isinstance(value, dt.date):
            answer = dt.date.fromisoformat(str(answer)[:10]) if isinstance(answer, str) else answer
        try:
            return _compare(self.op or "eq", answer, value)
        except TypeError:  # a text answer where a number is expected
            return False


def _compare(op: str, answer: Any, value: Any) -> bool:
    if op == "eq":
        return bool(answer == value)
    if op == "ne":
        return bool(answer != value)
    if op == "in":
        return answer in value
    if op == "gt":
        return bool(answer > value)
    if op == "ge":
        return bool(answer >= value)
    if op == "lt":
        return bool(answer < value)
    return bool(answer <= value)


@dataclass(frozen=True)
class RespondentClass:
    name: str
    criteria: tuple[Criterion, ...]
    labels: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class CountryRules:
    country: str
    classes: tuple[RespondentClass, ...]
    source: str = ""


@dataclass(frozen=True)
class Verdict:
    klass: str
    failed: tuple[str, ...] = ()


def classify(rules: Mapping[str, CountryRules], country: str | None,
             answers: Mapping[str, Any]) -> Verdict:
    """The class of one respondent, or the criteria it failed."""
    country_rules = rules.get(country or "")
    if country_rules is None:
        return Verdict(NOT_CLASSIFIED, (f"no rules for country {country or '(none)'}",))
    failed: list[str] = []
    for klass in country_rules.classes:
        missed = [c.name for c in klass.criteria if not c.holds(answers)]
        if not missed:
            return Verdict(klass.name)
        failed += missed
    return Verdict(NOT_CLASSIFIED, tuple(failed))


def _criterion(raw: dict[str, Any], where: str) -> Criterion:
    name = str(raw.get("name", raw.get("question", "")))
    labels = {k.removeprefix("label_"): v for k, v in raw.items() if k.startswith("label_")}
    if "any" in raw or "all" in raw:
        parts = tuple(_criterion(p, where) for p in raw.get("any", raw.get("all", [])))
        if not parts:
            raise ValueError(f"{where}: criterion {name!r} combines nothing")
        if "any" in raw:
            return Criterion(name=name, labels=labels, any_of=parts)
        return Criterion(name=name, labels=labels, all_of=parts)
    op = raw.get("op", "eq")
    if op not in OPS:
        raise ValueError(f"{where}: criterion {name!r} has op {op!r}; use one of "
                         f"{', '.join(sorted(OPS))}")
    if "question" not in raw or "value" not in raw:
        raise ValueError(f"{where}: criterion {name!r} needs a question and a value")
    value = raw["value"]
    if op == "in" and not isinstance(value, list):
        raise ValueError(f"{where}: criterion {name!r} with op 'in' needs a list value")
    return Criterion(name=name, question=raw["question"], op=op,
                     value=tuple(value) if isinstance(value, list) else value, labels=labels)


def parse_rules(text: str, where: str) -> CountryRules:
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ValueError(f"{where}: not valid TOML ({exc})") from None
    country = str(data.get("country", "")).upper()
    if len(country) != 3:
        raise ValueError(f"{where}: 'country' must be an ISO 3166 alpha-3 code")
    classes = []
    for raw in data.get("class", []):
        if "name" not in raw or not raw.get("criteria"):
            raise ValueError(f"{where}: every [[class]] needs a name and [[class.criteria]]")
        labels = {k.removeprefix("label_"): v for k, v in raw.items() if k.startswith("label_")}
        criteria = tuple(_criterion(c, where) for c in raw["criteria"])
        classes.append(RespondentClass(raw["name"], criteria, labels))
    return CountryRules(country, tuple(classes), where)


def load_rules(folder: Path | None = None) -> dict[str, CountryRules]:
    """The shipped rules, replaced or extended by the TOML files of ``folder``."""
    rules: dict[str, CountryRules] = {}
    shipped = resources.files("opendtm.data").joinpath("survey", "glossary")
    for item in sorted(shipped.iterdir(), key=lambda i: i.name):
        if item.name.endswith(".toml"):
            parsed = parse_rules(item.read_text(encoding="utf-8"), item.name)
            rules[parsed.country] = parsed
    folder = folder or (Path(os.environ[ENV]) if os.environ.get(ENV) else None)
    if folder is not None:
        if not folder.is_dir():
            raise ValueError(f"{folder}: no such folder of glossary rules")
        for path in sorted(folder.glob("*.toml")):
            parsed = parse_rules(path.read_text(encoding="utf-8"), path.name)
            rules[parsed.country] = parsed
    return rules


def class_labels(rules: Mapping[str, CountryRules]) -> dict[str, dict[str, str]]:
    labels = {NOT_CLASSIFIED: {"en": "Not classified", "ru": "Не классифицирован(а)"}}
    for country_rules in rules.values():
        for klass in country_rules.classes:
            labels.setdefault(klass.name, klass.labels)
    return labels
