"""Connecting X (OAuth 2.0 with PKCE, tweepy) and LinkedIn (three-legged, python-linkedin-v2) from the
accounts page, end to end against the local platforms' authorize and token endpoints."""

from __future__ import annotations

import html
import re
from collections.abc import AsyncIterator, Iterator
from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from asgi_lifespan import LifespanManager

from advocacy.accounts.models import AccountNotice, ConnectAttempt, SocialAccount
from advocacy.accounts.networks import NetworkRegistry
from advocacy.audit.models import AuditEntry
from advocacy.clock import SimulatedClock
from advocacy.notify.models import Notification
from advocacy.settings import Settings
from advocacy.shares.dispatch import ShareDispatcher
from advocacy.shares.models import Share, ShareStatus
from advocacy.shares.service import create_share
from advocacy.users.models import User
from tests import factories
from tests.fakes import linkedin_server, x_server
from tests.fakes.serving import serve
from tests.test_pages import csrf_of, sign_in

X_ID, X_SECRET = "x-client", "x-secret"
LI_ID, LI_SECRET = "li-client", "li-secret"


@pytest.fixture(scope="module")
def platform_x() -> Iterator[tuple[x_server.FakeX, str]]:
    state = x_server.FakeX(client_id=X_ID, client_secret=X_SECRET)
    with serve(x_server.build_app(state)) as url:
        yield state, url


@pytest.fixture(scope="module")
def platform_linkedin() -> Iterator[tuple[linkedin_server.FakeLinkedIn, str]]:
    state = linkedin_server.FakeLinkedIn(client_id=LI_ID, client_secret=LI_SECRET)
    with serve(linkedin_server.build_app(state)) as url:
        yield state, url


def connect_settings(database: Settings, x_url: str, li_url: str, **overrides: object) -> Settings:
    return database.model_copy(update={
        "network_mode": "live", "public_base_url": "http://testserver",
        "x_client_id": X_ID, "x_client_secret": X_SECRET, "x_api_base_url": x_url,
        "x_authorize_url": f"{x_url}/i/oauth2/authorize", "x_token_url": f"{x_url}/2/oauth2/token",
        "x_revoke_url": f"{x_url}/2/oauth2/revoke",
        "linkedin_client_id": LI_ID, "linkedin_client_secret": LI_SECRET, "linkedin_api_base_url": li_url,
        "linkedin_authorize_url": f"{li_url}/oauth/v2/authorization",
        "linkedin_token_url": f"{li_url}/oauth/v2/accessToken", "connector_timeout_seconds": 3.0,
        **overrides,
    })


@pytest.fixture
def live_settings(
    database: Settings, platform_x: tuple[x_server.FakeX, str],
    platform_linkedin: tuple[linkedin_server.FakeLinkedIn, str],
) -> Settings:
    platform_x[0].token_failures.clear()
    platform_linkedin[0].token_failures.clear()
    return connect_settings(database, platform_x[1], platform_linkedin[1])


@pytest.fixture
async def web(live_settings: Settings, clock: SimulatedClock) -> AsyncIterator[httpx.AsyncClient]:
    from advocacy.app import create_app

    application = create_app(live_settings, clock)
    async with LifespanManager(application) as manager:
        transport = httpx.ASGITransport(app=manager.app, raise_app_exceptions=False)
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as http:
            yield http


async def start(web: httpx.AsyncClient, network: str) -> str:
    """Press "Connect": returns the platform's authorize URL we are sent to."""
    page = await web.get("/accounts")
    assert page.status_code == 200, page.text
    response = await web.post(f"/accounts/connect/{network}", data={"csrf_token": csrf_of(page.text)})
    assert response.status_code == 303, response.text
    return response.headers["location"]


async def consent(authorize_url: str, decision: str = "approve") -> str:
    """The person at the platform approves or declines: returns where the platform sends them back."""
    base = f"{urlsplit(authorize_url).scheme}://{urlsplit(authorize_url).netloc}"
    async with httpx.AsyncClient() as browser:
        page = await browser.get(authorize_url)
        assert page.status_code == 200, page.text
        link = re.search(rf'id="{decision}" href="([^"]+)"', page.text)
        assert link, page.text
        answer = await browser.get(base + html.unescape(link.group(1)))
    assert answer.status_code == 302
    return answer.headers["location"]


async def come_back(web: httpx.AsyncClient, callback_url: str) -> httpx.Response:
    parts = urlsplit(callback_url)
    return await web.get(f"{parts.path}?{parts.query}")


async def connect(web: httpx.AsyncClient, network: str, decision: str = "approve") -> httpx.Response:
    return await come_back(web, await consent(await start(web, network), decision))


async def signed_in_ambassador(web: httpx.AsyncClient, clock: SimulatedClock) -> User:
    user = await factories.create_user(clock, "ambassador")
    await sign_in(web, user)
    return user


