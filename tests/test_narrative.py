"""Narrative sentences in English and Russian, with Russian plural forms."""

from __future__ import annotations

import pytest

from opendtm.publish.i18n import count
from opendtm.publish.narrative import people

KGZ = {"total": 295, "male": 163, "female": 132, "not_recorded": 0, "age_min_months": 24,
       "age_max_years": 69, "minors": 11, "boys": 3, "girls": 8}


def test_the_issue_sentence_in_english_and_russian() -> None:
    assert people("en", KGZ) == ("295 vulnerable migrants (163 male, 132 female), aged 2 to "
                                 "69, including 11 minors (3 boys, 8 girls)")
    assert people("ru", KGZ) == ("295 уязвимых мигрантов (163 мужчины, 132 женщины) в "
                                 "возрасте от 2 до 69 лет, в том числе 11 несовершеннолетних "
                                 "(3 мальчика, 8 девочек)")


@pytest.mark.parametrize(("n", "migrants", "boys", "girls"), [
    (1, "1 уязвимый мигрант", "1 мальчик", "1 девочка"),
    (2, "2 уязвимых мигранта", "2 мальчика", "2 девочки"),
    (4, "4 уязвимых мигранта", "4 мальчика", "4 девочки"),
    (5, "5 уязвимых мигрантов", "5 мальчиков", "5 девочек"),
    (11, "11 уязвимых мигрантов", "11 мальчиков", "11 девочек"),
    (12, "12 уязвимых мигрантов", "12 мальчиков", "12 девочек"),
    (21, "21 уязвимый мигрант", "21 мальчик", "21 девочка"),
    (22, "22 уязвимых мигранта", "22 мальчика", "22 девочки"),
    (111, "111 уязвимых мигрантов", "111 мальчиков", "111 девочек"),
    (0, "0 уязвимых мигрантов", "0 мальчиков", "0 девочек"),
])
def test_russian_plural_forms(n: int, migrants: str, boys: str, girls: str) -> None:
    assert count("ru", n, "migrant") == migrants
    assert count("ru", n, "boy") == boys
    assert count("ru", n, "girl") == girls


def test_english_plural_and_thousands() -> None:
    assert count("en", 1, "minor") == "1 minor"
    assert count("en", 2, "family") == "2 families"
    assert count("en", 1200, "migrant") == "1,200 vulnerable migrants"
    assert count("ru", 1200, "family").replace("\xa0", " ") == "1 200 семей"


def test_age_in_months_and_russian_genitive_years() -> None:
    block = dict(KGZ, age_min_months=2, age_max_years=78, minors=0)
    assert "aged 2 months to 78 years" in people("en", block)
    assert "в возрасте от 2 месяцев до 78 лет" in people("ru", block)
    assert "до 21 года" in people("ru", dict(KGZ, age_max_years=21))


def test_suppressed_counts_read_x() -> None:
    block = dict(KGZ, boys=None, girls=None)
    assert "11 minors (x boys, x girls)" in people("en", block)
    assert "11 несовершеннолетних (x мальчиков, x девочек)" in people("ru", block)
