"""Tampering with the append-only audit log the way an attacker with database access would:
switch off the triggers that refuse UPDATE and DELETE, then run the statement."""

from __future__ import annotations

from sqlalchemy import Engine, text


def tamper(engine: Engine, sql: str) -> None:
    """Run ``sql`` against ``audit_log`` past its append-only triggers."""
    with engine.begin() as conn:
        if engine.dialect.name == "postgresql":
            conn.execute(text("ALTER TABLE audit_log DISABLE TRIGGER USER"))
            conn.execute(text(sql))
            conn.execute(text("ALTER TABLE audit_log ENABLE TRIGGER USER"))
        else:
            conn.execute(text("DROP TRIGGER IF EXISTS audit_log_no_update"))
            conn.execute(text("DROP TRIGGER IF EXISTS audit_log_no_delete"))
            conn.execute(text(sql))
