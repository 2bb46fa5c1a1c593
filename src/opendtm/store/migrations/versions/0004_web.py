"""Web application: API tokens, sign-in sessions and attempts, folded name tokens.

Revision ID: 0004
Revises: 0005
Create Date: 2026-11-30

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | Sequence[str] | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "api_token",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True),
                  server_default=sa.text("(CURRENT_TIMESTAMP)"), nullable=False),
        sa.Column("revoked", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["app_user.id"], ondelete="CASCADE",
                                name=op.f("fk_api_token_user_id_app_user")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_api_token")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_api_token_token_hash")),
    )
    with op.batch_alter_table("api_token") as batch_op:
        batch_op.create_index(batch_op.f("ix_api_token_user_id"), ["user_id"])
    op.create_table(
        "web_session",
        sa.Column("id_hash", sa.String(length=64), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["app_user.id"], ondelete="CASCADE",
                                name=op.f("fk_web_session_user_id_app_user")),
        sa.PrimaryKeyConstraint("id_hash", name=op.f("pk_web_session")),
    )
    with op.batch_alter_table("web_session") as batch_op:
        batch_op.create_index(batch_op.f("ix_web_session_user_id"), ["user_id"])
    op.create_table(
        "login_attempt",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("username", sa.String(length=80), nullable=False),
        sa.Column("remote_addr", sa.String(length=64), nullable=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("success", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_login_attempt")),
    )
    with op.batch_alter_table("login_attempt") as batch_op:
        batch_op.create_index("ix_login_attempt_username_at", ["username", "at"])
        batch_op.create_index("ix_login_attempt_remote_addr_at", ["remote_addr", "at"])
    op.create_table(
        "person_name_token",
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("token", sa.String(length=120).with_variant(
            sa.String(length=120, collation="C"), "postgresql"), nullable=False),
        sa.ForeignKeyConstraint(["person_id"], ["person.id"], ondelete="CASCADE",
                                name=op.f("fk_person_name_token_person_id_person")),
        sa.PrimaryKeyConstraint("person_id", "token", name=op.f("pk_person_name_token")),
    )
    with op.batch_alter_table("person_name_token") as batch_op:
        batch_op.create_index("ix_person_name_token_token", ["token", "person_id"])
    # The person list pages newest first within a partner; a partner code is searched alone.
    op.create_index("ix_person_partner_id_id", "person", ["partner_id", "id"])
    op.create_index("ix_person_beneficiary_id", "person", ["beneficiary_id"])
    # A person's history is read from the audit log by record.
    op.create_index("ix_audit_log_entity_entity_id", "audit_log", ["entity", "entity_id", "id"])


def downgrade() -> None:
    op.drop_index("ix_audit_log_entity_entity_id", table_name="audit_log")
    op.drop_index("ix_person_beneficiary_id", table_name="person")
    op.drop_index("ix_person_partner_id_id", table_name="person")
    op.drop_table("person_name_token")
    op.drop_table("login_attempt")
    op.drop_table("web_session")
    op.drop_table("api_token")
