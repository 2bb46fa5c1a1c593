"""Synthetic person records with a known truth, for measuring de-duplication.

N persons are drawn from Central Asian and Russian naming patterns; 10% of them are
registered a second time by another partner, with the variation seen in the field: the
other script, another romanisation (BGN/PCGN, ICAO, Uzbek Latin, French-style, informal), a
typo, family and given name swapped, the patronymic left out, an age instead of the birth
date, day and month swapped. Column ``person`` is the truth. Every name is fictional.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Iterator
from typing import Any

import pyarrow as pa


def _words(text: str) -> list[str]:
    return text.split()


MALE = _words(
    "Абдулла Абдурахмон Акбар Алишер Анвар Бахтиёр Бахром Бобур Ботир Валижон Гайрат Далер "
    "Джамшед Джахонгир Диёр Достон Жасур Журабек Зафар Зиёд Ибрагим Иброхим Илхом Исмоил "
    "Камол Карим Лочин Мансур Мирзо Мухаммад Мурод Нодир Носир Нуриддин Одил Отабек Парвиз "
    "Равшан Рахим Рустам Саид Сардор Санжар Сухроб Тимур Толиб Улугбек Умар Фаррух Фарход "
    "Хасан Хусейн Шавкат Шахзод Шерзод Шохрух Шухрат Эркин Юсуф Якуб Азамат Айбек Бакыт "
    "Мирлан Нурлан Тилек Улан Эрлан Ерлан Асхат Даурен Арман Бауыржан Нурсултан Кайрат "
    "Алексей Дмитрий Сергей Иван Николай Павел Андрей Олег Юрий Владимир Фёдор Илья"
)
FEMALE = _words(
    "Дилноза Феруза Камола Муниса Севара Гулчехра Мадина Зарина Нигора Гулнора Шахноза "
    "Мехрангез Малика Нодира Озода Сабина Саида Сайёра Тахмина Умеда Фарзона Хилола Шоира "
    "Айгуль Жылдыз Нургуль Айжан Бермет Чолпон Гульнара Айгерим Динара Жанар Асель "
    "Гульмира Сауле Ольга Елена Наталья Ирина Татьяна Марина Мария Юлия Дарья Зухра Лола"
)
ROOTS = _words(
    "Рахим Назар Саид Джура Карим Шариф Юсуп Турсун Мамат Хасан Эргаш Исмоил Касым Омар "
    "Ахмет Алим Усман Абдулла Бобо Рашид Сафар Султан Тошмат Ибрагим Каххор Набиев Файзулла "
    "Хамид Холмат Шукур Юлдаш Ахмад Аббос Бакир Валий Гафур Давлат Зокир Икром Кодир Латиф "
    "Махмуд Муса Нур Одина Пулат Рауф Салим Тагай Умар Файзи Халил Чори Эшмат Ярмат Кадыр "
    "Токтогул Жумабек Осмонал Бейшенал Сатыбалд Абдыкалык Сулеймен Жаксылык Смирн Кузнец"
)
NATIONALITIES = ["UZB", "TJK", "KGZ", "KAZ", "RUS"]
NATIONALITY_WEIGHTS = [40, 30, 15, 10, 5]

# Cyrillic -> Latin in the systems users type; the first matching key wins.
_COMMON = {"а": "a", "б": "b", "в": "v", "г": "g", "д": "d", "з": "z", "и": "i", "к": "k",
           "л": "l", "м": "m", "н": "n", "о": "o", "п": "p", "р": "r", "с": "s", "т": "t",
           "у": "u", "ф": "f", "ц": "ts", "ч": "ch", "ш": "sh", "э": "e", "ъ": "", "ы": "y",
           "ё": "yo", "ю": "yu", "я": "ya", "й": "y", "ь": "", "е": "e", "ж": "zh", "х": "kh",
           "щ": "shch", "ғ": "gh", "қ": "q", "ҳ": "h", "ў": "u", "ҷ": "j", "ң": "ng", "ө": "o",
           "ү": "u", "ұ": "u", "ә": "a", "і": "i", "һ": "h", "ӣ": "i", "ӯ": "u"}
SYSTEMS: dict[str, dict[str, str]] = {
    "bgn": {**_COMMON, "ь": "'", "е^": "ye"},
    "icao": {**_COMMON, "й": "i", "ё": "e", "ю": "iu", "я": "ia", "ъ": "ie", "ы": "y"},
    "uzbek": {**_COMMON, "дж": "j", "ж": "j", "х": "x", "ў": "o'", "ғ": "g'", "ц": "s",
              "е^": "ye", "ы": "i"},
    "french": {**_COMMON, "дж": "dj", "ж": "j", "у": "ou", "х": "kh", "ы": "y"},
    "informal": {**_COMMON, "дж": "j", "ж": "j", "х": "h", "ы": "i", "щ": "sh"},
}
VOWELS = set("аеёиоуыэюяөүұәі")


def romanise(text: str, system: str) -> str:
    table = SYSTEMS[system]
    out: list[str] = []
    i, low = 0, text.lower()
    while i < len(low):
        if low[i : i + 2] in table:
            out.append(table[low[i : i + 2]])
            i += 2
            continue
        ch = low[i]
        start = i == 0 or low[i - 1] in VOWELS or low[i - 1] in "ьъ"
        out.append(table.get(ch + "^", table.get(ch, ch)) if start else table.get(ch, ch))
        i += 1
    return "".join(out).capitalize()


def _typo(rng: random.Random, word: str) -> str:
    if len(word) < 4:
        return word
    i = rng.randrange(1, len(word) - 1)
    kind = rng.randrange(4)
    letters = "абвгдежзиклмнопрстуфхш" if word[0] >= "\u0400" else "abdeghiklmnorstuvz"
    if kind == 0:
        return word[:i] + rng.choice(letters) + word[i + 1 :]
    if kind == 1:
        return word[:i] + word[i + 1 :]
    if kind == 2:
        return word[:i] + rng.choice(letters) + word[i:]
    return word[:i] + word[i + 1] + word[i] + word[i + 2 :]


def _person(rng: random.Random, pid: int) -> dict[str, Any]:
    sex = rng.choice("mf")
    given = rng.choice(MALE if sex == "m" else FEMALE)
    root = rng.choice(ROOTS) if rng.random() < 0.5 else rng.choice(MALE[:70])
    ending = rng.choices(["ов", "зода", "и", "бекова" if sex == "f" else "беков"], [80, 8, 6, 6])[0]
    family = root + ending + ("а" if sex == "f" and ending == "ов" else "")
    father = rng.choice(MALE)
    style = rng.random()
    patronymic = (father + ("ович" if sex == "m" else "овна")) if style < 0.4 else (
        father + (" ўғли" if sex == "m" else " қизи")) if style < 0.55 else None
    dob = dt.date(1960, 1, 1) + dt.timedelta(days=rng.randrange(45 * 365))
    return {"person": pid, "sex": sex, "given": given, "family": family,
            "patronymic": patronymic, "dob": dob,
            "nationality": rng.choices(NATIONALITIES, NATIONALITY_WEIGHTS)[0],
            "document": f"{rng.choice('ABCKNP')}{rng.choice('ABCKNP')}{rng.randrange(10**7):07d}"
            if rng.random() < 0.4 else None}


VARIATIONS = ("script", "romanisation", "typo", "swap", "no_patronymic", "age", "day_month")


def _record(rng: random.Random, p: dict[str, Any], uid: int, partner: int,
            variations: set[str], system: str | None) -> dict[str, Any]:
    given, family, patronymic = p["given"], p["family"], p["patronymic"]
    if system is not None:
        given, family = romanise(given, system), romanise(family, system)
        patronymic = " ".join(romanise(w, system) for w in patronymic.split()) \
            if patronymic else None
    if "typo" in variations:
        if rng.random() < 0.5:
            given = _typo(rng, given)
        else:
            family = _typo(rng, family)
    if "swap" in variations:
        given, family = family, given
    if "no_patronymic" in variations:
        patronymic = None
    registered = dt.date(2020, 10, 1) + dt.timedelta(days=rng.randrange(210))
    dob: dt.date | None = p["dob"]
    age = None
    if "age" in variations and dob is not None:
        age = registered.year - dob.year - ((registered.month, registered.day) <
                                            (dob.month, dob.day))
        dob = None
    elif "day_month" in variations and dob is not None and dob.day <= 12:
        dob = dt.date(dob.year, dob.day, dob.month)
    document = p["document"] if rng.random() < 0.7 else None
    return {"unique_id": uid, "person": p["person"], "partner": f"P{partner:02d}",
            "beneficiary_id": f"B{uid:08d}", "given_name": given, "family_name": family,
            "patronymic": patronymic, "sex": p["sex"], "date_of_birth": dob,
            "age_years": age, "registered_on": registered, "nationality": p["nationality"],
            "document_number": document}


def _records(n: int, rng: random.Random, partners: int) -> Iterator[dict[str, Any]]:
    uid = 0
    for pid in range(n):
        p = _person(rng, pid)
        first_system = None if rng.random() < 0.5 else rng.choice(list(SYSTEMS))
        first_partner = rng.randrange(partners)
        uid += 1
        yield _record(rng, p, uid, first_partner, set(), first_system)
        if rng.random() >= 0.1:
            continue
        variations = set(rng.sample(VARIATIONS, rng.randint(1, 3)))
        system = first_system
        if "script" in variations:
            system = rng.choice(list(SYSTEMS)) if first_system is None else None
        if "romanisation" in variations:
            system = rng.choice([s for s in SYSTEMS if s != system])
        # Most duplicates come from another partner; some partners register a person twice.
        other = first_partner if rng.random() < 0.15 else rng.choice(
            [i for i in range(partners) if i != first_partner])
        uid += 1
        yield _record(rng, p, uid, other, variations, system)


def synthetic_persons(n: int, seed: int = 1, partners: int = 12) -> pa.Table:
    """N persons, 10% of them registered twice (about 1.1 N records); ``person`` is the truth."""
    return pa.Table.from_pylist(list(_records(n, random.Random(seed), partners)))
