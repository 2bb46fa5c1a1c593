"""Assistance deliveries and anonymous consultation contacts."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    Date,
    ForeignKey,
    Integer,
    Numeric,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from opendtm.domain.taxonomy import (
    AssistanceType,
    ConsultationChannel,
    ConsultationTopic,
    Sex,
    TransportMode,
)

from .base import Base, Timestamps, enum_column
from .casework import Case
from .people import Family, Person
from .reference import Partner


class Assistance(Base, Timestamps):
    """One delivery of help to a person or to a family, within a case."""

    __tablename__ = "assistance"
    id: Mapped[int] = mapped_column(primary_key=True)
    # No index of its own: the unique key below starts with it (migration 0011).
    partner_id: Mapped[int] = mapped_column(ForeignKey("partner.id"))
    # The partner's own identifier of the record: re-importing it updates, never duplicates.
    record_id: Mapped[str] = mapped_column(String(64))
    case_id: Mapped[int] = mapped_column(ForeignKey("case_file.id"), index=True)
    person_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"), index=True)
    family_id: Mapped[int | None] = mapped_column(ForeignKey("family.id"), index=True)
    type: Mapped[AssistanceType] = mapped_column(enum_column(AssistanceType, "assistance_type"))
    delivered_on: Mapped[dt.date] = mapped_column(Date, index=True)
    admin1_code: Mapped[str | None] = mapped_column(ForeignKey("admin1.code"))
    city_id: Mapped[int | None] = mapped_column(ForeignKey("city.id"))
    # Return: where the person was and where they went, and how.
    return_from: Mapped[str | None] = mapped_column(String(3))
    return_to: Mapped[str | None] = mapped_column(String(3))
    transport_mode: Mapped[TransportMode | None] = mapped_column(
        enum_column(TransportMode, "transport_mode")
    )
    # Consultation: what about and how.
    consultation_topic: Mapped[ConsultationTopic | None] = mapped_column(
        enum_column(ConsultationTopic, "consultation_topic")
    )
    consultation_channel: Mapped[ConsultationChannel | None] = mapped_column(
        enum_column(ConsultationChannel, "consultation_channel")
    )
    quantity: Mapped[Decimal | None] = mapped_column(Numeric(12, 2))
    unit: Mapped[str | None] = mapped_column(String(20))
    cost: Mapped[Decimal | None] = mapped_column(Numeric(14, 2))
    currency: Mapped[str | None] = mapped_column(String(3))  # ISO 4217
    # What an import last wrote (migration 0012; empty for records made in the app): the
    # fingerprint of the file's row, whose batch and row it was, and the vulnerability codes
    # it carried (space-separated, sorted). A row whose fingerprint is unchanged is counted
    # 'unchanged' and not touched; a corrected file that drops a code removes the finding
    # this record was the source of.
    import_hash: Mapped[int | None] = mapped_column(BigInteger)
    import_batch_id: Mapped[int | None] = mapped_column(ForeignKey("import_batch.id"))
    import_row: Mapped[int | None] = mapped_column(Integer)
    import_vulnerabilities: Mapped[str | None] = mapped_column(String(400))
    partner: Mapped[Partner] = relationship()
    case: Mapped[Case] = relationship()
    person: Mapped[Person | None] = relationship()
    family: Mapped[Family | None] = relationship()
    __table_args__ = (
        UniqueConstraint("partner_id", "record_id"),
        CheckConstraint("person_id IS NOT NULL OR family_id IS NOT NULL", name="has_recipient"),
        CheckConstraint("quantity IS NULL OR quantity > 0", name="quantity_positive"),
        CheckConstraint("cost IS NULL OR cost >= 0", name="cost_not_negative"),
        CheckConstraint("cost IS NULL OR currency IS NOT NULL", name="cost_has_currency"),
        CheckConstraint(
            "type <> 'return' OR return_to IS NOT NULL", name="return_has_destination"
        ),
    )


class ConsultationContact(Base, Timestamps):
    """An anonymous consultation (hotline call, walk-in): counted by sex and topic only."""

    __tablename__ = "consultation_contact"
    id: Mapped[int] = mapped_column(primary_key=True)
    # No index of its own: the unique key below starts with it (migration 0011).
    partner_id: Mapped[int] = mapped_column(ForeignKey("partner.id"))
    record_id: Mapped[str] = mapped_column(String(64))
    contacted_on: Mapped[dt.date] = mapped_column(Date, index=True)
    sex: Mapped[Sex | None] = mapped_column(enum_column(Sex, "sex"))
    nationality: Mapped[str | None] = mapped_column(String(3))
    topic: Mapped[ConsultationTopic] = mapped_column(
        enum_column(ConsultationTopic, "consultation_topic")
    )
    channel: Mapped[ConsultationChannel] = mapped_column(
        enum_column(ConsultationChannel, "consultation_channel")
    )
    admin1_code: Mapped[str | None] = mapped_column(ForeignKey("admin1.code"))
    city_id: Mapped[int | None] = mapped_column(ForeignKey("city.id"))
    contacts: Mapped[int] = mapped_column(Integer, default=1)
    partner: Mapped[Partner] = relationship()
    __table_args__ = (
        UniqueConstraint("partner_id", "record_id"),
        CheckConstraint("contacts > 0", name="contacts_positive"),
    )
