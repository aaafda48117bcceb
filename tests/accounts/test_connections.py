"""Disconnecting an account and losing its token: revocation at the platform, tokens deleted here,
waiting shares paused (never failed or lost) and resumed when the account is connected again."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from datetime import timedelta

import pytest

from advocacy.accounts.connections import disconnect, mark_needs_reconnect
from advocacy.accounts.models import AccountNotice, SocialAccount
from advocacy.accounts.networks import NetworkRegistry
from advocacy.accounts.tokens import store_tokens
from advocacy.audit.models import AuditEntry
from advocacy.clock import SimulatedClock
from advocacy.settings import Settings
from advocacy.shares.models import Share, ShareEvent, ShareStatus
from tests import factories
from tests.fakes import x_server
from tests.fakes.serving import serve
from tests.shares.test_dispatch import dispatcher, queue_shares

CLIENT_ID, CLIENT_SECRET = "advocacy-x-client", "advocacy-x-secret"


@pytest.fixture(scope="module")
def strict_x() -> Iterator[tuple[x_server.FakeX, str]]:
    """A fake X that checks the client's credentials, as X does for a confidential client."""
    state = x_server.FakeX(client_id=CLIENT_ID, client_secret=CLIENT_SECRET)
    with serve(x_server.build_app(state)) as url:
        yield state, url


@pytest.fixture
async def live(
    database: Settings, clock: SimulatedClock, strict_x: tuple[x_server.FakeX, str]
) -> AsyncIterator[NetworkRegistry]:
    url = strict_x[1]
    strict_x[0].revoke_down = False
    registry = NetworkRegistry(database.model_copy(update={
        "network_mode": "live", "x_api_base_url": url, "x_token_url": f"{url}/2/oauth2/token",
        "x_revoke_url": f"{url}/2/oauth2/revoke", "x_client_id": CLIENT_ID,
        "x_client_secret": CLIENT_SECRET, "linkedin_api_base_url": "http://127.0.0.1:9",
        "connector_timeout_seconds": 2.0,
    }), clock)
    yield registry
    await registry.close()


async def x_account(
    clock: SimulatedClock, registry: NetworkRegistry, fake: x_server.FakeX
) -> tuple[SocialAccount, str, str]:
    user, access = fake.add_user(f"amb{len(fake.users)}")
    refresh = fake.issue_refresh_token(user.id)
    owner = await factories.create_user(clock, "ambassador")
    account = await factories.create_account(clock, owner, "x", external_id=user.id, handle=user.username)
    await store_tokens(registry.cipher, account, access_token=access, refresh_token=refresh,
                       expires_at=clock.now() + timedelta(hours=2))
    return account, access, refresh


async def test_disconnecting_x_revokes_both_tokens_at_x_and_deletes_them_here(
    database: Settings, clock: SimulatedClock, live: NetworkRegistry,
    strict_x: tuple[x_server.FakeX, str],
) -> None:
    fake = strict_x[0]
    account, access, refresh = await x_account(clock, live, fake)

    await disconnect(account, live, clock, reason="disconnected by the ambassador")

    assert ("refresh_token", refresh) in fake.revocations and ("access_token", access) in fake.revocations
    assert access in fake.revoked and access not in fake.tokens and refresh not in fake.refresh_tokens
    stored = await SocialAccount.get(id=account.id)
    assert stored.status == "disconnected" and stored.status_reason == "disconnected by the ambassador"
    assert (stored.access_token_encrypted, stored.refresh_token_encrypted, stored.token_expires_at) == (
        None, None, None)
    entry = await AuditEntry.get(action="account.disconnect")
    assert entry.target == f"social_account:{account.id}"
    assert entry.details["revocation"] == "revoked" and entry.actor_id == stored.user_id  # type: ignore[attr-defined]
    assert access not in str(entry.details) and refresh not in str(entry.details)


async def test_disconnect_when_x_is_down_still_deletes_the_tokens_and_records_the_failed_revocation(
    database: Settings, clock: SimulatedClock, live: NetworkRegistry,
    strict_x: tuple[x_server.FakeX, str],
) -> None:
    fake = strict_x[0]
    account, access, _ = await x_account(clock, live, fake)
    fake.revoke_down = True

    await disconnect(account, live, clock, reason="opted out")

    assert access in fake.tokens  # X never heard of it
    stored = await SocialAccount.get(id=account.id)
    assert stored.status == "disconnected" and stored.access_token_encrypted is None
    assert stored.refresh_token_encrypted is None
    entry = await AuditEntry.get(action="account.disconnect")
    assert entry.details["revocation"] == "failed" and "503" in entry.details["revocation_detail"]


