"""A simple fold of names and document numbers so that Cyrillic and Latin spellings meet.

``fold("Айгуль") == fold("Aigul") == "aigul"``. Cyrillic is transliterated letter by letter,
then the spellings that differ most often between the two scripts (dzh/j, kh/h, y/i, soft and
hard signs) are collapsed. This is a search key, not a transliteration for display.
"""

from __future__ import annotations

import re
import unicodedata

_CYRILLIC = {
    "а": "a", "б": "b", "в": "v", "г": "g", "д": "d", "е": "e", "ё": "e", "ж": "j",
    "з": "z", "и": "i", "й": "i", "к": "k", "л": "l", "м": "m", "н": "n", "о": "o",
    "п": "p", "р": "r", "с": "s", "т": "t", "у": "u", "ф": "f", "х": "h", "ц": "ts",
    "ч": "ch", "ш": "sh", "щ": "sh", "ъ": "", "ы": "i", "ь": "", "э": "e", "ю": "iu",
    "я": "ia", "ә": "a", "ғ": "g", "қ": "k", "ң": "n", "ө": "o", "ұ": "u", "ү": "u",
    "һ": "h", "і": "i", "ҳ": "h", "ҷ": "j", "ӣ": "i", "ӯ": "u", "ў": "u",
}
# Applied in order to the Latin form: the longest spellings first.
_LATIN = [
    ("dzh", "j"), ("dj", "j"), ("zh", "j"), ("kh", "h"), ("yu", "iu"), ("ya", "ia"),
    ("yo", "e"), ("y", "i"), ("sch", "sh"), ("q", "k"), ("w", "v"), ("x", "ks"),
]
_WORD = re.compile(r"[^\W_]+")


def fold(text: str) -> str:
    """The search key of one word or phrase (words joined by single spaces)."""
    return " ".join(fold_words(text))


def fold_words(text: str) -> list[str]:
    out = []
    for word in _WORD.findall(text.lower()):
        latin = "".join(_CYRILLIC.get(ch, ch) for ch in word)
        latin = unicodedata.normalize("NFKD", latin)
        latin = "".join(ch for ch in latin if not unicodedata.combining(ch))
        for old, new in _LATIN:
            latin = latin.replace(old, new)
        if latin:
            out.append(latin)
    return out
