"""De-duplication: matcher runs, candidate pairs, clusters, decisions and merge history.

Revision ID: 0003
Revises: 0004
Create Date: 2026-11-30

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision: str = "0003"
down_revision: str | Sequence[str] | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Upgrade schema."""
    op.create_table(
        "dedup_run",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("countries", sa.String(length=200), nullable=True),
        sa.Column("threshold", sa.Float(), nullable=False),
        sa.Column("candidate_threshold", sa.Float(), nullable=False),
        sa.Column("backend", sa.String(length=16), nullable=False),
        sa.Column("records", sa.Integer(), nullable=False),
        sa.Column("pairs_compared", sa.BigInteger(), nullable=False),
        sa.Column("candidates", sa.Integer(), nullable=False),
        sa.Column("clusters", sa.Integer(), nullable=False),
        sa.Column("actor", sa.String(length=120), nullable=False),
        sa.Column("model", sa.JSON(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_dedup_run")),
    )
    op.create_table(
        "match_candidate",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("run_id", sa.Integer(), nullable=False),
        sa.Column("person_a_id", sa.Integer(), nullable=False),
        sa.Column("person_b_id", sa.Integer(), nullable=False),
        sa.Column("match_weight", sa.Float(), nullable=False),
        sa.Column("match_probability", sa.Float(), nullable=False),
        sa.Column("cluster_id", sa.Integer(), nullable=True),
        sa.Column("weights", sa.JSON(), nullable=True),
        sa.CheckConstraint(
            "person_a_id < person_b_id", name=op.f("ck_match_candidate_ordered_pair")
        ),
        sa.ForeignKeyConstraint(
            ["person_a_id"],
            ["person.id"],
            name=op.f("fk_match_candidate_person_a_id_person"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["person_b_id"],
            ["person.id"],
            name=op.f("fk_match_candidate_person_b_id_person"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["run_id"],
            ["dedup_run.id"],
            name=op.f("fk_match_candidate_run_id_dedup_run"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_match_candidate")),
        sa.UniqueConstraint(
            "run_id", "person_a_id", "person_b_id", name=op.f("uq_match_candidate_run_id")
        ),
    )
    with op.batch_alter_table("match_candidate", schema=None) as batch_op:
        batch_op.create_index(
            "ix_match_candidate_pair", ["person_a_id", "person_b_id"], unique=False
        )

    op.create_table(
        "match_cluster_member",
        sa.Column("run_id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("cluster_id", sa.Integer(), nullable=False),
        sa.Column("match_probability", sa.Float(), nullable=True),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["person.id"],
            name=op.f("fk_match_cluster_member_person_id_person"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["run_id"],
            ["dedup_run.id"],
            name=op.f("fk_match_cluster_member_run_id_dedup_run"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("run_id", "person_id", name=op.f("pk_match_cluster_member")),
    )
    with op.batch_alter_table("match_cluster_member", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_match_cluster_member_cluster_id"), ["cluster_id"], unique=False
        )

    op.create_table(
        "match_decision",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("person_a_id", sa.Integer(), nullable=False),
        sa.Column("person_b_id", sa.Integer(), nullable=False),
        sa.Column(
            "verdict",
            sa.Enum(
                "same_person",
                "different_people",
                name="match_verdict",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("decided_by", sa.String(length=120), nullable=False),
        sa.Column(
            "decided_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("revoked_by", sa.String(length=120), nullable=True),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint(
            "person_a_id < person_b_id", name=op.f("ck_match_decision_ordered_pair")
        ),
        sa.ForeignKeyConstraint(
            ["person_a_id"],
            ["person.id"],
            name=op.f("fk_match_decision_person_a_id_person"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["person_b_id"],
            ["person.id"],
            name=op.f("fk_match_decision_person_b_id_person"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_match_decision")),
    )
    with op.batch_alter_table("match_decision", schema=None) as batch_op:
        batch_op.create_index(
            "uq_match_decision_standing",
            ["person_a_id", "person_b_id"],
            unique=True,
            sqlite_where=sa.text("revoked_at IS NULL"),
            postgresql_where=sa.text("revoked_at IS NULL"),
        )

    op.create_table(
        "person_merge",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("merged_into_id", sa.Integer(), nullable=False),
        sa.Column("decision_id", sa.Integer(), nullable=True),
        sa.Column("merged_by", sa.String(length=120), nullable=False),
        sa.Column("merged_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("unmerged_by", sa.String(length=120), nullable=True),
        sa.Column("unmerged_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["decision_id"],
            ["match_decision.id"],
            name=op.f("fk_person_merge_decision_id_match_decision"),
        ),
        sa.ForeignKeyConstraint(
            ["merged_into_id"],
            ["person.id"],
            name=op.f("fk_person_merge_merged_into_id_person"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["person.id"],
            name=op.f("fk_person_merge_person_id_person"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_person_merge")),
    )
    with op.batch_alter_table("person_merge", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_person_merge_person_id"), ["person_id"], unique=False)


def downgrade() -> None:
    """Downgrade schema."""
    with op.batch_alter_table("person_merge", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_person_merge_person_id"))

    op.drop_table("person_merge")
    with op.batch_alter_table("match_decision", schema=None) as batch_op:
        batch_op.drop_index(
            "uq_match_decision_standing",
            sqlite_where=sa.text("revoked_at IS NULL"),
            postgresql_where=sa.text("revoked_at IS NULL"),
        )

    op.drop_table("match_decision")
    with op.batch_alter_table("match_cluster_member", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_match_cluster_member_cluster_id"))

    op.drop_table("match_cluster_member")
    with op.batch_alter_table("match_candidate", schema=None) as batch_op:
        batch_op.drop_index("ix_match_candidate_pair")

    op.drop_table("match_candidate")
    op.drop_table("dedup_run")
