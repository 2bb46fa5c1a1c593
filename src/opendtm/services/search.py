"""Name and document search keys: kept in step with each person's identifiers."""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache
from typing import Any, cast

from sqlalchemy import (
    ARRAY,
    Integer,
    Table,
    any_,
    bindparam,
    delete,
    exists,
    func,
    insert,
    select,
    union_all,
)
from sqlalchemy.orm import Session

from opendtm.domain.namefold import fold_words
from opendtm.store import driver
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


TOP = "\U0010ffff"  # sorts after every character: token >= w AND token < w + TOP is a prefix
CHUNK = 2000  # at most this many ids joined to their persons at a time
_TOKENS = cast(Table, PersonNameToken.__table__)
_PERSONS = cast(Table, Person.__table__)


def matching_ids(q: str, words: list[str], names: bool,
                 partner_id: int | None = None) -> tuple[Any, dict[str, Any]]:
    """The ids (column ``id``) of the persons a search finds, as a subquery and the values
    of its parameters: the partner code, and where names may be searched every word as a
    token prefix (or the words run together, for a document number typed with spaces).
    With ``partner_id`` only that partner's tokens are scanned (index ``partner_id, token,
    person_id``)."""
    names_words = len(words) if names else 0
    params: dict[str, Any] = {"q": q, "token_partner": partner_id}
    for i, word in enumerate([*words, "".join(words)] if names_words > 1 else words):
        params.update({f"w{i}": word, f"w{i}_top": word + TOP})
    return _found(names_words, partner_id is not None), params


def _in_range(tokens: Any, i: int, partner: bool) -> list[Any]:
    """Conditions on ``tokens`` (an alias of the token table): the token starts with word
    ``i``, and belongs to the partner's persons."""
    conditions = [tokens.token >= bindparam(f"w{i}"), tokens.token < bindparam(f"w{i}_top")]
    if partner:
        conditions.append(tokens.partner_id == bindparam("token_partner"))
    return conditions


def _prefix(i: int, partner: bool) -> Any:
    """The persons with a token that starts with word ``i`` (of the partner)."""
    tokens = _TOKENS.alias(f"t{i}").c
    return select(tokens.person_id.label("id")).where(*_in_range(tokens, i, partner))


def _by_code() -> Any:
    return select(_PERSONS.c.id.label("id")).where(_PERSONS.c.beneficiary_id == bindparam("q"))


@lru_cache(maxsize=64)
def _found(words: int, partner: bool) -> Any:
    """The statement of :func:`matching_ids` for ``words`` words, built once."""
    parts: list[Any] = [_by_code()]
    if words == 1:
        parts.append(_prefix(0, partner))
    elif words:
        # Persons with a token for every word: the first word's range, each id looked up
        # in the other words' ranges (a hash semi-join; an INTERSECT of the ranges costs
        # about twice as much). An id may come twice; the caller takes distinct persons.
        every = _prefix(0, partner)
        for i in range(1, words):
            every = every.where(every.selected_columns.id.in_(_prefix(i, partner)))
        parts += [every, _prefix(words, partner)]
    # UNION ALL: a person found twice is one row of the IN list that takes these ids.
    return union_all(*parts).subquery() if len(parts) > 1 else parts[0].subquery()


Finder = Callable[[bool], Any]


FIRST_IDS = "first_ids"  # the parameter that carries ids found ahead (see finder)


def finder(session: Session, q: str, words: list[str], names: bool,
           partner_id: int | None = None,
           first: int | None = None) -> tuple[Finder, dict[str, Any]]:
    """What :func:`matching_ids` finds, as a function of ``below`` (whether the ids are
    taken below a bound) for :func:`newest_matches`, and the values of its parameters.

    Where every word's prefix range holds a single token (a whole given or family name, a
    document number: the usual search), the range is that one token, and the index
    ``token, person_id`` (``partner_id, token, person_id``) reads its persons newest first:
    the persons with every word are a merge of those ordered lists that stops at the newest
    few, instead of a join of every match sorted whole. One statement (two index probes a
    word) tells which case it is; a word with no token at all leaves no person with every
    word. Otherwise the ranges are joined as :func:`matching_ids` does.

    With ``first`` (the rows the first page needs), the newest ``first`` ids of persons with
    a token equal to each word, the usual case, are asked for in the same round trip as the
    ranges; when the ranges confirm the guess they come back under :data:`FIRST_IDS` for
    :func:`newest_matches`, else they are dropped."""
    found, params = matching_ids(q, words, names, partner_id)
    count, partner = (len(words) if names else 0), partner_id is not None
    if count:
        typed = [params[f"w{i}"] for i in range(count)]
        asked: list[tuple[Any, dict[str, Any]]] = [(_bounds(count, partner), params)]
        if first:
            guess = {**params, "chunk": first, "below": None,
                     **{f"e{i}": word for i, word in enumerate(typed)}}
            asked.append((_newest(_single(count, partner, True, False), False), guess))
        bounds, *guessed = driver.rows_of_each(session.connection(), asked)
        lows, highs = bounds[0][0::2], bounds[0][1::2]
        if any(low is None for low in lows):
            return (lambda below: _single(count, partner, False, below)), params
        if lows == highs:
            params.update({f"e{i}": low for i, low in enumerate(lows)})
            if guessed and list(lows) == typed:
                params[FIRST_IDS] = (first, [row[0] for row in guessed[0]])
            return (lambda below: _single(count, partner, True, below)), params
    return (lambda below: found), params


