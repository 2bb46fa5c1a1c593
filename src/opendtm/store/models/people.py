"""Persons, families, consent and the personal identifiers kept apart from them."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import CheckConstraint, Date, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from opendtm.domain.taxonomy import ConsentScope, MigrantStatus, Sex

from .base import Base, Timestamps, enum_column
from .reference import Partner


class Family(Base, Timestamps):
    """A family or household, registered by one partner under the partner's own code."""

    __tablename__ = "family"
    id: Mapped[int] = mapped_column(primary_key=True)
    # No index of its own: the unique key below starts with it (migration 0011).
    partner_id: Mapped[int] = mapped_column(ForeignKey("partner.id"))
    family_code: Mapped[str] = mapped_column(String(64))
    nationality: Mapped[str | None] = mapped_column(String(3))
    size: Mapped[int | None] = mapped_column(Integer)
    partner: Mapped[Partner] = relationship()
    members: Mapped[list[Person]] = relationship(back_populates="family")
    __table_args__ = (
        UniqueConstraint("partner_id", "family_code"),
        CheckConstraint("size IS NULL OR size > 0", name="size_positive"),
    )


class Person(Base, Timestamps):
    """A migrant as one partner registered them. Names and documents are in PersonIdentity."""

    __tablename__ = "person"
    id: Mapped[int] = mapped_column(primary_key=True)
    # No index of its own: the unique key below starts with it (migration 0011).
    partner_id: Mapped[int] = mapped_column(ForeignKey("partner.id"))
    beneficiary_id: Mapped[str] = mapped_column(String(64))
    family_id: Mapped[int | None] = mapped_column(ForeignKey("family.id"), index=True)
    sex: Mapped[Sex | None] = mapped_column(enum_column(Sex, "sex"))
    date_of_birth: Mapped[dt.date | None] = mapped_column(Date)
    # Age in whole years as reported on registered_on, when the date of birth is unknown.
    age_years: Mapped[int | None] = mapped_column(Integer)
    nationality: Mapped[str | None] = mapped_column(String(3))
    migrant_status: Mapped[MigrantStatus] = mapped_column(
        enum_column(MigrantStatus, "migrant_status"), default=MigrantStatus.OTHER
    )
    # Country where the person lived or worked abroad before returning (for returnees).
    previous_country: Mapped[str | None] = mapped_column(String(3))
    registered_on: Mapped[dt.date] = mapped_column(Date)
    # Set when de-duplication decides this record is the same person as another one.
    merged_into_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"))
    partner: Mapped[Partner] = relationship()
    family: Mapped[Family | None] = relationship(back_populates="members")
    identity: Mapped[PersonIdentity | None] = relationship(
        back_populates="person", cascade="all, delete-orphan", uselist=False
    )
    __table_args__ = (
        UniqueConstraint("partner_id", "beneficiary_id"),
        CheckConstraint("age_years IS NULL OR (age_years >= 0 AND age_years < 130)", name="age"),
        CheckConstraint("merged_into_id IS NULL OR merged_into_id <> id", name="not_self_merge"),
    )


class PersonIdentity(Base, Timestamps):
    """Personal identifiers, one row per person: the single place to restrict or pseudonymise."""

    __tablename__ = "person_identity"
    person_id: Mapped[int] = mapped_column(
        ForeignKey("person.id", ondelete="CASCADE"), primary_key=True
    )
    given_name: Mapped[str | None] = mapped_column(String(120))
    family_name: Mapped[str | None] = mapped_column(String(120))
    patronymic: Mapped[str | None] = mapped_column(String(120))
    document_type: Mapped[str | None] = mapped_column(String(40))
    document_number: Mapped[str | None] = mapped_column(String(64), index=True)
    phone: Mapped[str | None] = mapped_column(String(40))
    person: Mapped[Person] = relationship(back_populates="identity")


class Consent(Base):
    __tablename__ = "consent"
    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"), index=True)
    scope: Mapped[ConsentScope] = mapped_column(enum_column(ConsentScope, "consent_scope"))
    given_on: Mapped[dt.date] = mapped_column(Date)
    withdrawn_on: Mapped[dt.date | None] = mapped_column(Date)
    person: Mapped[Person] = relationship()
    __table_args__ = (
        CheckConstraint("withdrawn_on IS NULL OR withdrawn_on >= given_on", name="ordered"),
    )
