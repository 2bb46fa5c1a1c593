"""Bar charts of the bulletin: Vega-Altair specs rendered to SVG by vl-convert (no browser).

Every chart is a horizontal bar chart with its count and share written at the end of each
bar, so that no label can overlap another and no scale of numbers is needed; a suppressed
category keeps its row, has no bar and reads ``x``.
"""

from __future__ import annotations

import functools
import json
import re
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from . import i18n, outlines
from .sections import Figure
from .vega import renderer, to_vega

SPECS = Path(__file__).parent / "templates"  # the charts' and map's Vega-Lite templates
FONT = "DejaVu Sans"
PALETTE = {"m": "#1f4e79", "f": "#e07b39", "not_recorded": "#9a9a9a"}
BAR = "#1f6f8b"
WIDTH = 380
PRECISION = re.compile(r"(\d\.\d)\d+")
_ROOT = re.compile(r'<svg\b[^>]*?\swidth="([\d.]+)"[^>]*?\sheight="([\d.]+)"')
# pixels of the PNG per CSS pixel: a map 460 px wide is printed 12 cm wide at 195 dpi
PRINT_SCALE = 2.0


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
    spec: dict[str, Any] = json.loads(_template())
    for layer in spec["layer"]:
        layer["encoding"]["x"]["scale"]["domain"] = [0, top * 1.35]
    spec["layer"][0]["encoding"]["x"]["title"] = axis
    spec["height"] = _height(len(rows))
    spec["datasets"] = {"bars": values}
    return spec


def _height(rows: int) -> int:
    return max(60, 26 * rows)


@functools.cache
def _template() -> str:
    """The bar chart as Altair writes it (``altair_bars(1, "", 1)``, kept as a file: building
    it with Altair costs more than drawing the chart, and importing Altair more still); the
    scale, the axis title, the height and the data go in per chart."""
    return (SPECS / "bars.vl.json").read_text("utf-8")


def altair_bars(top: int, axis: str, rows: int) -> dict[str, Any]:
    """The bar chart built by Altair, without its data: ``rows`` bars, the longest ``top``."""
    import altair as alt

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
    spec: dict[str, Any] = chart.properties(width=WIDTH, height=_height(rows)).configure(
        font=FONT
    ).configure_view(stroke=None).to_dict(validate=False)
    return spec


def svg(spec: dict[str, Any]) -> str:
    """The SVG, with coordinates to a tenth of a point and a map's outlines cut to its view
    (see ``outlines``: neighbouring countries come out a fraction of their size)."""
    rendered: str = renderer().vega_to_svg(to_vega(spec))
    width = float(spec.get("width", WIDTH))
    height = float(spec.get("height", 300))
    return PRECISION.sub(r"\1", outlines.clip_paths(rendered, width, height))


def warm() -> None:
    """Start the chart renderer and draw a bar chart and a map (the first chart of a process
    costs about a second more than the next, and the first of its kind some more)."""
    from . import maps

    svg(bars("en", [("", 1, None)], ""))
    maps.warm()


def warm_soon() -> None:
    """``warm`` in a thread of its own: the renderer works without the interpreter lock, so
    this process goes on (counting the figures) while it starts."""
    threading.Thread(target=warm, name="opendtm-chart-warm", daemon=True).start()


def png(svg_text: str, scale: float = PRINT_SCALE) -> bytes:
    """The chart as a PNG image, rasterised from its SVG (so Vega lays it out once): for the
    PDF, where an image costs WeasyPrint nothing to draw and SVG paths cost it much."""
    rendered: bytes = renderer().svg_to_png(svg_text, scale=scale)
    return rendered


def size(svg_text: str) -> tuple[float, float]:
    """The width and height of an SVG chart, in CSS pixels."""
    root = _ROOT.search(svg_text)
    if not root:
        raise ValueError("not an SVG chart: no width and height on its root element")
    return float(root.group(1)), float(root.group(2))


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
