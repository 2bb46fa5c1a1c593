"""Drop the single-column indexes on ``partner_id`` that a unique key already starts with.

``assistance`` and ``consultation_contact`` are unique on (partner, record id), ``person``
on (partner, beneficiary id), ``family`` on (partner, family code): the unique key's index
finds a partner's rows as well, so each of these indexes was a second B-tree to update on
every insert (a million at a first import) and to build again after a large load, with no
reader of its own.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-01

"""

from collections.abc import Sequence

from alembic import op

# revision identifiers, used by Alembic.
revision: str = "0011"
down_revision: str | Sequence[str] | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TABLES = ("assistance", "consultation_contact", "person", "family")


def upgrade() -> None:
    for table in TABLES:
        op.drop_index(f"ix_{table}_partner_id", table_name=table)


def downgrade() -> None:
    for table in TABLES:
        op.create_index(f"ix_{table}_partner_id", table, ["partner_id"])
