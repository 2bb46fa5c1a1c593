"""The coverage map draws whatever the counts: none, one class, several classes."""

from __future__ import annotations

import pytest

from opendtm.publish import charts, maps


@pytest.mark.parametrize("by_region", [{}, {"Chui": 1}, {"Chui": 1, "Osh": 1},
                                       {"Chui": 3, "Osh": 1}, {"Chui": 400, "Osh": 7}])
def test_coverage_map_renders(by_region: dict[str, int]) -> None:
    svg = charts.svg(maps.coverage("en", "KGZ", by_region, [], "individuals"))
    assert svg.lstrip().startswith(("<svg", "<?xml"))
    assert "individuals" in svg or not by_region