async def test_connecting_x_uses_pkce_and_keeps_encrypted_tokens_and_the_profile(
    database: Settings, clock: SimulatedClock, web: httpx.AsyncClient,
    platform_x: tuple[x_server.FakeX, str],
) -> None:
    fake = platform_x[0]
    x_user, _ = fake.add_user("nurse_ada", followers=1234)
    fake.consent_user = x_user.id
    user = await signed_in_ambassador(web, clock)

    authorize_url = await start(web, "x")
    query = parse_qs(urlsplit(authorize_url).query)
    assert authorize_url.startswith(f"{platform_x[1]}/i/oauth2/authorize?")
    assert query["code_challenge_method"] == ["S256"] and len(query["code_challenge"][0]) == 43
    assert query["scope"] == ["tweet.read tweet.write users.read offline.access"]
    assert query["redirect_uri"] == ["http://testserver/accounts/callback/x"]
    back = await come_back(web, await consent(authorize_url))

    assert back.status_code == 303 and back.headers["location"] == "/accounts"
    account = await SocialAccount.get(user_id=user.id, network="x")
    assert (account.handle, account.external_id, account.followers) == ("nurse_ada", x_user.id, 1234)
    assert account.status == "connected" and account.token_expires_at == clock.now() + timedelta(hours=2)
    registry = NetworkRegistry(database, clock)
    access = registry.cipher.decrypt(account.access_token_encrypted)
    refresh = registry.cipher.decrypt(account.refresh_token_encrypted)
    assert fake.tokens[access or ""] == x_user.id and fake.refresh_tokens[refresh or ""] == x_user.id
    assert access not in (account.access_token_encrypted or "")
    assert await ConnectAttempt.all().count() == 0
    entry = await AuditEntry.get(action="account.connect")
    assert entry.actor_id == user.id and entry.details["handle"] == "nurse_ada"
    page = await web.get("/accounts")
    assert "nurse_ada" in page.text and "1,234" in page.text and "is connected" in page.text


async def test_connecting_linkedin_keeps_the_member_id_name_and_follower_count(
    database: Settings, clock: SimulatedClock, web: httpx.AsyncClient,
    platform_linkedin: tuple[linkedin_server.FakeLinkedIn, str],
) -> None:
    fake = platform_linkedin[0]
    member, _ = fake.add_member("Grace Hopper", followers=2048)
    fake.consent_member = member.sub
    user = await signed_in_ambassador(web, clock)

    authorize_url = await start(web, "linkedin")
    query = parse_qs(urlsplit(authorize_url).query)
    assert urlsplit(authorize_url).path == "/oauth/v2/authorization"
    assert query["scope"] == ["openid profile w_member_social"]  # no analytics unless the app has it
    back = await come_back(web, await consent(authorize_url))

    assert back.status_code == 303, back.text
    account = await SocialAccount.get(user_id=user.id, network="linkedin")
    assert (account.external_id, account.handle, account.followers) == (member.sub, "Grace Hopper", 2048)
    assert account.token_expires_at == clock.now() + timedelta(seconds=5183999)
    assert account.refresh_token_encrypted is None  # LinkedIn gives none to ordinary apps


async def test_linkedin_asks_for_post_analytics_only_when_the_setting_says_the_app_has_it(
    database: Settings, clock: SimulatedClock, platform_x: tuple[x_server.FakeX, str],
    platform_linkedin: tuple[linkedin_server.FakeLinkedIn, str],
) -> None:
    from advocacy.app import create_app

    settings = connect_settings(database, platform_x[1], platform_linkedin[1], linkedin_post_analytics=True)
    async with LifespanManager(create_app(settings, clock)) as manager:
        transport = httpx.ASGITransport(app=manager.app)
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as web:
            await signed_in_ambassador(web, clock)
            query = parse_qs(urlsplit(await start(web, "linkedin")).query)
    assert query["scope"] == ["openid profile w_member_social r_member_postAnalytics"]


async def test_linkedin_without_follower_permission_connects_with_an_unknown_count(
    database: Settings, clock: SimulatedClock, web: httpx.AsyncClient,
    platform_linkedin: tuple[linkedin_server.FakeLinkedIn, str],
) -> None:
    fake = platform_linkedin[0]
    fake.consent_member = None
    fake.followers_forbidden = True
    try:
        user = await signed_in_ambassador(web, clock)
        assert (await connect(web, "linkedin")).status_code == 303
    finally:
        fake.followers_forbidden = False
    account = await SocialAccount.get(user_id=user.id)
    assert account.followers is None and account.status == "connected"


