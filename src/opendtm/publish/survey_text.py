"""English and Russian words of survey bulletins 1-5 (the rest comes from ``i18n``)."""

from __future__ import annotations

from typing import Any

from babel.numbers import format_decimal

from . import i18n

NOUNS = i18n.noun_table({
    "respondent": ("respondent", "respondents", "респондент", "респондента", "респондентов",
                   "респондента"),
    "returnee": ("returnee", "returnees", "вернувшийся мигрант", "вернувшихся мигранта",
                 "вернувшихся мигрантов", "вернувшегося мигранта"),
    "stranded_migrant": ("stranded migrant", "stranded migrants", "застрявший мигрант",
                         "застрявших мигранта", "застрявших мигрантов",
                         "застрявшего мигранта"),
})


def count(lang: str, n: int | None, noun: str) -> str:
    return i18n.count(lang, n, noun if noun in NOUNS else "respondent", NOUNS)


def pct(lang: str, value: float | None) -> str:
    """``45%`` / ``45 %``; a withheld percentage reads ``x``."""
    if value is None:
        return i18n.SUPPRESSED
    shown = format_decimal(round(value), locale=lang)
    return f"{shown}%" if lang == "en" else f"{shown}\u00a0%"


def decimal(lang: str, value: float | None) -> str:
    if value is None:
        return i18n.SUPPRESSED
    return format_decimal(round(value, 1), format="#,##0.#", locale=lang)


def text(lang: str, key: str, **values: Any) -> str:
    """A survey bulletin's own wording, else the assistance bulletin's (``i18n.TEXT``)."""
    return (TEXT.get(key) or i18n.TEXT[key])[lang].format(**values)


def label(lang: str, labels: dict[str, str], fallback: str) -> str:
    return labels.get(lang) or labels.get("en") or fallback.replace("_", " ")


CLASS_TITLES = {
    "returnee": {"en": "Returnees", "ru": "Вернувшиеся мигранты"},
    "stranded_migrant": {"en": "Stranded migrants", "ru": "Застрявшие мигранты"},
}


def class_title(lang: str, klass: str, labels: dict[str, str]) -> str:
    """``Returnees``: a class of respondents, in the plural."""
    return CLASS_TITLES.get(klass, {}).get(lang) or label(lang, labels, klass)


TEXT: dict[str, dict[str, str]] = {
    "methodology": {"en": "Methodology", "ru": "Методология"},
    "sample": {"en": "Sample", "ru": "Выборка"},
    "sampling": {"en": "Sampling and its limits", "ru": "Выборка и её ограничения"},
    "col_country": {"en": "Country", "ru": "Страна"},
    "col_class": {"en": "Respondents", "ru": "Респонденты"},
    "col_n": {"en": "Interviewed", "ru": "Опрошено"},
    "col_male": {"en": "Men", "ru": "Мужчины"},
    "col_female": {"en": "Women", "ru": "Женщины"},
    "col_period": {"en": "Interviews", "ru": "Интервью"},
    "col_places": {"en": "Locations", "ru": "Места опроса"},
    "not_classified": {
        "en": "{n} further respondents did not meet every criterion of the definitions and "
              "are not counted: {reasons}.",
        "ru": "Ещё {n} не соответствуют всем критериям определений и не учтены: {reasons}.",
    },
    "section": {"en": "{klass}, {country}", "ru": "{klass}, {country}"},
    "base": {"en": "n = {n}", "ru": "n = {n}"},
    "withheld": {
        "en": "Not shown: {n} answered, fewer than {min_base}.",
        "ru": "Не приводится: ответили {n}, меньше {min_base}.",
    },
    "withheld_short": {"en": "not shown: fewer than {min_base} answered",
                       "ru": "не приводится: ответили менее {min_base}"},
    "withheld_note": {
        "en": "Percentages on fewer than {min_base} respondents are not shown; x: a count "
              "under {threshold} in a breakdown by sex or age, or one from which it could be "
              "worked out, is not published.",
        "ru": "Проценты при базе менее {min_base} респондентов не приводятся; x: число меньше "
              "{threshold} в разбивке по полу или возрасту или число, по которому его можно "
              "вычислить, не публикуется.",
    },
    "several": {"en": "several answers possible; shares add up to more than 100%",
                "ru": "возможно несколько ответов; сумма долей больше 100 %"},
    "axis_share": {"en": "% of respondents", "ru": "% респондентов"},
    "men": {"en": "Men", "ru": "Мужчины"},
    "women": {"en": "Women", "ru": "Женщины"},
    "age": {"en": "Age", "ru": "Возраст"},
    "pyramid": {"en": "Respondents by age group and sex, {where}",
                "ru": "Респонденты по возрасту и полу, {where}"},
    "stages": {"en": "{title}: before, during and after migration, {where}",
               "ru": "{title}: до, во время и после миграции, {where}"},
    "before": {"en": "Before migration", "ru": "До миграции"},
    "during": {"en": "During migration", "ru": "Во время миграции"},
    "after": {"en": "After return / now", "ru": "После возвращения / сейчас"},
    "key_numbers": {"en": "Key numbers, {where}", "ru": "Основные показатели, {where}"},
    "col_measure": {"en": "Measure", "ru": "Показатель"},
    "col_mean": {"en": "Mean", "ru": "Среднее"},
    "col_median": {"en": "Median", "ru": "Медиана"},
    "col_range": {"en": "Range", "ru": "Диапазон"},
    "lead": {
        "en": "{who} were interviewed in {country} from {start} to {end}{places}.",
        "ru": "{country}: с {start} по {end} опрошено {who}{places}.",
    },
    "lead_places": {"en": " in {places}", "ru": " ({places})"},
    "sexes": {"en": "{men} were men and {women} women.",
              "ru": "Мужчины составили {men}, женщины — {women}."},
    "most": {"en": "{question}: most often “{option}” ({share} of {n} who answered).",
             "ru": "{question}: чаще всего «{option}» ({share} из {n} ответивших)."},
    "top3": {"en": "The three answers given most often: {items}.",
             "ru": "Три самых частых ответа: {items}."},
    "median": {"en": "{question}: median {median}, mean {mean} ({n} who answered).",
               "ru": "{question}: медиана {median}, среднее {mean} ({n} ответивших)."},
    "built": {"en": "Built {when} from {database}; input hash {hash}.",
              "ru": "Собран {when} из {database}; хеш входных данных {hash}."},
    "contents": {"en": "In this bulletin", "ru": "В этом бюллетене"},
}
