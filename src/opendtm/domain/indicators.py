"""The indicator catalogue: a data file that maps survey questions to bulletin figures."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

KINDS = {"distribution", "multiple", "top", "bands", "summary"}
DIMENSIONS = {"country", "class", "sex", "age_group"}


@dataclass(frozen=True)
class Indicator:
    id: str
    theme: str
    question: str
    kind: str
    n: int = 3
    classes: tuple[str, ...] = ()
    by_answer: str | None = None
    title: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Catalogue:
    form_id: str
    min_base: int
    country: str
    sex: str
    age: str
    age_bands: tuple[tuple[int, int], ...]
    breakdowns: tuple[tuple[str, ...], ...]
    themes: dict[str, dict[str, Any]]
    indicators: tuple[Indicator, ...] = field(default=())

    def of_theme(self, theme: str) -> list[Indicator]:
        if theme not in self.themes:
            raise ValueError(f"unknown theme {theme!r}; choose one of {', '.join(self.themes)}")
        return [i for i in self.indicators if i.theme == theme]

    def band_label(self, low: int, high: int) -> str:
        return f"{low}+" if high >= 120 else f"{low}-{high}"


def parse_catalogue(text: str, where: str) -> Catalogue:
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ValueError(f"{where}: not valid TOML ({exc})") from None
    dims = data.get("dimensions", {})
    themes = data.get("themes", {})
    indicators = []
    for i, raw in enumerate(data.get("indicator", []), start=1):
        missing = [k for k in ("id", "theme", "question", "kind") if k not in raw]
        if missing:
            raise ValueError(f"{where}: indicator {i} lacks {', '.join(missing)}")
        if raw["kind"] not in KINDS:
            raise ValueError(f"{where}: indicator {raw['id']!r} has kind {raw['kind']!r}; "
                             f"use one of {', '.join(sorted(KINDS))}")
        if raw["theme"] not in themes:
            raise ValueError(f"{where}: indicator {raw['id']!r} has theme {raw['theme']!r}, "
                             "which is not under [themes]")
        indicators.append(Indicator(
            id=raw["id"], theme=raw["theme"], question=raw["question"], kind=raw["kind"],
            n=int(raw.get("n", 3)), classes=tuple(raw.get("classes", ())),
            by_answer=raw.get("by_answer"), title=dict(raw.get("title", {}))))
    breakdowns = tuple(tuple(b) for b in dims.get("breakdowns", [[]]))
    for b in breakdowns:
        unknown = set(b) - DIMENSIONS
        if unknown:
            raise ValueError(f"{where}: breakdown by {', '.join(sorted(unknown))}; "
                             f"use {', '.join(sorted(DIMENSIONS))}")
    return Catalogue(
        form_id=data.get("form_id", ""), min_base=int(data.get("min_base", 30)),
        country=dims.get("country", "country"), sex=dims.get("sex", "sex"),
        age=dims.get("age", "age"),
        age_bands=tuple((int(lo), int(hi)) for lo, hi in dims.get("age_bands", [])),
        breakdowns=breakdowns, themes=themes, indicators=tuple(indicators))


def load_catalogue(path: Path | None = None) -> Catalogue:
    if path is not None:
        if not path.exists():
            raise FileNotFoundError(f"{path}: no such indicator catalogue")
        return parse_catalogue(path.read_text(encoding="utf-8"), path.name)
    item = resources.files("opendtm.data").joinpath("survey", "indicators.toml")
    return parse_catalogue(item.read_text(encoding="utf-8"), "indicators.toml")
