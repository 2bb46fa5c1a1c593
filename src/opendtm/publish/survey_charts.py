"""Charts of survey bulletins 1-5, chosen for the data: a population pyramid for age and
sex, ranked bars for reasons and needs, bars in the questionnaire's order for a single
answer, stacked bars for the stages of migration. Vega-Altair specs, rendered to SVG by
``charts.svg`` like the assistance bulletin's.

Each bar is labelled with its percentage and count; the base n is in the caption. A
withheld count reads ``x`` and has no bar.
"""

from __future__ import annotations

import base64
import copy
import functools
import json
import re
from collections.abc import Sequence
from typing import Any

import altair as alt
from markupsafe import Markup

from . import charts, i18n
from .survey_text import pct, text
from .vega import renderer

WIDTH = charts.WIDTH
STAGE_COLOURS = ["#1f4e79", "#1f6f8b", "#4f9fbf", "#8cc7dc", "#e07b39", "#f2b47e",
                 "#9a9a9a", "#c8c8c8", "#6b8e23", "#b5c98b"]

Row = tuple[str, int | None, float | None]  # label, count, percent


def _label(lang: str, n: int | None, share: float | None) -> str:
    if n is None:
        return i18n.SUPPRESSED
    return f"{pct(lang, share)} ({i18n.num(lang, n)})" if share is not None else i18n.num(
        lang, n)


def bars(lang: str, rows: Sequence[Row], ranked: bool) -> dict[str, Any]:
    """Horizontal bars of percentages on a 0-100 scale; ``ranked`` puts the largest first."""
    if ranked:
        rows = sorted(rows, key=lambda r: (r[1] is None, -(r[2] or 0), r[0]))
    values = [{"label": label, "p": share or 0, "text": _label(lang, n, share), "order": i}
              for i, (label, n, share) in enumerate(rows)]
    return {**_bars_layout(lang, len(rows)), "datasets": {"bars": values}}


@functools.lru_cache(maxsize=64)
def _bars_layout(lang: str, rows: int) -> dict[str, Any]:
    scale = alt.Scale(domain=[0, 100])
    base = alt.Chart(alt.NamedData(name="bars")).encode(
        y=alt.Y("label:N", sort=alt.EncodingSortField(field="order", op="min"), title=None,
                axis=alt.Axis(labelLimit=300, labelFontSize=11, ticks=False, domain=False)))
    chart = base.mark_bar(height={"band": 0.7}, color=charts.BAR).encode(
        x=alt.X("p:Q", scale=scale, axis=None)
    ) + base.mark_text(align="left", dx=4, fontSize=11, color="#222").encode(
        x=alt.X("p:Q", scale=scale), text="text:N")
    return _finish(chart.properties(width=WIDTH * 0.8, height=max(40, 22 * rows)))


def pyramid(lang: str, rows: Sequence[tuple[str, Row, Row]]) -> dict[str, Any]:
    """Age groups (youngest at the bottom), men to the left and women to the right; each
    bar is the percentage of that sex's respondents."""
    values: list[dict[str, Any]] = []
    for i, (band, male, female) in enumerate(rows):
        for side, (_, n, share), colour in ((-1, male, charts.PALETTE["m"]),
                                            (1, female, charts.PALETTE["f"])):
            values.append({"band": band, "x": side * (share or 0), "order": -i,
                           "colour": colour, "text": _label(lang, n, share)})
    top = max((abs(float(v["x"])) for v in values), default=1.0) or 1.0
    limit = next(step for step in (25, 50, 75, 100, 200) if step >= top * 1.6)
    return {**_pyramid_layout(lang, len(rows), limit), "datasets": {"pyramid": values}}


@functools.lru_cache(maxsize=64)
def _pyramid_layout(lang: str, rows: int, limit: int) -> dict[str, Any]:
    scale = alt.Scale(domain=[-limit, limit])
    y = alt.Y("band:N", sort=alt.EncodingSortField(field="order", op="min"),
              title=text(lang, "age"), axis=alt.Axis(labelFontSize=11))
    base = alt.Chart(alt.NamedData(name="pyramid")).encode(y=y)
    bars_ = base.mark_bar(height={"band": 0.75}).encode(
        x=alt.X("x:Q", scale=scale, title=f"{text(lang, 'men')}  ·  {text(lang, 'women')}"
                f" ({text(lang, 'axis_share')})",
                axis=alt.Axis(labelExpr="abs(datum.value)", format="d")),
        color=alt.Color("colour:N", scale=None, legend=None))
    left = base.transform_filter("datum.x <= 0").mark_text(
        align="right", dx=-3, fontSize=10, color="#222").encode(
        x=alt.X("x:Q", scale=scale), text="text:N")
    right = base.transform_filter("datum.x > 0").mark_text(
        align="left", dx=3, fontSize=10, color="#222").encode(
        x=alt.X("x:Q", scale=scale), text="text:N")
    return _finish((bars_ + left + right).properties(width=WIDTH, height=max(80, 26 * rows)))


