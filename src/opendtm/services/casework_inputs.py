"""What a caller may send to screen a person, refer one, or register consultation contacts,
validated field by field (422 in the API, a message beside the field on the pages)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, field_validator
from pydantic.json_schema import SkipJsonSchema

from opendtm.domain.taxonomy import (
    ConsultationChannel,
    ConsultationTopic,
    ReferralDirection,
    ReferralKind,
    ReferralStatus,
    Sex,
    Vulnerability,
)

from .inputs import MAX_ID, AssistanceIn, Code, _iso3


def _recent(value: dt.date | None) -> dt.date | None:
    if value is not None and (value > dt.date.today() or value.year < 2000):
        raise ValueError("must lie between 2000 and today")
    return value


class ScreeningIn(BaseModel):
    """One vulnerability screening of a person: the date and what was found."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)
    screened_on: dt.date
    findings: list[Vulnerability] = Field(default_factory=list, max_length=len(Vulnerability),
                                          description="Vulnerabilities found (none is a result "
                                          "too).")
    notes: Annotated[str, Field(max_length=2000)] | None = None

    _date = field_validator("screened_on")(_recent)


class ReferralIn(BaseModel):
    """A referral of the person to the partner (in) or by the partner elsewhere (out)."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)
    direction: ReferralDirection
    kind: ReferralKind
    organisation: Annotated[str, Field(min_length=1, max_length=200)] | None = Field(
        None, description="Who referred the person, or to whom.")
    referred_on: dt.date
    status: ReferralStatus = ReferralStatus.PENDING

    _date = field_validator("referred_on")(_recent)


class ReferralStatusIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    status: ReferralStatus


class ConsultationIn(BaseModel):
    """Anonymous consultations (hotline, office) counted by sex and topic, as the bulletin
    counts them; ``contacts`` of the same day, sex, topic and channel may be given at once."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)
    partner_id: Annotated[int, Field(ge=1, le=MAX_ID)] | None = Field(
        None, description="Defaults to the caseworker's partner.")
    record_id: Code | None = Field(None, description="The partner's code; made up if empty.")
    contacted_on: dt.date
    sex: Sex | None = None
    nationality: str | None = Field(None, description="Country name or ISO code.")
    topic: ConsultationTopic
    channel: ConsultationChannel
    admin1_code: Annotated[str, Field(max_length=12)] | None = None
    contacts: Annotated[int, Field(ge=1, le=10_000)] = 1

    _date = field_validator("contacted_on")(_recent)
    _country = field_validator("nationality")(_iso3)


class FamilyAssistanceIn(AssistanceIn):
    """Help for a whole family through one form: the members are the family's."""

    person_id: SkipJsonSchema[int | None] = None  # type: ignore[assignment]
    for_family: SkipJsonSchema[bool] = True
    each_member: bool = Field(True, description="One record per member (each counted as an "
                              "individual); false: one record for the household.")
