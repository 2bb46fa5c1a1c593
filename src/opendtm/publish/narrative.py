"""The narrative paragraphs of a country section, generated from its figures in EN or RU.

Every number in a sentence comes from the figures (after disclosure control, so a
suppressed count reads ``x``); nothing is typed by hand.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from . import i18n
from .i18n import count, num


def people(lang: str, block: dict[str, Any]) -> str:
    """``295 vulnerable migrants (163 male, 132 female), aged 2 to 69, including 11 minors
    (3 boys, 8 girls)``; Russian: ``295 уязвимых мигрантов (163 мужчины, 132 женщины) в
    возрасте от 2 до 69 лет, в том числе 11 несовершеннолетних (3 мальчика, 8 девочек)``."""
    sexes = [count(lang, block["male"], "male"), count(lang, block["female"], "female")]
    if block.get("not_recorded"):
        sexes.append(count(lang, block["not_recorded"], "not_recorded"))
    out = f"{count(lang, block['total'], 'migrant')} ({', '.join(sexes)})"
    ages = age_range(lang, block)
    if ages:
        out += f", {ages}" if lang == "en" else f" {ages}"
    if block.get("minors"):
        kids = f"{count(lang, block['boys'], 'boy')}, {count(lang, block['girls'], 'girl')}"
        minors = count(lang, block["minors"], "minor")
        out += (f", including {minors} ({kids})" if lang == "en"
                else f", в том числе {minors} ({kids})")
    return out


def age_range(lang: str, block: dict[str, Any]) -> str:
    low, high = block.get("age_min_months"), block.get("age_max_years")
    if low is None or high is None:
        return ""
    if low < 12:
        start = count(lang, low, "months_from")
        return (f"aged {start} to {high} years" if lang == "en"
                else f"в возрасте от {start} до {count(lang, high, 'years_upto')}")
    years = low // 12
    return (f"aged {years} to {high}" if lang == "en"
            else f"в возрасте от {years} до {count(lang, high, 'years_upto')}")


def breakdown(lang: str, cells: dict[str, Any], kind: str = "country") -> str:
    """``Uzbekistan (40), Moldova (38) and Ukraine (x)``, largest first, suppressed last."""
    order = sorted(cells.items(), key=lambda kv: (kv[1] is None, -(kv[1] or 0)))

    def names(code: str) -> str:
        if kind == "country":
            return i18n.country_name(lang, code)
        if kind == "category":
            return i18n.label(lang, kind, code).lower()
        return i18n.label(lang, kind, code)

    return i18n.listing(lang, [f"{names(code)} ({num(lang, n)})" for code, n in order])


def paragraphs(
    lang: str, country: str, block: dict[str, Any], start: dt.date, end: dt.date
) -> list[str]:
    """The section's paragraphs, in the seed's order: coverage, people, then each kind of
    help, families, vulnerabilities and consultations."""
    en = lang == "en"
    out: list[str] = []
    cov = block.get("coverage", {})
    regions = [i18n.region_name(lang, c) for c in cov.get("region_codes", [])]
    if cov.get("partners"):
        who = count(lang, cov["partners"], "partner")
        where = i18n.listing(lang, regions)
        a, b = i18n.date(lang, start), i18n.date(lang, end)
        out.append(f"Between {a} and {b}, {who} provided assistance to vulnerable migrants in "
                   f"{where}." if en else
                   f"С {a} г. по {b} г. помощь уязвимым мигрантам оказывали {who} в "
                   f"следующих регионах: {where}.")
    ind = block.get("individuals")
    if ind:
        kinds = breakdown(lang, _without(block.get("by_category", {}), "consultation"),
                          "category")
        out.append(f"In total, {people(lang, ind)}, received assistance: {kinds}." if en else
                   f"Всего помощь получили {people(lang, ind)}. Виды помощи: {kinds}.")
    ret = block.get("returnees")
    if ret and ret.get("total"):
        nat = breakdown(lang, ret.get("by_nationality", {}))
        out.append(f"Among them, {count(lang, ret['total'], 'migrant')} are returnees, "
                   f"citizens of {nat}." if en else
                   f"Среди них {count(lang, ret['total'], 'migrant')} — вернувшиеся на "
                   f"родину граждане: {nat}.")
    prev = block.get("by_previous_country")
    if prev:
        out.append(f"Before assistance they had been in {breakdown(lang, prev)}." if en else
                   f"Страны предыдущего пребывания: {breakdown(lang, prev)}.")
    r = block.get("return")
    if r and r.get("total"):
        dest = breakdown(lang, r.get("by_destination", {}))
        orig = breakdown(lang, r.get("by_origin", {}))
        out.append(f"Assisted voluntary return was provided to {people(lang, r)}. Countries "
                   f"of destination: {dest}; countries they left: {orig}." if en else
                   f"Помощь в добровольном возвращении получили {people(lang, r)}. Страны "
                   f"назначения: {dest}; страны выезда: {orig}.")
    pre = block.get("pre_departure")
    if pre and pre.get("total"):
        nat = breakdown(lang, pre.get("by_nationality", {}))
        status = breakdown(lang, pre.get("by_status", {}), "status").replace(" (", ": ")
        status = status.replace(")", "")
        out.append(f"Pre-departure assistance (documents, medical examinations, PCR tests, "
                   f"transport) was provided to {count(lang, pre['total'], 'migrant')} "
                   f"({status}), citizens of {nat}." if en else
                   f"Помощь перед выездом (документы, медосмотр, ПЦР-тесты, транспорт) "
                   f"получили {count(lang, pre['total'], 'migrant')} ({status}), граждане: "
                   f"{nat}.")
    food = block.get("food_nfi")
    if food and food.get("total"):
        nat = breakdown(lang, food.get("by_nationality", {}))
        out.append(f"Food and non-food items were provided to {people(lang, food)}, citizens "
                   f"of {nat}." if en else
                   f"Продукты питания и непродовольственные товары получили "
                   f"{people(lang, food)}; граждане: {nat}.")
    fam = block.get("families")
    if fam and fam.get("total"):
        who = count(lang, fam["total"], "family")
        nat = breakdown(lang, fam.get("by_nationality", {}))
        out.append(f"Assistance was also provided to {who}, from {nat}." if en else
                   f"Помощь также получили {who}; страны происхождения: {nat}.")
    vul = block.get("vulnerabilities")
    if vul:
        out.append(f"Vulnerabilities identified (individuals): "
                   f"{breakdown(lang, vul, 'vulnerability')}." if en else
                   f"Выявленные уязвимости (человек): {breakdown(lang, vul, 'vulnerability')}.")
    cons = block.get("consultations")
    if cons and cons.get("total"):
        n = count(lang, cons["total"], "consultation")
        m, f, law = (num(lang, cons[k]) for k in ("male", "female", "migration_law"))
        out.append(f"{n} were given ({m} to men, {f} to women), {law} of them on migration "
                   f"law: registration, residence permits, citizenship and voluntary return."
                   if en else
                   f"Проведено: {n} ({m} — мужчинам, {f} — женщинам), из них {law} — по "
                   f"вопросам миграционного законодательства: регистрация, разрешение на "
                   f"временное проживание, гражданство и добровольное возвращение.")
    merged = block.get("dedup", {}).get("merged")
    if merged:
        dups = count(lang, merged, "duplicate")
        out.append(f"{dups} of persons registered more than once were merged: each person is "
                   f"counted once." if en else
                   f"Объединено: {dups} о людях, зарегистрированных более одного раза; "
                   f"каждый человек учтён один раз.")
    return [p[0].upper() + p[1:] for p in out]


def _without(cells: dict[str, Any], key: str) -> dict[str, Any]:
    return {k: v for k, v in cells.items() if k != key}
