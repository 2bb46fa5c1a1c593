"""Script-independent matching keys for personal names.

«Джураев Шохрух», "Djurayev Shoxrux", "Dzhuraev Shokhrukh" and "Juraev Shohruh" are one name
written in Russian Cyrillic, Uzbek Latin, BGN/PCGN and informal Latin. Each name token is
turned into one canonical Latin key in two steps, both driven by tables shipped as data:

1. ``data/names/letters.csv``: Russian, Kyrgyz, Kazakh, Uzbek and Tajik Cyrillic letters (and
   Latin letters with marks) to one Latin spelling each;
2. ``data/names/rules.csv``: ordered rewrites that fold the romanisations (dzh, dj, zh -> j;
   kh, x -> h; q -> k; oʻ -> u; ye -> e; ICAO ia/ii; doubled letters...).

A person's name is the set of its tokens without the patronymic, so the order in which the
family and given names were written does not matter; the patronymic is kept apart.
"""

from __future__ import annotations

import csv
import re
import unicodedata
from functools import cache, lru_cache
from importlib import resources
from typing import NamedTuple

PATRONYMIC_SUFFIXES = ("ovich", "evich", "ovna", "evna", "ichna", "ovic")
PATRONYMIC_MARKERS = frozenset({"ugli", "ogli", "oglu", "uli", "ulu", "kizi", "gizi"})
# Family-name endings, loose enough to survive a typo in the last letters (ulugbekva).
FAMILY_ENDINGS = re.compile(r"(ov|ev|zoda|zade|enko|sky|ski)[a-z]{0,2}$|v[a-z]?a$")
_SPLIT = re.compile(r"[\s\-_,.;/()]+")


def _rows(name: str) -> list[list[str]]:
    text = resources.files("opendtm.data").joinpath("names", name).read_text(encoding="utf-8")
    lines = [line for line in text.splitlines() if line and not line.startswith("#")]
    return list(csv.reader(lines))[1:]


@cache
def letter_table() -> dict[str, str]:
    """Letter (or letter group) -> canonical Latin, from letters.csv."""
    return {row[0]: row[1] for row in _rows("letters.csv")}


@cache
def rule_table() -> list[tuple[re.Pattern[str], str]]:
    """The ordered romanisation-folding rules, from rules.csv."""
    return [(re.compile(row[0]), row[1]) for row in _rows("rules.csv")]


@cache
def _letter_pattern() -> re.Pattern[str]:
    letters = sorted(letter_table(), key=len, reverse=True)
    return re.compile("|".join(re.escape(letter) for letter in letters))


def _to_latin(text: str) -> str:
    table = letter_table()
    text = _letter_pattern().sub(lambda m: table[m.group(0)], text)
    # Remaining accents (é, ó...) are dropped; apostrophes are left for the rules.
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


@lru_cache(maxsize=500_000)
def token_key(token: str) -> str:
    """The matching key of one name token ('' when nothing is left)."""
    text = _to_latin(unicodedata.normalize("NFC", token).casefold())
    for pattern, replacement in rule_table():
        text = pattern.sub(replacement, text)
    return text


def tokens(text: str | None) -> list[str]:
    """The non-empty keys of the tokens of a name field."""
    return list(_tokens(text)) if text else []


@lru_cache(maxsize=500_000)
def _tokens(text: str) -> tuple[str, ...]:
    keys = (token_key(part) for part in _SPLIT.split(text))
    return tuple(key for key in keys if key)


def is_patronymic(key: str) -> bool:
    return key in PATRONYMIC_MARKERS or key.endswith(PATRONYMIC_SUFFIXES)


class NameKey(NamedTuple):
    """The parts of a person's name used for matching, all as keys."""

    first: str | None  # the part that looks like a family name, else the first in order
    second: str | None  # the other part
    patronymic: str | None

    @property
    def full(self) -> str:
        return " ".join(part for part in (self.first, self.second) if part)


@lru_cache(maxsize=100_000)
def _patronymic_root(parts: tuple[str, ...]) -> str | None:
    for key in parts:
        if key in PATRONYMIC_MARKERS:
            continue
        for suffix in PATRONYMIC_SUFFIXES:
            if key.endswith(suffix):
                return key[: -len(suffix)] or key
        return key
    return None


_NOTHING: tuple[tuple[str, ...], tuple[str, ...]] = ((), ())


@lru_cache(maxsize=500_000)
def _field(text: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """A name field's tokens, and the patronymic found at its end ("Alisher ugli")."""
    keys = _tokens(text)
    found = _trailing_patronymic(keys)
    if found and len(found) < len(keys):
        return keys[: len(keys) - len(found)], found
    return keys, ()


def name_key(
    given: str | None, family: str | None, patronymic: str | None = None
) -> NameKey:
    """The key of a name however it was entered: either order, patronymic anywhere.

    Compound parts ("Abdu Rahmon") are joined; a patronymic found in the given or family
    field ("Shohruh Alisher ugli", "Ivanov Ivan Petrovich") is moved to the patronymic.
    """
    first, second, found = name_parts(given, family)
    key = patronymic_key(patronymic) if patronymic else None
    return NameKey(first, second, key if key is not None else _patronymic_root(found))


@lru_cache(maxsize=1_000_000)
def name_parts(
    given: str | None, family: str | None
) -> tuple[str | None, str | None, tuple[str, ...]]:
    """The two name parts in matching order, and any patronymic found inside the fields."""
    given_keys, given_patronymic = _field(given) if given else _NOTHING
    family_keys, family_patronymic = _field(family) if family else _NOTHING
    if not given_keys and len(family_keys) > 1:
        given_keys, family_keys = family_keys[1:], family_keys[:1]
    elif not family_keys and len(given_keys) > 1:
        given_keys, family_keys = given_keys[1:], given_keys[:1]
    first, second = _ordered("".join(family_keys), "".join(given_keys))
    return first, second, given_patronymic or family_patronymic


@lru_cache(maxsize=200_000)
def patronymic_key(text: str | None) -> str | None:
    """The father's name in a patronymic field ('Alisherovich', 'Alisher oʻgʻli': alisher)."""
    return _patronymic_root(_tokens(text)) if text else None


@lru_cache(maxsize=500_000)
def _ordered(family: str, given: str) -> tuple[str | None, str | None]:
    """Family-looking part first (Juraev, Rahimova, Nazarzoda), else alphabetical order.

    Deciding by the look of the name, not by the field it was typed in, puts swapped names
    back in place, and a typo rarely changes how a name ends.
    """
    if not family or not given:
        return (family or given or None), None
    looks_family, looks_given = bool(FAMILY_ENDINGS.search(family)), bool(
        FAMILY_ENDINGS.search(given))
    if looks_family != looks_given:
        return (family, given) if looks_family else (given, family)
    return (family, given) if family <= given else (given, family)


def _trailing_patronymic(keys: tuple[str, ...]) -> tuple[str, ...]:
    """The tokens at the end of a field that make a patronymic ("alisher ugli", "petrovich")."""
    if len(keys) >= 2 and keys[-1] in PATRONYMIC_MARKERS:
        return keys[-2:]
    if keys and keys[-1].endswith(PATRONYMIC_SUFFIXES):
        return keys[-1:]
    return ()


@lru_cache(maxsize=500_000)
def skeleton(key: str | None) -> str | None:
    """The key's first letter and its consonants: 'sabirov' and 'sobirov' share 'sbrv'."""
    if not key:
        return None
    return key[0] + re.sub(r"[aeiouy]", "", key[1:])
