"""Sessions and sign-in: the cookie's flags, rotation on sign-in, idle and absolute timeouts, and
throttling of password guessing per account and per address."""

from __future__ import annotations

from datetime import timedelta

import httpx
import pytest
from asgi_lifespan import LifespanManager
from cryptography.fernet import Fernet
from starlette.applications import Starlette
from starlette.responses import PlainTextResponse
from starlette.types import Receive, Scope, Send

from advocacy.app import create_app, session_options
from advocacy.audit.models import AuditEntry
from advocacy.auth import SEEN_RESOLUTION_SECONDS, PageSessionMiddleware
from advocacy.clock import SimulatedClock
from advocacy.settings import Settings
from advocacy.users.models import LoginAttempt
from tests import factories
from tests.test_api import token_for
from tests.test_pages import csrf_of, sign_in

COOKIE = "advocacy_session"


async def try_password(client: httpx.AsyncClient, email: str, password: str) -> httpx.Response:
    page = await client.get("/login")
    return await client.post("/login", data={"email": email, "password": password,
                                             "csrf_token": csrf_of(page.text)})


async def test_session_cookie_is_httponly_and_samesite(
    client: httpx.AsyncClient, clock: SimulatedClock
) -> None:
    user = await factories.create_user(clock, "editor")
    page = await client.get("/login")
    response = await client.post("/login", data={"email": user.email, "password": factories.PASSWORD,
                                                  "csrf_token": csrf_of(page.text)})
    cookie = response.headers["set-cookie"].lower()
    assert cookie.startswith(f"{COOKIE}=")
    assert "httponly" in cookie and "samesite=lax" in cookie
    # Outside production the cookie also travels over plain HTTP (a developer's laptop).
    assert "secure" not in cookie


async def test_production_session_cookie_is_secure(database: Settings, clock: SimulatedClock) -> None:
    production = database.model_copy(
        update={"env": "production", "token_key": Fernet.generate_key().decode()}
    )
    async with LifespanManager(create_app(production, clock)) as manager:
        transport = httpx.ASGITransport(app=manager.app)
        async with httpx.AsyncClient(transport=transport, base_url="https://testserver") as http:
            response = await http.get("/login")
    assert "secure" in response.headers["set-cookie"].lower()
    assert response.headers["strict-transport-security"].startswith("max-age=")


async def test_sign_in_starts_a_new_session(client: httpx.AsyncClient, clock: SimulatedClock) -> None:
    user = await factories.create_user(clock, "leader")
    page = await client.get("/login")
    planted = client.cookies[COOKIE]
    planted_csrf = csrf_of(page.text)
    response = await client.post("/login", data={"email": user.email, "password": factories.PASSWORD,
                                                  "csrf_token": planted_csrf})
    assert response.status_code == 303
    assert client.cookies[COOKIE] != planted
    # The CSRF token known before sign-in is worthless after it.
    assert csrf_of((await client.get("/login")).text) != planted_csrf
    # And the cookie planted before sign-in does not carry the signed-in person.
    client.cookies.clear()
    client.cookies[COOKIE] = planted
    assert (await client.get("/")).headers["location"] == "/login?next=/"


async def test_idle_session_ends_after_the_idle_timeout(
    client: httpx.AsyncClient, clock: SimulatedClock, settings: Settings
) -> None:
    await sign_in(client, await factories.create_user(clock, "leader"))
    clock.advance(timedelta(minutes=settings.session_idle_minutes - 1))
    assert (await client.get("/")).headers["location"] == "/dashboard"
    # Activity keeps it alive; silence past the limit ends it.
    clock.advance(timedelta(minutes=settings.session_idle_minutes - 1))
    assert (await client.get("/")).headers["location"] == "/dashboard"
    clock.advance(timedelta(minutes=settings.session_idle_minutes + 1))
    assert (await client.get("/")).headers["location"] == "/login?next=/"


