"""Imports: the vulnerability codes each record carried when it was last imported.

A corrected file that drops a code from a row removes that finding; the codes the record
declared last time say which findings it was the source of.

Revision ID: 0006
Revises: 0002
Create Date: 2026-11-30

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision: str = "0006"
down_revision: str | Sequence[str] | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Upgrade schema."""
    with op.batch_alter_table("import_record", schema=None) as batch_op:
        batch_op.add_column(sa.Column("vulnerabilities", sa.String(length=400), nullable=True))


def downgrade() -> None:
    """Downgrade schema."""
    with op.batch_alter_table("import_record", schema=None) as batch_op:
        batch_op.drop_column("vulnerabilities")