async def test_linkedin_under_a_retired_api_version_says_so_and_connects_nothing(
    database: Settings, clock: SimulatedClock, platform_x: tuple[x_server.FakeX, str],
    platform_linkedin: tuple[linkedin_server.FakeLinkedIn, str],
) -> None:
    from advocacy.app import create_app

    fake = platform_linkedin[0]
    fake.consent_member = None
    admin = await factories.create_user(clock, "admin")
    settings = connect_settings(database, platform_x[1], platform_linkedin[1], linkedin_version="202501")
    async with LifespanManager(create_app(settings, clock)) as manager:
        transport = httpx.ASGITransport(app=manager.app)
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as web:
            await signed_in_ambassador(web, clock)
            response = await connect(web, "linkedin")
            assert response.status_code == 400
            assert "no longer accepts the API version this service is set to use" in response.text
            assert "Nothing was changed" in response.text
            assert await SocialAccount.all().count() == 0
            assert await Notification.filter(user_id=admin.id, kind="network_parked").count() == 1


@pytest.mark.parametrize("network", ["x", "linkedin"])
async def test_declined_consent_shows_why_and_changes_nothing(
    database: Settings, clock: SimulatedClock, web: httpx.AsyncClient, network: str,
) -> None:
    await signed_in_ambassador(web, clock)
    response = await connect(web, network, decision="deny")
    assert response.status_code == 400
    assert "You did not allow the connection" in response.text and "Nothing was changed" in response.text
    assert await SocialAccount.all().count() == 0
    assert await ConnectAttempt.all().count() == 0


async def test_a_state_that_was_never_issued_is_refused(
    database: Settings, clock: SimulatedClock, web: httpx.AsyncClient,
) -> None:
    await signed_in_ambassador(web, clock)
    authorize_url = await start(web, "x")
    callback = await consent(authorize_url)
    forged = re.sub(r"state=[^&]+", "state=forged-state", callback)
    response = await come_back(web, forged)
    assert response.status_code == 400 and "already used or never started" in response.text
    assert await SocialAccount.all().count() == 0


async def test_a_replayed_callback_is_refused_and_connects_nothing_twice(
    database: Settings, clock: SimulatedClock, web: httpx.AsyncClient,
) -> None:
    await signed_in_ambassador(web, clock)
    callback = await consent(await start(web, "x"))
    assert (await come_back(web, callback)).status_code == 303
    again = await come_back(web, callback)
    assert again.status_code == 400 and "already used" in again.text
    assert await SocialAccount.all().count() == 1
    assert await AuditEntry.filter(action__in=["account.connect", "account.reconnect"]).count() == 1


async def test_a_replayed_code_under_a_fresh_state_is_refused_by_the_token_endpoint(
    database: Settings, clock: SimulatedClock, web: httpx.AsyncClient,
) -> None:
    await signed_in_ambassador(web, clock)
    first = await consent(await start(web, "linkedin"))
    assert (await come_back(web, first)).status_code == 303
    used_code = parse_qs(urlsplit(first).query)["code"][0]
    second = parse_qs(urlsplit(await start(web, "linkedin")).query)["state"][0]

    response = await web.get(f"/accounts/callback/linkedin?state={second}&code={used_code}")
    assert response.status_code == 400 and "LinkedIn refused the connection" in response.text
    assert await SocialAccount.all().count() == 1


async def test_a_code_verifier_that_does_not_match_the_challenge_is_refused(
    database: Settings, clock: SimulatedClock, web: httpx.AsyncClient, live_settings: Settings,
) -> None:
    await signed_in_ambassador(web, clock)
    callback = await consent(await start(web, "x"))
    cipher = NetworkRegistry(live_settings.model_copy(update={"network_mode": "sandbox"}), clock).cipher
    await ConnectAttempt.all().update(code_verifier_encrypted=cipher.encrypt("not-the-verifier" * 8))

    response = await come_back(web, callback)
    assert response.status_code == 400
    assert "X refused the connection" in response.text and "code verifier" in response.text
    assert await SocialAccount.all().count() == 0


@pytest.mark.parametrize("network", ["x", "linkedin"])
async def test_a_failing_token_endpoint_shows_a_retry_page_and_changes_nothing(
    database: Settings, clock: SimulatedClock, web: httpx.AsyncClient, network: str,
    platform_x: tuple[x_server.FakeX, str], platform_linkedin: tuple[linkedin_server.FakeLinkedIn, str],
) -> None:
    await signed_in_ambassador(web, clock)
    callback = await consent(await start(web, network))
    (platform_x[0] if network == "x" else platform_linkedin[0]).token_failures.append(503)
    response = await come_back(web, callback)
    assert response.status_code == 502
    assert "could not be reached or failed" in response.text and "try again" in response.text
    assert await SocialAccount.all().count() == 0


