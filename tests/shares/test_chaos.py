"""Chaos: shares through 30 % injected faults of every kind end published exactly once or failed with
a reason, with no duplicate at the platform — a thousand through the sandbox with two workers killed
mid-batch, and three hundred over HTTP through the fake X and LinkedIn servers."""

from __future__ import annotations

from collections import Counter
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta

import pytest

from advocacy.accounts.models import SocialAccount
from advocacy.accounts.networks import NetworkRegistry, account_ref
from advocacy.clock import SimulatedClock
from advocacy.settings import Settings
from advocacy.shares.dispatch import ShareDispatcher
from advocacy.shares.models import Share, ShareEvent, ShareStatus
from advocacy.shares.pausing import resume_account_shares
from advocacy.shares.service import create_share, retry_shares
from advocacy.users.models import User
from connectors.base import ConnectorError, PublishRequest
from connectors.sandbox.network import FAULT_KINDS
from tests import factories
from tests.fakes import linkedin_server, x_server
from tests.fakes.linkedin_server import FakeLinkedIn
from tests.fakes.x_server import FakeX
from tests.shares.test_live_dispatch import connected_ambassador, live_settings

pytestmark = pytest.mark.chaos

AMBASSADORS = 100
POSTS = 10
# The messages each fault kind leaves in a share's history, to prove every kind happened.
FAULT_TRACES = {
    "transient": "503",
    "rate_limit": "429",
    "auth": "revoked access token",
    "permanent": "the account is restricted",
    "ambiguous": "timeout before the request arrived",
    "ambiguous_after_publish": "timeout after the post was created",
}


async def kill_a_worker_mid_batch(networks: NetworkRegistry, clock: SimulatedClock, name: str) -> int:
    """A worker claims a batch, gets some posts out, and dies before writing any outcome down."""
    doomed = ShareDispatcher(networks, clock, batch_size=40, lease_seconds=60, worker_name=name)
    claimed = await doomed.claim_due()
    for share in claimed[::2]:
        try:
            await networks.connector(share.network).publish(
                account_ref(share.account), PublishRequest(share.text, f"share-{share.id}")
            )
        except ConnectorError:
            pass
    return len(claimed)


async def run_until_settled(
    workers: list[ShareDispatcher], clock: SimulatedClock, editor: User, step: timedelta,
    before_round: Callable[[int], Awaitable[None]] | None = None,
) -> None:
    """Dispatch and move time on until nothing is left to do; when quiet, people fix what they can:
    ambassadors reconnect (which resumes the shares paused for it), and the comms team retries the
    shares whose outcome is still unknown."""
    for round_number in range(400):
        if before_round is not None:
            await before_round(round_number)
        for worker in workers:
            await worker.run_once()
        clock.advance(step)
        if await Share.filter(status__in=(ShareStatus.QUEUED, ShareStatus.PUBLISHING)).exists():
            continue
        if await Share.filter(status=ShareStatus.UNCONFIRMED, needs_reconcile=True).exists():
            continue
        dead = await SocialAccount.filter(status="needs_reconnect").values_list("id", flat=True)
        unknown = await Share.filter(status=ShareStatus.UNCONFIRMED).values_list("id", flat=True)
        if not dead and not unknown:
            assert not await Share.filter(status=ShareStatus.PAUSED).exists()
            return
        for account_id in dead:
            await SocialAccount.filter(id=account_id).update(status="connected", status_reason="")
            await resume_account_shares(clock, account_id, "resumed: the account was reconnected")
        if unknown:
            outcome = await retry_shares(clock, editor, share_ids=list(unknown))
            assert outcome.retried
    pytest.fail("the dispatch never settled")


