"""Statistical disclosure control for published figures.

For the public, a count under the threshold is suppressed (primary suppression) when its
breakdown involves a sensitive attribute (any vulnerability) or crosses two or more of
region, sex, age and nationality (boys and girls cross sex and age). Single-dimension
breakdowns named in ``single_dimensions`` (by default nationality and destination) follow
the same threshold. Then, in every group of cells that adds up to a published total, more
cells are suppressed (secondary suppression) until the hidden cells are at least two and
add up to at least the threshold, so that no total minus the visible cells reveals a small
count. The smallest non-zero cells go first; a zero is hidden only when no other cell is
left (two minors, 2 boys and 0 girls: showing the 0 would give the 2 away).

Suppressed cells become ``None`` in the figures; each is listed with its rule.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from typing import Any

DEFAULT_THRESHOLD = 5
DEFAULT_SINGLE_DIMENSIONS = ("nationality", "destination")

# single-dimension breakdowns: the key of the breakdown and the dimension it is by
SINGLE_DIMENSION_KEYS = {
    "by_nationality": "nationality",
    "by_destination": "destination",
    "by_origin": "origin",
    "by_previous_country": "origin",
    "by_region": "region",
    "by_city": "region",
}
PERSON_BLOCKS = ("individuals", "returnees", "return", "food_nfi", "pre_departure")
SENSITIVE = ("vulnerabilities",)


@dataclass(frozen=True)
class Rules:
    threshold: int = DEFAULT_THRESHOLD
    single_dimensions: tuple[str, ...] = DEFAULT_SINGLE_DIMENSIONS


@dataclass(frozen=True)
class Suppressed:
    key: str
    rule: str  # "sensitive", "crossed", "single-dimension" or "secondary"

    def to_dict(self) -> dict[str, str]:
        return {"key": self.key, "rule": self.rule}


@dataclass
class _Work:
    rules: Rules
    hidden: list[Suppressed] = field(default_factory=list)


def protect(block: dict[str, Any], rules: Rules, prefix: str = "") -> tuple[
    dict[str, Any], list[Suppressed]
]:
    """A copy of one scope's figures (with its ``by_partner`` blocks) made safe to publish."""
    out = copy.deepcopy(block)
    work = _Work(rules)
    _protect_scope(out, prefix, work)
    for name, sub in out.get("by_partner", {}).items():
        _protect_scope(sub, f"{prefix}by_partner.{name}.", work)
    return out, work.hidden


def _protect_scope(block: dict[str, Any], prefix: str, work: _Work) -> None:
    t = work.rules.threshold
    for name in SENSITIVE:
        cells = block.get(name)
        if isinstance(cells, dict):
            for cell, n in cells.items():
                if _small(n, t):
                    cells[cell] = None
                    work.hidden.append(Suppressed(f"{prefix}{name}.{cell}", "sensitive"))
    for name in PERSON_BLOCKS:
        part = block.get(name)
        if not isinstance(part, dict):
            continue
        if "boys" in part:
            # boys and girls cross sex and age; together they are the minors (when every
            # minor's sex is recorded), so hiding one alone would not hide it
            _group(part, ("boys", "girls"), f"{prefix}{name}.", "crossed", work)
        _breakdowns(part, f"{prefix}{name}.", work)
    _breakdowns(block, prefix, work)
    fam = block.get("families")
    if isinstance(fam, dict):
        _breakdowns(fam, f"{prefix}families.", work)


def _breakdowns(part: dict[str, Any], prefix: str, work: _Work) -> None:
    for key, dim in SINGLE_DIMENSION_KEYS.items():
        cells = part.get(key)
        if dim in work.rules.single_dimensions and isinstance(cells, dict):
            _group(cells, tuple(cells), f"{prefix}{key}.", "single-dimension", work)


def _group(
    cells: dict[str, Any], names: tuple[str, ...], prefix: str, rule: str, work: _Work
) -> None:
    """Primary suppression of small cells in one additive group, then secondary."""
    t = work.rules.threshold
    hidden = [n for n in names if _small(cells.get(n), t)]
    if not hidden:
        return
    for name in hidden:
        work.hidden.append(Suppressed(f"{prefix}{name}", rule))
    values = {n: cells[n] for n in names if n in cells}
    for extra in secondary(values, hidden, t):
        work.hidden.append(Suppressed(f"{prefix}{extra}", "secondary"))
        hidden.append(extra)
    for name in hidden:
        cells[name] = None


def secondary(values: dict[str, int], hidden: list[str], threshold: int) -> list[str]:
    """Cells to hide besides ``hidden`` so that the total cannot reveal them.

    The smallest visible non-zero cells, then zeros, are added until at least two cells
    are hidden and the hidden ones add up to at least the threshold (or every cell is).
    """
    chosen: list[str] = []
    visible = sorted(
        (n for n in values if n not in hidden and values[n] is not None),
        key=lambda n: (values[n] == 0, values[n], n),
    )
    while visible:
        gone = [*hidden, *chosen]
        if len(gone) >= 2 and sum(values[n] for n in gone) >= threshold:
            break
        if len(gone) >= 2 and all(values[n] == 0 for n in visible):
            break  # the rest are zeros: the hidden cells' sum is known, not each one
        chosen.append(visible.pop(0))
    return chosen


def _small(value: Any, threshold: int) -> bool:
    return isinstance(value, int) and 0 < value < threshold
