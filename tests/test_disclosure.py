"""Disclosure control: primary suppression by rule, secondary suppression by group."""

from __future__ import annotations

from opendtm.process.disclosure import Rules, protect, secondary


def test_secondary_hides_enough_to_protect_the_small_cell() -> None:
    # one small cell: the smallest other cell goes with it
    assert secondary({"a": 3, "b": 10, "c": 40}, ["a"], 5) == ["b"]
    # two small cells adding up to under the threshold: a third goes too
    assert secondary({"a": 1, "b": 1, "c": 13, "d": 40}, ["a", "b"], 5) == ["c"]
    # two small cells adding up to the threshold are safe together
    assert secondary({"a": 2, "b": 3, "c": 40}, ["a", "b"], 5) == []
    # a zero is chosen only when nothing else is left: 2 boys, 0 girls, 2 minors
    assert secondary({"a": 2, "z": 0, "c": 9}, ["a"], 5) == ["c"]
    assert secondary({"boys": 2, "girls": 0}, ["boys"], 5) == ["girls"]
    assert secondary({"a": 1, "b": 1, "z": 0, "y": 0}, ["a", "b"], 5) == []


def test_rules_pick_what_a_public_bulletin_hides() -> None:
    block = {
        "individuals": {"total": 30, "male": 20, "female": 10, "not_recorded": 0,
                        "minors": 7, "boys": 3, "girls": 4},
        "by_nationality": {"UZB": 20, "TJK": 8, "AFG": 2},
        "by_previous_country": {"RUS": 29, "IND": 1},
        "vulnerabilities": {"vot": 2, "income_loss": 25},
        "return": {"total": 9, "male": 9, "female": 0, "minors": 0, "boys": 0, "girls": 0,
                   "by_destination": {"UZB": 5, "TJK": 4}},
        "families": {"total": 6, "by_nationality": {"MDA": 6}},
        "by_partner": {"P": {"individuals": {"total": 2, "male": 1, "female": 1, "minors": 1,
                                             "boys": 1, "girls": 0}}},
    }
    safe, hidden = protect(block, Rules(5, ("nationality", "destination")), "X.")
    got = {h.key: h.rule for h in hidden}
    assert got == {
        "X.vulnerabilities.vot": "sensitive",
        "X.individuals.boys": "crossed",
        "X.individuals.girls": "crossed",  # 3 + 4 = 7: both small, together safe
        "X.return.by_destination.TJK": "single-dimension",
        "X.return.by_destination.UZB": "secondary",
        "X.by_nationality.AFG": "single-dimension",
        "X.by_nationality.TJK": "secondary",
        "X.by_partner.P.individuals.boys": "crossed",
        "X.by_partner.P.individuals.girls": "secondary",  # 1 boy, 0 girls, 1 minor
    }
    assert safe["by_previous_country"] == {"RUS": 29, "IND": 1}  # origin not configured
    assert safe["individuals"]["male"] == 20 and safe["individuals"]["minors"] == 7
    assert safe["vulnerabilities"] == {"vot": None, "income_loss": 25}
    assert safe["by_partner"]["P"]["individuals"]["girls"] is None
    assert block["vulnerabilities"]["vot"] == 2  # the input is left as it was


def test_threshold_and_dimensions_are_configurable() -> None:
    block = {"by_previous_country": {"RUS": 29, "IND": 1}, "by_nationality": {"A": 2, "B": 9}}
    safe, hidden = protect(block, Rules(2, ("origin",)))
    assert safe == {"by_previous_country": {"RUS": None, "IND": None},
                    "by_nationality": {"A": 2, "B": 9}}
    assert [h.rule for h in hidden] == ["single-dimension", "secondary"]
