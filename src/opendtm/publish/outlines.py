"""A map's outlines cut to its view, in the SVG Vega drew.

Vega draws every outline of a map whole, the neighbouring countries too, and leaves the
cutting to a clip path. Clip paths are what costs most when the SVG is turned into a PNG,
and the whole outlines what costs most in WeasyPrint and a browser. Here each ring of an
outline is cut to the view itself (Sutherland-Hodgman: the view is a rectangle, so a ring
cut by it stays one ring, with edges along the frame where it was cut) and the points
closer than a fraction of a pixel to the last one kept are dropped: the SVG draws the same
picture with a fraction of its points and no clip path.
"""

from __future__ import annotations

import re
from collections.abc import Callable

Point = tuple[float, float]
POLYLINE = re.compile(r"(M-?[\d.]+,-?[\d.]+(L-?[\d.]+,-?[\d.]+)*Z?)+")
PATH = re.compile(r'(<path[^>]*? d=")([^"]*)"')
MIN_STEP = 0.35  # pixels: points closer than this to the last one kept add nothing


def clip_paths(svg: str, width: float, height: float) -> str:
    """Every outline path of ``svg`` (absolute moves and lines only: a map's shapes, not a
    bar, a symbol or a letter) cut to the view ``0..width x 0..height``; then the clip
    paths to the view (which Vega needs to size the picture to the view) have nothing left
    to cut and go."""
    svg = PATH.sub(lambda m: m.group(1) + clip(m.group(2), width, height) + '"', svg)
    view = f'<rect x="0" y="0" width="{width:g}" height="{height:g}"/>'
    ids = re.findall(rf'<clipPath id="([\w-]+)">{re.escape(view)}</clipPath>', svg)
    for name in ids:
        svg = svg.replace(f'<clipPath id="{name}">{view}</clipPath>', "")
        svg = svg.replace(f' clip-path="url(#{name})"', "")
    return svg


def clip(d: str, width: float, height: float) -> str:
    """A path's rings cut to the view and thinned; a path wholly outside comes out empty."""
    if not POLYLINE.fullmatch(d) or d.count("M") != d.count("Z"):
        return d  # not a map's shapes, or lines rather than rings: left as drawn
    out: list[str] = []
    for sub in d.split("M")[1:]:
        ring = _thin(cut_ring([_point(p) for p in sub.rstrip("Z").split("L")],
                              (0.0, 0.0, width, height)))
        if len(ring) >= 3:
            out.append("M" + "L".join(f"{x:.1f},{y:.1f}" for x, y in ring) + "Z")
    return "".join(out)


def _point(text: str) -> Point:
    x, y = text.split(",")
    return float(x), float(y)


def cut_ring(ring: list[Point], box: tuple[float, float, float, float]) -> list[Point]:
    """The part of a closed ring inside the rectangle ``(x0, y0, x1, y1)``; empty when none
    of it is."""
    x0, y0, x1, y1 = box
    edges: tuple[Edge, ...] = (
        ((lambda p: p[0] >= x0), (lambda a, b: _at_x(a, b, x0))),
        ((lambda p: p[0] <= x1), (lambda a, b: _at_x(a, b, x1))),
        ((lambda p: p[1] >= y0), (lambda a, b: _at_y(a, b, y0))),
        ((lambda p: p[1] <= y1), (lambda a, b: _at_y(a, b, y1))),
    )
    for edge in edges:
        if not ring:
            break
        ring = _cut(ring, edge)
    return ring


# an edge of the rectangle: (is a point inside?, where does a segment cross the edge?)
Edge = tuple[Callable[[Point], bool], Callable[[Point, Point], Point]]


def _at_x(a: Point, b: Point, x: float) -> Point:
    return x, a[1] + (b[1] - a[1]) * (x - a[0]) / (b[0] - a[0])


def _at_y(a: Point, b: Point, y: float) -> Point:
    return a[0] + (b[0] - a[0]) * (y - a[1]) / (b[1] - a[1]), y


def _cut(ring: list[Point], edge: Edge) -> list[Point]:
    """The part of a closed ring on the inner side of one edge (Sutherland-Hodgman)."""
    inside, cross = edge
    out: list[Point] = []
    prev = ring[-1]
    for cur in ring:
        if inside(cur):
            if not inside(prev):
                out.append(cross(prev, cur))
            out.append(cur)
        elif inside(prev):
            out.append(cross(prev, cur))
        prev = cur
    return out


def _thin(ring: list[Point]) -> list[Point]:
    kept = ring[:1]
    for p in ring[1:]:
        last = kept[-1]
        if abs(p[0] - last[0]) + abs(p[1] - last[1]) >= MIN_STEP:
            kept.append(p)
    return kept
