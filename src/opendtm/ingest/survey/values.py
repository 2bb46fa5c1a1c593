"""Turn the text of an export cell into the answer a question holds.

Each converter returns the value, or raises ``ValueError`` with what is wrong. Select
answers may be XML names or labels in any language of the form.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from typing import Any

from opendtm.domain.xlsform import FormSpec, Question

Converter = Callable[[str], Any]
TRUE = {"1", "true", "yes", "y", "да", "x"}
FALSE = {"0", "false", "no", "n", "нет"}
_DMY = re.compile(r"^(\d{1,2})[./](\d{1,2})[./](\d{4})$")


def _integer(text: str) -> int:
    try:
        number = float(text.replace(",", "."))
    except ValueError:
        raise ValueError(f"{text!r} is not a number") from None
    if not number.is_integer():
        raise ValueError(f"{text!r} is not a whole number")
    return int(number)


def _decimal(text: str) -> float:
    try:
        return float(text.replace(",", "."))
    except ValueError:
        raise ValueError(f"{text!r} is not a number") from None


def _date(text: str) -> str:
    head = text[:10]
    try:
        return dt.date.fromisoformat(head).isoformat()
    except ValueError:
        pass
    match = _DMY.match(text)
    if match:
        day, month, year = (int(g) for g in match.groups())
        try:
            return dt.date(year, month, day).isoformat()
        except ValueError:
            pass
    raise ValueError(f"{text!r} is not a date (YYYY-MM-DD)")


def option_names(spec: FormSpec, q: Question) -> dict[str, str]:
    """Option names and labels (lower-cased) -> option name."""
    names: dict[str, str] = {}
    for choice in spec.options(q):
        for label in choice.labels.values():
            names.setdefault(label.strip().lower(), choice.name)
    for choice in spec.options(q):
        names[choice.name.lower()] = choice.name
    return names


def converter(spec: FormSpec, q: Question) -> Converter:
    if q.type == "integer":
        return _integer
    if q.type in ("decimal", "range"):
        return _decimal
    if q.type == "date":
        return _date
    if q.type == "select_one":
        names = option_names(spec, q)
        listed = q.list_name

        def one(text: str) -> str:
            try:
                return names[text.strip().lower()]
            except KeyError:
                raise ValueError(f"{text!r} is not an option of list {listed!r}") from None

        return one
    if q.is_multiple:
        names = option_names(spec, q)
        longest_first = sorted(names, key=len, reverse=True)
        listed = q.list_name

        def many(text: str) -> list[str]:
            whole = names.get(text.lower())
            if whole is not None:
                return [whole]
            parts = text.split(";") if ";" in text else text.split()
            out = []
            for part in parts:
                name = names.get(part.strip().lower())
                if name is None:
                    return _labels_in(text, names, longest_first, listed)
                if name not in out:
                    out.append(name)
            return out

        return many
    return str


def _labels_in(text: str, names: dict[str, str], longest_first: list[str],
               listed: str | None) -> list[str]:
    """Option labels joined by spaces (Kobo's label export): take the longest that fits."""
    rest, out = text.strip().lower(), []
    while rest:
        match = next((k for k in longest_first if rest.startswith(k) and (
            len(rest) == len(k) or rest[len(k)] in " ;,")), None)
        if match is None:
            word = rest.split()[0]
            raise ValueError(f"{word!r} is not an option of list {listed!r}")
        if names[match] not in out:
            out.append(names[match])
        rest = rest[len(match):].lstrip(" ;,")
    return out


def flag(text: str, option: str, option_labels: set[str]) -> bool:
    """Whether a select_multiple 0/1 column says the option was chosen."""
    low = text.strip().lower()
    if low in TRUE or low == option.lower() or low in option_labels:
        return True
    if low in FALSE or not low:
        return False
    raise ValueError(f"{text!r} is neither 0 nor 1")
