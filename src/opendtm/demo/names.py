"""Fictional names for the demo dataset, by nationality, in Cyrillic with a Latin spelling.

Any resemblance to real people is accidental: names are combined at random from common
given names and family names of each country.
"""

from __future__ import annotations

import random

# (given names male, given names female, family name stems) in Cyrillic.
NAMES: dict[str, tuple[list[str], list[str], list[str]]] = {
    "KGZ": (
        ["Азамат", "Бакыт", "Нурлан", "Улан", "Эрлан", "Тилек", "Мирлан", "Айбек"],
        ["Айгуль", "Жылдыз", "Нургуль", "Айжан", "Бермет", "Чолпон", "Гульнара"],
        ["Абдыкалык", "Сатыбалд", "Токтогул", "Жумабек", "Осмонал", "Бейшенал"],
    ),
    "TJK": (
        ["Фаррух", "Шохрух", "Рустам", "Далер", "Сухроб", "Бахтиёр", "Джамшед"],
        ["Мадина", "Зарина", "Нигора", "Гулнора", "Шахноза", "Мехрангез"],
        ["Рахимов", "Назаров", "Саидов", "Джураев", "Каримов", "Шарипов"],
    ),
    "UZB": (
        ["Шерзод", "Азиз", "Бобур", "Улугбек", "Жасур", "Отабек", "Санжар"],
        ["Дилноза", "Феруза", "Камола", "Муниса", "Севара", "Гулчехра"],
        ["Юсупов", "Турсунов", "Маматов", "Хасанов", "Эргашев", "Исмоилов"],
    ),
    "KAZ": (
        ["Ерлан", "Асхат", "Даурен", "Нурсултан", "Бауыржан", "Арман"],
        ["Айгерим", "Динара", "Жанар", "Асель", "Гульмира", "Сауле"],
        ["Касымов", "Сулейменов", "Омаров", "Ахметов", "Жаксылыков"],
    ),
    "RUS": (
        ["Алексей", "Дмитрий", "Сергей", "Иван", "Николай", "Павел"],
        ["Ольга", "Елена", "Наталья", "Ирина", "Татьяна", "Марина"],
        ["Смирнов", "Кузнецов", "Попов", "Соколов", "Лебедев", "Морозов"],
    ),
    "MDA": (
        ["Ион", "Василе", "Михай", "Андрей", "Георге", "Штефан"],
        ["Мария", "Елена", "Ана", "Наталья", "Кристина", "Виорика"],
        ["Русу", "Чобану", "Мунтяну", "Лупу", "Балан", "Попеску"],
    ),
    "UKR": (
        ["Олег", "Тарас", "Богдан", "Андрей", "Юрий"],
        ["Оксана", "Галина", "Леся", "Ирина", "Ольга"],
        ["Шевченко", "Бондаренко", "Коваленко", "Ткаченко", "Мельник"],
    ),
    "AZE": (["Эльчин", "Рашад", "Тофик"], ["Айтен", "Лейла", "Севиндж"], ["Алиев", "Мамедов"]),
    "AFG": (["Ахмад", "Махмуд", "Хамид"], ["Фатима", "Парвана", "Зухра"], ["Хакими", "Рахими"]),
    "TKM": (["Мерген", "Довлет", "Сердар"], ["Огулджан", "Айна", "Джерен"], ["Ораз", "Атаев"]),
}

LATIN = {
    "а": "a", "б": "b", "в": "v", "г": "g", "д": "d", "е": "e", "ё": "yo", "ж": "zh",
    "з": "z", "и": "i", "й": "y", "к": "k", "л": "l", "м": "m", "н": "n", "о": "o", "п": "p",
    "р": "r", "с": "s", "т": "t", "у": "u", "ф": "f", "х": "kh", "ц": "ts", "ч": "ch",
    "ш": "sh", "щ": "shch", "ъ": "", "ы": "y", "ь": "", "э": "e", "ю": "yu", "я": "ya",
}


def romanise(text: str) -> str:
    """A plain BGN/PCGN-like Latin spelling, as a caseworker might type it."""
    out = []
    for ch in text:
        low = ch.lower()
        latin = LATIN.get(low, ch)
        out.append(latin.capitalize() if ch != low else latin)
    return "".join(out)


def family_name(stem: str, sex: str | None, nationality: str) -> str:
    """Feminine family names in -ова/-ева where the language has them."""
    if sex == "f" and nationality in ("TJK", "UZB", "KAZ", "RUS", "AZE") and stem.endswith("ов"):
        return stem + "а"
    if sex == "f" and stem.endswith("ев"):
        return stem + "а"
    if nationality == "KGZ" and not stem.endswith(("ов", "ев")):
        return stem + ("ова" if sex == "f" else "ов")
    return stem


def person_name(
    rng: random.Random, nationality: str | None, sex: str | None, latin: bool
) -> tuple[str, str]:
    """(given name, family name) for a person of that nationality and sex."""
    males, females, stems = NAMES.get(nationality or "", NAMES["UZB"])
    given = rng.choice(females if sex == "f" else males)
    family = family_name(rng.choice(stems), sex, nationality or "")
    if latin:
        return romanise(given), romanise(family)
    return given, family
