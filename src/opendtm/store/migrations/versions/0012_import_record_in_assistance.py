"""What an import last wrote into each assistance record is kept on the record itself.

``import_record`` held, for each (partner, record id), the fingerprint of the file's row
last imported, its batch and row, and the vulnerability codes it carried: one row per
assistance record an import made, keyed as ``assistance``'s own unique key. Its columns
move onto ``assistance`` (``import_hash``, ``import_batch_id``, ``import_row``,
``import_vulnerabilities``; empty for records made in the app), so that a first import
writes one B-tree fewer of a row per record, and the change rows are read from
``assistance`` alone. The rows are copied both ways.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-01

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision: str = "0012"
down_revision: str | Sequence[str] | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

FK = "fk_assistance_import_batch_id_import_batch"
COLUMNS = (("import_hash", "row_hash"), ("import_batch_id", "batch_id"),
           ("import_row", "row_no"), ("import_vulnerabilities", "vulnerabilities"))


def upgrade() -> None:
    sqlite = op.get_bind().dialect.name == "sqlite"
    op.add_column("assistance", sa.Column("import_hash", sa.BigInteger(), nullable=True))
    if sqlite:  # a column constraint: SQLite adds no table constraint to a table
        op.execute(f"ALTER TABLE assistance ADD COLUMN import_batch_id INTEGER "
                   f"CONSTRAINT {FK} REFERENCES import_batch (id)")
    else:
        op.add_column("assistance", sa.Column("import_batch_id", sa.Integer(), nullable=True))
        op.create_foreign_key(FK, "assistance", "import_batch", ["import_batch_id"], ["id"])
    op.add_column("assistance", sa.Column("import_row", sa.Integer(), nullable=True))
    op.add_column("assistance", sa.Column("import_vulnerabilities", sa.String(400),
                                          nullable=True))
    sets = ", ".join(f"{new} = r.{old}" for new, old in COLUMNS)
    op.execute(f"UPDATE assistance SET {sets} FROM import_record r WHERE "
               "r.partner_id = assistance.partner_id AND r.record_id = assistance.record_id")
    op.drop_table("import_record")


def downgrade() -> None:
    sqlite = op.get_bind().dialect.name == "sqlite"
    op.create_table(
        "import_record",
        sa.Column("partner_id", sa.Integer(), nullable=False),
        sa.Column("record_id", sa.String(64), nullable=False),
        sa.Column("row_hash", sa.BigInteger(), nullable=False),
        sa.Column("batch_id", sa.Integer(), nullable=False),
        sa.Column("row_no", sa.Integer(), nullable=False),
        sa.Column("vulnerabilities", sa.String(400), nullable=True),
        sa.ForeignKeyConstraint(["batch_id"], ["import_batch.id"],
                                name="fk_import_record_batch_id_import_batch"),
        sa.ForeignKeyConstraint(["partner_id"], ["partner.id"],
                                name="fk_import_record_partner_id_partner"),
        sa.PrimaryKeyConstraint("partner_id", "record_id", name="pk_import_record"),
        sqlite_with_rowid=False,
    )
    olds = ", ".join(old for _, old in COLUMNS)
    news = ", ".join(new for new, _ in COLUMNS)
    op.execute(f"INSERT INTO import_record (partner_id, record_id, {olds}) SELECT partner_id, "
               f"record_id, {news} FROM assistance WHERE import_hash IS NOT NULL")
    if not sqlite:
        op.drop_constraint(FK, "assistance", type_="foreignkey")
    for new, _ in reversed(COLUMNS):
        op.drop_column("assistance", new)
