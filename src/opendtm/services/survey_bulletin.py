"""Build survey bulletins 1-5 through the bulletin pipeline: figures.json, HXL, HTML, PDF.

The figures of every theme come from the indicator catalogue (``process/survey_tables``),
respondents classified once for all themes; for the public they go through disclosure
control (``process/survey_disclosure``); every output is rendered from that one
dictionary, as for the assistance bulletin.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import ibis
import pyarrow as pa
import pyarrow.compute as pc
from sqlalchemy import Engine

from opendtm import __version__
from opendtm.domain.glossary import NOT_CLASSIFIED, load_rules
from opendtm.domain.indicators import load_catalogue
from opendtm.domain.xlsform import FormSpec
from opendtm.process import survey_disclosure
from opendtm.process.digest import input_hash
from opendtm.process.disclosure import DEFAULT_THRESHOLD, Rules
from opendtm.process.survey_codes import Prepared
from opendtm.process.survey_frame import frame
from opendtm.process.survey_tables import prepare, questions_needed, tabulate
from opendtm.publish import i18n, pdf, survey_html, survey_hxl
from opendtm.publish.config import AUDIENCES, FORMATS
from opendtm.store import survey as store

from .bulletin import BulletinError, Step, _database_label
from .survey import form_spec

THEMES = ("profile", "trajectory", "remittances", "employment", "covid")
PERIOD_QUESTION = "today"
PLACE_QUESTION = "city"


@dataclass
class SurveyRequest:
    out: Path
    themes: Sequence[str] = THEMES
    countries: Sequence[str] = ()
    languages: Sequence[str] = i18n.LANGUAGES
    audience: str = "public"
    formats: Sequence[str] = FORMATS
    threshold: int | None = None
    min_base: int | None = None
    config: Path | None = None
    rules_dir: Path | None = None
    catalogue: Path | None = None


@dataclass
class SurveyResult:
    models: dict[str, dict[str, Any]] = field(default_factory=dict)
    paths: dict[str, list[Path]] = field(default_factory=dict)


def folder_name(figures: dict[str, Any]) -> str:
    return f"bulletin-{figures['bulletin']}-{figures['theme']}"


def build(engine: Engine, req: SurveyRequest, step: Step | None = None) -> SurveyResult:
    if req.audience not in AUDIENCES:
        raise BulletinError(f"audience {req.audience!r}: use public or internal")
    config = survey_html.load_config(req.config)
    catalogue = load_catalogue(req.catalogue)
    for theme in req.themes:
        catalogue.of_theme(theme)
    rules = load_rules(req.rules_dir)
    _, spec = form_spec(engine, catalogue.form_id)
    names = questions_needed(catalogue, rules) | {
        q for q in (PERIOD_QUESTION, PLACE_QUESTION) if spec.has(q)}
    table = frame(spec, store.answers_of(engine, spec.form_id), names)
    if req.countries:
        codes = table[catalogue.country].cast(pa.string())
        table = table.filter(pc.is_in(codes, value_set=pa.array(list(req.countries))))
    if table.num_rows == 0:
        raise BulletinError(f"form {spec.form_id} has no submissions"
                            f"{' for ' + ', '.join(req.countries) if req.countries else ''}: "
                            "import some with `opendtm survey import`")
    con = ibis.duckdb.connect()
    prepared = prepare(table, catalogue, rules, con)
    method = _methodology(con, prepared, spec)
    threshold = req.threshold or int(config.get("disclosure", {}).get(
        "threshold", DEFAULT_THRESHOLD))
    total = len(req.themes) * (1 + len(req.languages) * len(
        {"html", "pdf"} & set(req.formats)))
    done = 0
    result = SurveyResult()
    provenance = {
        "opendtm": __version__, "database": _database_label(str(engine.url)),
        "form": f"{spec.form_id}@{spec.version}",
        "built_at": dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat(),
        "input_rows": table.num_rows, "input_sha256": input_hash(table),
    }
    criteria = {c.name: c.labels for country in rules.values() for k in country.classes
                for c in k.criteria}
    for theme in req.themes:
        figures = tabulate(table, spec, catalogue, rules, theme, req.min_base, con, prepared)
        hidden: list[dict[str, str]] = []
        if req.audience == "public":
            figures, suppressed = survey_disclosure.protect(figures, Rules(threshold))
            hidden = [s.to_dict() for s in suppressed]
        figures["labels"]["criterion"] = criteria
        figures = {
            "series": "survey", **figures, "audience": req.audience,
            "sections": _sections(figures, config), "methodology": method,
            "disclosure": {"applied": req.audience == "public", "threshold": threshold,
                           "min_base": figures["min_base"], "suppressed": hidden},
            "provenance": provenance,
        }
        out = req.out / folder_name(figures)
        result.models[theme] = figures
        result.paths[theme] = _write(figures, out, req, config)
        done += 1 + len(req.languages) * len({"html", "pdf"} & set(req.formats))
        if step:
            step(f"bulletin {figures['bulletin']} ({theme})", done, total)
    return result


def _write(figures: dict[str, Any], out: Path, req: SurveyRequest, config: dict[str, Any]
           ) -> list[Path]:
    out.mkdir(parents=True, exist_ok=True)
    paths = []
    if "json" in req.formats:
        path = out / "figures.json"
        path.write_text(json.dumps(figures, ensure_ascii=False, indent=2, default=str) + "\n",
                        "utf-8")
        paths.append(path)
    if "hxl" in req.formats:
        paths += survey_hxl.write(figures, out / "hxl")
    for lang in req.languages:
        if not ({"html", "pdf"} & set(req.formats)):
            break
        page = survey_html.render(figures, lang, config)
        if "html" in req.formats:
            path = out / f"bulletin-{lang}.html"
            path.write_text(page, "utf-8")
            paths.append(path)
        if "pdf" in req.formats:
            paths.append(pdf.write(page, out / f"bulletin-{lang}.pdf"))
    return paths


def _sections(figures: dict[str, Any], config: dict[str, Any]) -> list[dict[str, Any]]:
    """One section per country and respondent class, in the configuration's order."""
    order = [str(c) for c in config.get("countries", [])]
    rows = [r for r in figures["sample"] if set(r["by"]) == {"country", "class"}
            and r["by"]["class"] not in (None, NOT_CLASSIFIED) and r["n"]]
    rows.sort(key=lambda r: (order.index(r["by"]["country"]) if r["by"]["country"] in order
                             else len(order), str(r["by"]["country"]), r["by"]["class"]))
    return [{"country": r["by"]["country"], "class": r["by"]["class"], "n": r["n"]}
            for r in rows]


