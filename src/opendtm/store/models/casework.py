"""Cases, vulnerability screenings and referrals."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import CheckConstraint, Date, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from opendtm.domain.taxonomy import (
    CaseKind,
    CaseStatus,
    ReferralDirection,
    ReferralKind,
    ReferralStatus,
    Vulnerability,
)

from .base import Base, Timestamps, enum_column
from .people import Family, Person
from .reference import Partner


class Case(Base, Timestamps):
    """One episode of help for a person or a family, owned by one partner."""

    __tablename__ = "case_file"
    id: Mapped[int] = mapped_column(primary_key=True)
    partner_id: Mapped[int] = mapped_column(ForeignKey("partner.id"), index=True)
    person_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"), index=True)
    family_id: Mapped[int | None] = mapped_column(ForeignKey("family.id"), index=True)
    kind: Mapped[CaseKind] = mapped_column(
        enum_column(CaseKind, "case_kind"), default=CaseKind.GENERAL
    )
    status: Mapped[CaseStatus] = mapped_column(
        enum_column(CaseStatus, "case_status"), default=CaseStatus.OPEN
    )
    opened_on: Mapped[dt.date] = mapped_column(Date)
    closed_on: Mapped[dt.date | None] = mapped_column(Date)
    closure_reason: Mapped[str | None] = mapped_column(String(200))
    partner: Mapped[Partner] = relationship()
    person: Mapped[Person | None] = relationship()
    family: Mapped[Family | None] = relationship()
    __table_args__ = (
        CheckConstraint("person_id IS NOT NULL OR family_id IS NOT NULL", name="has_subject"),
        CheckConstraint("closed_on IS NULL OR closed_on >= opened_on", name="ordered"),
    )


class Screening(Base, Timestamps):
    """A vulnerability screening of a person; its findings are ScreeningFinding rows."""

    __tablename__ = "screening"
    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"), index=True)
    case_id: Mapped[int | None] = mapped_column(ForeignKey("case_file.id"))
    screened_on: Mapped[dt.date] = mapped_column(Date)
    notes: Mapped[str | None] = mapped_column(Text)
    person: Mapped[Person] = relationship()
    case: Mapped[Case | None] = relationship()
    findings: Mapped[list[ScreeningFinding]] = relationship(
        back_populates="screening", cascade="all, delete-orphan"
    )


class ScreeningFinding(Base):
    __tablename__ = "screening_finding"
    screening_id: Mapped[int] = mapped_column(
        ForeignKey("screening.id", ondelete="CASCADE"), primary_key=True
    )
    vulnerability: Mapped[Vulnerability] = mapped_column(
        enum_column(Vulnerability, "vulnerability"), primary_key=True
    )
    screening: Mapped[Screening] = relationship(back_populates="findings")


class Referral(Base, Timestamps):
    """Who sent the person to the partner (in), or where the partner sent them on (out)."""

    __tablename__ = "referral"
    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case_file.id"), index=True)
    direction: Mapped[ReferralDirection] = mapped_column(
        enum_column(ReferralDirection, "referral_direction")
    )
    kind: Mapped[ReferralKind] = mapped_column(enum_column(ReferralKind, "referral_kind"))
    organisation: Mapped[str | None] = mapped_column(String(200))
    referred_on: Mapped[dt.date] = mapped_column(Date, index=True)
    status: Mapped[ReferralStatus] = mapped_column(
        enum_column(ReferralStatus, "referral_status"), default=ReferralStatus.PENDING,
        server_default=ReferralStatus.PENDING.value,
    )
    case: Mapped[Case] = relationship()
