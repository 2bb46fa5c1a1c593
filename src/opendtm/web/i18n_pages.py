"""English and Russian for the pages of families, screening, referrals, consultations,
imports, bulletins and charts (merged into the catalogue of ``i18n``)."""

from __future__ import annotations

from opendtm.domain.labels import LABELS
from opendtm.domain.taxonomy import ReferralKind, Vulnerability

RU: dict[str, str] = {
    "Families": "Семьи", "No family found.": "Семья не найдена.",
    "Recipient": "Получатель",
    "Record assistance for the whole family": "Записать помощь для всей семьи",
    "One record per member": "Отдельная запись для каждого члена семьи",
    "Vulnerability screening": "Оценка уязвимости", "Screened on": "Дата оценки",
    "Findings": "Выявлено", "none found": "ничего не выявлено",
    "Not screened yet.": "Оценка ещё не проводилась.", "New screening": "Новая оценка",
    "Referrals": "Перенаправления", "Record a referral": "Записать перенаправление",
    "No referral recorded.": "Перенаправлений нет.", "Referred on": "Дата",
    "Direction": "Направление", "Kind": "Куда / откуда", "Organisation": "Организация",
    "Status": "Статус", "referral_in": "к нам", "referral_out": "от нас",
    "pending": "ожидает", "accepted": "принято", "completed": "выполнено",
    "declined": "отклонено",
    "Contacts": "Обращения", "Latest contacts": "Последние обращения", "Date": "Дата",
    "Register consultations": "Записать консультации", "From": "С", "To": "По",
    "Import": "Импорт", "Upload a file": "Загрузить файл", "File": "Файл",
    "Sheet": "Лист", "Add partners not known yet": "Добавить новых партнёров",
    "Preview": "Проверить", "preview": "проверка", "landed": "загружено",
    "not landed": "не загружено", "Rows read": "Прочитано строк",
    "New records": "Новые записи", "Changed records": "Изменённые записи",
    "Unchanged records": "Без изменений", "Duplicate rows": "Повторяющиеся строки",
    "Errors": "Ошибки", "Warnings": "Предупреждения", "Problems": "Проблемы",
    "Row": "Строка", "Column": "Столбец", "Code": "Код", "Message": "Сообщение",
    "Only the first 500 problems are shown.": "Показаны первые 500 проблем.",
    "Confirm the import": "Подтвердить импорт", "Cancel": "Отменить",
    "import_help": "Файл CSV или XLSX в формате шаблона помощи (до 10 МБ). Сначала файл "
                   "проверяется без записи; загрузка — только после подтверждения и только "
                   "целиком.",
    "Bulletin": "Бюллетень", "Countries": "Страны", "Language": "Язык",
    "Audience": "Аудитория", "public": "публичный", "internal": "внутренний",
    "Formats": "Форматы", "Build": "Собрать", "Ready to download": "Готово к загрузке",
    "No records for": "Нет записей для",
    "Charts": "Графики", "Charts and coverage map": "Графики и карта охвата",
    "No assistance recorded in this period.": "За этот период помощь не записана.",
}

EN: dict[str, str] = {
    "referral_in": "to us", "referral_out": "from us",
    "import_help": "A CSV or XLSX file in the assistance template (up to 10 MiB). The file "
                   "is first checked without writing anything; it lands only once confirmed, "
                   "and only whole.",
}

# The vulnerabilities and the kinds of referral are named as in the import template.
for _code in (*Vulnerability, *ReferralKind):
    EN[_code.value], RU[_code.value] = LABELS[_code.value]
