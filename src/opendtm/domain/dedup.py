"""What an officer can say about a pair of person records."""

from __future__ import annotations

from enum import StrEnum


class MatchVerdict(StrEnum):
    SAME_PERSON = "same_person"
    DIFFERENT_PEOPLE = "different_people"
