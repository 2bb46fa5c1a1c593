"""The flat assistance template: its columns, HXL hashtags and allowed values.

This is the single source of truth for the import: the readers match columns against it,
the checks take their allowed values from it and the downloadable template (CSV and XLSX)
is written from it.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from opendtm.domain.labels import FORMER_LABELS, LABELS
from opendtm.domain.taxonomy import (
    AssistanceType,
    ConsultationTopic,
    MigrantStatus,
    ReferralKind,
    Sex,
    TransportMode,
    Vulnerability,
)


@dataclass(frozen=True, slots=True)
class Column:
    name: str
    hxl: str | None
    kind: str  # text, date, age, sex, country, admin1, city, choice, multi, personal
    description: str
    description_ru: str
    max_length: int = 64
    choices: type[StrEnum] | None = None


C = Column
COLUMNS: tuple[Column, ...] = (
    C("record_id", "#meta+id", "text", "unique per partner; re-importing the same id updates it",
      "уникален у партнёра; повторный импорт того же id обновляет запись"),
    C("beneficiary_id", "#beneficiary+id", "text", "the partner's code for the person",
      "код человека у партнёра"),
    C("family_id", "#group+id", "text", "the partner's code for the family (optional)",
      "код семьи у партнёра (необязательно)"),
    C("country", "#country+code", "country", "ISO3 of the operation: KGZ, TJK, KAZ, RUS, UZB",
      "ISO3 страны операции: KGZ, TJK, KAZ, RUS, UZB", 120),
    C("partner", "#org+impl", "text", "partner name", "название партнёра", 200),
    C("admin1", "#adm1+name", "admin1", "region: any known spelling, p-code or ISO 3166-2",
      "регион: любое известное написание, p-код или код ISO 3166-2", 120),
    C("city", "#loc+name", "city", "city (optional)", "город (необязательно)", 120),
    C("sex", "#sex", "sex", "f / m / blank", "f / m / пусто", 10, Sex),
    C("age", "#age", "age", "age in whole years", "возраст в полных годах", 10),
    C("date_of_birth", "#date+birth", "date", "ISO date, dd.mm.yyyy or an Excel serial",
      "дата ISO, дд.мм.гггг или число Excel", 30),
    C("nationality", "#country+code+nationality", "country",
      "ISO3 or a country name in English or Russian",
      "ISO3 или название страны по-английски или по-русски", 120),
    C("migrant_status", "#status", "choice", "returnee / stranded / other",
      "возвращенец / застрявший мигрант / другое", 40, MigrantStatus),
    C("assistance_type", "#service+type", "choice", "what help was given",
      "вид помощи", 40, AssistanceType),
    C("assistance_date", "#date+service", "date", "as for date_of_birth",
      "как для date_of_birth", 30),
    C("return_from", "#country+code+origin", "country", "for return: where the person was",
      "для возвращения: откуда", 120),
    C("return_to", "#country+code+dest", "country", "for return: where the person went",
      "для возвращения: куда", 120),
    C("transport_mode", "#x_mode", "choice", "air / land", "воздушный / наземный", 20,
      TransportMode),
    C("consultation_topic", "#x_topic", "choice", "topic of a consultation",
      "тема консультации", 40, ConsultationTopic),
    C("vulnerabilities", "#beneficiary+vulnerability", "multi", "space-separated codes",
      "коды через пробел", 400, Vulnerability),
    C("referral_source", "#org+referral", "referral", "who referred the person: a code or text",
      "кто направил: код или текст", 200, ReferralKind),
    C("given_name", None, "personal", "personal data (optional)", "персональные данные", 120),
    C("family_name", None, "personal", "personal data (optional)", "персональные данные", 120),
    C("patronymic", None, "personal", "personal data (optional)", "персональные данные", 120),
    C("document_number", None, "personal", "personal data (optional)", "персональные данные"),
    C("phone", None, "personal", "personal data (optional)", "персональные данные", 40),
)  # fmt: skip
del C

NAMES: tuple[str, ...] = tuple(c.name for c in COLUMNS)
BY_NAME: dict[str, Column] = {c.name: c for c in COLUMNS}
INDEX: dict[str, int] = {c.name: i for i, c in enumerate(COLUMNS)}
REQUIRED: tuple[str, ...] = ("record_id", "assistance_type", "assistance_date")
PERSONAL: frozenset[str] = frozenset(c.name for c in COLUMNS if c.kind == "personal")

# Spellings of the sex column beyond code and label.
SEX_ALIASES: dict[str, str] = {
    "ж": "f", "жен": "f", "женщина": "f", "woman": "f", "female": "f", "f": "f",
    "м": "m", "муж": "m", "мужчина": "m", "man": "m", "male": "m", "m": "m",
}  # fmt: skip


def allowed_values() -> list[tuple[str, str, str, str]]:
    """(column, code, English label, Russian label) for every enumerated column."""
    out: list[tuple[str, str, str, str]] = []
    for col in COLUMNS:
        if col.choices is None:
            continue
        for member in col.choices:
            en, ru = LABELS.get(member.value, (member.value, member.value))
            out.append((col.name, member.value, en, ru))
    return out


def choice_lookup(column: str) -> dict[str, str]:
    """Lower-cased code, English and Russian label -> code, for one enumerated column."""
    col = BY_NAME[column]
    assert col.choices is not None
    table: dict[str, str] = {}
    for member in col.choices:
        code = member.value
        en, ru = LABELS.get(code, (code, code))
        for spelling in (code, en, ru, code.replace("_", " "), *FORMER_LABELS.get(code, ())):
            table[spelling.casefold()] = code
    if column == "sex":
        table.update(SEX_ALIASES)
    return table


def hxl_key(tag: str) -> tuple[str, frozenset[str]] | None:
    """A hashtag with its attributes, ignoring case, spaces and attribute order."""
    text = tag.strip().lower().replace(" ", "")
    if not text.startswith("#") or len(text) < 2:
        return None
    head, *attrs = text.split("+")
    return head, frozenset(a for a in attrs if a)


HXL_COLUMNS: dict[tuple[str, frozenset[str]], str] = {
    key: c.name for c in COLUMNS if c.hxl and (key := hxl_key(c.hxl)) is not None
}
