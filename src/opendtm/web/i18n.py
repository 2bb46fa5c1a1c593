"""English and Russian for the pages: one catalogue, the English text is the key."""

from __future__ import annotations

LANGUAGES = ("en", "ru")

RU: dict[str, str] = {
    "opendtm": "opendtm",
    "Persons": "Люди",
    "Dashboard": "Обзор",
    "Duplicates": "Дубликаты",
    "Possible duplicates to review": "Возможные дубликаты на проверку",
    "Match probability": "Вероятность совпадения",
    "Compare": "Сравнить",
    "Compare records": "Сравнение записей",
    "No pair is waiting for a decision.": "Нет пар, ожидающих решения.",
    "Decided": "Решено",
    "same_person": "один и тот же человек",
    "different_people": "разные люди",
    "Note": "Примечание",
    "Same person": "Один и тот же человек",
    "Different people": "Разные люди",
    "Counted as": "Учитывается как",
    "another record": "другая запись",
    "This record is merged with another: both are counted as one person.":
        "Эта запись объединена с другой: обе учитываются как один человек.",
    "Un-merge": "Разъединить",
    "Sign in": "Войти",
    "Sign out": "Выйти",
    "User name": "Имя пользователя",
    "Password": "Пароль",
    "Search": "Найти",
    "Name, partner code or document": "Имя, код партнёра или документ",
    "Register a person": "Зарегистрировать человека",
    "Edit": "Изменить",
    "Save": "Сохранить",
    "Partner": "Партнёр",
    "Partner code": "Код партнёра",
    "Family code": "Код семьи",
    "Given name": "Имя",
    "Family name": "Фамилия",
    "Patronymic": "Отчество",
    "Document type": "Тип документа",
    "Document number": "Номер документа",
    "Phone": "Телефон",
    "Sex": "Пол",
    "Date of birth": "Дата рождения",
    "Age": "Возраст",
    "Nationality": "Гражданство",
    "Migrant status": "Статус мигранта",
    "Previous country": "Страна пребывания",
    "Registered on": "Дата регистрации",
    "any": "все",
    "female": "женщина",
    "male": "мужчина",
    "not recorded": "не указан",
    "returnee": "вернувшийся мигрант",
    "stranded": "застрявший мигрант",
    "other": "другое",
    "Next page": "Следующая страница",
    "Previous page": "Предыдущая страница",
    "No person found.": "Никого не найдено.",
    "Family": "Семья",
    "Vulnerabilities": "Уязвимости",
    "Assistance": "Помощь",
    "Record assistance": "Записать помощь",
    "History": "История",
    "Type": "Вид",
    "Delivered on": "Дата",
    "For the whole family": "Для всей семьи",
    "Return from": "Возвращение из",
    "Return to": "Возвращение в",
    "Transport mode": "Транспорт",
    "air": "воздушный",
    "land": "наземный",
    "Region code": "Код региона",
    "Quantity": "Количество",
    "Unit": "Единица",
    "Consultation topic": "Тема консультации",
    "Consultation channel": "Способ консультации",
    "Country": "Страна",
    "Key figures": "Основные показатели",
    "Individuals assisted": "Получили помощь (человек)",
    "Women": "Женщины",
    "Men": "Мужчины",
    "Minors": "Несовершеннолетние",
    "Families assisted": "Семьи, получившие помощь",
    "Assisted voluntary return": "Добровольное возвращение",
    "Food and non-food items": "Продукты и непродовольственные товары",
    "Consultations": "Консультации",
    "Partners": "Партнёры",
    "Regions": "Регионы",
    "By partner": "По партнёрам",
    "Counting rules": "Правила подсчёта",
    "counting_rules": "Человек считается один раз по каждому виду помощи за период; "
                      "несовершеннолетние — младше 18 лет на дату помощи; семьи считаются "
                      "отдельно от людей; консультации — это обращения.",
    "Not found": "Не найдено",
    "Nothing here, or nothing you may see.": "Здесь ничего нет, или у вас нет доступа.",
    "Forbidden": "Нет доступа",
    "Please correct the fields marked below.": "Исправьте отмеченные поля.",
    "registered": "зарегистрирован(а)",
    "changed": "изменено",
    "created": "создано",
    "updated": "изменено",
    "by": "кем",
    "Members": "Члены семьи",
    "for the family": "для семьи",
    "Route": "Маршрут",
    "Choose": "Выберите",
    "Signed in as": "Пользователь",
    "Show": "Показать",
    "Audit log": "Журнал аудита", "When": "Когда", "Action": "Действие", "Record": "Запись",
    "Address": "Адрес",
    "food": "продукты питания", "nfi": "непродовольственные товары",
    "hygiene": "средства гигиены и защиты", "clothing": "одежда и обувь",
    "baby_food": "детское питание", "shelter": "временное жильё",
    "medical": "медицинская помощь", "medicine": "лекарства", "treatment": "лечение",
    "pcr_test": "ПЦР-тест", "medical_exam": "медосмотр перед отъездом",
    "return": "добровольное возвращение", "transport": "транспорт",
    "documents": "документы", "consultation": "консультация",
    "monitoring": "мониторинг по прибытии",
    "registration": "регистрация", "residence_permit": "вид на жительство",
    "citizenship": "гражданство", "voluntary_return": "добровольное возвращение",
    "employment": "трудоустройство", "health": "здоровье",
    "in_person": "лично", "phone": "по телефону", "online": "онлайн",
}

EN: dict[str, str] = {
    "same_person": "same person", "different_people": "different people",
    "nfi": "non-food items", "hygiene": "hygiene and protective supplies",
    "clothing": "clothing and shoes", "baby_food": "baby food", "shelter": "temporary shelter",
    "medical": "medical", "pcr_test": "PCR test", "medical_exam": "pre-departure medical exam",
    "return": "assisted voluntary return", "transport": "transportation",
    "monitoring": "monitoring on arrival", "residence_permit": "residence permit",
    "voluntary_return": "voluntary return", "in_person": "in person", "phone": "by phone",
    "counting_rules": "A person counts once per assistance type in the period; minors are "
                      "under 18 on the date of assistance; families are counted apart from "
                      "individuals; consultations are contacts.",
}


def translate(lang: str, text: str) -> str:
    if lang == "ru":
        return RU.get(text, EN.get(text, text))
    return EN.get(text, text)


def _merge() -> None:
    from .i18n_pages import EN as EN_PAGES
    from .i18n_pages import RU as RU_PAGES

    RU.update({k: v for k, v in RU_PAGES.items() if k not in RU})
    EN.update({k: v for k, v in EN_PAGES.items() if k not in EN})


_merge()