async def test_active_session_ends_at_the_absolute_timeout(
    client: httpx.AsyncClient, clock: SimulatedClock, settings: Settings
) -> None:
    await sign_in(client, await factories.create_user(clock, "leader"))
    step = timedelta(minutes=settings.session_idle_minutes - 1)
    deadline = clock.now() + timedelta(hours=settings.session_absolute_hours)
    while clock.now() + step < deadline:
        clock.advance(step)
        assert (await client.get("/")).headers["location"] == "/dashboard"
    clock.advance(step)
    assert (await client.get("/")).headers["location"] == "/login?next=/"


async def test_an_address_guessing_one_password_waits_longer_after_each_failure(
    client: httpx.AsyncClient, clock: SimulatedClock, settings: Settings
) -> None:
    user = await factories.create_user(clock, "editor")
    for _ in range(settings.login_free_failures):
        assert (await try_password(client, user.email, "wrong password")).status_code == 400
    refused = await try_password(client, user.email, factories.PASSWORD)
    assert refused.status_code == 429
    assert "Too many failed sign-in attempts. Wait 2 seconds" in refused.text
    assert refused.headers["retry-after"] == "2"
    api = await client.post("/api/v1/auth/login", json={"email": user.email, "password": factories.PASSWORD})
    assert api.status_code == 429 and api.json()["error"]["code"] == "too_many_attempts"
    assert api.json()["error"]["details"] == {"retry_after": 2}
    assert api.headers["retry-after"] == "2"
    clock.advance(timedelta(seconds=2))
    assert (await try_password(client, user.email, "wrong again")).status_code == 400
    # One more failure doubles the wait.
    clock.advance(timedelta(seconds=3))
    assert "Wait 1 seconds" in (await try_password(client, user.email, factories.PASSWORD)).text
    clock.advance(timedelta(seconds=1))
    assert (await try_password(client, user.email, factories.PASSWORD)).status_code == 303
    assert await AuditEntry.filter(action="sign-in.throttled").count() == 3
    assert await AuditEntry.filter(action="sign-in.failed").count() == settings.login_free_failures + 1


async def test_wrong_passwords_from_elsewhere_never_lock_the_owner_out(
    app: Starlette, clock: SimulatedClock, settings: Settings
) -> None:
    user = await factories.create_user(clock, "admin")
    for n in range(settings.login_free_failures * 2):
        # Each stranger from an address of their own, some claiming to be forwarded for others.
        transport = httpx.ASGITransport(app=app, client=(f"198.51.100.{n + 1}", 40000))
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as stranger:
            response = await stranger.post(
                "/api/v1/auth/login", json={"email": user.email, "password": "guess"},
                headers={"X-Forwarded-For": f"203.0.113.{n + 1}"})
            assert response.status_code == 401
    owner = httpx.ASGITransport(app=app, client=("192.0.2.10", 40000))
    async with httpx.AsyncClient(transport=owner, base_url="http://testserver") as http:
        assert (await try_password(http, user.email, factories.PASSWORD)).status_code == 303


async def test_a_success_starts_the_count_of_that_address_again(
    client: httpx.AsyncClient, clock: SimulatedClock, settings: Settings
) -> None:
    user = await factories.create_user(clock, "editor")
    for _ in range(2):
        for _ in range(settings.login_free_failures):
            assert (await try_password(client, user.email, "wrong password")).status_code == 400
        clock.advance(timedelta(seconds=settings.login_first_delay_seconds))
        assert (await try_password(client, user.email, factories.PASSWORD)).status_code == 303
        client.cookies.clear()


async def test_forwarded_addresses_are_believed_only_from_trusted_proxies(
    database: Settings, clock: SimulatedClock
) -> None:
    settings = database.model_copy(update={"trusted_proxies": "10.0.0.0/24"})
    user = await factories.create_user(clock, "editor")
    async with LifespanManager(create_app(settings, clock)) as manager:
        for peer in ("10.0.0.7", "127.0.0.1"):
            transport = httpx.ASGITransport(app=manager.app, client=(peer, 40000))
            async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as http:
                # The client wrote the first address itself; the proxy appended the one it saw.
                await http.post("/api/v1/auth/login", json={"email": user.email, "password": "guess"},
                                headers={"X-Forwarded-For": "192.0.2.1, 203.0.113.9"})
        addresses = await LoginAttempt.all().order_by("id").values_list("address", flat=True)
    assert addresses == ["203.0.113.9", "127.0.0.1"]


