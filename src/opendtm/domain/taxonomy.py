"""Enumerations and taxonomies of the domain: who, what help, why, by whom.

The string values are the codes stored in the database and accepted in import files.
Labels in English and Russian live beside them so that every output names things the
same way.
"""

from __future__ import annotations

from enum import StrEnum


class Sex(StrEnum):
    FEMALE = "f"
    MALE = "m"


class MigrantStatus(StrEnum):
    RETURNEE = "returnee"
    STRANDED = "stranded"
    OTHER = "other"


class AssistanceCategory(StrEnum):
    """The groups the bulletin reports on."""

    FOOD_NFI = "food_nfi"
    SHELTER = "shelter"
    MEDICAL = "medical"
    RETURN = "return"
    TRANSPORT = "transport"
    DOCUMENTS = "documents"
    CONSULTATION = "consultation"
    MONITORING = "monitoring"
    OTHER = "other"


class AssistanceType(StrEnum):
    FOOD = "food"
    NFI = "nfi"
    HYGIENE = "hygiene"
    CLOTHING = "clothing"
    BABY_FOOD = "baby_food"
    SHELTER = "shelter"
    MEDICAL = "medical"
    MEDICINE = "medicine"
    TREATMENT = "treatment"
    PCR_TEST = "pcr_test"
    MEDICAL_EXAM = "medical_exam"
    RETURN = "return"
    TRANSPORT = "transport"
    DOCUMENTS = "documents"
    CONSULTATION = "consultation"
    MONITORING = "monitoring"
    OTHER = "other"

    @property
    def category(self) -> AssistanceCategory:
        return CATEGORY_OF[self]


CATEGORY_OF: dict[AssistanceType, AssistanceCategory] = {
    AssistanceType.FOOD: AssistanceCategory.FOOD_NFI,
    AssistanceType.NFI: AssistanceCategory.FOOD_NFI,
    AssistanceType.HYGIENE: AssistanceCategory.FOOD_NFI,
    AssistanceType.CLOTHING: AssistanceCategory.FOOD_NFI,
    AssistanceType.BABY_FOOD: AssistanceCategory.FOOD_NFI,
    AssistanceType.SHELTER: AssistanceCategory.SHELTER,
    AssistanceType.MEDICAL: AssistanceCategory.MEDICAL,
    AssistanceType.MEDICINE: AssistanceCategory.MEDICAL,
    AssistanceType.TREATMENT: AssistanceCategory.MEDICAL,
    AssistanceType.PCR_TEST: AssistanceCategory.MEDICAL,
    AssistanceType.MEDICAL_EXAM: AssistanceCategory.MEDICAL,
    AssistanceType.RETURN: AssistanceCategory.RETURN,
    AssistanceType.TRANSPORT: AssistanceCategory.TRANSPORT,
    AssistanceType.DOCUMENTS: AssistanceCategory.DOCUMENTS,
    AssistanceType.CONSULTATION: AssistanceCategory.CONSULTATION,
    AssistanceType.MONITORING: AssistanceCategory.MONITORING,
    AssistanceType.OTHER: AssistanceCategory.OTHER,
}

# Help given before departure to people who are going home (seed: "pre-departure assistance").
PRE_DEPARTURE = frozenset(
    {
        AssistanceType.DOCUMENTS,
        AssistanceType.PCR_TEST,
        AssistanceType.MEDICAL_EXAM,
        AssistanceType.TRANSPORT,
    }
)


class TransportMode(StrEnum):
    AIR = "air"
    LAND = "land"


class ConsultationTopic(StrEnum):
    REGISTRATION = "registration"
    RESIDENCE_PERMIT = "residence_permit"
    CITIZENSHIP = "citizenship"
    VOLUNTARY_RETURN = "voluntary_return"
    EMPLOYMENT = "employment"
    HEALTH = "health"
    OTHER = "other"


# "Aspects of migration law" in the seed: registration, residence permits, citizenship, return.
MIGRATION_LAW_TOPICS = frozenset(
    {
        ConsultationTopic.REGISTRATION,
        ConsultationTopic.RESIDENCE_PERMIT,
        ConsultationTopic.CITIZENSHIP,
        ConsultationTopic.VOLUNTARY_RETURN,
    }
)


class ConsultationChannel(StrEnum):
    IN_PERSON = "in_person"
    PHONE = "phone"
    ONLINE = "online"


class Vulnerability(StrEnum):
    VOT = "vot"  # victim of trafficking
    GBV = "gbv"  # domestic or gender-based violence
    DISABILITY = "disability"
    PREGNANT = "pregnant"
    UNDOCUMENTED = "undocumented"
    INCOME_LOSS = "income_loss"
    CHILD_NO_SERVICES = "child_no_services"
    SERIOUS_ILLNESS = "serious_illness"
    EXPLOITATION = "exploitation"

    @property
    def sensitive(self) -> bool:
        return self in SENSITIVE_VULNERABILITIES


SENSITIVE_VULNERABILITIES = frozenset({Vulnerability.VOT, Vulnerability.GBV})


class ReferralDirection(StrEnum):
    IN = "in"
    OUT = "out"


class ReferralKind(StrEnum):
    MIGRATION_SERVICE = "migration_service"
    WOMEN_FAMILY_DEPARTMENT = "women_family_department"
    ANTI_TRAFFICKING_CENTRE = "anti_trafficking_centre"
    CONSULATE = "consulate"
    LABOUR_MIGRATION_AGENCY = "labour_migration_agency"
    NGO = "ngo"
    HOTLINE = "hotline"
    FELLOW_MIGRANTS = "fellow_migrants"
    SELF = "self"
    OTHER = "other"


class ReferralStatus(StrEnum):
    PENDING = "pending"
    ACCEPTED = "accepted"
    COMPLETED = "completed"
    DECLINED = "declined"


class PartnerKind(StrEnum):
    NGO = "ngo"
    RED_CROSS = "red_cross"
    GOVERNMENT = "government"
    IOM_OFFICE = "iom_office"
    OTHER = "other"


class CaseKind(StrEnum):
    GENERAL = "general"
    AVR = "avr"  # assisted voluntary return


class CaseStatus(StrEnum):
    OPEN = "open"
    SCREENED = "screened"
    PLANNED = "planned"
    APPROVED = "approved"
    IN_TRAVEL = "in_travel"
    SERVED = "served"
    MONITORING = "monitoring"
    CLOSED = "closed"


class ConsentScope(StrEnum):
    REGISTRATION = "registration"
    DATA_SHARING = "data_sharing"
    PHOTO = "photo"
    FOLLOW_UP = "follow_up"


class Role(StrEnum):
    ADMINISTRATOR = "administrator"
    COUNTRY_OFFICER = "country_officer"
    PROTECTION_OFFICER = "protection_officer"
    PARTNER_CASEWORKER = "partner_caseworker"
    INFORMATION_OFFICER = "information_officer"
    VIEWER = "viewer"


ADULT_AGE = 18
