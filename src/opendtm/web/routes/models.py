"""The shapes of the API's answers (the dicts the services build), for the OpenAPI schema."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel


class PartnerRef(BaseModel):
    id: int
    name: str


class Identity(BaseModel):
    given_name: str | None
    family_name: str | None
    patronymic: str | None
    document_type: str | None
    document_number: str | None
    phone: str | None


class PersonSummary(BaseModel):
    id: int
    beneficiary_id: str
    partner: PartnerRef
    sex: str | None
    age_years: int | None
    nationality: str | None
    migrant_status: str
    registered_on: str
    identity: Identity | None = None


class PersonPage(BaseModel):
    items: list[PersonSummary]
    page: int
    per_page: int
    has_next: bool
    filters: dict[str, Any]


class Member(BaseModel):
    id: int
    beneficiary_id: str
    sex: str | None


class FamilyOut(BaseModel):
    id: int
    family_code: str
    members: list[Member]


class Finding(BaseModel):
    screened_on: str
    vulnerability: str


class AssistanceRow(BaseModel):
    id: int
    type: str
    delivered_on: str
    for_family: bool
    record_id: str
    return_from: str | None
    return_to: str | None
    transport_mode: str | None


class Change(BaseModel):
    at: str
    actor: str
    action: str
    changes: dict[str, Any] | None = None


class PersonDetail(PersonSummary):
    date_of_birth: str | None
    previous_country: str | None
    can_edit: bool
    family: FamilyOut | None
    vulnerabilities: list[Finding]
    assistance: list[AssistanceRow]
    history: list[Change]
    merged_into_id: int | None = None
    can_unmerge: bool = False


class PersonCreated(BaseModel):
    id: int
    beneficiary_id: str
    partner: PartnerRef


class PersonUpdated(BaseModel):
    id: int
    beneficiary_id: str
    changes: list[str]


class AssistanceOut(BaseModel):
    id: int
    record_id: str
    case_id: int
    person_id: int | None
    family_id: int | None
    type: str
    delivered_on: str


class CountryRef(BaseModel):
    code: str
    name_en: str
    name_ru: str


class Dashboard(BaseModel):
    country: str | None
    countries: list[CountryRef]
    figures: dict[str, Any]


class PendingPair(BaseModel):
    person_a: PersonSummary
    person_b: PersonSummary
    match_probability: float
    match_weight: float


class PendingPage(BaseModel):
    items: list[PendingPair]


class DecisionRef(BaseModel):
    id: int
    verdict: str
    decided_by: str
    decided_at: str


class PairDetail(BaseModel):
    person_a: PersonDetail
    person_b: PersonDetail
    match_probability: float | None
    match_weight: float | None
    decision: DecisionRef | None
    same_group: bool


class DecisionOut(BaseModel):
    id: int
    person_a: int
    person_b: int
    verdict: str
    decided_by: str


class Unmerged(BaseModel):
    id: int
    revoked: list[int]
