"""Duplicate review: pending pairs, the two records side by side, the verdict, un-merge;
the pages and their JSON twins under /api/v1 call the same service functions."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Body, Query, Request
from fastapi.responses import RedirectResponse, Response
from pydantic import BaseModel, Field

from opendtm.domain.dedup import MatchVerdict
from opendtm.services import review

from ..context import run
from ..render import page
from .api import Caller
from .common import Form, Responses, User, routers
from .common import Id as PersonId
from .models import DecisionOut, PairDetail, PendingPage, Unmerged

router, api = routers()
NOT_FOUND: Responses = {404: {"description": "No such pair, or not both records in scope"}}
REFUSED: Responses = {409: {"description": "The pair was decided otherwise, or is not merged"}}


class Verdict(BaseModel):
    verdict: MatchVerdict
    note: str | None = Field(None, max_length=1000)


class Note(BaseModel):
    note: str | None = Field(None, max_length=1000)


@router.get("/duplicates")
def pending_page(request: Request, scope: User) -> Response:
    return page(request, "duplicates.html", run(request, scope, review.pending_pairs, 50))


@router.get("/duplicates/{person_a}/{person_b}")
def pair_page(request: Request, scope: User, person_a: PersonId, person_b: PersonId) -> Response:
    return page(request, "duplicate_pair.html",
                run(request, scope, review.pair, person_a, person_b))


@router.post("/duplicates/{person_a}/{person_b}")
def decide_page(request: Request, scope: User, person_a: PersonId, person_b: PersonId,
                form: Form) -> Response:
    try:
        verdict = MatchVerdict(form.get("verdict", ""))
    except ValueError:
        return RedirectResponse(f"/duplicates/{person_a}/{person_b}", status_code=303)
    note = (form.get("note") or "")[:1000] or None
    run(request, scope, review.decide, person_a, person_b, verdict, note)
    return RedirectResponse("/duplicates", status_code=303)


@router.post("/persons/{person_id}/unmerge")
def unmerge_page(request: Request, scope: User, person_id: PersonId, form: Form) -> Response:
    note = (form.get("note") or "")[:1000] or None
    run(request, scope, review.unmerge, person_id, note)
    return RedirectResponse(f"/persons/{person_id}", status_code=303)


@api.get("/duplicates", response_model=PendingPage,
         responses={403: {"description": "Your role may not review duplicates"}})
def pending_api(request: Request, scope: Caller,
                limit: Annotated[int, Query(ge=1, le=review.MAX_PENDING)] = 25
                ) -> dict[str, Any]:
    """Candidate pairs still to review whose two records are both in your scope."""
    return run(request, scope, review.pending_pairs, limit)


@api.get("/duplicates/{person_a}/{person_b}", response_model=PairDetail, responses=NOT_FOUND)
def pair_api(request: Request, scope: Caller, person_a: PersonId,
             person_b: PersonId) -> dict[str, Any]:
    return run(request, scope, review.pair, person_a, person_b)


@api.post("/duplicates/{person_a}/{person_b}/decision", response_model=DecisionOut,
          responses={**NOT_FOUND, **REFUSED})
def decide_api(request: Request, scope: Caller, person_a: PersonId, person_b: PersonId,
               body: Verdict) -> dict[str, Any]:
    """Same person (the records are merged and counted once) or different people."""
    return run(request, scope, review.decide, person_a, person_b, body.verdict, body.note)


@api.post("/persons/{person_id}/unmerge", response_model=Unmerged,
          responses={404: {"description": "No such person in your scope"}, **REFUSED})
def unmerge_api(request: Request, scope: Caller, person_id: PersonId,
                body: Annotated[Note | None, Body()] = None) -> dict[str, Any]:
    """Count a merged record on its own again (its same-person verdicts are revoked)."""
    return run(request, scope, review.unmerge, person_id, body.note if body else None)
