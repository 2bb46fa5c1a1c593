"""Officers' decisions on candidate pairs: same person or different people, merge, un-merge.

A merge never touches the source records: both persons keep their partner, identifiers,
cases and assistance; the later record only points at the group's first record through
``person.merged_into_id``, which every count already uses as the person key. Decisions are
kept for ever (revoking one marks it so), so a pair decided once is not asked again, and each
decision, revocation and merge goes to the audit log.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from opendtm.domain.dedup import MatchVerdict
from opendtm.services import audit
from opendtm.store import dedup as store
from opendtm.store.models import MatchCandidate, MatchDecision, Person, PersonMerge


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _pair(person_a: int, person_b: int) -> tuple[int, int]:
    if person_a == person_b:
        raise ValueError(f"person {person_a} cannot be compared with itself")
    return min(person_a, person_b), max(person_a, person_b)


def pending(session: Session, run_id: int | None = None, limit: int = 50) -> list[MatchCandidate]:
    """Candidate pairs still to review: no decision yet and not already counted as one."""
    run = store.latest_run(session) if run_id is None else None
    wanted = run_id if run_id is not None else (run.id if run else None)
    if wanted is None:
        return []
    out: list[MatchCandidate] = []
    for candidate in store.undecided_candidates(session, wanted, limit * 2 + 10):
        a = session.get(Person, candidate.person_a_id)
        b = session.get(Person, candidate.person_b_id)
        if a is None or b is None:
            continue
        if (a.merged_into_id or a.id) != (b.merged_into_id or b.id):
            out.append(candidate)
        if len(out) == limit:
            break
    return out


def decide(
    session: Session, person_a: int, person_b: int, verdict: MatchVerdict | str, user: str,
    note: str | None = None, remote_addr: str | None = None,
) -> MatchDecision:
    """Record a verdict on a pair; same person merges their groups. Asking twice is a no-op."""
    a, b = _pair(person_a, person_b)
    verdict = MatchVerdict(verdict)
    for pid in (a, b):
        if session.get(Person, pid) is None:
            raise LookupError(f"no person with id {pid}")
    standing = store.standing_decision(session, a, b)
    if standing is not None:
        if standing.verdict == verdict:
            return standing
        raise ValueError(
            f"persons {a} and {b} were decided '{standing.verdict}' by {standing.decided_by}; "
            "revoke that decision first"
        )
    if verdict is MatchVerdict.DIFFERENT_PEOPLE and b in store.group_of(session, [a]):
        raise ValueError(f"persons {a} and {b} are merged; un-merge them first")
    decision = MatchDecision(person_a_id=a, person_b_id=b, verdict=verdict, decided_by=user,
                             decided_at=_now(), note=note)
    session.add(decision)
    session.flush()
    if verdict is MatchVerdict.SAME_PERSON:
        _regroup(session, {a, b}, user, decision)
    audit.record(session, user, "dedup.decide", "person_pair", f"{a},{b}",
                 {"verdict": verdict.value, "decision_id": decision.id, "note": note},
                 remote_addr)
    return decision


def revoke(session: Session, decision_id: int, user: str,
           remote_addr: str | None = None) -> MatchDecision:
    """Withdraw a decision (kept, marked revoked); a withdrawn merge is undone."""
    decision = session.get(MatchDecision, decision_id)
    if decision is None:
        raise LookupError(f"no decision with id {decision_id}")
    if decision.revoked_at is not None:
        raise ValueError(f"decision {decision_id} was already revoked by {decision.revoked_by}")
    decision.revoked_at, decision.revoked_by = _now(), user
    session.flush()
    if decision.verdict is MatchVerdict.SAME_PERSON:
        _regroup(session, {decision.person_a_id, decision.person_b_id}, user, None)
    audit.record(session, user, "dedup.revoke", "person_pair",
                 f"{decision.person_a_id},{decision.person_b_id}",
                 {"decision_id": decision.id, "verdict": decision.verdict.value}, remote_addr)
    return decision


def unmerge(session: Session, person_id: int, user: str, note: str | None = None,
            remote_addr: str | None = None) -> list[MatchDecision]:
    """Count a record on its own again: revoke every same-person decision that joined it."""
    decisions = store.standing_same_person(session, [person_id])
    if not decisions:
        raise ValueError(f"person {person_id} is not merged with any other record")
    now = _now()
    touched: set[int] = set()
    for decision in decisions:
        decision.revoked_at, decision.revoked_by = now, user
        touched |= {decision.person_a_id, decision.person_b_id}
    session.flush()
    _regroup(session, touched, user, None)
    audit.record(session, user, "dedup.unmerge", "person", str(person_id),
                 {"decisions": [d.id for d in decisions], "note": note}, remote_addr)
    return decisions


def history(session: Session, person_id: int) -> list[PersonMerge]:
    """Every time this record was counted as another, and when that ended."""
    return store.merge_history(session, person_id)


def merged_count(session: Session, countries: Sequence[str] | None = None,
                 start: dt.date | None = None, end: dt.date | None = None) -> int:
    """Duplicate records merged in the period (first to last day) and still merged."""
    def midnight(day: dt.date) -> dt.datetime:
        return dt.datetime.combine(day, dt.time(), tzinfo=dt.UTC)

    return store.count_merged(
        session, countries, midnight(start) if start else None,
        midnight(end + dt.timedelta(days=1)) if end else None,
    )


def _components(members: set[int], edges: Iterable[tuple[int, int]]) -> dict[int, int]:
    """Each member's group, named by the group's smallest person id."""
    parent = {m: m for m in members}

    def find(x: int) -> int:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for a, b in edges:
        if a in parent and b in parent:
            ra, rb = find(a), find(b)
            parent[max(ra, rb)] = min(ra, rb)
    return {m: find(m) for m in members}


def _regroup(session: Session, seeds: set[int], user: str,
             decision: MatchDecision | None) -> None:
    """Point every record of the affected groups at its group's first record, with history."""
    members = store.group_of(session, seeds)
    edges = [(d.person_a_id, d.person_b_id) for d in store.standing_same_person(session, members)]
    roots = _components(members, edges)
    opened = store.open_merges(session, members)
    persons = {p.id: p for p in session.scalars(select(Person).where(Person.id.in_(members)))}
    now = _now()
    # Roots first, so that no record points at one that still points elsewhere.
    for pid in sorted(members, key=lambda p: roots[p] != p):
        target = None if roots[pid] == pid else roots[pid]
        person = persons[pid]
        if person.merged_into_id == target:
            continue
        person.merged_into_id = target
        row = opened.get(pid)
        if target is None and row is not None:
            row.unmerged_at, row.unmerged_by = now, user
        elif target is not None and row is None:
            session.add(PersonMerge(person_id=pid, merged_into_id=target, merged_by=user,
                                    merged_at=now, decision_id=decision.id if decision else None))
        elif row is not None:
            row.merged_into_id = target  # type: ignore[assignment]
        session.flush()
