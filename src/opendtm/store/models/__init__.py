"""The operational store's tables. Import from here."""

from .access import AuditEntry, User
from .assistance import Assistance, ConsultationContact
from .base import Base
from .casework import Case, Referral, Screening, ScreeningFinding
from .dedup import DedupRun, MatchCandidate, MatchClusterMember, MatchDecision, PersonMerge
from .imports import ImportBatch, ImportChange
from .people import Consent, Family, Person, PersonIdentity
from .reference import Admin1, City, Operation, Partner, PartnerRegion, Period, Project
from .survey import SurveyChoice, SurveyForm, SurveyPersonal, SurveyQuestion, SurveySubmission
from .web import ApiToken, LoginAttempt, PersonNameToken, WebSession

__all__ = [
    "Admin1",
    "ApiToken",
    "Assistance",
    "AuditEntry",
    "Base",
    "Case",
    "City",
    "Consent",
    "ConsultationContact",
    "DedupRun",
    "Family",
    "ImportBatch",
    "ImportChange",
    "LoginAttempt",
    "MatchCandidate",
    "MatchClusterMember",
    "MatchDecision",
    "Operation",
    "Partner",
    "PartnerRegion",
    "Period",
    "Person",
    "PersonIdentity",
    "PersonMerge",
    "PersonNameToken",
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
    "WebSession",
]
