"""The English and Russian names of the taxonomy's codes, one table for the whole system.

The import template's sheet of allowed values, the import's checks (which accept a code or
either name), and the pages all read these names, so a code is called the same wherever a
user meets it. The bulletin has its own plural headings for some of them (``publish.i18n``).
"""

from __future__ import annotations

LABELS: dict[str, tuple[str, str]] = {
    "f": ("female", "женский"), "m": ("male", "мужской"),
    "returnee": ("returnee", "возвращенец"), "stranded": ("stranded migrant", "застрявший мигрант"),
    "food": ("food", "продукты питания"), "nfi": ("non-food items", "непродовольственные товары"),
    "hygiene": ("hygiene and protective supplies", "средства гигиены и защиты"),
    "clothing": ("clothing and shoes", "одежда и обувь"),
    "baby_food": ("baby food", "детское питание"),
    "shelter": ("temporary shelter", "временное жильё"),
    "medical": ("medical", "медицинская помощь"),
    "medicine": ("medicine", "лекарства"), "treatment": ("treatment", "лечение"),
    "pcr_test": ("PCR test", "ПЦР-тест"),
    "medical_exam": ("pre-departure medical examination", "медицинский осмотр перед отъездом"),
    "return": ("assisted voluntary return", "добровольное возвращение"),
    "transport": ("transportation", "транспорт"), "documents": ("documents", "документы"),
    "consultation": ("consultation", "консультация"),
    "monitoring": ("monitoring on arrival", "мониторинг по прибытии"),
    "other": ("other", "другое"), "air": ("air", "воздушный"), "land": ("land", "наземный"),
    "registration": ("registration", "регистрация"),
    "residence_permit": ("residence permit", "вид на жительство"),
    "citizenship": ("citizenship", "гражданство"),
    "voluntary_return": ("voluntary return", "добровольное возвращение"),
    "employment": ("employment", "трудоустройство"), "health": ("health", "здоровье"),
    "vot": ("victim of trafficking", "жертва торговли людьми"),
    "gbv": ("domestic or gender-based violence", "бытовое или гендерное насилие"),
    "disability": ("disability", "инвалидность"), "pregnant": ("pregnancy", "беременность"),
    "undocumented": ("undocumented", "без документов"),
    "income_loss": ("loss of income", "потеря дохода"),
    "child_no_services": ("children without access to services", "дети без доступа к услугам"),
    "serious_illness": ("serious illness", "тяжёлое заболевание"),
    "exploitation": ("exploitation", "эксплуатация"),
    "migration_service": ("migration service", "миграционная служба"),
    "women_family_department": ("women and family department", "отдел по делам женщин и семьи"),
    "anti_trafficking_centre": ("anti-trafficking centre", "центр по борьбе с торговлей людьми"),
    "consulate": ("consulate", "консульство"),
    "labour_migration_agency": ("labour migration agency", "агентство по трудовой миграции"),
    "ngo": ("NGO", "НКО"), "hotline": ("hotline", "горячая линия"),
    "fellow_migrants": ("fellow migrants", "другие мигранты"),
    "self": ("came on their own", "обратился сам(а)"),
}  # fmt: skip

# Names these codes had in earlier versions of the template; files filled in with them
# still import.
FORMER_LABELS: dict[str, tuple[str, ...]] = {
    "labour_migration_agency": ("агентство трудовой миграции",),
    "self": ("сам(а)",),
}


def label(code: str, lang: str) -> str:
    """The name of ``code`` in ``lang`` ("en" or "ru"); the code itself when it has none."""
    en, ru = LABELS.get(code, (code, code))
    return ru if lang == "ru" else en
