"""The API's three busiest routes answered without FastAPI's per-request machinery.

``GET /api/v1/persons``, ``GET /api/v1/persons/{id}`` and ``POST /api/v1/assistance`` are
most of what the API serves. FastAPI spends more Python on each of them (middleware,
routing, solving dependencies, validating every query parameter one by one) than the
service's statements cost. This ASGI layer, inside the security middleware, answers a
request to one of them that it understands whole: a bearer token whose scope was resolved
in the last seconds, canonical query values in their ranges, a JSON body the route's own
model accepts. It runs the same service in the same transaction (:func:`context.run_in`),
validates and serialises the answer with the route's own response field, and hands a
refusal to the application's own exception handlers (which audit it). Anything else (no
token or one not seen lately, a value out of range or written otherwise, an unknown or
repeated parameter, any other route) goes on to FastAPI unchanged, which answers as it
always did: the 401 and 422 answers come from there. ``tests/test_web_fastpath.py``
compares both ways request by request.
"""

from __future__ import annotations

import asyncio
import functools
import inspect
import json
from concurrent.futures import ThreadPoolExecutor
from typing import Any
from urllib.parse import parse_qsl

from fastapi import FastAPI
from fastapi.exceptions import ResponseValidationError
from fastapi.routing import APIRoute
from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from opendtm.domain.taxonomy import MigrantStatus, Sex
from opendtm.services import assistance, person_views, users
from opendtm.services.access import Forbidden, NotFound
from opendtm.services.access import Scope as Caller
from opendtm.services.persons import Invalid
from opendtm.services.review import Refused

from .context import bearer_token, cached_scope, run_in
from .routes import api

PREFIX = "/api/v1/persons"
MAX_ID = 2**31 - 1
_INTS = {"partner_id": MAX_ID, "page": 100_000, "per_page": person_views.MAX_PER_PAGE}
_ENUMS: dict[str, Any] = {"sex": Sex, "migrant_status": MigrantStatus}
_JSON = (b"content-type", b"application/json")
# What a service may refuse with; the app's handlers answer them (and audit a refusal).
REFUSALS = (NotFound, Forbidden, Refused, Invalid)


def _number(text: str, top: int) -> int | None:
    """A whole number written plainly (digits, no leading zero) within 1..top, else None."""
    if not (text.isascii() and text.isdigit()) or text[0] == "0" or len(text) > 10:
        return None
    value = int(text)
    return value if value <= top else None


def list_arguments(query: bytes) -> tuple[Any, ...] | None:
    """The arguments of ``person_views.list_persons`` for a query string, or None when
    any parameter is unknown, repeated or not plainly within its range."""
    found: dict[str, Any] = {}
    for name, text in parse_qsl(query.decode("latin-1"), keep_blank_values=True):
        if name in found:
            return None
        if name == "q":
            if len(text) > 200:
                return None
            found[name] = text
        elif name in _INTS:
            if (value := _number(text, _INTS[name])) is None:
                return None
            found[name] = value
        elif name in _ENUMS:
            if text not in _ENUMS[name]._value2member_map_:
                return None
            found[name] = _ENUMS[name](text)
        else:
            return None
    return (found.get("q"), found.get("partner_id"), found.get("sex"),
            found.get("migrant_status"), found.get("page", 1), found.get("per_page", 25))


def person_argument(path: str) -> int | None:
    """The id of ``/api/v1/persons/{id}``, written plainly and in range, else None."""
    rest = path[len(PREFIX) + 1:]
    return _number(rest, MAX_ID) if path.startswith(PREFIX + "/") else None


