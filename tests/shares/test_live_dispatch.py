"""Dispatch in live mode: the real X and LinkedIn connectors against the local fake platforms."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import pytest

from advocacy.accounts.models import SocialAccount
from advocacy.accounts.networks import NetworkRegistry
from advocacy.accounts.tokens import store_tokens
from advocacy.clock import SimulatedClock, SystemClock
from advocacy.settings import Settings
from advocacy.shares.dispatch import ShareDispatcher
from advocacy.shares.models import Share, ShareEvent, ShareStatus
from advocacy.shares.service import create_share
from advocacy.users.models import User
from campaigns.models import Post
from tests import factories
from tests.fakes.linkedin_server import FakeLinkedIn
from tests.fakes.x_server import FakeX


def live_settings(database: Settings, x_url: str, linkedin_url: str, timeout: float = 2.0) -> Settings:
    return database.model_copy(update={
        "network_mode": "live", "x_api_base_url": x_url, "x_token_url": f"{x_url}/2/oauth2/token",
        "linkedin_api_base_url": linkedin_url, "connector_timeout_seconds": timeout,
    })


async def connected_ambassador(
    clock: SimulatedClock, registry: NetworkRegistry, network: str, fake: FakeX | FakeLinkedIn
) -> SocialAccount:
    """An ambassador whose account exists on the fake platform, with its token stored encrypted."""
    if isinstance(fake, FakeX):
        user, token = fake.add_user(f"amb{len(fake.users)}")
        external_id, handle = user.id, user.username
    else:
        member, token = fake.add_member(f"Member {len(fake.members)}")
        external_id, handle = member.sub, member.name
    owner = await factories.create_user(clock, "ambassador")
    account = await factories.create_account(clock, owner, network, external_id=external_id, handle=handle)
    await store_tokens(registry.cipher, account, access_token=token, refresh_token=None,
                       expires_at=clock.now() + timedelta(days=30))
    return account


async def share_everything(clock: SimulatedClock, account: SocialAccount, posts: list[Post]) -> list[Share]:
    owner = await account.user
    return [
        await create_share(clock, owner, post_id=post.id, account_id=account.id,
                           text=f"{post.title} (shared) #proud by {owner.name}")
        for post in posts
    ]


@pytest.fixture
async def live(
    database: Settings, clock: SimulatedClock, fake_x: tuple[FakeX, str],
    fake_linkedin: tuple[FakeLinkedIn, str],
) -> AsyncIterator[NetworkRegistry]:
    registry = NetworkRegistry(live_settings(database, fake_x[1], fake_linkedin[1], timeout=0.5), clock)
    yield registry
    fake_x[0].hang_after_create_seconds = 0
    fake_linkedin[0].hang_after_create_seconds = 0
    await registry.close()


@pytest.mark.parametrize("network", ["x", "linkedin"])
async def test_lost_answer_is_reconciled_into_exactly_one_post_on_the_platform(
    database: Settings, clock: SimulatedClock, live: NetworkRegistry, network: str,
    fake_x: tuple[FakeX, str], fake_linkedin: tuple[FakeLinkedIn, str],
) -> None:
    fake = fake_x[0] if network == "x" else fake_linkedin[0]
    _, posts = await factories.create_launched_campaign_with_posts(clock, 2)
    account = await connected_ambassador(clock, live, network, fake)
    shares = await share_everything(clock, account, posts)
    worker = ShareDispatcher(live, clock, worker_name="live")

    fake.hang_after_create_seconds = 1.5  # each post is created, but its answer comes too late
    report = await worker.run_until_idle()
    assert report.unconfirmed == 2
    fake.hang_after_create_seconds = 0
    clock.advance(timedelta(minutes=2))
    assert (await worker.run_until_idle()).published == 2

    for share in shares:
        await share.refresh_from_db()
        [on_platform] = fake.posts_with(share.text)
        assert share.status == ShareStatus.PUBLISHED
        assert share.external_id == getattr(on_platform, "urn", getattr(on_platform, "id", None))


async def test_revoked_linkedin_token_pauses_the_account_with_the_platform_reason(
    database: Settings, clock: SimulatedClock, live: NetworkRegistry,
    fake_linkedin: tuple[FakeLinkedIn, str],
) -> None:
    fake = fake_linkedin[0]
    _, posts = await factories.create_launched_campaign_with_posts(clock, 2)
    account = await connected_ambassador(clock, live, "linkedin", fake)
    await share_everything(clock, account, posts)
    fake.revoked.add(live.cipher.decrypt(account.access_token_encrypted) or "")

    await ShareDispatcher(live, clock).run_until_idle()
    await account.refresh_from_db()
    assert account.status == "needs_reconnect" and "revoked" in account.status_reason
    assert {s.status for s in await Share.all()} == {ShareStatus.PAUSED}
    assert all("revoked by the user" in s.last_error for s in await Share.all())


class SameWords:
    """One person sharing two posts in the same own words: each share carries its post's link."""

    def __init__(self, clock: SimulatedClock, owner: User, account: SocialAccount, posts: list[Post]) -> None:
        self.clock, self.owner, self.account, self.posts = clock, owner, account, posts

    @classmethod
    async def create(
        cls, clock: SimulatedClock, live: NetworkRegistry, network: str, fake: FakeX | FakeLinkedIn
    ) -> SameWords:
        _, posts = await factories.create_launched_campaign_with_posts(clock, 2)
        account = await connected_ambassador(clock, live, network, fake)
        return cls(clock, await account.user, account, posts)

    async def share(self, n: int) -> Share:
        return await create_share(self.clock, self.owner, post_id=self.posts[n].id,
                                  account_id=self.account.id, text="Proud of this team")


