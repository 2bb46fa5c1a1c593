"""The coverage map draws whatever the counts (none, one class, several classes), keeps
its places and labels inside its frame, has no unit left as a hole, and its outlines cut to
the view; the charts' and maps' specs built from templates are those Altair builds."""

from __future__ import annotations

import base64
import json
import re
from html import unescape as html_unescape
from pathlib import Path
from typing import Any

import pytest
from PIL import ImageFont

from opendtm.publish import charts, mapgeometry, maps, outlines


@pytest.mark.parametrize("by_region", [{}, {"Chui": 1}, {"Chui": 1, "Osh": 1},
                                       {"Chui": 3, "Osh": 1}, {"Chui": 400, "Osh": 7}])
def test_coverage_map_renders(by_region: dict[str, int]) -> None:
    svg = charts.svg(maps.coverage("en", "KGZ", by_region, [], "individuals"))
    assert svg.lstrip().startswith(("<svg", "<?xml"))
    assert "individuals" in svg or not by_region


# the demo's places of assistance, which the bulletin's maps show
DEMO = {
    "KGZ": ({"KG-C": 83, "KG-O": 69, "KG-J": 35, "KG-B": 27, "KG-N": 27, "KG-T": 27,
             "KG-Y": 27},
            ["Tokmok", "Jalal-Abad", "Batken", "Karakol", "Naryn", "Talas"]),
    "TJK": ({"TJ-SU": 59, "TJ-KT": 52, "TJ-RA": 52, "TJ-GB": 26},
            ["Khujand", "Bokhtar", "Khorog", "Kulob"]),
    "KAZ": ({"KZ-AKT": 21, "KZ-ALA": 21, "KZ-ALM": 21, "KZ-AST": 21, "KZ-KAR": 21,
             "KZ-KUS": 21, "KZ-KZY": 21, "KZ-SEV": 21, "KZ-SHY": 21, "KZ-ZAP": 21,
             "KZ-VOS": 20},
            ["Aktobe", "Almaty", "Kostanay", "Kyzylorda", "Nur-Sultan", "Petropavlovsk",
             "Shymkent", "Taldykorgan", "Temirtau", "Uralsk", "Ust-Kamenogorsk"]),
    "RUS": ({"RU-MOW": 389, "RU-SVE": 384, "RU-SPE": 36},
            ["Moscow", "Yekaterinburg", "Saint Petersburg"]),
}
FONT = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")
_TRANSLATE = r'transform="translate\(([-\d.]+),([-\d.]+)\)"'


def demo_map(lang: str, country: str) -> tuple[dict[str, Any], str]:
    regions, cities = DEMO[country]
    spec = maps.coverage(lang, country, regions, dict.fromkeys(cities, 1), "individuals")
    return spec, charts.svg(spec)


@pytest.mark.parametrize("lang", ["en", "ru"])
@pytest.mark.parametrize("country", list(DEMO))
def test_places_and_labels_stay_inside_the_frame(lang: str, country: str) -> None:
    """Where Vega drew each place and each label, measured with the font's own widths."""
    spec, svg = demo_map(lang, country)
    project = mapgeometry.fit(spec["projection"]["fit"], spec["width"], spec["height"]).project
    dots = re.findall(rf'aria-roledescription="circle" {_TRANSLATE}', svg)
    places = spec["datasets"]["places"]
    assert len(dots) == len(places) == len(DEMO[country][1])
    for place, (x, y) in zip(places, dots, strict=True):
        # the labels were placed for where Vega draws the places
        px, py = project(place["lon"], place["lat"])
        assert abs(px - float(x)) < 1 and abs(py - float(y)) < 1, place
    texts = re.findall(rf'text-anchor="(\w+)" {_TRANSLATE} font-family="DejaVu Sans" '
                       r'font-size="10px" fill="#222">([^<]+)</text>', svg)
    assert len(texts) == len(dots)
    width, height = spec["width"], spec["height"]
    if not FONT.exists():
        pytest.skip("DejaVu Sans is not installed where Debian puts it")
    font = ImageFont.truetype(str(FONT), 10)
    drawn: list[tuple[float, float, float, float]] = []
    for anchor, x, y, label in texts:
        w = font.getlength(html_unescape(label))
        left = float(x) - {"start": 0.0, "middle": w / 2, "end": w}[anchor]
        box = (left, float(y) - 8, left + w, float(y) + 2)
        assert box[0] >= 0 and box[2] <= width and box[1] >= 0 and box[3] <= height, (
            label, box)
        assert w <= maps.label_width(html_unescape(label))
        assert not any(maps._overlap(box, other) for other in drawn), label
        drawn.append(box)


def test_no_unit_of_kazakhstan_has_a_hole_no_unit_fills() -> None:
    """Baikonur: the map draws no white hole inside Kyzylorda."""
    features = [f for _, f in maps._outlines("KAZ")]

    def rings(feature: dict[str, Any]) -> list[list[list[list[float]]]]:
        geometry = feature["geometry"]
        return ([geometry["coordinates"]] if geometry["type"] == "Polygon"
                else geometry["coordinates"])

    def box(ring: list[list[float]]) -> tuple[float, ...]:
        return (min(p[0] for p in ring), min(p[1] for p in ring),
                max(p[0] for p in ring), max(p[1] for p in ring))

    outers = [box(polygon[0]) for f in features for polygon in rings(f)]
    holes = [box(hole) for f in features for polygon in rings(f) for hole in polygon[1:]]
    assert holes  # Astana and Almaty are holes in their regions, filled by their own units
    for hole in holes:
        assert any(all(abs(a - b) < 0.05 for a, b in zip(hole, outer, strict=True))
                   for outer in outers), hole