class FastRoutes:
    """ASGI middleware: see the module's description. ``owner`` is the FastAPI app, whose
    state and exception handlers are used."""

    def __init__(self, app: ASGIApp, owner: FastAPI) -> None:
        self.app, self.owner = app, owner
        owner.state.fast_served = 0  # requests answered here (the tests check that they are)
        self._routes: dict[tuple[str, str], APIRoute] = {}
        # The services' blocking work goes to threads of its own: an executor's hop costs
        # less than the thread pool's of AnyIO (no cancel scope, no capacity token); as many
        # threads as that pool has.
        self._threads = ThreadPoolExecutor(40, thread_name_prefix="opendtm-api")

    async def offload(self, work: Any) -> Any:
        """Run ``work`` in a thread and wait for it."""
        return await asyncio.get_running_loop().run_in_executor(self._threads, work)

    def route(self, method: str, path: str) -> APIRoute:
        """The API route (its body and response fields, its status)."""
        if not self._routes:
            self._routes = {(m, r.path): r for r in api.router.routes
                            if isinstance(r, APIRoute) for m in r.methods or ()}
        return self._routes[(method, path)]

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["path"].startswith("/api/v1/"):
            onward = await self._try(scope, receive, send)
            if onward is None:
                return
            receive = onward
        await self.app(scope, receive, send)

    async def _try(self, scope: Scope, receive: Receive, send: Send) -> Receive | None:
        """Answers the request and returns None, or returns the ``receive`` to hand it on
        with (replaying a body read here)."""
        method, path = scope["method"], scope["path"]
        if method == "GET" and path == PREFIX:
            template, args = PREFIX, list_arguments(scope["query_string"])
            work: Any = person_views.list_persons
        elif method == "GET" and (person := person_argument(path)) is not None:
            template, args, work = PREFIX + "/{person_id}", (person,), person_views.get_person
        elif method == "POST" and path == "/api/v1/assistance":
            return await self._post(scope, receive, send)
        else:
            return receive
        if args is None:
            return receive
        caller = self._caller(scope)
        if caller is None:
            return receive
        await self._answer(scope, receive, send, self.route(method, template), caller, work,
                           args)
        return None

    def _caller(self, scope: Scope) -> Caller | None:
        token = bearer_token(_header(scope, b"authorization").decode("latin-1"))
        if token is None:
            return None
        client = scope.get("client")
        return cached_scope(self.owner.state.scopes, users.user_for_token, token,
                            client[0] if client else None)

    async def _post(self, scope: Scope, receive: Receive, send: Send) -> Receive | None:
        caller = self._caller(scope)
        if caller is None or _header(scope, b"content-type") != _JSON[1]:
            return receive
        chunks, more = [], True
        while more:
            message = await receive()
            if message["type"] != "http.request":
                return None  # the client went away: nothing to answer
            chunks.append(message.get("body", b""))
            more = message.get("more_body", False)
        body = b"".join(chunks)
        route = self.route("POST", "/api/v1/assistance")
        try:
            value = json.loads(body)
        except ValueError:
            return _replay(body, receive)
        data, errors = route.dependant.body_params[0].validate(value, {}, loc=("body",))
        if errors:
            return _replay(body, receive)
        await self._answer(scope, _replay(body, receive), send, route, caller,
                           assistance.record_assistance, (data,))
        return None

    async def _answer(self, scope: Scope, receive: Receive, send: Send, route: APIRoute,
                      caller: Caller, work: Any, args: tuple[Any, ...]) -> None:
        request = Request(scope, receive)
        request.state.user = caller
        try:
            result = await self.offload(functools.partial(
                run_in, self.owner.state.sessions, caller, work, *args))
        except REFUSALS as exc:
            handlers = self.owner.exception_handlers
            handler = next(handlers[k] for k in type(exc).__mro__ if k in handlers)
            response = handler(request, exc)
            if inspect.isawaitable(response):
                response = await response
            await response(scope, receive, send)
            return
        field = route.response_field
        assert field is not None
        value, errors = field.validate(result, {}, loc=("response",))
        if errors:
            raise ResponseValidationError(errors=errors, body=result)
        content = field.serialize_json(value)
        self.owner.state.fast_served += 1
        await send({"type": "http.response.start", "status": route.status_code or 200,
                    "headers": [(b"content-length", str(len(content)).encode()), _JSON]})
        await send({"type": "http.response.body", "body": content})


def _header(scope: Scope, name: bytes) -> bytes:
    """The first value of a header, as Starlette's ``request.headers`` reads it."""
    return next((v for k, v in scope["headers"] if k == name), b"")


def _replay(body: bytes, receive: Receive) -> Receive:
    """A ``receive`` that gives ``body`` whole, then goes on with ``receive``."""
    pending: list[Message] = [{"type": "http.request", "body": body, "more_body": False}]

    async def replay() -> Message:
        return pending.pop(0) if pending else await receive()

    return replay
