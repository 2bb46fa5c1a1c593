"""Web performance: audit lanes (concurrent writers extend chains side by side), the
partner on each search token (a caseworker's name search scans its partner's tokens only)
and an index of merged persons (a person page finds its merge group without a scan).

Revision ID: 0007
Revises: 0002
Create Date: 2026-11-30

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision: str = "0007"
down_revision: str | Sequence[str] | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # A plain ADD COLUMN (not a batch copy): the append-only triggers stay, no row is updated.
    op.add_column("audit_log", sa.Column("lane", sa.Integer(), nullable=False,
                                         server_default="0"))
    op.create_index("ix_audit_log_lane_id", "audit_log", ["lane", "id"])
    op.add_column("person_name_token", sa.Column("partner_id", sa.Integer(), nullable=True))
    op.execute("UPDATE person_name_token SET partner_id = (SELECT person.partner_id FROM person "
               "WHERE person.id = person_name_token.person_id)")
    with op.batch_alter_table("person_name_token") as batch_op:
        batch_op.create_foreign_key(op.f("fk_person_name_token_partner_id_partner"), "partner",
                                    ["partner_id"], ["id"])
        batch_op.create_index("ix_person_name_token_partner",
                              ["partner_id", "token", "person_id"])
    merged = sa.text("merged_into_id IS NOT NULL")
    op.create_index("ix_person_merged_into_id", "person", ["merged_into_id"],
                    postgresql_where=merged, sqlite_where=merged)


def downgrade() -> None:
    op.drop_index("ix_person_merged_into_id", table_name="person")
    with op.batch_alter_table("person_name_token") as batch_op:
        batch_op.drop_index("ix_person_name_token_partner")
        batch_op.drop_constraint(op.f("fk_person_name_token_partner_id_partner"),
                                 type_="foreignkey")
        batch_op.drop_column("partner_id")
    op.drop_index("ix_audit_log_lane_id", table_name="audit_log")
    op.drop_column("audit_log", "lane")
