"""Duplicate review for the web and the API: pending pairs, the two records side by side,
the verdict, and un-merge, each within the caller's scope.

A pair is shown only when the caller may see both of its records (``Scope.restrict``); an
out-of-scope pair answers as if it did not exist, and the refusal is audited. The records
are shown as the persons pages show them (names, documents and sensitive findings only per
role). Verdicts, merges and un-merges are recorded and audited by :mod:`services.dedup`.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from opendtm.domain.dedup import MatchVerdict
from opendtm.store import dedup as store
from opendtm.store.models import MatchCandidate, Partner, Person, PersonIdentity

from . import dedup, person_views
from .access import NotFound, Scope

MAX_PENDING = 100


class Refused(ValueError):
    """A verdict the records cannot take (the pair decided otherwise, or not merged)."""


def _visible(session: Session, scope: Scope, ids: set[int]) -> set[int]:
    stmt = scope.restrict(select(Person.id).where(Person.id.in_(ids)), Person.partner_id)
    return set(session.scalars(stmt))


def pending_pairs(session: Session, scope: Scope, limit: int = 25) -> dict[str, Any]:
    """The candidate pairs still to review whose two records the caller may see."""
    scope.require_review()
    limit = max(1, min(limit, MAX_PENDING))
    candidates = dedup.pending(session, limit=MAX_PENDING * 5)
    ids = {c.person_a_id for c in candidates} | {c.person_b_id for c in candidates}
    seen = _visible(session, scope, ids) if ids else set()
    shown = [c for c in candidates if c.person_a_id in seen and c.person_b_id in seen][:limit]
    rows = {p.id: (p, partner, ident) for p, partner, ident in session.execute(
        select(Person, Partner, PersonIdentity).join(Partner, Partner.id == Person.partner_id)
        .outerjoin(PersonIdentity).where(Person.id.in_(
            {c.person_a_id for c in shown} | {c.person_b_id for c in shown})))}
    items = [{"person_a": person_views.summary(*rows[c.person_a_id], scope),
              "person_b": person_views.summary(*rows[c.person_b_id], scope),
              "match_probability": c.match_probability, "match_weight": c.match_weight}
             for c in shown]
    if scope.identity and items:
        scope.audit(session, "list", "person_pair", None,
                    {"pairs": [[c.person_a_id, c.person_b_id] for c in shown]})
    return {"items": items}


def _load_pair(session: Session, scope: Scope, a: int, b: int, action: str) -> tuple[int, int]:
    scope.require_review()
    if a == b or len(_visible(session, scope, {a, b})) != 2:
        raise NotFound("person_pair", f"{min(a, b)},{max(a, b)}", action)
    return min(a, b), max(a, b)


def pair(session: Session, scope: Scope, person_a: int, person_b: int) -> dict[str, Any]:
    """The two records side by side, with the matcher's figures and any standing verdict."""
    a, b = _load_pair(session, scope, person_a, person_b, "read")
    candidate = session.scalar(
        select(MatchCandidate).where(MatchCandidate.person_a_id == a,
                                     MatchCandidate.person_b_id == b)
        .order_by(MatchCandidate.run_id.desc()).limit(1))
    standing = store.standing_decision(session, a, b)
    return {
        "person_a": person_views.get_person(session, scope, a),
        "person_b": person_views.get_person(session, scope, b),
        "match_probability": candidate.match_probability if candidate else None,
        "match_weight": candidate.match_weight if candidate else None,
        "decision": None if standing is None else {
            "id": standing.id, "verdict": standing.verdict.value,
            "decided_by": standing.decided_by, "decided_at": standing.decided_at.isoformat()},
        "same_group": b in store.group_of(session, [a]),
    }


def decide(session: Session, scope: Scope, person_a: int, person_b: int,
           verdict: MatchVerdict, note: str | None = None) -> dict[str, Any]:
    """Record the caller's verdict on a pair in scope; a second identical verdict is a no-op."""
    a, b = _load_pair(session, scope, person_a, person_b, "decide")
    try:
        decision = dedup.decide(session, a, b, verdict, scope.username, note, scope.remote_addr)
    except ValueError as exc:
        raise Refused(str(exc)) from exc
    return {"id": decision.id, "person_a": a, "person_b": b,
            "verdict": decision.verdict.value, "decided_by": decision.decided_by}


def unmerge(session: Session, scope: Scope, person_id: int,
            note: str | None = None) -> dict[str, Any]:
    """Count a merged record on its own again, when every record of its group is in scope."""
    scope.require_review()
    group = store.group_of(session, [person_id])
    if len(_visible(session, scope, group)) != len(group):  # the group holds person_id
        raise NotFound("person", person_id, "unmerge")
    try:
        revoked = dedup.unmerge(session, person_id, scope.username, note, scope.remote_addr)
    except ValueError as exc:
        raise Refused(str(exc)) from exc
    return {"id": person_id, "revoked": [d.id for d in revoked]}
