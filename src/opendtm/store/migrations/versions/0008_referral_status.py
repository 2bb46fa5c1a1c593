"""Referrals: the status of each (pending, accepted, completed, declined), and an index on
the date, by which the list of referrals is ordered.

Revision ID: 0008
Revises: 0002
Create Date: 2026-11-30

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision: str = "0008"
down_revision: str | Sequence[str] | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

STATUS = sa.Enum("pending", "accepted", "completed", "declined", name="referral_status",
                 native_enum=False, create_constraint=True, length=32)


def upgrade() -> None:
    with op.batch_alter_table("referral") as batch:
        batch.add_column(sa.Column("status", STATUS, server_default="pending", nullable=False))
    op.create_index(op.f("ix_referral_referred_on"), "referral", ["referred_on"])


def downgrade() -> None:
    op.drop_index(op.f("ix_referral_referred_on"), table_name="referral")
    with op.batch_alter_table("referral") as batch:
        batch.drop_constraint(op.f("ck_referral_referral_status"), type_="check")
        batch.drop_column("status")
