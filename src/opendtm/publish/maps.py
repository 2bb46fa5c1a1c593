"""The geographic coverage map: an admin-1 choropleth with the places of assistance.

Outlines come from the gazetteer's boundaries; a unit without an outline of its own (a city
of republican status such as Shymkent) is counted in the unit whose outline holds it. The
view is fitted to the covered units, so a country as large as Russia shows the part where
help was given; neighbouring countries are drawn in grey for orientation. Only outlines
near the view are kept, which keeps the SVG small.
"""

from __future__ import annotations

from typing import Any, Literal

import altair as alt

from opendtm.domain.gazetteer import UnknownPlace, gazetteer

from . import i18n

WIDTH, HEIGHT = 460, 300
BLUES = ("#9ecae1", "#4292c6", "#2171b5", "#08306b")  # light to dark, one per class
Box = tuple[float, float, float, float]  # west, south, east, north
Align = Literal["left", "center", "right"]
PLACEMENTS: tuple[tuple[str, Align, int, int], ...] = (
    ("right", "left", 6, -6), ("below", "center", 0, 13), ("left", "right", -6, -6),
)


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
    features = g.boundaries(country)["features"]
    box: dict[int, Box] = {}
    for feature in features:
        code = feature["properties"]["opendtm_code"]
        box[id(feature)] = _box(feature, (country, code))
        feature["properties"] = {
            "code": code, "name": i18n.region_name(lang, code), "n": counts.get(code, 0),
        }
    covered = [f for f in features if f["properties"]["n"]] or features
    view = _grow(_union([box[id(f)] for f in covered]), 0.6)
    features = [f for f in features if _meets(box[id(f)], view)]
    neighbours = [f for i, f in enumerate(g.countries_geojson()["features"])
                  if f["properties"].get("opendtm_code") != country
                  and _meets(_box(f, ("", str(i))), view)]
    points = _points(lang, country, by_city)
    west, _, east, _ = _union([box[id(f)] for f in covered])
    span = east - west
    for p in points:
        # a label goes right of its point; near the eastern edge it goes below, so it is
        # not cut off, or left when another place lies just below
        crowded = any(0 < p["lat"] - q["lat"] < 0.08 * span and abs(p["lon"] - q["lon"])
                      < 0.1 * span for q in points)
        p["place"] = ("right" if p["lon"] <= west + 0.75 * span
                      else "left" if crowded else "below")
    layers: list[Any] = [
        alt.Chart(alt.NamedData(name="neighbours")).mark_geoshape(
            fill="#eeeeee", stroke="#bbbbbb", strokeWidth=0.5, clip=True
        ),
        alt.Chart(alt.NamedData(name="regions")).mark_geoshape(
            stroke="#ffffff", strokeWidth=0.8, clip=True
        ).encode(
            color=alt.condition(
                "datum.properties.n > 0",
                alt.Color("properties.n:Q", title=axis, scale=_classes(max(counts.values(),
                                                                            default=0)),
                          legend=alt.Legend(orient="right", format="d", symbolType="square",
                                            symbolSize=150, symbolStrokeWidth=0)),
                alt.value("#dcdcdc"),
            ),
        ),
    ]
    if points:
        base = alt.Chart(alt.NamedData(name="places")).encode(
            longitude="lon:Q", latitude="lat:Q"
        )
        layers.append(base.mark_circle(size=45, color="#c0392b", stroke="#ffffff",
                                       strokeWidth=1, opacity=1, clip=True))
        for place, align, dx, dy in PLACEMENTS:
            # a white halo under each label keeps it readable over outlines and fills
            for halo in (True, False):
                style: dict[str, Any] = {"stroke": "#ffffff", "strokeWidth": 3,
                                         "strokeOpacity": 0.85,
                                         "strokeJoin": "round"} if halo else {}
                layers.append(base.mark_text(align=align, dx=dx, dy=dy, fontSize=10,
                                             color="#222", clip=True, **style)
                              .encode(text="label:N")
                              .transform_filter(f"datum.place == '{place}'"))
    chart = alt.layer(*layers).properties(width=WIDTH, height=HEIGHT).configure(
        font="DejaVu Sans").configure_view(stroke="#999999")
    spec: dict[str, Any] = chart.to_dict(validate=False)
    # the outlines go in after validation: validating them is slow and adds nothing
    spec["projection"] = {"type": "mercator", "fit": covered}
    spec["datasets"] = {"neighbours": neighbours, "regions": features, "places": points}
    return spec


def _classes(top: int) -> alt.Scale:
    """Up to four classes of counts with round bounds. A legend of coloured squares, not a
    gradient: PDF renderers draw squares the same everywhere."""
    step = next(s for s in (1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000, 10**9)
                if s * 4 >= top)
    bounds = [k * step + 1 for k in (1, 2, 3) if k * step < top]
    colours = [BLUES[round(i * (len(BLUES) - 1) / max(1, len(bounds)))]
               for i in range(len(bounds) + 1)]
    if not bounds:  # every covered region counts 1 (or none is covered): one class
        return alt.Scale(type="threshold", domain=[max(top, 1)], range=colours[-1:] * 2)
    return alt.Scale(type="threshold", domain=bounds, range=colours)


_BOXES: dict[tuple[str, str], Box] = {}


def _box(feature: dict[str, Any], key: tuple[str, str]) -> Box:
    """The bounding box of a shipped outline, worked out once per process."""
    if key not in _BOXES:
        _BOXES[key] = _bounds(feature)
    return _BOXES[key]


def _bounds(feature: dict[str, Any]) -> Box:
    xs: list[float] = []
    ys: list[float] = []

    def walk(node: Any) -> None:
        if isinstance(node, list) and node and isinstance(node[0], int | float):
            xs.append(float(node[0]))
            ys.append(float(node[1]))
        elif isinstance(node, list):
            for item in node:
                walk(item)

    walk(feature["geometry"]["coordinates"])
    return (min(xs), min(ys), max(xs), max(ys)) if xs else (0.0, 0.0, 0.0, 0.0)


def _union(boxes: list[Box]) -> Box:
    return (min(b[0] for b in boxes), min(b[1] for b in boxes),
            max(b[2] for b in boxes), max(b[3] for b in boxes))


def _grow(box: Box, by: float) -> Box:
    dx, dy = (box[2] - box[0]) * by, (box[3] - box[1]) * by
    return box[0] - dx, box[1] - dy, box[2] + dx, box[3] + dy


def _meets(a: Box, b: Box) -> bool:
    return a[0] <= b[2] and b[0] <= a[2] and a[1] <= b[3] and b[1] <= a[3]


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
