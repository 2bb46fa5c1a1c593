"""The Splink model: what is compared, how records are blocked, and how it is trained.

Trained without labels: u probabilities from random pairs, m probabilities by expectation
maximisation on two blocking passes (same name; same date of birth). Runs on DuckDB by
default and on Spark when asked; the SQL is Splink's, written once for both.
"""

from __future__ import annotations

from typing import Any

import splink.comparison_level_library as cll
import splink.comparison_library as cl
from splink import SettingsCreator, block_on

# Comparisons, from the most to the least specific level of agreement.


def _name(column: str) -> cl.CustomComparison:
    return cl.CustomComparison(
        output_column_name=column,
        comparison_levels=[
            cll.NullLevel(column),
            cll.ExactMatchLevel(column),
            cll.DamerauLevenshteinLevel(column, 1),
            cll.JaroWinklerLevel(column, 0.92),
            cll.ExactMatchLevel(f"{column}_sk"),
            cll.JaroWinklerLevel(column, 0.8),
            cll.ElseLevel(),
        ],
    )


def _birth() -> cl.CustomComparison:
    return cl.CustomComparison(
        output_column_name="birth",
        comparison_levels=[
            cll.CustomLevel(
                "(dob_l IS NULL OR dob_r IS NULL) AND "
                "(birth_year_l IS NULL OR birth_year_r IS NULL)",
                label_for_charts="birth unknown",
            ).configure(is_null_level=True),
            # Starting m values, kept when the data are too few to learn them from.
            cll.ExactMatchLevel("dob").configure(m_probability=0.7),
            cll.CustomLevel(
                "dob_l = dob_swap_r", label_for_charts="day and month swapped"
            ).configure(m_probability=0.05),
            cll.DamerauLevenshteinLevel("dob", 1).configure(m_probability=0.03),
            cll.CustomLevel(
                "(dob_l IS NULL OR dob_r IS NULL) AND abs(birth_year_l - birth_year_r) <= 1",
                label_for_charts="age agrees with the birth year",
            ).configure(m_probability=0.2),
            cll.CustomLevel(
                "(dob_l IS NULL OR dob_r IS NULL)",
                label_for_charts="age disagrees with the birth year",
            ).configure(m_probability=0.0005),
            cll.AbsoluteDifferenceLevel("birth_year", 1).configure(m_probability=0.01),
            cll.ElseLevel().configure(m_probability=0.001),
        ],
    )


def _exact(column: str) -> cl.CustomComparison:
    return cl.CustomComparison(
        output_column_name=column,
        comparison_levels=[cll.NullLevel(column), cll.ExactMatchLevel(column), cll.ElseLevel()],
    )


# Pairs worth scoring: equality joins only, so that a million records block in seconds.
# An age gives the birth year or the year before (birth_year_lo); a pair found by several
# rules is scored once.
BLOCKING_RULES: list[Any] = [
    block_on("name1", "name2", "birth_year"),
    block_on("name1", "name2", "birth_year_lo"),
    block_on("name1_sk", "name2_sk", "birth_year"),
    block_on("name1_sk", "name2_sk", "birth_year_lo"),
    # A typo in one part: the other part agrees, and so do the first three letters.
    block_on("name1", "substr(name2, 1, 3)", "birth_year"),
    block_on("name1", "substr(name2, 1, 3)", "birth_year_lo"),
    block_on("name2", "substr(name1, 1, 3)", "birth_year"),
    block_on("name2", "substr(name1, 1, 3)", "birth_year_lo"),
    block_on("document"),
    block_on("dob", "name1"),
    block_on("dob", "name2"),
    # No birth date nor age on one side: the names alone.
    "l.name1 = r.name1 AND l.name2 = r.name2 AND l.birth_year IS NULL",
    "l.name1 = r.name1 AND l.name2 = r.name2 AND r.birth_year IS NULL",
]

# Expectation maximisation passes: pairs sharing a document are nearly all one person, which
# teaches what agreement on the other fields looks like; pairs sharing a birth date teach the
# names and the document.
TRAINING_RULES = [block_on("document"), block_on("dob")]
# Pairs that are almost surely one person: they set the prior probability of a match.
DETERMINISTIC_RULES = [block_on("name1", "name2", "dob"), block_on("document", "birth_year")]
DETERMINISTIC_RECALL = 0.7


def settings() -> SettingsCreator:
    """The model for de-duplicating person records (one table, no link between tables)."""
    return SettingsCreator(
        link_type="dedupe_only",
        unique_id_column_name="unique_id",
        comparisons=[
            _name("name1"),
            _name("name2"),
            cl.CustomComparison(
                output_column_name="patronymic",
                comparison_levels=[
                    cll.NullLevel("patronymic"),
                    cll.ExactMatchLevel("patronymic"),
                    cll.JaroWinklerLevel("patronymic", 0.9),
                    cll.ElseLevel(),
                ],
            ),
            _birth(),
            _exact("sex"),
            _exact("nationality"),
            _exact("document"),
            cl.CustomComparison(
                output_column_name="partner",
                comparison_levels=[cll.ExactMatchLevel("partner"), cll.ElseLevel()],
            ),
        ],
        blocking_rules_to_generate_predictions=BLOCKING_RULES,
        retain_intermediate_calculation_columns=True,
        retain_matching_columns=False,
        probability_two_random_records_match=1e-5,
    )


def raw_name_settings() -> SettingsCreator:
    """Splink's stock name comparisons on the names as written: the baseline we measure."""
    return SettingsCreator(
        link_type="dedupe_only",
        unique_id_column_name="unique_id",
        comparisons=[
            cl.NameComparison("given_name"),
            cl.NameComparison("family_name"),
            cl.NameComparison("patronymic"),
            cl.DateOfBirthComparison("dob", input_is_string=True),
            cl.ExactMatch("sex"),
            cl.ExactMatch("nationality"),
            cl.ExactMatch("document"),
        ],
        blocking_rules_to_generate_predictions=[
            block_on("family_name", "given_name"),
            block_on("document"),
            block_on("dob", "family_name"),
            block_on("dob", "given_name"),
        ],
        retain_intermediate_calculation_columns=False,
        retain_matching_columns=False,
        probability_two_random_records_match=1e-5,
    )


def raw_training_rules() -> list[Any]:
    """Training passes for the baseline; the first also sets its prior."""
    return [block_on("family_name", "given_name", "dob"), block_on("dob")]