async def test_a_callback_in_another_browser_session_is_refused(
    database: Settings, clock: SimulatedClock, web: httpx.AsyncClient,
) -> None:
    user = await signed_in_ambassador(web, clock)
    callback = await consent(await start(web, "x"))
    await sign_in(web, user)  # a fresh session: the binding cookie value is gone
    response = await come_back(web, callback)
    assert response.status_code == 400 and "another browser" in response.text
    assert await SocialAccount.all().count() == 0


async def test_an_account_connected_by_someone_else_is_refused_with_a_clear_message(
    database: Settings, clock: SimulatedClock, web: httpx.AsyncClient,
    platform_x: tuple[x_server.FakeX, str],
) -> None:
    fake = platform_x[0]
    shared_user, _ = fake.add_user("team_account")
    fake.consent_user = shared_user.id
    first = await signed_in_ambassador(web, clock)
    assert (await connect(web, "x")).status_code == 303
    await signed_in_ambassador(web, clock)
    revoked_before = len(fake.revoked)
    response = await connect(web, "x")
    assert response.status_code == 409 and "already connected by someone else" in response.text
    assert len(fake.revoked) == revoked_before + 1  # the unkept access token was given back
    owner = await SocialAccount.get(external_id=shared_user.id)
    assert owner.user_id == first.id  # type: ignore[attr-defined]
    assert await SocialAccount.all().count() == 1


async def test_revoked_token_pauses_shares_and_reconnecting_publishes_them_exactly_once(
    database: Settings, clock: SimulatedClock, web: httpx.AsyncClient, live_settings: Settings,
    platform_x: tuple[x_server.FakeX, str],
) -> None:
    fake = platform_x[0]
    x_user, _ = fake.add_user("reconnecting")
    fake.consent_user = x_user.id
    user = await signed_in_ambassador(web, clock)
    assert (await connect(web, "x")).status_code == 303
    account = await SocialAccount.get(user_id=user.id)
    _, posts = await factories.create_launched_campaign_with_posts(clock, 2)
    text = f"Proud of this #{x_user.id}"
    shares = [await create_share(clock, user, post_id=p.id, account_id=account.id, text=f"{text} {p.id}")
              for p in posts]
    registry = NetworkRegistry(live_settings, clock)
    try:
        # The person removed the app at X: its access and refresh tokens are both refused.
        fake.revoked.add(registry.cipher.decrypt(account.access_token_encrypted) or "")
        fake.refresh_tokens.pop(registry.cipher.decrypt(account.refresh_token_encrypted) or "", None)
        report = await ShareDispatcher(registry, clock).run_until_idle()
        assert (report.paused, report.published, report.failed) == (2, 0, 0)
        await account.refresh_from_db()
        assert account.status == "needs_reconnect"
        assert {s.status for s in await Share.all()} == {ShareStatus.PAUSED}
        assert await AccountNotice.filter(user_id=user.id, kind="needs_reconnect").count() == 1
        page = await web.get("/accounts")
        assert "Needs reconnecting" in page.text
        assert "Shares waiting to go out through it are paused" in page.text

        back = await connect(web, "x")
        assert back.status_code == 303
        assert "2 paused shares are back in the queue" in (await web.get("/accounts")).text
        await account.refresh_from_db()
        assert account.status == "connected" and await SocialAccount.all().count() == 1
        report = await ShareDispatcher(registry, clock).run_until_idle()
        assert report.published == 2
        clock.advance(timedelta(hours=1))
        assert (await ShareDispatcher(registry, clock).run_until_idle()).claimed == 0
    finally:
        await registry.close()
    for share in shares:
        await share.refresh_from_db()
        assert share.status == ShareStatus.PUBLISHED and share.external_id in fake.tweets
    assert len([t for t in fake.tweets.values() if t.author_id == x_user.id]) == 2
    assert await AuditEntry.filter(action="account.reconnect").count() == 1


async def test_connect_buttons_say_when_a_network_has_no_app_configured(
    database: Settings, clock: SimulatedClock, platform_x: tuple[x_server.FakeX, str],
    platform_linkedin: tuple[linkedin_server.FakeLinkedIn, str],
) -> None:
    from advocacy.app import create_app

    settings = connect_settings(database, platform_x[1], platform_linkedin[1], linkedin_client_id="")
    async with LifespanManager(create_app(settings, clock)) as manager:
        transport = httpx.ASGITransport(app=manager.app)
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as web:
            await signed_in_ambassador(web, clock)
            page = await web.get("/accounts")
            assert "LinkedIn is not set up on this service yet" in page.text
            response = await web.post("/accounts/connect/linkedin", data={"csrf_token": csrf_of(page.text)})
            assert response.status_code == 400 and "not set up" in response.text
            response = await web.post("/accounts/connect/myspace", data={"csrf_token": csrf_of(page.text)})
            assert response.status_code == 422 and "no network called" in response.text
            assert await ConnectAttempt.all().count() == 0
