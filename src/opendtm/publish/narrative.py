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


# the sentences of a country section, in the seed's order: (English, Russian) templates
SENTENCES: dict[str, tuple[str, str]] = {
    "coverage": ("Between {start} and {end}, {partners} provided assistance to vulnerable "
                 "migrants in {regions}.",
                 "С {start} г. по {end} г. помощь уязвимым мигрантам оказывали {partners} в "
                 "следующих регионах: {regions}."),
    "individuals": ("In total, {people}, received assistance: {kinds}.",
                    "Всего помощь получили {people}. Виды помощи: {kinds}."),
    "returnees": ("Among them, {count} are returnees, citizens of {nationality}.",
                  "Среди них {count} — вернувшиеся на родину граждане: {nationality}."),
    "previous": ("Before assistance they had been in {countries}.",
                 "Страны предыдущего пребывания: {countries}."),
    "return": ("Assisted voluntary return was provided to {people}. Countries of destination: "
               "{destination}; countries they left: {origin}.",
               "Помощь в добровольном возвращении получили {people}. Страны назначения: "
               "{destination}; страны выезда: {origin}."),
    "pre_departure": ("Pre-departure assistance (documents, medical examinations, PCR tests, "
                      "transport) was provided to {count} ({status}), citizens of "
                      "{nationality}.",
                      "Помощь перед выездом (документы, медосмотр, ПЦР-тесты, транспорт) "
                      "получили {count} ({status}), граждане: {nationality}."),
    "food_nfi": ("Food and non-food items were provided to {people}, citizens of "
                 "{nationality}.",
                 "Продукты питания и непродовольственные товары получили {people}; граждане: "
                 "{nationality}."),
    "families": ("Assistance was also provided to {count}, from {nationality}.",
                 "Помощь также получили {count}; страны происхождения: {nationality}."),
    "vulnerabilities": ("Vulnerabilities identified (individuals): {kinds}.",
                        "Выявленные уязвимости (человек): {kinds}."),
    "consultations": ("{count} were given ({male} to men, {female} to women), {law} of them on "
                      "migration law: registration, residence permits, citizenship and "
                      "voluntary return.",
                      "Проведено: {count} ({male} — мужчинам, {female} — женщинам), из них "
                      "{law} — по вопросам миграционного законодательства: регистрация, "
                      "разрешение на временное проживание, гражданство и добровольное "
                      "возвращение."),
    "dedup": ("{count} of persons registered more than once were merged: each person is "
              "counted once.",
              "Объединено: {count} о людях, зарегистрированных более одного раза; каждый "
              "человек учтён один раз."),
}
# the block whose ``total`` must be non-zero for the sentence to be said (None: any content)
_NEEDS: dict[str, tuple[str, bool]] = {
    "coverage": ("coverage", False), "individuals": ("individuals", False),
    "returnees": ("returnees", True), "previous": ("by_previous_country", False),
    "return": ("return", True), "pre_departure": ("pre_departure", True),
    "food_nfi": ("food_nfi", True), "families": ("families", True),
    "vulnerabilities": ("vulnerabilities", False), "consultations": ("consultations", True),
}


def paragraphs(
    lang: str, country: str, block: dict[str, Any], start: dt.date, end: dt.date
) -> list[str]:
    """The section's paragraphs, in the seed's order: coverage, people, then each kind of
    help, families, vulnerabilities and consultations."""
    out = []
    for key, template in SENTENCES.items():
        values = _values(lang, key, block, start, end)
        if values is not None:
            text = template[i18n.LANGUAGES.index(lang)].format(**values)
            out.append(text[0].upper() + text[1:])
    return out


def _values(
    lang: str, key: str, block: dict[str, Any], start: dt.date, end: dt.date
) -> dict[str, str] | None:
    """The words that fill sentence ``key``, or None when the block has nothing to say."""
    if key == "dedup":
        merged = block.get("dedup", {}).get("merged")
        return {"count": count(lang, merged, "duplicate")} if merged else None
    name, needs_total = _NEEDS[key]
    part = block.get(name)
    if not part or (needs_total and not part.get("total")):
        return None
    nationality = breakdown(lang, part.get("by_nationality", {})) if needs_total else ""
    match key:
        case "coverage":
            if not part.get("partners"):
                return None
            regions = [i18n.region_name(lang, c) for c in part.get("region_codes", [])]
            return {"start": i18n.date(lang, start), "end": i18n.date(lang, end),
                    "partners": count(lang, part["partners"], "partner"),
                    "regions": i18n.listing(lang, regions)}
        case "individuals":
            kinds = _without(block.get("by_category", {}), "consultation")
            return {"people": people(lang, part), "kinds": breakdown(lang, kinds, "category")}
        case "previous":
            return {"countries": breakdown(lang, part)}
        case "return":
            return {"people": people(lang, part),
                    "destination": breakdown(lang, part.get("by_destination", {})),
                    "origin": breakdown(lang, part.get("by_origin", {}))}
        case "pre_departure":
            status = breakdown(lang, part.get("by_status", {}), "status")
            return {"count": count(lang, part["total"], "migrant"),
                    "status": status.replace(" (", ": ").replace(")", ""),
                    "nationality": nationality}
        case "food_nfi":
            return {"people": people(lang, part), "nationality": nationality}
        case "vulnerabilities":
            return {"kinds": breakdown(lang, part, "vulnerability")}
        case "consultations":
            return {"count": count(lang, part["total"], "consultation"),
                    **{k: num(lang, part[k]) for k in ("male", "female")},
                    "law": num(lang, part["migration_law"])}
    noun = "family" if key == "families" else "migrant"  # returnees, families
    return {"count": count(lang, part["total"], noun), "nationality": nationality}


def _without(cells: dict[str, Any], key: str) -> dict[str, Any]:
    return {k: v for k, v in cells.items() if k != key}
