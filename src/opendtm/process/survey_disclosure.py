"""Disclosure control for the survey figures, by the bulletin's threshold rule.

Percentages on a base under the catalogue's minimum are already withheld by the tabulation.
For the public, counts go through the same rule as the assistance bulletin
(``process/disclosure.py``): in every group broken down by sex or age group (a breakdown
that crosses a person's attributes), a count under the threshold is suppressed, and in an
additive group (the options of a single-answer question, which add up to the base; the
sexes or age groups of a sample, which add up to the country and class) more cells are
suppressed by the same secondary rule, so that the base minus the visible cells gives
nothing away. A suppressed count takes its percentage with it; a base under the threshold
in such a group is suppressed with all its cells.
"""

from __future__ import annotations

import copy
from collections import defaultdict
from typing import Any

from .disclosure import Rules, Suppressed, secondary

CROSSING = ("sex", "age_group")
ADDITIVE = ("distribution", "bands")


def crossed(by: dict[str, Any]) -> bool:
    return any(d in by for d in CROSSING)


def protect(figures: dict[str, Any], rules: Rules) -> tuple[dict[str, Any], list[Suppressed]]:
    """A copy of one theme's figures made safe to publish, and what was suppressed."""
    out = copy.deepcopy(figures)
    hidden: list[Suppressed] = []
    t = rules.threshold
    for ind_id, block in out["indicators"].items():
        for i, group in enumerate(block["groups"]):
            if not crossed(group["by"]):
                continue
            prefix = f"{ind_id}.groups[{i}]"
            if 0 < group["n"] < t:
                group["n"] = None
                group["suppressed"] = True
                hidden.append(Suppressed(f"{prefix}.n", "crossed"))
            if "values" not in group:
                if group["n"] is None:
                    for k in ("mean", "median", "min", "max"):
                        group[k] = None
                continue
            _cells(group, block["kind"] in ADDITIVE, prefix, t, hidden)
    _sample(out["sample"], t, hidden)
    return out, hidden


def _cells(group: dict[str, Any], additive: bool, prefix: str, threshold: int,
           hidden: list[Suppressed]) -> None:
    values = {v["option"]: v["count"] for v in group["values"]}
    if group["n"] is None:
        gone = [o for o, c in values.items() if c]
    else:
        gone = [o for o, c in values.items() if 0 < c < threshold]
        if gone and additive:
            gone += secondary(values, list(gone), threshold)
    for v in group["values"]:
        if v["option"] in gone:
            rule = "crossed" if group["n"] is None or 0 < v["count"] < threshold else "secondary"
            v["count"] = None
            v["percent"] = None
            hidden.append(Suppressed(f"{prefix}.{v['option']}", rule))


def _sample(rows: list[dict[str, Any]], threshold: int, hidden: list[Suppressed]) -> None:
    """Sample sizes by sex or age group within each country and class."""
    parents: dict[tuple[Any, ...], dict[str, list[dict[str, Any]]]] = defaultdict(
        lambda: defaultdict(list))
    for row in rows:
        dims = [d for d in CROSSING if d in row["by"]]
        if len(dims) != 1:
            continue
        rest = tuple(sorted((k, str(v)) for k, v in row["by"].items() if k != dims[0]))
        parents[rest][dims[0]].append(row)
    for rest, by_dim in parents.items():
        for dim, group in by_dim.items():
            values = {str(r["by"][dim]): r["n"] for r in group}
            gone = [k for k, n in values.items() if 0 < n < threshold]
            if not gone:
                continue
            gone += secondary(values, list(gone), threshold)
            where = ",".join(f"{k}={v}" for k, v in rest)
            for r in group:
                if str(r["by"][dim]) in gone:
                    rule = "crossed" if 0 < r["n"] < threshold else "secondary"
                    r["n"] = None
                    hidden.append(Suppressed(f"sample[{where}].{dim}={r['by'][dim]}", rule))