@pytest.mark.parametrize("country", list(DEMO))
def test_map_spec_from_the_template_is_altairs(country: str) -> None:
    spec, _ = demo_map("ru", country)
    placements = tuple(p for p, *_ in maps.PLACEMENTS
                       if any(q["place"] == p for q in spec["datasets"]["places"]))
    scale = spec["layer"][1]["encoding"]["color"]["condition"]["scale"]
    fresh = maps.altair_spec("individuals", placements, scale)
    assert {k: v for k, v in spec.items() if k not in ("projection", "datasets")} == fresh


def test_outlines_are_cut_to_the_view() -> None:
    # a square half outside the left edge, a square wholly outside, a bar, a closed line
    inside_half = outlines.clip("M-10,10L10,10L10,20L-10,20Z", 100, 50)
    assert inside_half == "M0.0,10.0L10.0,10.0L10.0,20.0L0.0,20.0Z"
    assert outlines.clip("M-30,10L-20,10L-20,20L-30,20Z", 100, 50) == ""
    assert outlines.clip("M0,0h10v5h-10Z", 100, 50) == "M0,0h10v5h-10Z"
    assert outlines.clip("M0,0L200,0", 100, 50) == "M0,0L200,0"  # a line: left as drawn
    # a ring around the whole view becomes the view; points a hair apart are thinned
    assert outlines.clip("M-5,-5L105,-5L105,55L-5,55Z", 100, 50) == (
        "M0.0,50.0L0.0,0.0L100.0,0.0L100.0,50.0Z")
    assert outlines.clip("M1,1L1.1,1L9,1L9,9L1,9Z", 100, 50) == "M1.0,1.0L9.0,1.0L9.0,9.0L1.0,9.0Z"
    svg = ('<svg width="10" height="10"><defs><clipPath id="clip1"><rect x="0" y="0" '
           'width="100" height="50"/></clipPath></defs><g clip-path="url(#clip1)">'
           '<path d="M-10,10L10,10L10,20L-10,20Z"/></g></svg>')
    assert outlines.clip_paths(svg, 100, 50) == (
        '<svg width="10" height="10"><defs></defs><g><path d="M0.0,10.0L10.0,10.0L10.0,20.0'
        'L0.0,20.0Z"/></g></svg>')


@pytest.mark.parametrize("rows", [
    [("Food", 12, None), ("Shelter", None, None)],
    [("m", 3, "#1f4e79"), ("f", 0, "#e07b39"), ("not recorded", 1, "#9a9a9a")],
    [(f"type {i}", i * 7, None) for i in range(9)],
])
def test_bar_spec_from_the_template_is_altairs(rows: list[tuple[str, int | None, str | None]]
                                               ) -> None:
    spec = charts.bars("ru", rows, "человек", 40)
    top = max((n for _, n, _ in rows if n is not None), default=1) or 1
    fresh = charts.altair_bars(top, "человек", len(rows))
    assert {k: v for k, v in spec.items() if k != "datasets"} == fresh
    assert [d["label"] for d in spec["datasets"]["bars"]] == [r[0] for r in rows]


def test_shipped_templates_are_what_altair_builds() -> None:
    """The charts' and map's templates are kept as files; if Altair writes them otherwise
    (a new version), this fails: write them again from ``charts.altair_bars(1, "", 1)`` and
    ``maps.altair_spec("", every placement, {})``."""
    bars = json.loads((charts.SPECS / "bars.vl.json").read_text("utf-8"))
    assert bars == charts.altair_bars(1, "", 1)
    shipped = json.loads((charts.SPECS / "map.vl.json").read_text("utf-8"))
    assert shipped == maps.altair_spec("", tuple(p for p, *_ in maps.PLACEMENTS), {})


def test_the_pdf_fetches_only_the_images_it_was_given(tmp_path: Path) -> None:
    from opendtm.publish import pdf

    png = charts.png(charts.svg(charts.bars("en", [("a", 3, None)], "people")))
    page = '<html><body><img src="opendtm-figure:1.png" style="width: 100px"></body></html>'
    assert pdf.write(page, tmp_path / "ok.pdf", {"opendtm-figure:1.png": png}).stat().st_size
    inline = "data:image/png;base64," + base64.b64encode(png).decode()
    assert pdf.write(page.replace("opendtm-figure:1.png", inline), tmp_path / "inline.pdf")
    for src in ("opendtm-figure:2.png", "file:///etc/hostname", "http://example.org/a.png"):
        with pytest.raises(ValueError, match="names an image it does not hold"):
            pdf.write(page.replace("opendtm-figure:1.png", src), tmp_path / "no.pdf",
                      {"opendtm-figure:1.png": png})
        assert not (tmp_path / "no.pdf").exists()  # nothing half-written