@lru_cache(maxsize=16)
def _bounds(words: int, partner: bool) -> Any:
    """The first and the last token of each word's prefix range (None when it is empty)."""
    columns = []
    for i in range(words):
        for end, order in (("lo", "asc"), ("hi", "desc")):
            tokens = _TOKENS.alias(f"{end}{i}").c
            stmt = select(tokens.token).where(*_in_range(tokens, i, partner))
            columns.append(stmt.order_by(getattr(tokens.token, order)()).limit(1)
                           .scalar_subquery().label(f"{end}{i}"))
    return select(*columns)


@lru_cache(maxsize=64)
def _single(words: int, partner: bool, every: bool, below: bool) -> Any:
    """:func:`_found` where word ``i``'s range is the one token ``e{i}`` (``every``), or
    holds none (not ``every``). The persons with every word come newest first, at most
    ``chunk`` of them (below ``below``), from a merge of the tokens' ordered persons."""
    parts: list[Any] = [_by_code()]
    if every:
        tokens = [_TOKENS.alias(f"t{i}").c for i in range(words)]

        def one(i: int) -> Any:
            stmt = select(tokens[i].person_id).where(tokens[i].token == bindparam(f"e{i}"))
            return stmt.where(tokens[i].partner_id == bindparam("token_partner")) if partner \
                else stmt

        first = tokens[0].person_id
        newest = one(0)
        for i in range(1, words):
            newest = newest.where(first.in_(one(i)))
        if below:
            newest = newest.where(first < bindparam("below"))
        newest = newest.order_by(first.desc()).limit(bindparam("chunk")).subquery("every")
        parts.append(select(newest.c.person_id.label("id")))
    if words > 1:
        parts.append(_prefix(words, partner))
    return union_all(*parts).subquery() if len(parts) > 1 else parts[0].subquery()


@lru_cache(maxsize=64)
def _newest(found: Any, below: bool) -> Any:
    stmt = select(found.c.id).order_by(found.c.id.desc()).limit(bindparam("chunk"))
    return stmt.where(found.c.id < bindparam("below")) if below else stmt


@lru_cache(maxsize=128)
def _among(stmt: Any, array: bool) -> Any:
    """``stmt`` for the persons of the ids ``found_ids``: on PostgreSQL (``array``) one
    array parameter, so that the statement's text is the same for any number of ids and
    can be prepared once; elsewhere an ``IN`` list. Ordered newest first like the ids, so
    the rows still needed are the first ones."""
    ids = (_PERSONS.c.id == any_(bindparam("found_ids", type_=ARRAY(Integer))) if array
           else _PERSONS.c.id.in_(bindparam("found_ids", expanding=True)))
    return stmt.where(ids).limit(bindparam("still_needed"))


def newest_matches(session: Session, stmt: Any, found: Finder, offset: int, limit: int,
                   params: dict[str, Any]) -> list[Any]:
    """Rows of ``stmt`` (persons, ordered newest first) whose person is found (``found``:
    :func:`finder`, or ``lambda below: subquery``), from
    ``offset``, at most ``limit``. The found ids are taken newest first, a few at a time, and
    only those are joined to their persons: a prefix that matches tens of thousands costs
    one index range and a sort of ids, not a join of every match. ``params`` are the values
    of the parameters of ``stmt`` and ``found``. Rows come as tuples (:mod:`driver`)."""
    conn = session.connection()
    among = _among(stmt, conn.dialect.name == "postgresql")
    # As many ids as rows needed: when the scope keeps every person found (a partner's
    # own tokens, an officer's country) one round; otherwise twice as many each time.
    need, below = offset + limit, None
    chunk = need
    rows: list[Any] = []
    ahead = params.get(FIRST_IDS)
    while len(rows) < need:
        if below is None and ahead is not None and ahead[0] == chunk:
            ids = ahead[1]  # found with the ranges (finder)
        else:
            ids = [row[0] for row in driver.rows(
                conn, _newest(found(below is not None), below is not None),
                {**params, "chunk": chunk, "below": below})]
        if not ids:
            break
        rows += driver.rows(conn, among, {**params, "found_ids": ids,
                                          "still_needed": need - len(rows)})
        if len(ids) < chunk:
            break
        below, chunk = ids[-1], min(2 * chunk, CHUNK)
    return rows[offset:need]
