"""Place-name normalisation: one comparison key for every way a name is typed.

Both sides of a look-up go through :func:`name_key`, so matching is insensitive to

- case, accents and punctuation: ``Ysyk-Köl`` = ``ysyk kol``, ``Farg‘ona`` = ``Fargona``;
- script: Cyrillic (Russian, Kazakh, Kyrgyz, Tajik, Uzbek letters) is transliterated by a
  simple table, then Latin spellings are folded so that the usual variants meet:
  ``дж``/``dzh``/``dj``/``zh``/``j`` → ``j``, ``х``/``kh``/``x`` → ``h``, ``gh`` → ``g``,
  ``q`` → ``k``, ``й``/``ы``/``y`` → ``i``, ``ё``/``э``/``ye`` → ``e``, doubled letters single;
- generic words: *oblast*, *область*, *oblysy*, *viloyati*, *region*, *krai*, *republic*,
  *autonomous okrug*, *город*, *г.*, *city*, *shahri*, *qalasy* ... are dropped from the
  *core* key, and whether the input named a city or a region is kept as a ``marker``.

:class:`NameIndex` maps keys to the items that carry a name or alias with that key, and
:func:`resolve` picks the one item a name means or raises :class:`UnknownPlace` (a
``ValueError``) with a one-line message naming up to five candidates.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Generic, Literal, TypeVar

Marker = Literal["city", "region"]

_CYRILLIC = {
    "а": "a", "б": "b", "в": "v", "г": "g", "д": "d", "е": "e", "ё": "e", "ж": "zh",
    "з": "z", "и": "i", "й": "i", "к": "k", "л": "l", "м": "m", "н": "n", "о": "o",
    "п": "p", "р": "r", "с": "s", "т": "t", "у": "u", "ф": "f", "х": "kh", "ц": "ts",
    "ч": "ch", "ш": "sh", "щ": "sh", "ъ": "", "ы": "y", "ь": "", "э": "e", "ю": "yu",
    "я": "ya",
    # Kazakh and Kyrgyz
    "ә": "a", "ғ": "g", "қ": "k", "ң": "n", "ө": "o", "ұ": "u", "ү": "u", "і": "i", "һ": "h",
    # Tajik, Uzbek, Ukrainian, Belarusian
    "ӣ": "i", "ӯ": "u", "ҳ": "h", "ҷ": "j", "ў": "u", "є": "e", "ї": "i", "ґ": "g",
}  # fmt: skip
_LATIN = {
    "ž": "zh", "š": "sh", "č": "ch", "ı": "i", "ə": "a", "ß": "ss", "ø": "o", "æ": "ae",
    "œ": "oe", "đ": "d", "ł": "l",
}  # fmt: skip
_APOSTROPHES = "'’‘ʻʼ`´ʹ"
_TABLE = str.maketrans({**_CYRILLIC, **_LATIN, **dict.fromkeys(_APOSTROPHES, "")})
_FOLDS = (
    ("dzh", "j"), ("dj", "j"), ("zh", "j"), ("kh", "h"), ("gh", "g"), ("q", "k"),
    ("x", "h"), ("w", "v"), ("y", "i"), ("ie", "e"),
)  # fmt: skip
_SPLIT = re.compile(r"[^a-z0-9]+")
_DOUBLES = re.compile(r"(.)\1+")


def _tokens(text: str) -> list[str]:
    s = unicodedata.normalize("NFC", text).casefold().translate(_TABLE)
    s = "".join(c for c in unicodedata.normalize("NFKD", s) if not unicodedata.combining(c))
    for old, new in _FOLDS:
        s = s.replace(old, new)
    return [t for t in _SPLIT.split(s) if t]


def _words(*words: str) -> frozenset[str]:
    return frozenset(t for w in words for t in _tokens(w))


CITY_WORDS = _words(
    "city", "town", "gorod", "город", "г", "shahri", "shahar", "шахри", "шаҳри", "shaary",
    "шаары", "qalasy", "қаласы", "qala", "қала",
)  # fmt: skip
REGION_WORDS = _words(
    "oblast", "область", "obl", "обл", "oblasti", "oblysy", "облысы", "oblys", "oblusu",
    "облусу", "viloyati", "вилояти", "viloyat", "вилоят", "region", "регион", "province",
    "провинция",
)  # fmt: skip
OTHER_WORDS = _words(
    "krai", "kray", "край", "respublika", "республика", "respublikasi", "republic",
    "avtonomnyy", "автономный", "avtonomnaya", "автономная", "autonomous", "okrug", "округ",
    "ao", "aok", "aob", "okr", "avt", "a", "of", "the",
)  # fmt: skip
GENERIC_WORDS = CITY_WORDS | REGION_WORDS | OTHER_WORDS


@dataclass(frozen=True, slots=True)
class NameKey:
    """The comparison keys of one name."""

    full: str  # every word
    core: str  # without generic words (the full key when nothing else is left)
    marker: Marker | None  # the input said city (город, shahri ...) or region (oblast ...)


def name_key(text: str) -> NameKey:
    tokens = _tokens(text)
    core = [t for t in tokens if t not in GENERIC_WORDS]
    said_city = any(t in CITY_WORDS for t in tokens)
    said_region = any(t in REGION_WORDS for t in tokens)
    marker: Marker | None = None
    if said_city != said_region:
        marker = "city" if said_city else "region"
    full = _DOUBLES.sub(r"\1", "".join(tokens))
    return NameKey(full, _DOUBLES.sub(r"\1", "".join(core)) or full, marker)


T = TypeVar("T")


class NameIndex(Generic[T]):
    """Items by the keys of their names; insertion order is kept."""

    def __init__(self) -> None:
        self._core: dict[str, list[T]] = {}
        self._full: dict[str, list[T]] = {}

    def add(self, item: T, names: Iterable[str]) -> None:
        for name in names:
            key = name_key(name)
            for table, k in ((self._core, key.core), (self._full, key.full)):
                items = table.setdefault(k, [])
                if k and item not in items:
                    items.append(item)

    def find(self, key: NameKey) -> list[T]:
        """Items with a name of the same core key (or, failing that, the same full key)."""
        return list(self._core.get(key.core) or self._full.get(key.full) or [])

    def exact(self, key: NameKey) -> list[T]:
        """Items with a name of the same full key (generic words included)."""
        return list(self._full.get(key.full, []))

    def near(self, key: NameKey, keep: Callable[[T], bool], limit: int = 5) -> list[T]:
        """Up to ``limit`` items whose names are close to ``key``, closest first."""
        out: list[T] = []
        close = difflib.get_close_matches(key.core, self._core, n=50, cutoff=0.6)
        for k in close:
            for item in self._core[k]:
                if keep(item) and item not in out:
                    out.append(item)
        return out[:limit]


class UnknownPlace(ValueError):
    """A name that matches no place, or several; the message names the candidates."""

    def __init__(self, message: str, query: str = "", candidates: Iterable[str] = ()) -> None:
        super().__init__(message)
        self.query = query
        self.candidates = tuple(candidates)


def resolve(
    index: NameIndex[T],
    name: str,
    what: str,
    *,
    label: Callable[[T], str],
    keep: Callable[[T], bool] = lambda _: True,
    where: str | None = None,
    is_city: Callable[[T], bool] | None = None,
    hint: Iterable[T] = (),
) -> T:
    """The one item of ``index`` named ``name``, else :class:`UnknownPlace`.

    Items failing ``keep`` are ignored. When several share the key and ``is_city`` is
    given, the input's marker decides: a city word keeps the cities, anything else the
    others (a bare name means the region). A tie left is broken by an exact spelling.
    ``hint`` items lead the suggestions when nothing matches.
    """
    key = name_key(name)
    found = [x for x in index.find(key) if keep(x)]
    if len(found) > 1 and key.marker is None:
        # A spelling only one of them carries wins (a bare "Moscow" is the city).
        exact_first = [x for x in index.exact(key) if x in found]
        found = exact_first if len(exact_first) == 1 else found
    if len(found) > 1 and is_city is not None:
        cities = [x for x in found if is_city(x)]
        found = (cities if key.marker == "city" else [x for x in found if not is_city(x)]) or found
    if len(found) > 1:
        exact = [x for x in index.exact(key) if x in found]
        found = exact if len(exact) == 1 else found
    if len(found) == 1:
        return found[0]
    place = f"{what} {name!r}" + (f" in {where}" if where else "")
    if found:
        names = [label(x) for x in found[:5]]
        raise UnknownPlace(f"ambiguous {place}; could be: {', '.join(names)}", name, names)
    near = [x for x in hint if keep(x)] + index.near(key, keep)
    names = list(dict.fromkeys(label(x) for x in near))[:5]
    message = f"unknown {place}" + (f"; did you mean: {', '.join(names)}" if names else "")
    raise UnknownPlace(message, name, names)
