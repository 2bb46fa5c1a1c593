"""Name and document search keys: kept in step with each person's identifiers."""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import delete, exists, func, insert, select
from sqlalchemy.orm import Session

from opendtm.domain.namefold import fold_words
from opendtm.store.models import Person, PersonIdentity, PersonNameToken


def tokens_of(identity: PersonIdentity) -> set[str]:
    words: set[str] = set()
    for value in (identity.given_name, identity.family_name, identity.patronymic):
        words.update(fold_words(value or ""))
    if identity.document_number:
        words.add("".join(fold_words(identity.document_number)))
    return {w[:120] for w in words if w}


def reindex(session: Session, identity: PersonIdentity) -> None:
    """Replace the search tokens of one person."""
    session.execute(delete(PersonNameToken).where(PersonNameToken.person_id == identity.person_id))
    partner_id = identity.person.partner_id
    rows = [{"person_id": identity.person_id, "partner_id": partner_id, "token": t}
            for t in sorted(tokens_of(identity))]
    if rows:
        session.execute(insert(PersonNameToken), rows)


def index_missing(
    session: Session, batch: int = 5000, step: Callable[[int, int], None] | None = None
) -> int:
    """Give search tokens to every person that has identifiers but none yet (records loaded
    by the demo or an import); returns how many persons were looked at."""
    missing = ~exists().where(PersonNameToken.person_id == PersonIdentity.person_id)
    total = session.scalar(select(func.count()).select_from(PersonIdentity).where(missing)) or 0
    done, last = 0, 0
    while done < total:
        found = session.execute(
            select(PersonIdentity, Person.partner_id).join(Person)
            .where(missing, PersonIdentity.person_id > last)
            .order_by(PersonIdentity.person_id).limit(batch)
        ).all()
        if not found:
            break
        chunk = [i for i, _ in found]
        rows = [{"person_id": i.person_id, "partner_id": partner, "token": t}
                for i, partner in found for t in sorted(tokens_of(i))]
        if rows:
            session.execute(insert(PersonNameToken), rows)
        done += len(chunk)
        last = chunk[-1].person_id
        if step:
            step(done, total)
    return done
