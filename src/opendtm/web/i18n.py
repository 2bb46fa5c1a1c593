"""English and Russian for the pages: one catalogue, the English text is the key."""

from __future__ import annotations

LANGUAGES = ("en", "ru")

RU: dict[str, str] = {
    "opendtm": "opendtm",
    "Persons": "Люди",
    "Dashboard": "Обзор",
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
}

EN: dict[str, str] = {
    "counting_rules": "A person counts once per assistance type in the period; minors are "
                      "under 18 on the date of assistance; families are counted apart from "
                      "individuals; consultations are contacts.",
}


def translate(lang: str, text: str) -> str:
    if lang == "ru":
        return RU.get(text, EN.get(text, text))
    return EN.get(text, text)
