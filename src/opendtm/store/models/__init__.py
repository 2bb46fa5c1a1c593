"""The operational store's tables. Import from here."""

from .access import AuditEntry, User
from .assistance import Assistance, ConsultationContact
from .base import Base
from .casework import Case, Referral, Screening, ScreeningFinding
from .people import Consent, Family, Person, PersonIdentity
from .reference import Admin1, City, Operation, Partner, PartnerRegion, Period, Project
from .survey import SurveyChoice, SurveyForm, SurveyPersonal, SurveyQuestion, SurveySubmission

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
    "SurveyChoice",
    "SurveyForm",
    "SurveyPersonal",
    "SurveyQuestion",
    "SurveySubmission",
    "User",
]
