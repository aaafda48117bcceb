"""Single sign-on with OpenID Connect: the relying party, just-in-time accounts and role mapping."""

from __future__ import annotations

import logging
import secrets
from typing import Any

from authlib.integrations.starlette_client import OAuth, OAuthError
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from advocacy import audit
from advocacy.auth import start_session
from advocacy.clients import client_address
from advocacy.clock import Clock
from advocacy.errors import NotAuthenticated, NotFound
from advocacy.settings import Settings
from advocacy.state import AppRequest
from advocacy.templating import render
from advocacy.users.models import Role, User
from advocacy.users.service import create_user, hash_password

log = logging.getLogger(__name__)
CALLBACK_PATH = "/login/oidc/callback"


def build_client(settings: Settings) -> Any | None:
    """The OIDC client for the configured issuer, or None when single sign-on is off."""
    if not settings.oidc_issuer:
        return None
    oauth = OAuth()
    return oauth.register(
        "oidc",
        client_id=settings.oidc_client_id,
        client_secret=settings.oidc_client_secret,
        server_metadata_url=settings.oidc_issuer.rstrip("/") + "/.well-known/openid-configuration",
        client_kwargs={"scope": "openid email profile", "timeout": 10},
    )


def role_from_claims(settings: Settings, claims: dict[str, Any]) -> Role | None:
    value = claims.get(settings.oidc_role_claim)
    # A list claim (groups) maps to the first value that names a role.
    for candidate in value if isinstance(value, list) else [value]:
        if isinstance(candidate, str) and candidate in Role.__members__.values():
            return Role(candidate)
    return None


async def user_for_claims(clock: Clock, settings: Settings, claims: dict[str, Any], address: str) -> User:
    """The account for a verified identity: created on first sign-in, role kept in step with the claim."""
    email = claims.get("email")
    if not isinstance(email, str) or claims.get("email_verified") is False:
        raise NotAuthenticated("Your identity provider did not share a verified email address.")
    claimed = role_from_claims(settings, claims)
    user = await User.get_or_none(email=email.strip().lower())
    if user is None:
        role = claimed or Role(settings.oidc_default_role)
        # No usable password: this person signs in through the identity provider only.
        user = await create_user(clock, email=email, role=role.value, password="",
                                 password_hash=hash_password(secrets.token_urlsafe(32)),
                                 name=str(claims.get("name") or ""))
        await audit.record(clock, user, "user.create", f"user:{user.id}",
                           {"email": user.email, "role": role.value, "via": "oidc"}, address=address)
    elif not user.is_active:
        raise NotAuthenticated("This account is disabled. Ask an administrator.")
    elif claimed is not None and claimed != user.role:
        before = user.role
        user.role = claimed
        await user.save(update_fields=["role"])
        await audit.record(clock, user, "role.change", f"user:{user.id}",
                           {"from": before.value, "to": claimed.value, "via": "oidc"}, address=address)
    await audit.record(clock, user, "sign-in", f"user:{user.id}", {"method": "oidc"}, address=address)
    return user


def _client(request: AppRequest) -> Any:
    client = request.state["oidc"]
    if client is None:
        raise NotFound("Single sign-on is not configured.")
    return client


async def oidc_start(request: AppRequest) -> Response:
    settings = request.state["settings"]
    redirect_uri = settings.public_base_url.rstrip("/") + CALLBACK_PATH
    response: Response = await _client(request).authorize_redirect(request, redirect_uri)
    return response


async def oidc_callback(request: AppRequest) -> Response:
    client = _client(request)
    try:
        token = await client.authorize_access_token(request)
    except OAuthError as error:
        # The reason goes to the log; the page says only that it failed (it may quote the provider).
        log.warning("single sign-on refused: %s", error.error)
        return render(request, "login.html", status=400, email="",
                      error="Single sign-on did not complete. Try again.")
    claims = dict(token.get("userinfo") or {})
    try:
        user = await user_for_claims(request.state["clock"], request.state["settings"], claims,
                                     client_address(request))
    except NotAuthenticated as error:
        return render(request, "login.html", status=403, email="", error=error.message)
    start_session(request, user)
    from advocacy.users.pages import HOME_BY_ROLE

    return RedirectResponse(HOME_BY_ROLE[user.role], status_code=303)


routes = [
    Route("/login/oidc", oidc_start, methods=["GET"], name="login-oidc"),
    Route(CALLBACK_PATH, oidc_callback, methods=["GET"], name="login-oidc-callback"),
]
