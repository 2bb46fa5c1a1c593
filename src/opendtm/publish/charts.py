"""Bar charts of the bulletin: Vega-Altair specs rendered to SVG by vl-convert (no browser).

Every chart is a horizontal bar chart with its count and share written at the end of each
bar, so that no label can overlap another and no scale of numbers is needed; a suppressed
category keeps its row, has no bar and reads ``x``.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

import altair as alt
import vl_convert

from . import i18n
from .sections import Figure

FONT = "DejaVu Sans"
PALETTE = {"m": "#1f4e79", "f": "#e07b39", "not_recorded": "#9a9a9a"}
BAR = "#1f6f8b"
WIDTH = 380
_PRECISION = re.compile(r"(\d\.\d)\d+")
_PATH = re.compile(r'(<path[^>]*? d=")([^"]*)"')
_POLYLINE = re.compile(r"(M-?[\d.]+,-?[\d.]+(L-?[\d.]+,-?[\d.]+)*Z?)+")


def bars(
    lang: str, rows: Sequence[tuple[str, int | None, str | None]], axis: str,
    whole: int | None = None,
) -> dict[str, Any]:
    """A Vega-Lite spec: one bar per ``(label, count, colour)`` row, in the given order.

    ``whole`` is the total shares are taken of (default: the sum of the visible counts).
    """
    known = [n for _, n, _ in rows if n is not None]
    whole = whole if whole is not None else sum(known)
    values = [
        {
            "label": label,
            "n": n,
            "text": i18n.SUPPRESSED if n is None
            else f"{i18n.num(lang, n)} ({i18n.percent(lang, n, whole)})",
            "colour": colour or BAR,
            "order": i,
        }
        for i, (label, n, colour) in enumerate(rows)
    ]
    top = max(known, default=1) or 1
    base = alt.Chart(alt.NamedData(name="bars")).encode(
        y=alt.Y("label:N", sort=alt.EncodingSortField(field="order", op="min"), title=None,
                axis=alt.Axis(labelLimit=280, labelFontSize=11, ticks=False)),
    )
    scale = alt.Scale(domain=[0, top * 1.35])
    chart = base.mark_bar(height={"band": 0.7}).encode(
        # every bar carries its count: the axis keeps only its title (no ticks, grid or
        # numbers to crowd the chart or to disagree with the labels)
        x=alt.X("n:Q", title=axis, scale=scale,
                axis=alt.Axis(labels=False, ticks=False, grid=False, domain=False)),
        color=alt.Color("colour:N", scale=None, legend=None),
    ) + base.mark_text(align="left", dx=4, fontSize=11, color="#222").encode(
        x=alt.X("n:Q", scale=scale, impute=None), text="text:N",
    ).transform_calculate(n="datum.n === null ? 0 : datum.n")
    height = max(60, 26 * len(rows))
    spec: dict[str, Any] = chart.properties(width=WIDTH, height=height).configure(
        font=FONT
    ).configure_view(stroke=None).to_dict(validate=False)
    spec["datasets"] = {"bars": values}
    return spec


def svg(spec: dict[str, Any]) -> str:
    """The SVG, with coordinates to a tenth of a point and outlines trimmed outside the view
    (a map's neighbouring countries come out a fraction of their size)."""
    rendered: str = vl_convert.vegalite_to_svg(spec)
    width = float(spec.get("width", WIDTH))
    height = float(spec.get("height", 300))
    rendered = _PATH.sub(lambda m: m.group(1) + _trim(m.group(2), width, height) + '"',
                         rendered)
    return _PRECISION.sub(r"\1", rendered)


def _trim(d: str, width: float, height: float, margin: float = 20.0) -> str:
    """Drop the middle points of every run of consecutive points that lie beyond the same
    edge of the view: the chord that replaces them stays beyond that edge, so nothing
    visible changes."""
    if len(d) < 400 or not _POLYLINE.fullmatch(d):
        return d
    out: list[str] = []
    for sub in d.split("M")[1:]:
        closed = sub.endswith("Z")
        points = [tuple(map(float, p.split(","))) for p in sub.rstrip("Z").split("L")]

        def side(pt: tuple[float, ...]) -> int:
            x, y = pt
            return (1 if x < -margin else 2 if x > width + margin else
                    3 if y < -margin else 4 if y > height + margin else 0)

        kept = []
        for i, pt in enumerate(points):
            s = side(pt)
            inner = 0 < i < len(points) - 1
            if inner and s and side(points[i - 1]) == s == side(points[i + 1]):
                continue
            kept.append(pt)
        out.append("M" + "L".join(f"{x:.1f},{y:.1f}" for x, y in kept) + ("Z" if closed else ""))
    return "".join(out)


def png(spec: dict[str, Any], scale: float = 2.0) -> bytes:
    rendered: bytes = vl_convert.vegalite_to_png(spec, scale=scale)
    return rendered


def figure_spec(lang: str, fig: Figure) -> dict[str, Any]:
    """The bar chart of one figure: sexes in a fixed order and colour, other breakdowns
    largest first with suppressed cells last."""
    axis = i18n.text(lang, fig.unit)
    if fig.dimension == "sex":
        rows = [(i18n.label(lang, "sex", code), n, PALETTE[code]) for code, n in fig.rows]
        return bars(lang, rows, axis, fig.whole)
    order = sorted(fig.rows, key=lambda kv: (kv[1] is None, -(kv[1] or 0), kv[0]))
    if fig.dimension in ("destination", "origin"):
        labelled = [(i18n.country_name(lang, code), n, None) for code, n in order]
    else:
        labelled = [(i18n.label(lang, fig.dimension, code), n, None) for code, n in order]
    return bars(lang, labelled, axis, fig.whole)
