"""The shapes of the API's answers for families, screenings, referrals, consultations,
imports, bulletins and charts (the dicts the services build), for the OpenAPI schema."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel

from .models import AssistanceOut, PartnerRef, PersonSummary


class FamilySummary(BaseModel):
    id: int
    family_code: str
    partner: PartnerRef
    members: int


class FamilyPage(BaseModel):
    items: list[FamilySummary]
    page: int
    per_page: int
    has_next: bool
    filters: dict[str, Any]


class FamilyAssistanceRow(BaseModel):
    id: int
    type: str
    delivered_on: str
    for_family: bool
    person_id: int | None
    record_id: str
    return_from: str | None
    return_to: str | None
    transport_mode: str | None


class FamilyDetail(BaseModel):
    id: int
    family_code: str
    partner: PartnerRef
    members: list[PersonSummary]
    assistance: list[FamilyAssistanceRow]
    can_edit: bool


class FamilyAssisted(BaseModel):
    family_id: int
    items: list[AssistanceOut]


class ScreeningRow(BaseModel):
    id: int
    screened_on: str
    findings: list[str]
    notes: str | None


class Screenings(BaseModel):
    person_id: int
    beneficiary_id: str
    items: list[ScreeningRow]
    choices: list[str]
    can_edit: bool


class ScreeningOut(BaseModel):
    id: int
    person_id: int
    screened_on: str
    findings: list[str]


class ReferralOut(BaseModel):
    id: int
    direction: str
    kind: str
    organisation: str | None
    referred_on: str
    status: str
    case_id: int
    person_id: int | None
    beneficiary_id: str | None


class PersonReferrals(BaseModel):
    person_id: int
    beneficiary_id: str
    items: list[ReferralOut]
    kinds: list[str]
    can_edit: bool


class ReferralListed(ReferralOut):
    partner: PartnerRef


class ReferralPage(BaseModel):
    items: list[ReferralListed]
    page: int
    per_page: int
    has_next: bool
    filters: dict[str, Any]


class ContactRow(BaseModel):
    id: int
    record_id: str
    contacted_on: str
    sex: str | None
    nationality: str | None
    topic: str
    channel: str
    admin1_code: str | None
    contacts: int
    partner: PartnerRef


class ContactTotals(BaseModel):
    contacts: int
    by_sex: dict[str, int]
    by_topic: dict[str, int]


class ContactPage(BaseModel):
    items: list[ContactRow]
    page: int
    per_page: int
    has_next: bool
    totals: ContactTotals
    filters: dict[str, Any]


class ContactCreated(BaseModel):
    id: int
    record_id: str
    partner: PartnerRef
    contacted_on: str
    contacts: int
