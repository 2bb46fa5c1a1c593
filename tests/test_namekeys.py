"""Name keys: one key per name whatever the script, romanisation, order or patronymic."""

from __future__ import annotations

import pytest

from opendtm.domain.namekeys import letter_table, name_key, rule_table, skeleton, token_key

# Each line: spellings of one name that must share a key.
SAME = """
Джураев Шохрух | Djurayev Shoxrux | Dzhuraev Shokhrukh | Juraev Shohruh | Djouraev Shokhroukh
Дмитрий | Dmitriy | Dmitry | Dmitrii
Мария | Mariia | Mariya | Maria
Илья | Ilia | Il'ya | Ilya
Ўктам | O‘ktam | Oʻktam | Uktam | Уктам
Ғайратов | Gʻayratov | G'ayratov | Gayratov | Гайратов
Қодиров | Qodirov | Kodirov | Кодиров
Ержан | Yerzhan | Erjan | Erzhan
Айбек | Aibek | Aybek
Николай | Nikolai | Nikolay
Жылдыз | Jyldyz | Zhyldyz | Djyldyz
Алиев | Aliyev | Aliev | Алиeв
Якубов | Iakubov | Yakubov
Нұрлан | Нурлан | Nurlan | Nurlan
Әсел | Асель | Asel
Ҷамшед | Джамшед | Jamshed | Dzhamshed | Djamshed
Хусейн | Husein | Khusein | Xusein
Ёкубжон | Yokubjon | Yoqubjon
Абдулла | Abdullah | Abdula
Щукин | Shchukin | Shukin
Иқбол | Iqbol | Ikbol | Икбол
"""

# Each line: names that must not share a key.
DIFFERENT = """
Шохрух | Шахзод | Шерзод | Шухрат
Джураев | Джумаев | Жураева | Рахимов
Яна | Анна | Ания
Азиз | Aziza | Азим
Сабина | Сабир | Сабиров
Нурлан | Нургуль | Нурбек
Улан | Улугбек | Уктам
Иван | Иванов | Ivanova
Саид | Саида | Сайёра
Отабек | Айбек | Бобур
"""


def _lines(block: str) -> list[list[str]]:
    return [[part.strip() for part in line.split("|")] for line in block.strip().splitlines()]


@pytest.mark.parametrize("spellings", _lines(SAME), ids=lambda s: s[0])
def test_spellings_of_one_name_share_a_key(spellings: list[str]) -> None:
    keys = {" ".join(sorted(token_key(t) for t in s.split())) for s in spellings}
    assert len(keys) == 1, dict(zip(spellings, keys, strict=False))


@pytest.mark.parametrize("names", _lines(DIFFERENT), ids=lambda s: s[0])
def test_different_names_do_not_collide(names: list[str]) -> None:
    keys = [token_key(n) for n in names]
    assert len(set(keys)) == len(keys), dict(zip(names, keys, strict=True))


def test_the_four_spellings_of_the_issue_give_one_person_key() -> None:
    keys = {
        name_key("Шохрух", "Джураев"),
        name_key("Shoxrux", "Djurayev"),
        name_key("Shokhrukh", "Dzhuraev"),
        name_key("Shohruh", "Juraev"),
    }
    assert len(keys) == 1
    (key,) = keys
    assert (key.first, key.second, key.full) == ("juraev", "shohruh", "juraev shohruh")


def test_order_of_family_and_given_name_does_not_matter() -> None:
    assert name_key("Juraev", "Shohruh") == name_key("Shohruh", "Juraev")
    assert name_key(None, "Джураев Шохрух") == name_key("Shokhrukh", "Dzhuraev")
    assert name_key("Шохрух Джураев", None) == name_key("Shokhrukh", "Dzhuraev")


def test_patronymics_are_kept_apart_in_every_form() -> None:
    expected = name_key("Shohruh", "Juraev", "Alisherovich")
    assert expected.patronymic == "alisher"
    for given, family, patronymic in [
        ("Шохрух", "Джураев", "Алишерович"),
        ("Shohruh Alisher o'g'li", "Juraev", None),
        ("Шохрух Алишер ўғли", "Джураев", None),
        (None, "Джураев Шохрух Алишерович", None),
        ("Shokhrukh", "Dzhuraev", "Alisher ugli"),
    ]:
        assert name_key(given, family, patronymic) == expected, (given, family, patronymic)
    missing = name_key("Shohruh", "Juraev")
    assert (missing.first, missing.second, missing.patronymic) == ("juraev", "shohruh", None)


def test_kyrgyz_and_kazakh_patronymic_markers() -> None:
    assert name_key("Азамат Бакыт уулу", "Токтогулов").patronymic == "bakit"
    assert name_key("Айгуль Нурлан кызы", "Осмоналиева").patronymic == "nurlan"
    assert name_key("Aigul Nurlan kyzy", "Osmonalieva") == name_key(
        "Айгуль Нурлан кызы", "Осмоналиева"
    )


def test_empty_and_odd_input() -> None:
    assert name_key(None, None).full == ""
    assert name_key("  ", "--").first is None
    assert token_key("O'Neil-") == "uneyl"
    assert skeleton("sobirov") == skeleton("sabirov") == "sbrv"
    assert skeleton(None) is None


def test_tables_cover_every_cyrillic_letter_of_the_five_languages() -> None:
    letters = letter_table()
    alphabet = "абвгдеёжзийклмнопрстуфхцчшщъыьэюя" + "ғқҳўҷӣӯңөүұәіһ"
    assert set(alphabet) <= set(letters)
    assert all(pattern.pattern for pattern, _ in rule_table())
