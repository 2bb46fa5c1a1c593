"""What a caller may send to register a person or record assistance, validated field by
field: the API answers 422 with these messages, the pages show them beside the field."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from opendtm.domain.gazetteer import UnknownPlace, gazetteer
from opendtm.domain.taxonomy import (
    AssistanceType,
    ConsultationChannel,
    ConsultationTopic,
    MigrantStatus,
    Sex,
    TransportMode,
)

MAX_ID = 2**31 - 1
Text = Annotated[str, Field(min_length=1, max_length=120)]
Code = Annotated[str, Field(min_length=1, max_length=64, pattern=r"^[\w./-]+$")]


def _iso3(value: str | None) -> str | None:
    if value is None or not value.strip():
        return None
    try:
        return gazetteer().country(value.strip()).iso3
    except UnknownPlace as exc:
        raise ValueError(str(exc)) from None


class PersonIn(BaseModel):
    """A person as registered or edited. Names are personal data: kept apart."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)
    partner_id: Annotated[int, Field(ge=1, le=MAX_ID)] | None = Field(
        None, description="Defaults to the caseworker's partner.")
    beneficiary_id: Code | None = Field(None, description="The partner's code; made up if empty.")
    family_code: Code | None = None
    given_name: Text | None = None
    family_name: Text | None = None
    patronymic: Text | None = None
    document_type: Annotated[str, Field(max_length=40)] | None = None
    document_number: Annotated[str, Field(max_length=64, pattern=r"^[\w -]+$")] | None = None
    phone: Annotated[str, Field(max_length=40, pattern=r"^\+?[\d ()-]{5,}$")] | None = None
    sex: Sex | None = None
    date_of_birth: dt.date | None = None
    age_years: Annotated[int, Field(ge=0, lt=130)] | None = None
    nationality: str | None = Field(None, description="Country name or ISO code.")
    migrant_status: MigrantStatus = MigrantStatus.OTHER
    previous_country: str | None = None
    registered_on: dt.date | None = Field(None, description="Defaults to today.")

    _countries = field_validator("nationality", "previous_country")(_iso3)

    @field_validator("date_of_birth", "registered_on")
    @classmethod
    def _not_future(cls, value: dt.date | None) -> dt.date | None:
        if value is not None and value > dt.date.today():
            raise ValueError("lies in the future")
        if value is not None and value.year < 1900:
            raise ValueError("lies before 1900")
        return value

    @model_validator(mode="after")
    def _has_name_or_code(self) -> PersonIn:
        if not (self.given_name or self.family_name or self.beneficiary_id):
            raise ValueError("give a name or the partner's code of the person")
        return self


class AssistanceIn(BaseModel):
    """One delivery of help to a person, or to the person's whole family."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)
    person_id: int = Field(ge=1, le=MAX_ID, description="The person helped, or one of the family.")
    for_family: bool = Field(False, description="Count the help once for the whole family.")
    type: AssistanceType
    delivered_on: dt.date
    record_id: Code | None = Field(None, description="The partner's code; made up if empty.")
    admin1_code: Annotated[str, Field(max_length=12)] | None = None
    return_from: str | None = None
    return_to: str | None = None
    transport_mode: TransportMode | None = None
    consultation_topic: ConsultationTopic | None = None
    consultation_channel: ConsultationChannel | None = None
    quantity: Annotated[float, Field(gt=0, lt=1e9)] | None = None
    unit: Annotated[str, Field(max_length=20)] | None = None

    _countries = field_validator("return_from", "return_to")(_iso3)

    @field_validator("delivered_on")
    @classmethod
    def _not_future(cls, value: dt.date) -> dt.date:
        if value > dt.date.today() or value.year < 2000:
            raise ValueError("must lie between 2000 and today")
        return value

    @model_validator(mode="after")
    def _fits_type(self) -> AssistanceIn:
        if self.type is AssistanceType.RETURN and not self.return_to:
            raise ValueError("return_to: a return needs the country of destination")
        if self.transport_mode and self.type not in (AssistanceType.RETURN,
                                                      AssistanceType.TRANSPORT):
            raise ValueError("transport_mode: only for a return or transportation")
        return self


def field_errors(error: ValidationError) -> dict[str, str]:
    """One message per field (``_`` for the form as a whole), for a page to show."""
    out: dict[str, str] = {}
    for item in error.errors():
        message = str(item["msg"]).removeprefix("Value error, ")
        if item["loc"]:
            field = str(item["loc"][0])
        else:
            head, sep, rest = message.partition(": ")
            field, message = (head, rest) if sep and head.isidentifier() else ("_", message)
        out.setdefault(field, message)
    return out


def from_form(model: type[BaseModel], form: dict[str, Any]) -> Any:
    """Build a model from an HTML form: empty fields are absent, checkboxes are booleans."""
    data = {k: v for k, v in form.items() if v not in ("", None) and k != "csrf_token"}
    return model.model_validate(data)
