"""Who is asking: resolves the person from the session cookie (pages) or a bearer token (API), in
one statement that can carry a route's own first read about them (`reads_alongside`),
and guards every route with the rule from `advocacy.access`."""

from __future__ import annotations

import secrets
from collections.abc import Awaitable, Callable, Mapping
from typing import Any, Protocol
from urllib.parse import quote

from starlette.middleware.sessions import SessionMiddleware
from starlette.responses import RedirectResponse, Response
from starlette.types import Receive, Scope, Send

from advocacy.access import CSRF_EXEMPT, ROUTE_ROLES, allowed
from advocacy.errors import Forbidden, NotAuthenticated
from advocacy.state import AppRequest
from advocacy.users.models import User
from advocacy.users.repository import Alongside
from advocacy.users.service import Signed, session_person, token_person

Endpoint = Callable[[AppRequest], Awaitable[Response]]


class ReadAlongside(Protocol):
    """What an endpoint prepares before the guard reads the person: the columns it wants read in
    the same statement (`alongside`), and whatever else it will need to make sense of them."""

    @property
    def alongside(self) -> Alongside: ...


Prepare = Callable[[AppRequest], Awaitable[ReadAlongside]]
API_PREFIX = "/api/"
SESSION_USER = "user_id"
SESSION_CSRF = "csrf"
SESSION_STARTED = "started_at"
SESSION_SEEN = "seen_at"
SESSION_VERSION = "version"
# How stale the last-seen stamp may get before a request writes it again. Writing it on every
# request would sign and set the cookie on every page; this way an unchanged session goes back
# unsigned, and the idle timeout still ends a session at most this much earlier than its limit,
# never later.
SEEN_RESOLUTION_SECONDS = 60


def is_api(request: AppRequest) -> bool:
    # The path as sent (what `request.url.path` is made from, without building the whole URL).
    return str(request.scope["path"]).startswith(API_PREFIX)


class PageSessionMiddleware(SessionMiddleware):
    """The signed cookie session, on the pages only: the API takes bearer tokens, so an API request
    never reads the cookie (no cross-site form can act through it) and never pays for it."""

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and str(scope["path"]).startswith(API_PREFIX):
            await self.app(scope, receive, send)
            return
        await super().__call__(scope, receive, send)


def bearer_token(header: str) -> str | None:
    """The token of an `Authorization: Bearer <token>` header, or None."""
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return None
    return token.strip()


def reads_alongside(prepare: Prepare) -> Callable[[Endpoint], Endpoint]:
    """Mark an endpoint whose first read is made in the guard's own statement about the person:
    before reading the person the guard awaits `prepare(request)` and adds its columns; once the
    person is let in, the endpoint finds what it prepared and the row in `read_alongside`."""

    def mark(endpoint: Endpoint) -> Endpoint:
        _PREPARES[endpoint] = prepare
        return endpoint

    return mark


_PREPARES: dict[Endpoint, Prepare] = {}


def read_alongside(request: AppRequest) -> tuple[Any, Mapping[str, Any]] | None:
    """What this request's endpoint prepared (`reads_alongside`) and the row the guard read it
    in; None for an endpoint that reads nothing alongside the person."""
    try:
        return request.state["alongside"]
    except KeyError:  # a request the guard has not seen
        return None


async def resolve_user(request: AppRequest, prepare: Prepare | None = None) -> User | None:
    """The person signed in on this request, read with what `prepare` asks for (left in
    `request.state["alongside"]`), or None."""
    signed: Signed | None
    if is_api(request):
        # The API takes bearer tokens only, so no cross-site form can act through a cookie.
        token = bearer_token(request.headers.get("authorization", ""))
        if token is None:
            return None
        prepared = await prepare(request) if prepare else None
        signed = await token_person(request.state["clock"], request.state["settings"], token,
                                    prepared.alongside if prepared else None)
    else:
        user_id = session_user_id(request)
        version = request.session.get(SESSION_VERSION)
        if user_id is None or not isinstance(version, int):
            return None
        prepared = await prepare(request) if prepare else None
        signed = await session_person(user_id, version, prepared.alongside if prepared else None)
    if signed is None:
        return None
    if prepared is not None:
        request.state["alongside"] = (prepared, signed.row)
    return signed.user