async def test_reconciliation_on_x_adopts_its_own_post_not_a_newer_one_in_the_same_words(
    database: Settings, clock: SimulatedClock, live: NetworkRegistry, fake_x: tuple[FakeX, str],
) -> None:
    fake = fake_x[0]
    same = await SameWords.create(clock, live, "x", fake)
    worker = ShareDispatcher(live, clock, worker_name="live")
    first = await same.share(0)
    fake.hang_after_create_seconds = 1.5  # the first post is created, its answer comes too late
    assert (await worker.run_until_idle()).unconfirmed == 1
    fake.hang_after_create_seconds = 0
    # The same words on another post (its own link), published before the first is reconciled.
    second = await same.share(1)
    assert (await worker.run_until_idle()).published == 1
    clock.advance(timedelta(minutes=2))
    assert (await worker.run_until_idle()).published == 1

    for share in (first, second):
        await share.refresh_from_db()
        [own_post] = fake.posts_with(share.text)
        assert share.status == ShareStatus.PUBLISHED
        assert share.external_id == own_post.id


async def test_linkedin_duplicate_naming_another_shares_post_is_never_adopted(
    database: Settings, clock: SimulatedClock, live: NetworkRegistry,
    fake_linkedin: tuple[FakeLinkedIn, str],
) -> None:
    fake = fake_linkedin[0]
    same = await SameWords.create(clock, live, "linkedin", fake)
    worker = ShareDispatcher(live, clock, worker_name="live")
    first = await same.share(0)
    await worker.run_until_idle()
    await first.refresh_from_db()
    assert first.status == ShareStatus.PUBLISHED
    second = await same.share(1)
    fake.fail_next(422, {"status": 422, "message": f"Content is a duplicate of {first.external_id}"})

    await worker.run_until_idle()
    await second.refresh_from_db()
    assert second.status == ShareStatus.FAILED
    assert second.external_id is None
    assert f"share {first.id}" in second.last_error
    assert await Share.filter(external_id=first.external_id).count() == 1