def _methodology(con: ibis.BaseBackend, p: Prepared, spec: FormSpec) -> dict[str, Any]:
    """Period and places of the interviews by country (classified respondents only), and
    how many respondents no definition took."""
    t = p.table
    outside = p.code("_class", NOT_CLASSIFIED)
    classified = t if outside is None else t.filter(t._class != outside)
    countries: dict[str, dict[str, Any]] = {}
    for question in (PERIOD_QUESTION, PLACE_QUESTION):
        if question not in t.columns:
            continue
        answered = classified.filter(classified[question].notnull())
        rows = p.decode_rows(con.to_pyarrow(answered.group_by(["_country", question]).agg(
            n=answered.count())).to_pylist())
        for r in sorted(rows, key=lambda r: (-r["n"], str(r[question]))):
            where = countries.setdefault(str(r["_country"]), {})
            if question == PERIOD_QUESTION:
                day = _day(r[question])
                where["from"] = min(where.get("from") or day, day)
                where["to"] = max(where.get("to") or day, day)
            else:
                labels = {c.name: dict(c.labels) for c in spec.options(spec.question(question))}
                city = str(r[question])
                where.setdefault("places", []).append(
                    {"city": city, "label": labels.get(city, {"en": city}), "n": r["n"]})
    missing = 0 if outside is None else con.to_pyarrow(
        t.filter(t._class == outside).count()).as_py()
    return {"countries": countries, "not_classified": int(missing)}


def _day(value: Any) -> str:
    return str(value)[:10]
