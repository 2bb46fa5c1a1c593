"""Imports: one row per file loaded and the rows it changed (what each record last got from
an import is kept on the record: ``Assistance.import_hash`` and the columns beside it).

The audit log gets one hash-chained entry per import; that entry names the batch and
carries a digest of the batch's change rows, so the per-row history written here in bulk
is covered by the chain without a hash-chained entry per row.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import JSON, BigInteger, DateTime, ForeignKey, Integer, String, func
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base


class ImportBatch(Base):
    """One file loaded (or previewed and rolled back, in which case no row remains)."""

    __tablename__ = "import_batch"
    id: Mapped[int] = mapped_column(primary_key=True)
    file_name: Mapped[str] = mapped_column(String(255))
    file_sha256: Mapped[str] = mapped_column(String(64))
    file_size: Mapped[int] = mapped_column(BigInteger)
    shape: Mapped[str] = mapped_column(String(10))  # csv, xlsx, json
    actor: Mapped[str] = mapped_column(String(80))
    started_at: Mapped[dt.datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now()
    )
    rows_read: Mapped[int] = mapped_column(Integer, default=0)
    created: Mapped[int] = mapped_column(Integer, default=0)
    updated: Mapped[int] = mapped_column(Integer, default=0)
    unchanged: Mapped[int] = mapped_column(Integer, default=0)
    duplicates: Mapped[int] = mapped_column(Integer, default=0)
    options: Mapped[dict[str, object] | None] = mapped_column(JSON)


class ImportChange(Base):
    """A row of an import file that created or updated an assistance record."""

    __tablename__ = "import_change"
    __table_args__ = ({"sqlite_with_rowid": False},)  # one B-tree (migration 0010)
    batch_id: Mapped[int] = mapped_column(
        ForeignKey("import_batch.id", ondelete="CASCADE"), primary_key=True
    )
    row_no: Mapped[int] = mapped_column(Integer, primary_key=True)
    partner_id: Mapped[int] = mapped_column(ForeignKey("partner.id"))
    record_id: Mapped[str] = mapped_column(String(64))
    assistance_id: Mapped[int] = mapped_column(ForeignKey("assistance.id"), index=True)
    action: Mapped[str] = mapped_column(String(10))  # created, updated
