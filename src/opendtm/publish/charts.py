"""Bar charts of the bulletin: Vega-Altair specs rendered to SVG by vl-convert (no browser).

Every chart is a horizontal bar chart with its count and share written at the end of each
bar, so that no label can overlap another; a suppressed category keeps its row, has no bar
and reads ``x``.
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
                axis=alt.Axis(labelLimit=220, labelFontSize=11)),
    )
    scale = alt.Scale(domain=[0, top * 1.35])
    chart = base.mark_bar(height={"band": 0.7}).encode(
        x=alt.X("n:Q", title=axis, scale=scale, axis=alt.Axis(format="d", tickMinStep=1)),
        color=alt.Color("colour:N", scale=None, legend=None),
    ) + base.mark_text(align="left", dx=4, fontSize=11, color="#222").encode(
        x=alt.X("n:Q", scale=scale, impute=None), text="text:N",
    ).transform_calculate(n="datum.n === null ? 0 : datum.n")
    height = max(60, 26 * len(rows))
    spec: dict[str, Any] = chart.properties(width=WIDTH, height=height).configure(
        font=FONT
    ).configure_view(stroke=None).to_dict()
    spec["datasets"] = {"bars": values}
    return spec


def svg(spec: dict[str, Any]) -> str:
    """The SVG, with coordinates to a tenth of a point (outlines come out at half the size)."""
    rendered: str = vl_convert.vegalite_to_svg(spec)
    return _PRECISION.sub(r"\1", rendered)


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
