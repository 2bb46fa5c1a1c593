"""De-duplication: runs of the matcher, the pairs and clusters it found, officers' decisions
and the history of merges."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import (
    JSON,
    BigInteger,
    CheckConstraint,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    func,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column

from opendtm.domain.dedup import MatchVerdict

from .base import Base, enum_column


class DedupRun(Base):
    """One run of the matcher over the persons of some countries (all when country is empty)."""

    __tablename__ = "dedup_run"
    id: Mapped[int] = mapped_column(primary_key=True)
    started_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    finished_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    countries: Mapped[str | None] = mapped_column(String(200))  # ISO3 codes, comma-separated
    threshold: Mapped[float] = mapped_column(Float)
    candidate_threshold: Mapped[float] = mapped_column(Float)
    backend: Mapped[str] = mapped_column(String(16))
    records: Mapped[int] = mapped_column(Integer, default=0)
    pairs_compared: Mapped[int] = mapped_column(BigInteger, default=0)
    candidates: Mapped[int] = mapped_column(Integer, default=0)
    clusters: Mapped[int] = mapped_column(Integer, default=0)
    actor: Mapped[str] = mapped_column(String(120))
    model: Mapped[dict[str, object] | None] = mapped_column(JSON)


class MatchCandidate(Base):
    """A pair of person records the matcher scored at or above the candidate threshold."""

    __tablename__ = "match_candidate"
    id: Mapped[int] = mapped_column(primary_key=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("dedup_run.id", ondelete="CASCADE"))
    person_a_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"))
    person_b_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"))
    match_weight: Mapped[float] = mapped_column(Float)
    match_probability: Mapped[float] = mapped_column(Float)
    # The cluster both fall in at the run's threshold (its smallest person id), else empty.
    cluster_id: Mapped[int | None] = mapped_column(Integer)
    # Match weight of each comparison (name1, birth, document...), for review side by side.
    weights: Mapped[dict[str, object] | None] = mapped_column(JSON)
    __table_args__ = (
        UniqueConstraint("run_id", "person_a_id", "person_b_id"),
        CheckConstraint("person_a_id < person_b_id", name="ordered_pair"),
        Index("ix_match_candidate_pair", "person_a_id", "person_b_id"),
    )


class MatchClusterMember(Base):
    """A person record in a cluster of two or more records found by a run."""

    __tablename__ = "match_cluster_member"
    run_id: Mapped[int] = mapped_column(
        ForeignKey("dedup_run.id", ondelete="CASCADE"), primary_key=True
    )
    person_id: Mapped[int] = mapped_column(
        ForeignKey("person.id", ondelete="CASCADE"), primary_key=True
    )
    cluster_id: Mapped[int] = mapped_column(Integer, index=True)
    match_probability: Mapped[float | None] = mapped_column(Float)


class MatchDecision(Base):
    """An officer's verdict on a pair. Never deleted: revoking it keeps the row and says who."""

    __tablename__ = "match_decision"
    id: Mapped[int] = mapped_column(primary_key=True)
    person_a_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"))
    person_b_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"))
    verdict: Mapped[MatchVerdict] = mapped_column(enum_column(MatchVerdict, "match_verdict"))
    decided_by: Mapped[str] = mapped_column(String(120))
    decided_at: Mapped[dt.datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now()
    )
    note: Mapped[str | None] = mapped_column(Text)
    revoked_by: Mapped[str | None] = mapped_column(String(120))
    revoked_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    __table_args__ = (
        CheckConstraint("person_a_id < person_b_id", name="ordered_pair"),
        # At most one standing decision per pair.
        Index(
            "uq_match_decision_standing", "person_a_id", "person_b_id", unique=True,
            sqlite_where=text("revoked_at IS NULL"), postgresql_where=text("revoked_at IS NULL"),
        ),
    )


class PersonMerge(Base):
    """History of a record being counted as another: opened on merge, closed on un-merge."""

    __tablename__ = "person_merge"
    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(
        ForeignKey("person.id", ondelete="CASCADE"), index=True
    )
    merged_into_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"))
    decision_id: Mapped[int | None] = mapped_column(ForeignKey("match_decision.id"))
    merged_by: Mapped[str] = mapped_column(String(120))
    merged_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    unmerged_by: Mapped[str | None] = mapped_column(String(120))
    unmerged_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
