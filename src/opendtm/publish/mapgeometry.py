"""Where things land on a coverage map, and outlines with no more points than it can show.

The map is a Mercator projection fitted to the covered units, as Vega fits it: scaled and
centred so that their outlines' points fill the view. Knowing it here lets the map place
its labels inside the frame and drop the outline points closer together than a fraction of
a pixel before Vega has to read and project them.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from .outlines import cut_ring

Box = tuple[float, float, float, float]
MIN_STEP = 0.3  # pixels: outline points closer than this to the last one kept add nothing


@dataclass(frozen=True)
class Fit:
    k: float  # pixels per radian
    tx: float
    ty: float

    def project(self, lon: float, lat: float) -> tuple[float, float]:
        x, y = _mercator(lon, lat)
        return self.k * x + self.tx, self.k * y + self.ty

    def unproject(self, x: float, y: float) -> tuple[float, float]:
        lon = math.degrees((x - self.tx) / self.k)
        lat = math.degrees(2 * math.atan(math.exp(-(y - self.ty) / self.k)) - math.pi / 2)
        return lon, lat

    def box(self, width: float, height: float, margin: float) -> Box:
        """The longitudes and latitudes of the view and ``margin`` pixels around it."""
        west, north = self.unproject(-margin, -margin)
        east, south = self.unproject(width + margin, height + margin)
        return west, south, east, north

    @property
    def min_step(self) -> float:
        """MIN_STEP in degrees of longitude (and at most that in latitude)."""
        return math.degrees(MIN_STEP / self.k)


def fit(features: list[dict[str, Any]], width: float, height: float) -> Fit:
    xs: list[float] = []
    ys: list[float] = []
    for feature in features:
        for lon, lat in _points(feature["geometry"]["coordinates"]):
            x, y = _mercator(lon, lat)
            xs.append(x)
            ys.append(y)
    k = min(width / ((max(xs) - min(xs)) or 1), height / ((max(ys) - min(ys)) or 1))
    return Fit(k, (width - k * (max(xs) + min(xs))) / 2, (height - k * (max(ys) + min(ys))) / 2)


def thin(geometry: dict[str, Any], step: float, box: Box) -> dict[str, Any] | None:
    """A polygon's or multipolygon's rings cut to ``box`` (west, south, east, north) and
    without the points closer than ``step`` degrees to the last point kept; ``None`` when
    nothing of it is in the box. A ring too small to thin is kept as it is."""
    def ring(points: list[list[float]]) -> list[list[float]]:
        cut = cut_ring([(p[0], p[1]) for p in points], box)
        if not cut:
            return []
        kept = [cut[0]]
        for p in cut[1:]:
            last = kept[-1]
            if abs(p[0] - last[0]) + abs(p[1] - last[1]) >= step:
                kept.append(p)
        if len(kept) < 3:
            kept = cut
        return [[x, y] for x, y in (*kept, kept[0])]

    polygons = ([geometry["coordinates"]] if geometry["type"] == "Polygon"
                else geometry["coordinates"] if geometry["type"] == "MultiPolygon" else None)
    if polygons is None:
        return geometry
    out = []
    for polygon in polygons:
        outer, *holes = polygon
        rings = [ring(outer)]
        if len(rings[0]) >= 4:
            rings += [r for r in (ring(h) for h in holes) if len(r) >= 4]
            out.append(rings)
    if not out:
        return None
    return {"type": "MultiPolygon", "coordinates": out}


def _mercator(lon: float, lat: float) -> tuple[float, float]:
    return math.radians(lon), -math.log(math.tan(math.pi / 4 + math.radians(lat) / 2))


def _points(node: Any) -> list[tuple[float, float]]:
    if node and isinstance(node[0], int | float):
        return [(float(node[0]), float(node[1]))]
    return [p for item in node for p in _points(item)]