def test_trusted_proxies_must_be_addresses_or_networks() -> None:
    assert Settings(trusted_proxies="10.0.0.5, 10.1.0.0/16").proxies == ["10.0.0.5", "10.1.0.0/16"]
    with pytest.raises(ValueError, match="'proxy.internal' is not an IP address or network"):
        Settings(trusted_proxies="10.0.0.5,proxy.internal")


async def test_guessing_across_accounts_from_one_address_is_throttled(
    client: httpx.AsyncClient, clock: SimulatedClock, settings: Settings
) -> None:
    limit = settings.login_max_failures_per_address
    for n in range(limit):
        # Different accounts each time, so only the address count can stop this.
        response = await client.post("/api/v1/auth/login", json={"email": f"guess{n}@example.org",
                                                                  "password": "guess"})
        assert response.status_code == 401
    user = await factories.create_user(clock, "editor")
    response = await client.post("/api/v1/auth/login", json={"email": user.email,
                                                              "password": factories.PASSWORD})
    assert response.status_code == 429
    assert await LoginAttempt.filter(succeeded=False).count() == limit


@pytest.mark.parametrize("path", ["/login", "/api/openapi.json", "/api/v1/nowhere", "/static/plotly.min.js"])
async def test_every_response_carries_the_security_headers(client: httpx.AsyncClient, path: str) -> None:
    assert_security_headers(await client.get(path))


async def test_api_requests_never_open_the_cookie_session(client: httpx.AsyncClient, settings: Settings,
                                                         clock: SimulatedClock) -> None:
    """The API takes bearer tokens only: its requests do not even carry the cookie's session, so
    no API route can act on it (and none pays for reading it)."""
    opened: dict[str, bool] = {}

    async def endpoint(scope: Scope, receive: Receive, send: Send) -> None:
        opened[scope["path"]] = "session" in scope
        await PlainTextResponse("ok")(scope, receive, send)

    await sign_in(client, await factories.create_user(clock, "editor"))
    layer = PageSessionMiddleware(endpoint, **session_options(settings))
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=layer), base_url="http://test",
                                 cookies={COOKIE: client.cookies[COOKIE]}) as direct:
        for path in ("/api/v1/me", "/feed"):
            assert (await direct.get(path)).text == "ok"
    assert opened == {"/api/v1/me": False, "/feed": True}
    # Through the whole app, the signed-in cookie is worth nothing on the API.
    answer = await client.get("/api/v1/me")
    assert answer.status_code == 401 and "set-cookie" not in answer.headers


def assert_security_headers(response: httpx.Response) -> None:
    csp = response.headers["content-security-policy"]
    assert "script-src 'self'" in csp and "'unsafe-inline'" not in csp.split("script-src")[1].split(";")[0]
    assert "frame-ancestors 'none'" in csp
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["referrer-policy"] == "same-origin"
    assert "server" not in response.headers
    # HSTS only where the service is served over HTTPS (production).
    assert "strict-transport-security" not in response.headers


def test_production_refuses_a_default_or_missing_secret() -> None:
    good = "a-real-secret-" * 4
    key = Fernet.generate_key().decode()
    with pytest.raises(RuntimeError, match="ADVOCACY_SECRET_KEY"):
        create_app(Settings(env="production", secret_key="short", token_key=key))
    with pytest.raises(RuntimeError, match="ADVOCACY_TOKEN_KEY"):
        create_app(Settings(env="production", secret_key=good))
    with pytest.raises(RuntimeError, match="ADVOCACY_OIDC_CLIENT_SECRET"):
        create_app(Settings(env="production", secret_key=good, token_key=key,
                            oidc_issuer="https://id.example.org"))
    with pytest.raises(RuntimeError, match="ADVOCACY_SMTP_PASSWORD"):
        create_app(Settings(env="production", secret_key=good, token_key=key, smtp_username="mailer"))


