"""English and Russian for the bulletin: labels, plural forms, numbers, dates, place names.

Plural categories come from Babel (CLDR): Russian has ``one`` (1, 21, 101...), ``few``
(2-4, 22-24...) and ``many`` (0, 5-20, 25-30...); English has ``one`` and ``other``. A
suppressed count is shown as ``x`` and takes the ``many``/``other`` form.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from babel import Locale
from babel.dates import format_date
from babel.numbers import format_decimal

from opendtm.domain.gazetteer import UnknownPlace, gazetteer

LANGUAGES = ("en", "ru")
SUPPRESSED = "x"

# noun forms by plural category: English one, other; Russian one (1, 21), few (2-4),
# many (0, 5-20) and other (fractions)
EN_FORMS = ("one", "other")
RU_FORMS = ("one", "few", "many", "other")
_NOUN_FORMS: dict[str, tuple[str, ...]] = {
    "migrant": ("vulnerable migrant", "vulnerable migrants", "уязвимый мигрант",
                "уязвимых мигранта", "уязвимых мигрантов", "уязвимого мигранта"),
    "male": ("male", "male", "мужчина", "мужчины", "мужчин", "мужчины"),
    "female": ("female", "female", "женщина", "женщины", "женщин", "женщины"),
    "not_recorded": ("sex not recorded", "sex not recorded", *["без указания пола"] * 4),
    "minor": ("minor", "minors", "несовершеннолетний", "несовершеннолетних",
              "несовершеннолетних", "несовершеннолетнего"),
    "boy": ("boy", "boys", "мальчик", "мальчика", "мальчиков", "мальчика"),
    "girl": ("girl", "girls", "девочка", "девочки", "девочек", "девочки"),
    "partner": ("partner", "partners", "партнёр", "партнёра", "партнёров", "партнёра"),
    "family": ("family", "families", "семья", "семьи", "семей", "семьи"),
    "consultation": ("consultation", "consultations", "консультация", "консультации",
                     "консультаций", "консультации"),
    "duplicate": ("duplicate record", "duplicate records", "повторная запись",
                  "повторные записи", "повторных записей", "повторной записи"),
    # "aged 2 to 69" / "в возрасте от 2 до 69 лет": genitive after до
    "years_upto": ("", "", "года", "лет", "лет", "года"),
    "months_from": ("month", "months", "месяца", "месяцев", "месяцев", "месяца"),
}
Nouns = dict[str, dict[str, dict[str, str]]]


def noun_table(table: dict[str, tuple[str, ...]]) -> Nouns:
    """``{noun: (en one, en other, ru one, ru few, ru many, ru other)}`` as
    ``{noun: {lang: {plural category: word}}}``."""
    return {noun: {"en": dict(zip(EN_FORMS, forms[:2], strict=True)),
                   "ru": dict(zip(RU_FORMS, forms[2:], strict=True))}
            for noun, forms in table.items()}


NOUNS = noun_table(_NOUN_FORMS)


def plural_form(lang: str, n: int | None) -> str:
    if n is None:
        return "many" if lang == "ru" else "other"
    return str(Locale.parse(lang).plural_form(n))


def count(lang: str, n: int | None, noun: str, nouns: Nouns = NOUNS) -> str:
    """``295 vulnerable migrants``, ``21 уязвимый мигрант``, ``x boys``."""
    forms = nouns[noun][lang]
    word = forms.get(plural_form(lang, n), forms["other"])
    return f"{num(lang, n)} {word}".rstrip()


def num(lang: str, n: int | None) -> str:
    if n is None:
        return SUPPRESSED
    return format_decimal(n, locale=lang, group_separator=True)


def percent(lang: str, part: int | None, whole: int | None) -> str:
    if part is None or not whole:
        return SUPPRESSED
    return f"{round(100 * part / whole)}%" if lang == "en" else f"{round(100 * part / whole)} %"


def date(lang: str, day: dt.date) -> str:
    return format_date(day, "d MMMM y", locale=lang)


def country_name(lang: str, code: str) -> str:
    try:
        country = gazetteer().country(code)
    except UnknownPlace:
        return code
    if lang == "ru":
        return country.name_ru
    return str(Locale.parse("en").territories.get(country.iso2, country.name_en))


def region_name(lang: str, code: str) -> str:
    try:
        unit = gazetteer().admin1(code)
    except UnknownPlace:
        return code
    return unit.name_ru if lang == "ru" else unit.name_en


def city_name(lang: str, name: str, country: str) -> str:
    try:
        city = gazetteer().city(name, country)
    except UnknownPlace:
        return name
    return city.name_ru if lang == "ru" else city.name_en


def listing(lang: str, items: list[str]) -> str:
    """``a, b and c`` / ``a, b и c``."""
    if len(items) <= 1:
        return "".join(items)
    return f"{', '.join(items[:-1])} {'and' if lang == 'en' else 'и'} {items[-1]}"


def label(lang: str, group: str, code: str) -> str:
    return LABELS.get(group, {}).get(code, {}).get(lang, code.replace("_", " "))


def text(lang: str, key: str, **values: Any) -> str:
    return TEXT[key][lang].format(**values)


def _pairs(table: dict[str, dict[str, tuple[str, str]]]) -> dict[str, dict[str, dict[str, str]]]:
    """``{group: {code: (English, Russian)}}`` as ``{group: {code: {lang: label}}}``."""
    return {group: {code: dict(zip(LANGUAGES, pair, strict=True))
                    for code, pair in codes.items()}
            for group, codes in table.items()}


LABELS = _pairs({
    "sex": {"m": ("Male", "Мужчины"), "f": ("Female", "Женщины"),
            "not_recorded": ("Not recorded", "Не указан")},
    "category": {
        "food_nfi": ("Food and non-food items", "Продукты и непрод. товары"),
        "shelter": ("Temporary shelter", "Временное жильё"),
        "medical": ("Medical assistance", "Медицинская помощь"),
        "return": ("Assisted voluntary return", "Добровольное возвращение"),
        "transport": ("Transportation", "Транспорт"),
        "documents": ("Documents", "Документы"),
        "consultation": ("Consultations", "Консультации"),
        "monitoring": ("Monitoring on arrival", "Мониторинг по прибытии"),
        "other": ("Other", "Другое"),
    },
    "vulnerability": {
        "vot": ("victims of trafficking", "жертвы торговли людьми"),
        "gbv": ("domestic or gender-based violence", "бытовое или гендерное насилие"),
        "disability": ("disability", "инвалидность"),
        "pregnant": ("pregnancy", "беременность"),
        "undocumented": ("undocumented", "без документов"),
        "income_loss": ("loss of income", "потеря дохода"),
        "child_no_services": ("children without access to services",
                              "дети без доступа к услугам"),
        "serious_illness": ("serious illness", "тяжёлое заболевание"),
        "exploitation": ("exploitation", "эксплуатация"),
    },
    "status": {"stranded": ("stranded", "застрявшие"), "returnee": ("returnees", "вернувшиеся"),
               "other": ("other", "другие")},
})

TEXT: dict[str, dict[str, str]] = {
    "contents": {"en": "Contents", "ru": "Содержание"},
    "about": {"en": "About the project", "ru": "О проекте"},
    "purpose": {"en": "Purpose of the bulletin", "ru": "Цель бюллетеня"},
    "section": {"en": "Direct assistance: {country}", "ru": "Прямая помощь: {country}"},
    "definitions": {"en": "Definitions", "ru": "Определения"},
    "rules": {"en": "Counting rules", "ru": "Правила подсчёта"},
    "annex": {"en": "Annex: data quality problems", "ru": "Приложение: проблемы качества данных"},
    "figure": {"en": "Figure {n}: {caption}", "ru": "Рисунок {n}: {caption}"},
    "table": {"en": "Key figures, {country}", "ru": "Основные показатели, {country}"},
    "internal": {
        "en": "INTERNAL: exact counts, small numbers not suppressed. Not for publication.",
        "ru": "ДЛЯ СЛУЖЕБНОГО ПОЛЬЗОВАНИЯ: точные данные без скрытия малых чисел. "
              "Не для публикации.",
    },
    "suppressed_note": {
        "en": "x: not published to protect identities (a count under {threshold}, or one "
              "from which such a count could be worked out).",
        "ru": "x: не публикуется для защиты личности (число меньше {threshold} или число, "
              "по которому его можно вычислить).",
    },
    "period": {"en": "Reporting period: {start} to {end}", "ru": "Отчётный период: с {start} "
               "по {end}"},
    "page": {"en": "Page", "ru": "Стр."},
    "cap_map": {"en": "Geographic coverage (direct assistance), {country}",
                "ru": "Географический охват (прямая помощь), {country}"},
    "cap_sex": {"en": "Share of migrants who received direct assistance, by sex, {country}",
                "ru": "Доля мигрантов, получивших прямую помощь, по полу, {country}"},
    "cap_type": {"en": "Migrants who received direct assistance, by type of assistance, "
                 "{country}", "ru": "Мигранты, получившие прямую помощь, по видам помощи, "
                 "{country}"},
    "cap_dest": {"en": "Migrants who received return assistance, by country of destination, "
                 "{country}", "ru": "Мигранты, получившие помощь в возвращении, по странам "
                 "назначения, {country}"},
    "cap_fam": {"en": "Migrant families who received assistance, by country of origin, "
                "{country}", "ru": "Семьи мигрантов, получившие помощь, по странам "
                "происхождения, {country}"},
    "cap_cons": {"en": "Consultations given, by sex, {country}",
                 "ru": "Проведённые консультации, по полу, {country}"},
    "axis_people": {"en": "individuals", "ru": "человек"},
    "axis_families": {"en": "families", "ru": "семей"},
    "axis_contacts": {"en": "consultations", "ru": "консультаций"},
    "cities": {"en": "places of assistance", "ru": "места оказания помощи"},
    "col_scope": {"en": "Country / partner", "ru": "Страна / партнёр"},
    "col_total": {"en": "Individuals", "ru": "Человек"},
    "col_male": {"en": "Male", "ru": "Муж."},
    "col_female": {"en": "Female", "ru": "Жен."},
    "col_nr": {"en": "Sex n/r", "ru": "Пол н/у"},
    "col_minors": {"en": "Minors", "ru": "Несоверш."},
    "col_boys": {"en": "Boys", "ru": "Мальч."},
    "col_girls": {"en": "Girls", "ru": "Дев."},
    "col_ages": {"en": "Ages", "ru": "Возраст"},
    "col_return": {"en": "Return", "ru": "Возвр."},
    "col_food": {"en": "Food/NFI", "ru": "Прод./НПТ"},
    "col_families": {"en": "Families", "ru": "Семьи"},
    "col_cons": {"en": "Consult.", "ru": "Конс."},
    "all_partners": {"en": "All partners", "ru": "Все партнёры"},
    "built": {"en": "Built {when} from {database}; input hash {hash}.",
              "ru": "Собран {when} из {database}; хеш входных данных {hash}."},
    "no_problems": {"en": "No problems.", "ru": "Проблем нет."},
}
