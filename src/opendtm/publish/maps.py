"""The geographic coverage map: an admin-1 choropleth with the places of assistance.

Outlines come from the gazetteer's boundaries; a unit without an outline of its own (a city
of republican status such as Shymkent) is counted in the unit whose outline holds it. The
view is fitted to the covered units, so a country as large as Russia shows the part where
help was given; neighbouring countries are drawn in grey for orientation. Only outlines
near the view are kept, which keeps the SVG small.
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Callable
from typing import Any, Literal

from opendtm.domain.gazetteer import UnknownPlace, gazetteer

from . import i18n, mapgeometry
from .charts import SPECS

WIDTH, HEIGHT = 460, 300
BLUES = ("#9ecae1", "#4292c6", "#2171b5", "#08306b")  # light to dark, one per class
Box = tuple[float, float, float, float]  # west, south, east, north
Align = Literal["left", "center", "right"]
# where a place's label goes, in order of preference: (name, alignment, dx, dy)
PLACEMENTS: tuple[tuple[str, Align, int, int], ...] = (
    ("right", "left", 6, -6), ("below", "center", 0, 13), ("below_left", "right", 8, 13),
    ("below_right", "left", -8, 13), ("left", "right", -6, -6), ("above", "center", 0, -9),
)
CHAR = 7.0  # pixels: a letter of a 10-pixel label in DejaVu Sans, capitals counted in
EDGE = 3.0  # pixels a label keeps from the frame


def coverage(lang: str, country: str, by_region: dict[str, Any],
             by_city: dict[str, Any], axis: str) -> dict[str, Any]:
    g = gazetteer()
    counts: dict[str, int] = {}
    for code, n in by_region.items():
        try:
            unit = g.admin1(code, country)
        except UnknownPlace:
            continue
        outline = unit.boundary or unit.parent
        if outline and n is not None:
            counts[outline] = counts.get(outline, 0) + n
    features = [{"type": "Feature", "geometry": f["geometry"], "properties": {
        "code": code, "name": i18n.region_name(lang, code), "n": counts.get(code, 0)}}
        for code, f in _outlines(country)]
    box = {id(f): _box(f["geometry"], (country, f["properties"]["code"])) for f in features}
    covered = [f for f in features if f["properties"]["n"]] or features
    view = _grow(_union([box[id(f)] for f in covered]), 0.6)
    features = [f for f in features if _meets(box[id(f)], view)]
    near_codes = [code for code, f in _outlines("") if code != country
                  and _meets(_box(f["geometry"], ("", code)), view)]
    points = _points(lang, country, by_city)
    fitted = mapgeometry.fit(covered, WIDTH, HEIGHT)
    _place_labels(points, fitted.project)
    # outlines cut to the view (and a margin) with no more points than the map can show:
    # a fraction of what Vega would read and project
    near = (fitted.min_step, fitted.box(WIDTH, HEIGHT, 30))
    features = [{**f, "geometry": _thin(country, f["properties"]["code"], *near)}
                for f in features]
    features = [f for f in features if f["geometry"]]
    covered = [f for f in features if f["properties"]["n"]] or features
    neighbours = [{**f, "geometry": _thin("", code, *near)} for code, f in _outlines("")
                  if code in near_codes]
    neighbours = [f for f in neighbours if f["geometry"]]
    used = {p["place"] for p in points}
    spec: dict[str, Any] = json.loads(_template(axis))
    # the template labels every placement: keep the layers of those in use (none, and no
    # places either, when there is no place)
    spec["layer"] = spec["layer"][:2] + [
        layer for layer in spec["layer"][2:] if used and _placement(layer) in used | {None}]
    spec["layer"][1]["encoding"]["color"]["condition"]["scale"] = _classes(
        max(counts.values(), default=0))
    spec["projection"] = {"type": "mercator", "fit": covered}
    spec["datasets"] = {"neighbours": neighbours, "regions": features, "places": points}
    return spec


def warm() -> None:
    """Draw a map of the gazetteer's first unit with an outline: the first map of a process
    costs some tenths of a second more than the next (the renderer compiles its code for
    shapes and projections), so a process that lays out pages draws one while it waits."""
    from .charts import png, svg

    unit = next(u for u in gazetteer().admin1_units() if u.boundary)
    png(svg(coverage("en", unit.country, {unit.code: 1}, {}, "")))


def _template(axis: str) -> str:
    """The map's layers as Altair writes them, with a legend titled ``axis`` and labels at
    every placement, as JSON (``altair_spec("", PLACEMENTS, {})`` is kept as a file:
    building it with Altair costs more than drawing the map); the colour scale, the
    projection and the data go in per map."""
    spec = json.loads(_template_text())
    spec["layer"][1]["encoding"]["color"]["condition"]["title"] = axis
    return json.dumps(spec)


@functools.cache
def _template_text() -> str:
    return (SPECS / "map.vl.json").read_text("utf-8")


def _placement(layer: dict[str, Any]) -> str | None:
    """The placement a label layer draws (``None`` for the places' dots)."""
    for step in layer.get("transform", []):
        match = re.fullmatch(r"datum\.place == '(\w+)'", step.get("filter", ""))
        if match:
            return match.group(1)
    return None


def altair_spec(axis: str, placements: tuple[str, ...], scale: dict[str, Any]) -> dict[str, Any]:
    """The map's layers, built by Altair: neighbours, covered units shaded by ``scale``,
    the places (when there are ``placements`` for their labels) and their labels."""
    import altair as alt

    layers: list[Any] = [
        alt.Chart(alt.NamedData(name="neighbours")).mark_geoshape(
            fill="#eeeeee", stroke="#bbbbbb", strokeWidth=0.5, clip=True
        ),
        alt.Chart(alt.NamedData(name="regions")).mark_geoshape(
            stroke="#ffffff", strokeWidth=0.8, clip=True
        ).encode(
            color=alt.condition(
                "datum.properties.n > 0",
                alt.Color("properties.n:Q", title=axis, scale=alt.Scale(**scale),
                          legend=alt.Legend(orient="right", format="d", symbolType="square",
                                            symbolSize=150, symbolStrokeWidth=0)),
                alt.value("#dcdcdc"),
            ),
        ),
    ]
    if placements:
        base = alt.Chart(alt.NamedData(name="places")).encode(
            longitude="lon:Q", latitude="lat:Q"
        )
        layers.append(base.mark_circle(size=45, color="#c0392b", stroke="#ffffff",
                                       strokeWidth=1, opacity=1))
        for place, align, dx, dy in PLACEMENTS:
            if place not in placements:
                continue
            # a white halo under each label keeps it readable over outlines and fills
            for halo in (True, False):
                style: dict[str, Any] = {"stroke": "#ffffff", "strokeWidth": 3,
                                         "strokeOpacity": 0.85,
                                         "strokeJoin": "round"} if halo else {}
                layers.append(base.mark_text(align=align, dx=dx, dy=dy, fontSize=10,
                                             color="#222", **style)
                              .encode(text="label:N")
                              .transform_filter(f"datum.place == '{place}'"))
    chart = alt.layer(*layers).properties(width=WIDTH, height=HEIGHT).configure(
        font="DejaVu Sans").configure_view(stroke="#999999")
    spec: dict[str, Any] = chart.to_dict(validate=False)
    return spec


@functools.lru_cache(maxsize=512)
def _thin(country: str, code: str, step: float, box: Box) -> dict[str, Any] | None:
    """A unit's (or, with ``""``, a country's) outline near the map, thinned."""
    return mapgeometry.thin(dict(_outlines(country))[code]["geometry"], step, box)


@functools.cache
def _outlines(country: str) -> list[tuple[str, dict[str, Any]]]:
    """``(code, feature)`` of a country's admin-1 units, or of the countries with ``""``;
    read once per process and never changed (a map makes features of its own)."""
    g = gazetteer()
    collection = g.boundaries(country) if country else g.countries_geojson()
    return [(f["properties"].get("opendtm_code") or str(i), f)
            for i, f in enumerate(collection["features"])]


def _classes(top: int) -> dict[str, Any]:
    """Up to four classes of counts with round bounds. A legend of coloured squares, not a
    gradient: PDF renderers draw squares the same everywhere."""
    step = next(s for s in (1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000, 10**9)
                if s * 4 >= top)
    bounds = [k * step + 1 for k in (1, 2, 3) if k * step < top]
    colours = [BLUES[round(i * (len(BLUES) - 1) / max(1, len(bounds)))]
               for i in range(len(bounds) + 1)]
    if not bounds:  # every covered region counts 1 (or none is covered): one class
        return {"type": "threshold", "domain": [max(top, 1)], "range": colours[-1:] * 2}
    return {"type": "threshold", "domain": bounds, "range": colours}


_BOXES: dict[tuple[str, str], Box] = {}


def _box(geometry: dict[str, Any], key: tuple[str, str]) -> Box:
    """The bounding box of a shipped outline, worked out once per process."""
    if key not in _BOXES:
        _BOXES[key] = _bounds(geometry)
    return _BOXES[key]


def _bounds(geometry: dict[str, Any]) -> Box:
    xs: list[float] = []
    ys: list[float] = []

    def walk(node: Any) -> None:
        if isinstance(node, list) and node and isinstance(node[0], int | float):
            xs.append(float(node[0]))
            ys.append(float(node[1]))
        elif isinstance(node, list):
            for item in node:
                walk(item)

    walk(geometry["coordinates"])
    return (min(xs), min(ys), max(xs), max(ys)) if xs else (0.0, 0.0, 0.0, 0.0)


def _union(boxes: list[Box]) -> Box:
    return (min(b[0] for b in boxes), min(b[1] for b in boxes),
            max(b[2] for b in boxes), max(b[3] for b in boxes))


def _grow(box: Box, by: float) -> Box:
    dx, dy = (box[2] - box[0]) * by, (box[3] - box[1]) * by
    return box[0] - dx, box[1] - dy, box[2] + dx, box[3] + dy


def _meets(a: Box, b: Box) -> bool:
    return a[0] <= b[2] and b[0] <= a[2] and a[1] <= b[3] and b[1] <= a[3]


def _place_labels(points: list[dict[str, Any]],
                  project: Callable[[float, float], tuple[float, float]]) -> None:
    """Each label at the first of the PLACEMENTS where it stays inside the frame and covers
    no place and no label placed before it; where none is free, the first inside the frame."""
    at = [project(p["lon"], p["lat"]) for p in points]
    taken: list[Box] = [(x - 4, y - 4, x + 4, y + 4) for x, y in at]  # the places' dots
    for p, (x, y) in zip(points, at, strict=True):
        w = label_width(p["label"])
        boxes = []
        for place, align, dx, dy in PLACEMENTS:
            left = x + dx - {"left": 0.0, "center": w / 2, "right": w}[align]
            boxes.append((place, (left, y + dy - 9, left + w, y + dy + 3)))
        inside = [(place, b) for place, b in boxes
                  if b[0] >= EDGE and b[1] >= EDGE and b[2] <= WIDTH - EDGE
                  and b[3] <= HEIGHT - EDGE]
        free = [(place, b) for place, b in inside if not any(_overlap(b, t) for t in taken)]
        place, box = (free or inside or boxes)[0]
        p["place"] = place
        taken.append(box)


def label_width(label: str) -> float:
    """At least the width of a place's label, in pixels."""
    return CHAR * len(label) + 4


def _overlap(a: Box, b: Box) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def _points(lang: str, country: str, by_city: dict[str, Any]) -> list[dict[str, Any]]:
    g = gazetteer()
    out = []
    for name in sorted(by_city):
        try:
            city = g.city(name, country)
        except UnknownPlace:
            continue
        out.append({"lon": city.lon, "lat": city.lat,
                    "label": city.name_ru if lang == "ru" else city.name_en})
    return out