async def test_nul_characters_in_sign_in_are_refused_not_a_server_error(
    client: httpx.AsyncClient, clock: SimulatedClock
) -> None:
    # Found by the generated API requests on PostgreSQL, whose text columns cannot hold NUL.
    user = await factories.create_user(clock, "editor")
    api = await client.post("/api/v1/auth/login", json={"email": user.email + "\x00", "password": "x"})
    assert api.status_code == 422 and api.json()["error"]["code"] == "invalid_input"
    query = await client.get("/api/v1/audit?action=a%00b", headers=(await token_for(clock, "admin"))[1])
    assert query.status_code == 422
    page = await try_password(client, "nobody\x00@example.org", "wrong\x00")
    assert page.status_code == 400
    assert (await try_password(client, user.email + "\x00", factories.PASSWORD)).status_code == 303


async def test_an_unchanged_session_is_not_signed_again_on_every_request(
    client: httpx.AsyncClient, clock: SimulatedClock
) -> None:
    await sign_in(client, await factories.create_user(clock, "leader"))
    signed = client.cookies[COOKIE]
    clock.advance(timedelta(seconds=SEEN_RESOLUTION_SECONDS - 1))
    response = await client.get("/")
    assert response.headers["location"] == "/dashboard"
    assert "set-cookie" not in response.headers
    assert client.cookies[COOKIE] == signed
    # Once the last-seen stamp is older than its resolution, the request writes it again.
    clock.advance(timedelta(seconds=2))
    assert (await client.get("/")).headers["set-cookie"].startswith(f"{COOKIE}=")
    assert client.cookies[COOKIE] != signed


async def test_requests_that_leave_the_stamp_alone_do_not_stretch_the_idle_timeout(
    client: httpx.AsyncClient, clock: SimulatedClock, settings: Settings
) -> None:
    await sign_in(client, await factories.create_user(clock, "leader"))
    idle = timedelta(minutes=settings.session_idle_minutes)
    clock.advance(idle - timedelta(seconds=SEEN_RESOLUTION_SECONDS // 2))
    assert (await client.get("/")).headers["location"] == "/dashboard"  # writes the stamp
    clock.advance(timedelta(seconds=SEEN_RESOLUTION_SECONDS // 2))
    assert (await client.get("/")).headers["location"] == "/dashboard"  # too soon to write it
    # Idle since the stamp was written: the session ends, though the last request was sooner.
    clock.advance(idle - timedelta(seconds=SEEN_RESOLUTION_SECONDS // 4))
    assert (await client.get("/")).headers["location"] == "/login?next=/"


async def test_signing_out_ends_a_copy_of_the_session_and_sign_in_tokens(
    client: httpx.AsyncClient, clock: SimulatedClock
) -> None:
    user = await factories.create_user(clock, "leader")
    api = await client.post("/api/v1/auth/login", json={"email": user.email, "password": factories.PASSWORD})
    token = {"Authorization": f"Bearer {api.json()['token']}"}
    await sign_in(client, user)
    copied = client.cookies[COOKIE]
    page = await client.get("/me/tokens")
    assert (await client.post("/logout", data={"csrf_token": csrf_of(page.text)})).status_code == 303
    # A copy of the cookie taken before signing out (another tab, an intruder) is worth nothing now.
    client.cookies.clear()
    client.cookies[COOKIE] = copied
    assert (await client.get("/")).headers["location"] == "/login?next=/"
    assert (await client.get("/api/v1/me", headers=token)).status_code == 401
    # Signing in again works as before.
    await sign_in(client, user)
    assert (await client.get("/")).headers["location"] == "/dashboard"
