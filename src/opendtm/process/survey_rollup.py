"""Survey counts at the finest breakdown (country x class x sex x age group) rolled up to
every breakdown of the indicator catalogue, in Python: counts add up; means and exact
medians come from the counts of each value. Every percentage comes with its base n; on a
base under ``min_base`` it is None."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from typing import Any

from opendtm.domain.indicators import Catalogue, Indicator

DIMS = {"country": "_country", "class": "_class", "sex": "_sex", "age_group": "_age_group"}
FINEST = list(DIMS.values())


def _key(row: Mapping[str, Any], dims: tuple[str, ...]) -> tuple[Any, ...]:
    return tuple(row[DIMS[d]] for d in dims)


def _ordered(keys: Iterable[tuple[Any, ...]]) -> list[tuple[Any, ...]]:
    """The groups of a breakdown in the order they are published (by their text)."""
    return sorted(keys, key=lambda k: tuple(str(x) for x in k))


def _group(dims: tuple[str, ...], key: tuple[Any, ...], n: int, min_base: int,
           values: list[dict[str, Any]]) -> dict[str, Any]:
    shown = n >= min_base
    for v in values:
        v["percent"] = round(100 * v["count"] / n, 1) if shown and n else None
    return {"by": dict(zip(dims, key, strict=True)), "n": n, "suppressed": not shown,
            "values": values}


def categorical(ind: Indicator, catalogue: Catalogue, options: list[str], min_base: int,
                counts: list[dict[str, Any]], bases: list[dict[str, Any]],
                ) -> list[dict[str, Any]]:
    """The groups of a distribution, several-answer, top-N or bands indicator: each
    option's count and share of those who answered (``bases``)."""
    groups = []
    for dims in catalogue.breakdowns:
        n_of: dict[tuple[Any, ...], int] = defaultdict(int)
        c_of: dict[tuple[Any, ...], dict[str, int]] = defaultdict(lambda: defaultdict(int))
        for r in counts:
            c_of[_key(r, dims)][r["_value"]] += r["_count"]
        for r in bases:
            n_of[_key(r, dims)] += r["_n"]
        for key in _ordered(n_of):
            found = c_of[key]
            order = options + sorted(set(found) - set(options), key=str)
            pairs = [(o, found.get(o, 0)) for o in order]
            if ind.kind == "top":
                pairs = sorted((p for p in pairs if p[1]), key=lambda p: -p[1])[: ind.n]
            values: list[dict[str, Any]] = [{"option": o, "count": c} for o, c in pairs]
            groups.append(_group(dims, key, n_of[key], min_base, values))
    return groups


def _stats(freq: dict[float, int]) -> dict[str, float]:
    """Mean, median, min and max of numbers given as value -> how many times."""
    values = sorted(freq)
    n = sum(freq.values())
    low_rank, high_rank = (n - 1) // 2, n // 2  # 0-based ranks of the middle value(s)
    low = high = values[0]
    seen = 0
    for v in values:
        if seen <= low_rank < seen + freq[v]:
            low = v
        if seen <= high_rank < seen + freq[v]:
            high = v
            break
        seen += freq[v]
    return {"mean": sum(v * c for v, c in freq.items()) / n, "median": (low + high) / 2,
            "min": values[0], "max": values[-1]}


def summary(ind: Indicator, catalogue: Catalogue, min_base: int,
            counts: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The groups of a numeric indicator (and, with ``by_answer``, per answer to another
    question): mean, median, min and max."""
    groups = []
    for dims in catalogue.breakdowns:
        freq: dict[tuple[Any, ...], dict[float, int]] = defaultdict(lambda: defaultdict(int))
        for r in counts:
            freq[(*_key(r, dims), r["_extra"])][r["_value"]] += r["_count"]
        for key in _ordered(freq):
            n = sum(freq[key].values())
            shown = n >= min_base
            by = dict(zip(dims, key[:-1], strict=True))
            if ind.by_answer:
                by[ind.by_answer] = key[-1]
            stats = {k: round(v, 1) if shown else None for k, v in _stats(freq[key]).items()}
            groups.append({"by": by, "n": n, "suppressed": not shown, **stats})
    return groups


def sample(catalogue: Catalogue, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """How many respondents in each group of every breakdown (``rows``: ``_n`` of each
    group of the finest breakdown)."""
    out: list[dict[str, Any]] = []
    for dims in catalogue.breakdowns:
        n_of: dict[tuple[Any, ...], int] = defaultdict(int)
        for r in rows:
            n_of[_key(r, dims)] += r["_n"]
        out.extend({"by": dict(zip(dims, key, strict=True)), "n": n_of[key]}
                   for key in _ordered(n_of))
    return out