async def x_account_with_refresh(
    clock: SimulatedClock, live: NetworkRegistry, fake: FakeX, refresh_token: str | None = None
) -> tuple[SocialAccount, str]:
    """An X account whose stored access token X refuses before its stated expiry (revoked)."""
    account = await connected_ambassador(clock, live, "x", fake)
    refused = live.cipher.decrypt(account.access_token_encrypted) or ""
    refresh = refresh_token or fake.issue_refresh_token(account.external_id)
    await store_tokens(live.cipher, account, access_token=refused, refresh_token=refresh,
                       expires_at=clock.now() + timedelta(hours=1))
    fake.revoked.add(refused)
    return account, refused


async def test_x_401_refreshes_the_token_once_and_publishes(
    database: Settings, clock: SimulatedClock, live: NetworkRegistry, fake_x: tuple[FakeX, str],
) -> None:
    fake = fake_x[0]
    _, posts = await factories.create_launched_campaign_with_posts(clock, 2)
    account, refused = await x_account_with_refresh(clock, live, fake)
    shares = await share_everything(clock, account, posts)

    report = await ShareDispatcher(live, clock).run_until_idle()
    assert report.published == 2 and report.paused == 0
    stored = await SocialAccount.get(id=account.id)
    assert stored.status == "connected"
    renewed = live.cipher.decrypt(stored.access_token_encrypted)
    assert renewed != refused and fake.tokens[renewed or ""] == account.external_id
    for share in shares:
        [tweet] = fake.posts_with(share.text)
        assert (await Share.get(id=share.id)).external_id == tweet.id


async def test_x_401_with_a_refused_refresh_asks_for_a_reconnect_in_words(
    database: Settings, clock: SimulatedClock, live: NetworkRegistry, fake_x: tuple[FakeX, str],
) -> None:
    fake = fake_x[0]
    _, posts = await factories.create_launched_campaign_with_posts(clock, 1)
    account, _ = await x_account_with_refresh(clock, live, fake, refresh_token="spent-elsewhere")
    [share] = await share_everything(clock, account, posts)

    assert (await ShareDispatcher(live, clock).run_until_idle()).paused == 1
    stored = await SocialAccount.get(id=account.id)
    assert stored.status == "needs_reconnect"
    assert "X refused the refresh token (Value passed for the token was invalid)" in stored.status_reason
    assert "{" not in stored.status_reason
    assert (await Share.get(id=share.id)).status == ShareStatus.PAUSED
    assert fake.posts_with(share.text) == []


async def test_a_slow_publish_keeps_its_short_lease_while_its_worker_lives(
    database: Settings, fake_linkedin: tuple[FakeLinkedIn, str], fake_x: tuple[FakeX, str],
) -> None:
    """Real time (the lease and the heartbeat are wall-clock here): a 1 s lease, a 3 s publish."""
    fake = fake_linkedin[0]
    clock = SimulatedClock(datetime.now(UTC))
    registry = NetworkRegistry(live_settings(database, fake_x[1], fake_linkedin[1], timeout=10), clock)
    _, posts = await factories.create_launched_campaign_with_posts(clock, 1)
    [share] = await share_everything(clock, await connected_ambassador(clock, registry, "linkedin", fake),
                                     posts)
    fake.create_delay_seconds = 3.0
    wall = SystemClock()
    try:
        worker = ShareDispatcher(registry, wall, lease_seconds=1, worker_name="slow")
        slow = asyncio.create_task(worker.run_once())
        await asyncio.sleep(2)  # past the first lease: only renewals keep the share
        assert await ShareDispatcher(registry, wall, worker_name="other").expire_stale_leases() == 0
        assert (await slow).published == 1
    finally:
        fake.create_delay_seconds = 0
        await registry.close()
    await share.refresh_from_db()
    assert share.status == ShareStatus.PUBLISHED
    assert share.external_id == fake.posts_with(share.text)[0].urn
    assert not await ShareEvent.filter(share_id=share.id, to_status=ShareStatus.UNCONFIRMED).exists()
