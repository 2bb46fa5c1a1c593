"""The operational store's tables. Import from here."""

from .access import AuditEntry, User
from .assistance import Assistance, ConsultationContact
from .base import Base
from .casework import Case, Referral, Screening, ScreeningFinding
from .imports import ImportBatch, ImportChange, ImportRecord
from .people import Consent, Family, Person, PersonIdentity
from .reference import Admin1, City, Operation, Partner, PartnerRegion, Period, Project

__all__ = [
    "Admin1",
    "Assistance",
    "AuditEntry",
    "Base",
    "Case",
    "City",
    "Consent",
    "ConsultationContact",
    "Family",
    "ImportBatch",
    "ImportChange",
    "ImportRecord",
    "Operation",
    "Partner",
    "PartnerRegion",
    "Period",
    "Person",
    "PersonIdentity",
    "Project",
    "Referral",
    "Screening",
    "ScreeningFinding",
    "User",
]
