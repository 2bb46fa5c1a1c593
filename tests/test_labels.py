"""A taxonomy code has one name per language wherever a user meets it."""

from __future__ import annotations

import pytest

from opendtm.domain.labels import FORMER_LABELS, LABELS, label
from opendtm.domain.taxonomy import ReferralKind, Vulnerability
from opendtm.ingest.template import allowed_values, choice_lookup
from opendtm.publish.i18n import LABELS as BULLETIN_LABELS
from opendtm.web.i18n import translate

CODES = [c.value for c in (*Vulnerability, *ReferralKind)]


@pytest.mark.parametrize("lang", ["en", "ru"])
def test_pages_and_template_name_codes_alike(lang: str) -> None:
    sheet = {(column, code): (en, ru) for column, code, en, ru in allowed_values()}
    for code in CODES:
        assert translate(lang, code) == label(code, lang), code
    for (_column, code), (en, ru) in sheet.items():
        assert (en, ru) == LABELS.get(code, (code, code)), code


def test_bulletin_names_vulnerabilities_as_the_pages_do() -> None:
    # The bulletin speaks of groups of people, so some headings are plural; the others
    # must read exactly as on the pages.
    plural = {"vot", "child_no_services"}
    for code, names in BULLETIN_LABELS["vulnerability"].items():
        if code not in plural:
            assert (names["en"], names["ru"]) == LABELS[code], code


def test_former_names_still_import() -> None:
    lookup = choice_lookup("referral_source")
    for code, spellings in FORMER_LABELS.items():
        for spelling in spellings:
            assert lookup[spelling.casefold()] == code
    assert lookup["обратился сам(а)"] == "self"
    assert choice_lookup("vulnerabilities")["бытовое или гендерное насилие"] == "gbv"
