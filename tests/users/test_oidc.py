"""Single sign-on against a local OpenID Connect provider the test starts on 127.0.0.1.

The provider is a small Starlette app speaking the real protocol: discovery, JWKS, an authorize
endpoint that signs in a chosen person at once, and a token endpoint returning an RS256 id_token
signed with a key generated for the run. The service talks to it over HTTP through authlib.
"""

from __future__ import annotations

import asyncio
import base64
import secrets
import socket
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs, urlencode, urlparse

import httpx
import pytest
import uvicorn
from asgi_lifespan import LifespanManager
from joserfc import jwt
from joserfc.jwk import RSAKey
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response
from starlette.routing import Route

from advocacy.app import create_app
from advocacy.audit.models import AuditEntry
from advocacy.clock import SimulatedClock
from advocacy.settings import Settings
from advocacy.users.models import Role, User
from tests import factories

CLIENT_ID = "advocacy"
CLIENT_SECRET = "oidc-client-secret-for-tests"


@dataclass
class Provider:
    """The local identity provider: who signs in next, and the codes it has handed out."""

    issuer: str
    key: RSAKey = field(default_factory=lambda: RSAKey.generate_key(2048, parameters={"kid": "k1"}))
    next_claims: dict[str, Any] = field(default_factory=dict)
    codes: dict[str, dict[str, Any]] = field(default_factory=dict)
    token_requests: list[str] = field(default_factory=list)

    def app(self) -> Starlette:
        async def discovery(request: Request) -> Response:
            return JSONResponse({
                "issuer": self.issuer,
                "authorization_endpoint": f"{self.issuer}/authorize",
                "token_endpoint": f"{self.issuer}/token",
                "jwks_uri": f"{self.issuer}/jwks",
                "response_types_supported": ["code"],
                "subject_types_supported": ["public"],
                "id_token_signing_alg_values_supported": ["RS256"],
            })

        async def jwks(request: Request) -> Response:
            return JSONResponse({"keys": [self.key.as_dict(private=False)]})

        async def authorize(request: Request) -> Response:
            params = request.query_params
            assert params["client_id"] == CLIENT_ID and params["response_type"] == "code"
            code = secrets.token_urlsafe(16)
            self.codes[code] = {"nonce": params.get("nonce"), "redirect_uri": params["redirect_uri"],
                                "claims": dict(self.next_claims)}
            query = urlencode({"code": code, "state": params["state"]})
            return RedirectResponse(f"{params['redirect_uri']}?{query}", status_code=302)

        async def token(request: Request) -> Response:
            form = await request.form()
            basic = base64.b64decode(request.headers["authorization"].split(" ")[1]).decode()
            if basic != f"{CLIENT_ID}:{CLIENT_SECRET}":
                return JSONResponse({"error": "invalid_client"}, status_code=401)
            grant = self.codes.pop(str(form["code"]), None)
            if grant is None or grant["redirect_uri"] != form["redirect_uri"]:
                return JSONResponse({"error": "invalid_grant"}, status_code=400)
            self.token_requests.append(str(form["code"]))
            now = int(time.time())  # the provider's own clock: the client checks exp against real time
            claims = {"iss": self.issuer, "aud": CLIENT_ID, "iat": now, "exp": now + 300,
                      "nonce": grant["nonce"], **grant["claims"]}
            id_token = jwt.encode({"alg": "RS256", "kid": "k1"}, claims, self.key)
            return JSONResponse({"access_token": secrets.token_urlsafe(16), "token_type": "Bearer",
                                 "expires_in": 300, "id_token": id_token})

        return Starlette(routes=[
            Route("/.well-known/openid-configuration", discovery),
            Route("/jwks", jwks),
            Route("/authorize", authorize),
            Route("/token", token, methods=["POST"]),
        ])


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
async def provider() -> AsyncIterator[Provider]:
    port = free_port()
    provider = Provider(issuer=f"http://127.0.0.1:{port}")
    server = uvicorn.Server(uvicorn.Config(provider.app(), host="127.0.0.1", port=port, log_level="warning",
                                           lifespan="off"))
    task = asyncio.create_task(server.serve())
    while not server.started:  # waiting for a socket to open; there is no clock to drive
        if task.done():
            task.result()
        await asyncio.sleep(0.01)
    yield provider
    server.should_exit = True
    await task