def stacked(lang: str, stages: Sequence[tuple[str, int | None, Sequence[Row]]],
            options: Sequence[str]) -> dict[str, Any]:
    """One 100% bar per stage (before, during, after), one colour per option in the
    questionnaire's order; shares of 6% and more are written on their segment."""
    values = []
    for s, (stage, n, rows) in enumerate(stages):
        stage_label = f"{stage} (n = {i18n.num(lang, n)})"
        start = 0.0
        for o, (label, _, share) in enumerate(rows):
            if not share:
                continue
            values.append({"stage": stage_label, "s": s, "option": label, "o": o,
                           "x0": start, "x1": start + share, "mid": start + share / 2,
                           "text": pct(lang, share) if share >= 6 else ""})
            start += share
    return {**_stacked_layout(lang, len(stages), tuple(options)), "datasets": {"stages": values}}


@functools.lru_cache(maxsize=64)
def _stacked_layout(lang: str, stages: int, options: tuple[str, ...]) -> dict[str, Any]:
    colours = [STAGE_COLOURS[i % len(STAGE_COLOURS)] for i in range(len(options))]
    colour = alt.Color("option:N", sort=list(options),
                       scale=alt.Scale(domain=list(options), range=colours),
                       legend=alt.Legend(title=None, orient="bottom", columns=2,
                                         labelLimit=320, symbolType="square"))
    scale = alt.Scale(domain=[0, 100])
    base = alt.Chart(alt.NamedData(name="stages")).encode(
        y=alt.Y("stage:N", sort=alt.EncodingSortField(field="s", op="min"), title=None,
                axis=alt.Axis(labelLimit=240, labelFontSize=11)))
    chart = base.mark_bar(height={"band": 0.7}).encode(
        x=alt.X("x0:Q", title=text(lang, "axis_share"), scale=scale), x2="x1:Q",
        color=colour,
    ) + base.mark_text(color="white", fontSize=10).encode(
        x=alt.X("mid:Q", scale=scale), text="text:N")
    return _finish(chart.properties(width=WIDTH, height=34 * stages))


def _finish(chart: alt.TopLevelMixin) -> dict[str, Any]:
    spec: dict[str, Any] = chart.configure(font=charts.FONT).configure_view(
        stroke=None).to_dict()
    spec.pop("datasets", None)
    return spec


_COMPILED: dict[str, dict[str, Any]] = {}
_PRECISION = re.compile(r"(\d\.\d)\d+")


def svg(spec: dict[str, Any]) -> str:
    """The SVG of a spec. Specs that differ only in their data share one compilation to
    Vega (two thirds of the cost of a chart), then Vega renders each with its own data."""
    layout = {k: v for k, v in spec.items() if k != "datasets"}
    key = json.dumps(layout, sort_keys=True)
    compiled = _COMPILED.get(key)
    if compiled is None:
        compiled = renderer().vegalite_to_vega({**layout, "datasets": {
            name: [] for name in spec["datasets"]}})
        _COMPILED[key] = compiled
    vega = copy.deepcopy(compiled)
    for data in vega["data"]:
        if data.get("name") in spec["datasets"]:
            data["values"] = spec["datasets"][data["name"]]
    out: str = renderer().vega_to_svg(vega)
    out = _PRECISION.sub(r"\1", out)
    return out.split("?>", 1)[1] if out.startswith("<?xml") else out


def image(svg_text: str, alt: str) -> Markup:
    """The chart as an ``<img>`` with the SVG inline as a data URI: the page stays one
    self-contained file, and the HTML parser of the PDF step does not walk every node of
    every chart (WeasyPrint reads the SVG with its XML parser instead)."""
    data = base64.b64encode(svg_text.encode("utf-8")).decode("ascii")
    return Markup('<img class="chart" alt="{}" src="data:image/svg+xml;base64,{}">').format(
        alt, Markup(data))
