"""The shipped DTM questionnaire: its readable definition turned into XLSForm sheets.

``data/survey/questionnaire.toml`` holds the questions, choice lists and settings; this
module turns it into the rows of the ``survey``, ``choices`` and ``settings`` sheets (with
English and Russian labels) that ``ingest.survey.formfile.write_xlsform`` writes to a file.
"""

from __future__ import annotations

import re
import tomllib
import unicodedata
from dataclasses import dataclass
from importlib import resources
from typing import Any

from .gazetteer import gazetteer

EN, RU = "English (en)", "Russian (ru)"
SURVEY_COLUMNS = [
    "type", "name", f"label::{EN}", f"label::{RU}", "required", "relevant", "constraint",
    f"constraint_message::{EN}", f"constraint_message::{RU}", "choice_filter", "repeat_count",
    "personal",
]
CHOICE_COLUMNS = ["list_name", "name", f"label::{EN}", f"label::{RU}", "country", "admin1"]
SETTINGS_COLUMNS = ["form_id", "version", "form_title", "default_language"]
_KEYS = {"en": f"label::{EN}", "ru": f"label::{RU}", "constraint_en": f"constraint_message::{EN}",
         "constraint_ru": f"constraint_message::{RU}"}


@dataclass(frozen=True)
class Sheets:
    survey: list[dict[str, Any]]
    choices: list[dict[str, Any]]
    settings: list[dict[str, Any]]

    def columns(self) -> dict[str, list[str]]:
        return {"survey": SURVEY_COLUMNS, "choices": CHOICE_COLUMNS,
                "settings": SETTINGS_COLUMNS}


def definition() -> dict[str, Any]:
    text = resources.files("opendtm.data").joinpath("survey", "questionnaire.toml").read_text(
        encoding="utf-8")
    return tomllib.loads(text)


def slug(name: str) -> str:
    """An XML-safe choice name from a place name: ``'Saint Petersburg'`` -> ``saint_petersburg``."""
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "_", ascii_name.lower()).strip("_")


def sheets(data: dict[str, Any] | None = None) -> Sheets:
    """The XLSForm sheets of the shipped questionnaire (or of another definition)."""
    data = data or definition()
    survey = []
    for row in data["survey"]:
        out: dict[str, Any] = {}
        for key, value in row.items():
            if key == "personal":
                out["personal"] = "yes" if value else "no"
            else:
                out[_KEYS.get(key, key)] = value
        survey.append(out)
    choices = [
        {"list_name": list_name, "name": name, f"label::{EN}": en, f"label::{RU}": ru}
        for list_name, options in data["choices"].items()
        for name, en, ru in options
    ]
    choices += _places(data.get("gazetteer", {}))
    settings = data["settings"]
    return Sheets(
        survey=survey,
        choices=choices,
        settings=[{"form_id": settings["form_id"], "version": settings["version"],
                   "form_title": settings["title_en"], "default_language": EN}],
    )


def _places(spec: dict[str, Any]) -> list[dict[str, Any]]:
    if not spec:
        return []
    gaz = gazetteer()
    rows: list[dict[str, Any]] = []
    seen: set[str] = set()
    for country in spec["countries"]:
        for unit in gaz.admin1_units(country):
            rows.append({"list_name": spec["admin1_list"], "name": unit.code,
                         f"label::{EN}": unit.name_en, f"label::{RU}": unit.name_ru,
                         "country": country})
        for city in gaz.cities(country):
            name = slug(city.name_en)
            if name in seen:
                continue
            seen.add(name)
            rows.append({"list_name": spec["city_list"], "name": name,
                         f"label::{EN}": city.name_en, f"label::{RU}": city.name_ru,
                         "admin1": city.admin1_code})
    return rows
