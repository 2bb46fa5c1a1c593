"""Imports: ``import_record`` and ``import_change`` as SQLite tables ``WITHOUT ROWID``.

Each holds a row per record imported, keyed by its primary key (partner and record id;
batch and row). A rowid table keeps that key in a second B-tree beside the rows; without
a rowid the rows live in the key's own B-tree, so writing a million of them updates one
tree instead of two. PostgreSQL has no rowid: nothing changes there.

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-30

"""

from collections.abc import Sequence

from alembic import op

# revision identifiers, used by Alembic.
revision: str = "0010"
down_revision: str | Sequence[str] | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TABLES = ("import_record", "import_change")


def _rebuild(with_rowid: bool) -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    for table in TABLES:
        with op.batch_alter_table(table, recreate="always",
                                  table_kwargs={"sqlite_with_rowid": with_rowid}):
            pass


def upgrade() -> None:
    _rebuild(with_rowid=False)


def downgrade() -> None:
    _rebuild(with_rowid=True)