async def test_every_share_ends_published_once_or_failed_with_a_reason_through_faults_and_kills(
    database: Settings, clock: SimulatedClock
) -> None:
    settings = database.model_copy(update={"sandbox_fault_rate": 0.3, "sandbox_daily_post_limit": 1_000})
    networks = NetworkRegistry(settings, clock, fault_kinds=FAULT_KINDS)
    _, posts = await factories.create_launched_campaign_with_posts(clock, POSTS, days=30)
    editor = await factories.create_user(clock, "editor")
    for n in range(AMBASSADORS):
        user, account = await factories.create_ambassador(clock, "x" if n % 2 else "linkedin")
        for post in posts:
            await create_share(clock, user, post_id=post.id, account_id=account.id,
                               text=f"{post.title}, shared by {user.name}")
    assert await Share.all().count() == AMBASSADORS * POSTS >= 1_000

    workers = [
        ShareDispatcher(networks, clock, batch_size=50, lease_seconds=60, max_attempts=8,
                        worker_name=f"w{i}")
        for i in range(2)
    ]
    kills = 0

    async def kill_twice(round_number: int) -> None:
        nonlocal kills
        if round_number in (2, 6):
            assert await kill_a_worker_mid_batch(networks, clock, f"doomed{round_number}") > 0
            kills += 1

    await run_until_settled(workers, clock, editor, timedelta(minutes=5), before_round=kill_twice)
    assert kills == 2

    shares = await Share.all()
    by_status = Counter(share.status for share in shares)
    assert set(by_status) <= {ShareStatus.PUBLISHED, ShareStatus.FAILED}, by_status
    assert by_status[ShareStatus.PUBLISHED] > 0 and by_status[ShareStatus.FAILED] > 0
    sandbox = networks.sandbox
    for share in shares:
        if share.status == ShareStatus.PUBLISHED:
            assert sandbox.posts_for(share.text) == 1, share.id
            assert share.external_id == sandbox.published_for(f"share-{share.id}").external_id
        else:
            assert share.last_error, share.id
            assert sandbox.posts_for(share.text) == 0, share.id
    published_events = Counter(
        await ShareEvent.filter(to_status=ShareStatus.PUBLISHED).values_list("share_id", flat=True)
    )
    assert set(published_events.values()) == {1}
    history = " ".join(await ShareEvent.all().values_list("reason", flat=True))
    history += " ".join(share.last_error for share in shares)
    missing = [kind for kind, trace in FAULT_TRACES.items() if trace not in history]
    assert not missing, f"fault kinds never seen: {missing}"
    assert "stopped before it confirmed" in history


async def test_through_the_fake_platforms_every_share_ends_published_once_or_failed_with_a_reason(
    database: Settings, fake_x: tuple[FakeX, str], fake_linkedin: tuple[FakeLinkedIn, str]
) -> None:
    """The same, over HTTP through tweepy and httpx, with the faults coming from the fake servers."""
    clock = SimulatedClock(datetime.now(UTC))  # X's reset headers are wall-clock epochs
    settings = live_settings(database, fake_x[1], fake_linkedin[1], timeout=0.25)
    networks = NetworkRegistry(settings, clock)
    x, linkedin = fake_x[0], fake_linkedin[0]
    _, posts = await factories.create_launched_campaign_with_posts(clock, 10, days=30)
    editor = await factories.create_user(clock, "editor")
    for n in range(30):
        fake: FakeX | FakeLinkedIn = x if n % 2 else linkedin
        account = await connected_ambassador(clock, networks, "x" if n % 2 else "linkedin", fake)
        owner = await account.user
        for post in posts:
            await create_share(clock, owner, post_id=post.id, account_id=account.id,
                               text=f"{post.title}: {owner.name} (#{n}) shares it")
    for platform in (x, linkedin):
        platform.fault_rate, platform.fault_hang_seconds = 0.3, 0.5
        platform.faults_seen.clear()
    try:
        workers = [ShareDispatcher(networks, clock, batch_size=50, lease_seconds=60, max_attempts=8,
                                   worker_name=f"w{i}") for i in range(2)]
        # An hour a round: LinkedIn's daily quotas park an account until midnight UTC.
        await run_until_settled(workers, clock, editor, timedelta(hours=1))
    finally:
        for platform in (x, linkedin):
            platform.fault_rate = 0.0
        await networks.close()

    assert set(x.faults_seen) == set(x_server.CHAOS_KINDS)
    assert set(linkedin.faults_seen) == set(linkedin_server.CHAOS_KINDS)
    shares = await Share.all()
    assert len(shares) == 300
    by_status = Counter(share.status for share in shares)
    assert set(by_status) <= {ShareStatus.PUBLISHED, ShareStatus.FAILED}, by_status
    for share in shares:
        on_platform = (x if share.network == "x" else linkedin).posts_with(share.text)
        if share.status == ShareStatus.PUBLISHED:
            [post] = on_platform
            assert share.external_id == getattr(post, "urn", getattr(post, "id", None))
        else:
            assert share.last_error and on_platform == [], share.id
    published_events = Counter(
        await ShareEvent.filter(to_status=ShareStatus.PUBLISHED).values_list("share_id", flat=True)
    )
    assert set(published_events.values()) == {1}