async def test_disconnect_with_wrong_client_credentials_records_that_x_refused(
    database: Settings, clock: SimulatedClock, strict_x: tuple[x_server.FakeX, str],
) -> None:
    fake, url = strict_x
    fake.revoke_down = False
    registry = NetworkRegistry(database.model_copy(update={
        "network_mode": "live", "x_api_base_url": url, "x_revoke_url": f"{url}/2/oauth2/revoke",
        "x_client_id": CLIENT_ID, "x_client_secret": "wrong",
    }), clock)
    try:
        account, access, _ = await x_account(clock, registry, fake)
        await disconnect(account, registry, clock, reason="opted out")
    finally:
        await registry.close()
    assert access in fake.tokens
    entry = await AuditEntry.get(action="account.disconnect")
    assert entry.details["revocation"] == "failed" and "401" in entry.details["revocation_detail"]
    assert (await SocialAccount.get(id=account.id)).access_token_encrypted is None


async def test_disconnecting_linkedin_deletes_the_token_and_says_linkedin_offers_no_revocation(
    database: Settings, clock: SimulatedClock, live: NetworkRegistry,
) -> None:
    owner = await factories.create_user(clock, "ambassador")
    account = await factories.create_account(clock, owner, "linkedin")
    await store_tokens(live.cipher, account, access_token="AQV-token", refresh_token=None,
                       expires_at=clock.now() + timedelta(days=60))

    await disconnect(account, live, clock, reason="disconnected by the ambassador")

    stored = await SocialAccount.get(id=account.id)
    assert stored.status == "disconnected" and stored.access_token_encrypted is None
    entry = await AuditEntry.get(action="account.disconnect")
    assert entry.details["revocation"] == "unsupported"
    assert "no token revocation endpoint" in entry.details["revocation_detail"]


async def test_disconnect_pauses_waiting_shares_and_keeps_published_ones(
    database: Settings, clock: SimulatedClock,
) -> None:
    _, posts = await factories.create_launched_campaign_with_posts(clock, 3)
    shares = await queue_shares(clock, posts[:1], network="x")
    worker = dispatcher(database, clock)
    assert (await worker.run_until_idle()).published == 1
    account = await SocialAccount.get(id=shares[0].account_id)
    owner = await account.user
    later = [
        await factories_share(clock, owner, post.id, account.id, clock.now() + timedelta(hours=3))
        for post in posts[1:]
    ]

    await disconnect(account, worker.networks, clock, reason="disconnected by the ambassador")

    assert (await Share.get(id=shares[0].id)).status == ShareStatus.PUBLISHED
    for share in later:
        await share.refresh_from_db()
        assert share.status == ShareStatus.PAUSED and "was disconnected" in share.last_error
    clock.advance(timedelta(hours=4))
    assert (await worker.run_until_idle()).claimed == 0


async def factories_share(clock: SimulatedClock, owner, post_id: int, account_id: int, at):  # type: ignore[no-untyped-def]
    from advocacy.shares.service import create_share

    return await create_share(clock, owner, post_id=post_id, account_id=account_id,
                              text=f"Post {post_id} from me", scheduled_at=at)


async def test_marking_needs_reconnect_pauses_waiting_shares_and_tells_the_owner_once(
    database: Settings, clock: SimulatedClock,
) -> None:
    _, posts = await factories.create_launched_campaign_with_posts(clock, 2)
    shares = await queue_shares(clock, posts, network="x", at=clock.now() + timedelta(hours=1))
    account = await SocialAccount.get(id=shares[0].account_id)

    paused = await mark_needs_reconnect(clock, account, "the token was revoked")
    assert sorted(paused) == sorted(s.id for s in shares)
    await mark_needs_reconnect(clock, account, "the token was revoked")

    stored = await SocialAccount.get(id=account.id)
    assert stored.status == "needs_reconnect" and stored.status_reason == "the token was revoked"
    notices = await AccountNotice.filter(user_id=stored.user_id)  # type: ignore[attr-defined]
    assert len(notices) == 1 and "Shares waiting to go out through it are paused" in notices[0].message
    events = await ShareEvent.filter(to_status=ShareStatus.PAUSED)
    assert len(events) == 2 and all("needs to be reconnected" in e.reason for e in events)