def session_user_id(request: AppRequest) -> int | None:
    """The id of the person signed in on this session, unless it expired (which ends it); the
    session half of `resolve_user`, which then reads the person and requires them active."""
    user_id = request.session.get(SESSION_USER)
    if not isinstance(user_id, int):
        return None
    if session_expired(request):
        # The whole session goes, CSRF token included: the next form starts from a fresh one.
        request.session.clear()
        return None
    now = request.state["clock"].now().timestamp()
    if now - request.session[SESSION_SEEN] >= SEEN_RESOLUTION_SECONDS:
        request.session[SESSION_SEEN] = now
    return user_id


def session_expired(request: AppRequest) -> bool:
    """Past the idle timeout since the last request, or the absolute timeout since sign-in.

    Times come from the service clock; the cookie's own signature age (SessionMiddleware's max_age)
    is only an outer bound."""
    settings = request.state["settings"]
    now = request.state["clock"].now().timestamp()
    started, seen = request.session.get(SESSION_STARTED), request.session.get(SESSION_SEEN)
    if not isinstance(started, int | float) or not isinstance(seen, int | float):
        return True
    return (now - seen > settings.session_idle_minutes * 60
            or now - started > settings.session_absolute_hours * 3600)


def start_session(request: AppRequest, user: User) -> None:
    """Sign `user` in on a fresh session, so a session id planted before sign-in is worth nothing."""
    request.session.clear()
    now = request.state["clock"].now().timestamp()
    request.session[SESSION_USER] = user.id
    request.session[SESSION_STARTED] = now
    request.session[SESSION_SEEN] = now
    request.session[SESSION_VERSION] = user.session_version


def csrf_token(request: AppRequest) -> str:
    token = request.session.get(SESSION_CSRF)
    if not token:
        token = secrets.token_urlsafe(24)
        request.session[SESSION_CSRF] = token
    return str(token)


async def check_csrf(request: AppRequest) -> None:
    form = await request.form()
    sent = form.get("csrf_token")
    expected = request.session.get(SESSION_CSRF)
    if not expected or not isinstance(sent, str) or not secrets.compare_digest(sent, expected):
        raise Forbidden("The form expired or came from another site. Reload the page and retry.")


def guard(route_name: str, endpoint: Endpoint) -> Endpoint:
    """Wrap an endpoint so it runs only for the roles its rule names."""
    if route_name not in ROUTE_ROLES:
        raise LookupError(f"route {route_name!r} has no access rule in advocacy.access")

    prepare = _PREPARES.get(endpoint)

    async def guarded(request: AppRequest) -> Response:
        # Set on every request, like the user: nothing read for another request is ever found.
        request.state["alongside"] = None
        user = await resolve_user(request, prepare)
        request.state["user"] = user
        if not allowed(route_name, user.role if user else None):
            if user is None:
                if is_api(request):
                    raise NotAuthenticated("Sign in first: send 'Authorization: Bearer <token>'.")
                target = quote(request.url.path)
                return RedirectResponse(f"/login?next={target}", status_code=303)
            raise Forbidden(f"Your role ({user.role.value}) cannot use this page.")
        if not is_api(request) and request.method == "POST" and route_name not in CSRF_EXEMPT:
            await check_csrf(request)
        return await endpoint(request)

    guarded.__name__ = getattr(endpoint, "__name__", route_name)
    guarded.__doc__ = endpoint.__doc__
    return guarded


def signed_in_user(request: AppRequest) -> User:
    """The person a guarded endpoint runs for (guaranteed by the guard for non-public routes)."""
    user = request.state["user"]
    if user is None:
        raise NotAuthenticated("Sign in first.")
    return user