@pytest.fixture
async def sso(
    database: Settings, clock: SimulatedClock, provider: Provider
) -> AsyncIterator[httpx.AsyncClient]:
    """A browser-like client of the service configured for the local provider."""
    settings = database.model_copy(update={
        "oidc_issuer": provider.issuer, "oidc_client_id": CLIENT_ID, "oidc_client_secret": CLIENT_SECRET,
        "public_base_url": "http://testserver",
    })
    async with LifespanManager(create_app(settings, clock)) as manager:
        transport = httpx.ASGITransport(app=manager.app)
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as http:
            yield http


async def single_sign_on(http: httpx.AsyncClient, provider: Provider, **claims: Any) -> httpx.Response:
    """Follow the whole dance: service -> provider -> service callback. Returns the callback's answer."""
    provider.next_claims = {"sub": claims.get("email", "x"), **claims}
    start = await http.get("/login/oidc")
    assert start.status_code == 302
    assert start.headers["location"].startswith(f"{provider.issuer}/authorize?")
    async with httpx.AsyncClient() as browser:
        at_provider = await browser.get(start.headers["location"])
    assert at_provider.status_code == 302
    callback = urlparse(at_provider.headers["location"])
    assert callback.path == "/login/oidc/callback"
    return await http.get(f"{callback.path}?{callback.query}")


async def test_first_sign_on_creates_the_account_with_the_claimed_role(
    sso: httpx.AsyncClient, provider: Provider
) -> None:
    response = await single_sign_on(sso, provider, email="Rae.Reviewer@example.org", email_verified=True,
                                    name="Rae Reviewer", advocacy_role="reviewer")
    assert response.status_code == 303, response.text
    assert response.headers["location"] == "/studio"
    user = await User.get(email="rae.reviewer@example.org")
    assert (user.role, user.name) == (Role.REVIEWER, "Rae Reviewer")
    assert (await sso.get("/")).headers["location"] == "/studio"
    assert len(provider.token_requests) == 1
    actions = await AuditEntry.filter(actor_id=user.id).order_by("id").values_list("action", flat=True)
    assert actions == ["user.create", "sign-in"]


async def test_without_a_role_claim_the_default_role_applies(
    sso: httpx.AsyncClient, provider: Provider, settings: Settings
) -> None:
    response = await single_sign_on(sso, provider, email="amy@example.org", advocacy_role="superuser")
    assert response.status_code == 303
    assert (await User.get(email="amy@example.org")).role == Role(settings.oidc_default_role)


async def test_an_existing_account_follows_the_role_claim_and_the_change_is_audited(
    sso: httpx.AsyncClient, provider: Provider, clock: SimulatedClock
) -> None:
    user = await factories.create_user(clock, "ambassador", email="eve@example.org")
    response = await single_sign_on(sso, provider, email="eve@example.org", advocacy_role="editor")
    assert response.headers["location"] == "/studio"
    await user.refresh_from_db()
    assert user.role == Role.EDITOR
    change = await AuditEntry.get(action="role.change")
    assert change.details == {"from": "ambassador", "to": "editor", "via": "oidc"}
    assert await User.all().count() == 1


async def test_unverified_email_is_refused_and_creates_nothing(
    sso: httpx.AsyncClient, provider: Provider
) -> None:
    response = await single_sign_on(sso, provider, email="mallory@example.org", email_verified=False)
    assert response.status_code == 403
    assert "verified email" in response.text
    assert await User.all().count() == 0
    assert (await sso.get("/")).headers["location"] == "/login?next=/"


async def test_a_callback_with_a_forged_state_signs_nobody_in(
    sso: httpx.AsyncClient, provider: Provider
) -> None:
    provider.next_claims = {"sub": "1", "email": "x@example.org"}
    start = await sso.get("/login/oidc")
    async with httpx.AsyncClient() as browser:
        at_provider = await browser.get(start.headers["location"])
    code = parse_qs(urlparse(at_provider.headers["location"]).query)["code"][0]
    forged = await sso.get(f"/login/oidc/callback?code={code}&state=forged")
    assert forged.status_code == 400
    assert "did not complete" in forged.text
    assert await User.all().count() == 0


async def test_sign_on_is_unavailable_when_no_issuer_is_configured(client: httpx.AsyncClient) -> None:
    assert (await client.get("/login/oidc")).status_code == 404
    assert "single sign-on" not in (await client.get("/login")).text
