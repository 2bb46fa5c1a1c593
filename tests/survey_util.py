"""Helpers for the survey tests: XLSForms and exports written from Markdown tables."""

from __future__ import annotations

from pathlib import Path

from openpyxl import Workbook


def table(md: str) -> list[list[str]]:
    """A Markdown table as rows of cells (header first); separator lines are skipped."""
    rows = []
    for line in md.strip().splitlines():
        line = line.strip()
        if not line.startswith("|") or set(line) <= set("|-: "):
            continue
        rows.append([c.strip() for c in line.strip("|").split("|")])
    return rows


def workbook(path: Path, **sheets: str) -> Path:
    """An .xlsx with one sheet per keyword, each given as a Markdown table."""
    book = Workbook()
    book.remove(book.active)
    for name, md in sheets.items():
        ws = book.create_sheet(name)
        for row in table(md):
            ws.append([_cell(v) for v in row])
    book.save(path)
    return path


def _cell(value: str) -> object:
    if value == "":
        return None
    try:
        return int(value)
    except ValueError:
        return value


def csv_file(path: Path, md: str, delimiter: str = ";") -> Path:
    path.write_text("\n".join(delimiter.join(r) for r in table(md)) + "\n", encoding="utf-8")
    return path


SMALL_FORM = dict(
    survey="""
    | type                     | name      | label::English (en) | label::Russian (ru) | repeat_count |
    |--------------------------|-----------|---------------------|---------------------|--------------|
    | start                    | start     |                     |                     |              |
    | select_one country       | country   | Country             | Страна              |              |
    | begin_group              | profile   | Profile             | Профиль             |              |
    | select_one sex           | sex       | Sex                 | Пол                 |              |
    | integer                  | age       | Age                 | Возраст             |              |
    | select_multiple needs    | needs     | Needs               | Потребности         |              |
    | date                     | returned  | Return date         | Дата возвращения    |              |
    | text                     | phone     | Phone               | Телефон             |              |
    | integer                  | hh_size   | Household size      | Размер семьи        |              |
    | begin_repeat             | member    | Members             | Члены семьи         | ${hh_size}   |
    | integer                  | m_age     | Member age          | Возраст члена семьи |              |
    | end_repeat               | member    |                     |                     |              |
    | end_group                | profile   |                     |                     |              |
    """,
    choices="""
    | list_name | name | label::English (en) | label::Russian (ru) |
    |-----------|------|---------------------|---------------------|
    | country   | KGZ  | Kyrgyzstan          | Кыргызстан          |
    | country   | RUS  | Russia              | Россия              |
    | sex       | f    | Female              | Женский             |
    | sex       | m    | Male                | Мужской             |
    | needs     | food | Food                | Продукты            |
    | needs     | work | Employment          | Работа              |
    | needs     | cash | Cash assistance     | Денежная помощь     |
    """,
    settings="""
    | form_id | version | form_title |
    |---------|---------|------------|
    | small   | 3       | Small test |
    """,
)
