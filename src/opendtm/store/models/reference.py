"""Reference data: country operations, projects, periods, partners and places."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import CheckConstraint, Date, Float, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from opendtm.domain.taxonomy import PartnerKind

from .base import Base, Timestamps, enum_column


class Operation(Base):
    """A country operation (a country office and the country it works in)."""

    __tablename__ = "operation"
    id: Mapped[int] = mapped_column(primary_key=True)
    country: Mapped[str] = mapped_column(String(3), unique=True)  # ISO 3166-1 alpha-3
    name_en: Mapped[str] = mapped_column(String(120))
    name_ru: Mapped[str] = mapped_column(String(120))
    office: Mapped[str | None] = mapped_column(String(120))
    __table_args__ = (CheckConstraint("length(country) = 3", name="iso3"),)


class Project(Base):
    __tablename__ = "project"
    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(300))
    donor: Mapped[str | None] = mapped_column(String(200))


class Period(Base):
    """A reporting period of a project in one operation (or all, when operation is empty)."""

    __tablename__ = "period"
    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("project.id", ondelete="CASCADE"))
    operation_id: Mapped[int | None] = mapped_column(ForeignKey("operation.id"))
    label: Mapped[str] = mapped_column(String(80))
    start_date: Mapped[dt.date] = mapped_column(Date)
    end_date: Mapped[dt.date] = mapped_column(Date)
    project: Mapped[Project] = relationship()
    operation: Mapped[Operation | None] = relationship()
    __table_args__ = (
        CheckConstraint("start_date <= end_date", name="ordered"),
        UniqueConstraint("project_id", "operation_id", "label"),
    )


class Admin1(Base):
    """A first-level administrative unit, synchronised from the packaged gazetteer."""

    __tablename__ = "admin1"
    code: Mapped[str] = mapped_column(String(12), primary_key=True)  # ISO 3166-2
    country: Mapped[str] = mapped_column(String(3), index=True)
    pcode: Mapped[str | None] = mapped_column(String(20))
    name_en: Mapped[str] = mapped_column(String(120))
    name_ru: Mapped[str] = mapped_column(String(120))


class City(Base):
    __tablename__ = "city"
    id: Mapped[int] = mapped_column(primary_key=True)
    country: Mapped[str] = mapped_column(String(3))
    admin1_code: Mapped[str | None] = mapped_column(ForeignKey("admin1.code"))
    name_en: Mapped[str] = mapped_column(String(120))
    name_ru: Mapped[str] = mapped_column(String(120))
    lat: Mapped[float | None] = mapped_column(Float)
    lon: Mapped[float | None] = mapped_column(Float)
    __table_args__ = (UniqueConstraint("country", "name_en"),)


class Partner(Base, Timestamps):
    """An implementing partner (NGO, Red Cross society, agency) in one operation."""

    __tablename__ = "partner"
    id: Mapped[int] = mapped_column(primary_key=True)
    operation_id: Mapped[int] = mapped_column(ForeignKey("operation.id"))
    name: Mapped[str] = mapped_column(String(200))
    name_ru: Mapped[str | None] = mapped_column(String(200))
    kind: Mapped[PartnerKind] = mapped_column(
        enum_column(PartnerKind, "partner_kind"), default=PartnerKind.NGO
    )
    operation: Mapped[Operation] = relationship()
    regions: Mapped[list[PartnerRegion]] = relationship(
        back_populates="partner", cascade="all, delete-orphan"
    )
    __table_args__ = (UniqueConstraint("operation_id", "name"),)


class PartnerRegion(Base):
    """A region a partner covers."""

    __tablename__ = "partner_region"
    partner_id: Mapped[int] = mapped_column(
        ForeignKey("partner.id", ondelete="CASCADE"), primary_key=True
    )
    admin1_code: Mapped[str] = mapped_column(ForeignKey("admin1.code"), primary_key=True)
    partner: Mapped[Partner] = relationship(back_populates="regions")
