"""The audit log's entry appended in one statement on PostgreSQL: a function that takes
the lane (the one the transaction holds, else the first free one), reads the lane's last
hash and inserts the entry chained to it. Each statement of a volatile PL/pgSQL function
runs with a snapshot of its own, so the read of the last hash, made after the lane's lock
was taken, sees the commit of the lane's last holder, as when these were three statements
sent one by one. SQLite has nothing to add: it writes in lane 0, one writer at a time.

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-30

"""

from collections.abc import Sequence

from alembic import op

# revision identifiers, used by Alembic.
revision: str = "0009"
down_revision: str | Sequence[str] | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

FUNCTION = """
CREATE FUNCTION audit_log_append(
    p_lane integer, p_lanes integer, p_key integer, p_at timestamptz, p_actor varchar,
    p_action varchar, p_entity varchar, p_entity_id varchar, p_remote_addr varchar,
    p_detail json, p_payload text)
RETURNS TABLE (entry_id integer, entry_prev_hash varchar, entry_hash varchar,
               entry_lane integer)
LANGUAGE plpgsql VOLATILE AS $$
DECLARE
    chosen integer := p_lane;
    last_hash varchar;
BEGIN
    IF chosen IS NULL THEN
        SELECT l INTO chosen FROM generate_series(0, p_lanes - 1) AS l
        WHERE pg_try_advisory_xact_lock(p_key, l) LIMIT 1;
        IF chosen IS NULL THEN  -- every lane busy: wait for one
            chosen := floor(random() * p_lanes)::integer;
            PERFORM pg_advisory_xact_lock(p_key, chosen);
        END IF;
    END IF;
    SELECT a.hash INTO last_hash FROM audit_log AS a WHERE a.lane = chosen
    ORDER BY a.id DESC LIMIT 1;
    RETURN QUERY INSERT INTO audit_log AS a
        (at, actor, action, entity, entity_id, remote_addr, detail, lane, prev_hash, hash)
    VALUES (p_at, p_actor, p_action, p_entity, p_entity_id, p_remote_addr, p_detail, chosen,
            last_hash,
            encode(sha256(convert_to(coalesce(last_hash, '') || p_payload, 'UTF8')), 'hex'))
    RETURNING a.id, a.prev_hash, a.hash, a.lane;
END $$
"""


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(FUNCTION)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP FUNCTION audit_log_append(integer, integer, integer, timestamptz, "
                   "varchar, varchar, varchar, varchar, varchar, json, text)")
