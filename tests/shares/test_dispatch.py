"""Dispatch: due shares are published exactly once, through rate limits, errors, crashes and races."""

from __future__ import annotations

import asyncio
import json
import os
import sys
from collections import Counter
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from tortoise.functions import Count

from advocacy.accounts.models import AppParking, SocialAccount
from advocacy.accounts.networks import NetworkRegistry, account_ref
from advocacy.clock import SimulatedClock
from advocacy.settings import Settings
from advocacy.shares.dispatch import ShareDispatcher
from advocacy.shares.models import Share, ShareEvent, ShareStatus
from advocacy.shares.service import create_share
from campaigns.models import Post
from connectors.base import (
    AmbiguousOutcome,
    AuthExpired,
    DuplicatePost,
    PermanentError,
    PublishRequest,
    RateLimited,
    TransientError,
)
from tests import factories


async def queue_shares(
    clock: SimulatedClock, posts: list[Post], ambassadors: int = 1, network: str = "linkedin",
    at: datetime | None = None,
) -> list[Share]:
    """One share of every post by each of `ambassadors` ambassadors, due at `at` (default now)."""
    shares = []
    for _ in range(ambassadors):
        user, account = await factories.create_ambassador(clock, network)
        for post in posts:
            shares.append(
                await create_share(clock, user, post_id=post.id, account_id=account.id,
                                   text=f"{post.title}, shared by {user.name}", scheduled_at=at)
            )
    return shares


async def statuses() -> dict[int, ShareStatus]:
    return dict(await Share.all().values_list("id", "status"))


async def published_events_per_share() -> Counter[int]:
    return Counter(
        await ShareEvent.filter(to_status=ShareStatus.PUBLISHED).values_list("share_id", flat=True)
    )


def dispatcher(settings: Settings, clock: SimulatedClock, **options: object) -> ShareDispatcher:
    return ShareDispatcher(NetworkRegistry(settings, clock), clock, **options)  # type: ignore[arg-type]


async def test_due_shares_are_published_and_later_ones_are_not(
    database: Settings, clock: SimulatedClock
) -> None:
    _, posts = await factories.create_launched_campaign_with_posts(clock, 2)
    [now_share] = await queue_shares(clock, posts[:1])
    [later_share] = await queue_shares(clock, posts[1:], at=clock.now() + timedelta(hours=3))
    worker = dispatcher(database, clock)

    report = await worker.run_until_idle()
    assert report.published_ids == [now_share.id]
    await now_share.refresh_from_db()
    assert now_share.status == ShareStatus.PUBLISHED
    assert now_share.published_at == clock.now() and now_share.attempts == 1
    assert now_share.external_id and now_share.external_url and now_share.lease_owner is None
    published = worker.networks.sandbox.published_for(f"share-{now_share.id}")
    assert published is not None and published.external_id == now_share.external_id
    assert (await statuses())[later_share.id] == ShareStatus.QUEUED

    clock.advance(timedelta(hours=3))
    assert (await worker.run_until_idle()).published_ids == [later_share.id]
    assert set((await statuses()).values()) == {ShareStatus.PUBLISHED}


async def test_rate_limited_share_is_requeued_until_the_limit_resets(
    database: Settings, clock: SimulatedClock
) -> None:
    settings = database.model_copy(update={"sandbox_daily_post_limit": 1})
    _, posts = await factories.create_launched_campaign_with_posts(clock, 2)
    first, second = await queue_shares(clock, posts)
    worker = dispatcher(settings, clock)

    report = await worker.run_until_idle()
    assert (report.published, report.requeued) == (1, 1)
    await second.refresh_from_db()
    reset = clock.now() + timedelta(hours=24)
    assert second.status == ShareStatus.QUEUED and second.due_at == reset
    assert second.lease_owner is None
    assert "rate limited until" in second.last_error
    event = await ShareEvent.filter(share_id=second.id).order_by("-id").first()
    assert event is not None and event.to_status == "queued" and "rate limited" in event.reason

    clock.advance(timedelta(hours=23))
    assert (await worker.run_until_idle()).claimed == 0
    clock.advance(timedelta(hours=1))
    assert (await worker.run_until_idle()).published_ids == [second.id]


async def test_waiting_out_rate_limits_does_not_use_up_retries(
    database: Settings, clock: SimulatedClock
) -> None:
    _, posts = await factories.create_launched_campaign_with_posts(clock, 1)
    [share] = await queue_shares(clock, posts)
    worker = dispatcher(database, clock, max_attempts=2)
    sandbox = worker.networks.sandbox
    for _ in range(3):
        sandbox.inject_fault("linkedin", RateLimited("busy", clock.now() + timedelta(minutes=15), "app"))
        assert (await worker.run_until_idle()).requeued == 1
        clock.advance(timedelta(minutes=15))
    # Three claims so far, yet a transient error still gets its retry under max_attempts=2.
    sandbox.inject_fault("linkedin", TransientError("503"))
    assert (await worker.run_until_idle()).requeued == 1
    clock.advance(timedelta(hours=1))
    assert (await worker.run_until_idle()).published_ids == [share.id]


async def test_transient_errors_retry_with_backoff_then_fail(
    database: Settings, clock: SimulatedClock
) -> None:
    _, posts = await factories.create_launched_campaign_with_posts(clock, 1)
    [share] = await queue_shares(clock, posts)
    worker = dispatcher(database, clock, max_attempts=3)
    worker.networks.sandbox.inject_fault("linkedin", TransientError("sandbox: 503"), times=10)

    delays = []
    for attempt in (1, 2):
        report = await worker.run_until_idle()
        assert report.requeued == 1
        await share.refresh_from_db()
        assert share.status == ShareStatus.QUEUED and share.attempts == attempt
        assert share.last_error == "sandbox: 503"
        delays.append(share.due_at - clock.now())
        clock.set(share.due_at)
    # Full jitter under an exponential ceiling: 30-60 s, then 60-120 s.
    assert timedelta(seconds=30) <= delays[0] <= timedelta(seconds=60)
    assert timedelta(seconds=60) <= delays[1] <= timedelta(seconds=120)

    report = await worker.run_until_idle()
    assert (report.failed, report.requeued) == (1, 0)
    await share.refresh_from_db()
    assert share.status == ShareStatus.FAILED and share.attempts == 3
    assert "gave up after 3 attempts" in share.last_error
    clock.advance(timedelta(days=1))
    assert (await worker.run_until_idle()).claimed == 0
    assert worker.networks.sandbox.published_for(f"share-{share.id}") is None


@pytest.mark.parametrize(
    "error",
    [PermanentError("account suspended"), DuplicatePost("duplicate", None)],
)
async def test_errors_a_retry_cannot_fix_fail_the_share_at_once(
    database: Settings, clock: SimulatedClock, error: Exception
) -> None:
    _, posts = await factories.create_launched_campaign_with_posts(clock, 1)
    [share] = await queue_shares(clock, posts)
    worker = dispatcher(database, clock)
    worker.networks.sandbox.inject_fault("linkedin", error)  # type: ignore[arg-type]
    assert (await worker.run_until_idle()).failed == 1
    await share.refresh_from_db()
    assert share.status == ShareStatus.FAILED and share.last_error == str(error)
    assert share.external_id is None


async def test_duplicate_naming_the_existing_post_is_adopted_not_posted_again(
    database: Settings, clock: SimulatedClock
) -> None:
    _, posts = await factories.create_launched_campaign_with_posts(clock, 1)
    [share] = await queue_shares(clock, posts)
    worker = dispatcher(database, clock)
    # An earlier attempt reached the platform but its answer never came back to us.
    await share.fetch_related("account")
    earlier = await worker.networks.connector("linkedin").publish(
        account_ref(share.account), PublishRequest(text=share.text, client_reference=f"share-{share.id}")
    )
    clock.advance(timedelta(minutes=2))

    report = await worker.run_until_idle()
    assert report.published_ids == [share.id]
    await share.refresh_from_db()
    assert share.status == ShareStatus.PUBLISHED
    assert share.external_id == earlier.external_id
    # The platform still holds only the earlier post for this share.
    assert worker.networks.sandbox.published_for(f"share-{share.id}") == earlier
    event = await ShareEvent.get(share_id=share.id, to_status=ShareStatus.PUBLISHED)
    assert event.reason == "the platform already had this post"


async def test_crashed_worker_share_is_reconciled_and_published_once_when_it_never_reached_the_platform(
    database: Settings, clock: SimulatedClock
) -> None:
    _, posts = await factories.create_launched_campaign_with_posts(clock, 1)
    [share] = await queue_shares(clock, posts)
    networks = NetworkRegistry(database, clock)
    crashed = ShareDispatcher(networks, clock, lease_seconds=60, worker_name="crashed")
    survivor = ShareDispatcher(networks, clock, lease_seconds=60, worker_name="survivor")

    assert [s.id for s in await crashed.claim_due()] == [share.id]  # ... and it never finishes
    clock.advance(timedelta(seconds=59))
    assert (await survivor.run_until_idle()).claimed == 0
    await share.refresh_from_db()
    assert share.status == ShareStatus.PUBLISHING and share.lease_owner.startswith("crashed:")

    clock.advance(timedelta(seconds=2))
    report = await survivor.run_until_idle()
    assert (report.unconfirmed, report.published) == (1, 1)
    await share.refresh_from_db()
    assert share.status == ShareStatus.PUBLISHED and not share.needs_reconcile
    assert networks.sandbox.published_for(f"share-{share.id}").external_id == share.external_id
    assert networks.sandbox.posts_for(share.text) == 1
    assert await ShareEvent.filter(share_id=share.id).order_by("id").values_list("to_status", flat=True) == [
        "queued", "publishing", "unconfirmed", "publishing", "published"
    ]


async def test_crashed_worker_share_that_did_reach_the_platform_is_adopted_not_posted_again(
    database: Settings, clock: SimulatedClock
) -> None:
    _, posts = await factories.create_launched_campaign_with_posts(clock, 1)
    [share] = await queue_shares(clock, posts)
    networks = NetworkRegistry(database, clock)
    crashed = ShareDispatcher(networks, clock, lease_seconds=60, worker_name="crashed")
    survivor = ShareDispatcher(networks, clock, lease_seconds=60, worker_name="survivor")
    [claimed] = await crashed.claim_due()
    # The crashed worker got its post out, then died before writing the outcome down.
    posted = await networks.connector("linkedin").publish(
        account_ref(claimed.account), PublishRequest(claimed.text, f"share-{share.id}")
    )

    clock.advance(timedelta(seconds=61))
    report = await survivor.run_until_idle()
    assert report.published == 1
    await share.refresh_from_db()
    assert share.status == ShareStatus.PUBLISHED and share.external_id == posted.external_id
    assert networks.sandbox.posts_for(share.text) == 1


async def test_timeout_after_the_post_was_created_is_reconciled_by_adopting_the_post(
    database: Settings, clock: SimulatedClock
) -> None:
    _, posts = await factories.create_launched_campaign_with_posts(clock, 1)
    [share] = await queue_shares(clock, posts)
    worker = dispatcher(database, clock)
    worker.networks.sandbox.inject_fault("linkedin", AmbiguousOutcome("read timeout"), after_publish=True)

    report = await worker.run_until_idle()
    assert report.unconfirmed == 1
    await share.refresh_from_db()
    assert share.status == ShareStatus.UNCONFIRMED and share.needs_reconcile
    assert "read timeout" in share.last_error

    clock.advance(timedelta(minutes=2))
    assert (await worker.run_until_idle()).published == 1
    await share.refresh_from_db()
    created = worker.networks.sandbox.published_for(f"share-{share.id}")
    assert share.status == ShareStatus.PUBLISHED and share.external_id == created.external_id
    assert worker.networks.sandbox.posts_for(share.text) == 1


async def test_timeout_before_the_platform_saw_the_request_publishes_on_reconciliation(
    database: Settings, clock: SimulatedClock
) -> None:
    _, posts = await factories.create_launched_campaign_with_posts(clock, 1)
    [share] = await queue_shares(clock, posts)
    worker = dispatcher(database, clock)
    worker.networks.sandbox.inject_fault("linkedin", AmbiguousOutcome("connect timeout"))

    assert (await worker.run_until_idle()).unconfirmed == 1
    clock.advance(timedelta(minutes=2))
    assert (await worker.run_until_idle()).published == 1
    assert worker.networks.sandbox.posts_for(share.text) == 1


async def test_rate_limited_account_is_parked_in_the_database_and_its_other_shares_wait_untried(
    database: Settings, clock: SimulatedClock
) -> None:
    _, posts = await factories.create_launched_campaign_with_posts(clock, 3)
    shares = await queue_shares(clock, posts)
    worker = dispatcher(database, clock)
    until = clock.now() + timedelta(minutes=15)
    worker.networks.sandbox.inject_fault("linkedin", RateLimited("429", until, "account"))

    report = await worker.run_until_idle()
    # The batch held all three; after the 429 the other two went back without a platform call.
    assert (report.claimed, report.requeued, report.published) == (3, 3, 0)
    account = await SocialAccount.get(id=shares[0].account_id)
    assert account.parked_until == until and account.parked_reason == "429"
    assert [s.attempts for s in await Share.all().order_by("id")] == [0, 0, 0]
    # A fresh dispatcher (another process) sees the parking too.
    assert (await dispatcher(database, clock).run_until_idle()).claimed == 0

    clock.set(until)
    assert (await worker.run_until_idle()).published == 3


async def test_app_wide_rate_limit_parks_the_whole_network_but_not_the_others(
    database: Settings, clock: SimulatedClock
) -> None:
    _, posts = await factories.create_launched_campaign_with_posts(clock, 2)
    linkedin = await queue_shares(clock, posts, network="linkedin")
    await queue_shares(clock, posts, network="x")
    other_linkedin = await queue_shares(clock, posts, network="linkedin")
    worker = dispatcher(database, clock)
    until = clock.now() + timedelta(hours=3)
    worker.networks.sandbox.inject_fault("linkedin", RateLimited("APPLICATION DAY", until, "app"))

    report = await worker.run_until_idle()
    assert report.published == 2  # only the X shares
    parking = await AppParking.get(network="linkedin")
    # Parked until the quota's end at the latest, with a first probe a quarter of an hour on.
    assert parking.ends_at == until and parking.until == clock.now() + timedelta(minutes=15)
    assert {s.status for s in await Share.filter(network="linkedin")} == {ShareStatus.QUEUED}
    clock.set(until)
    assert (await worker.run_until_idle()).published == len(linkedin) + len(other_linkedin)


async def test_expired_token_marks_the_account_for_reconnect_and_pauses_its_waiting_shares(
    database: Settings, clock: SimulatedClock
) -> None:
    _, posts = await factories.create_launched_campaign_with_posts(clock, 3)
    shares = await queue_shares(clock, posts, network="x")
    worker = dispatcher(database, clock, batch_size=1)
    worker.networks.sandbox.inject_fault("x", AuthExpired("Unauthorized"))

    report = await worker.run_until_idle()
    assert (report.claimed, report.paused, report.failed, report.published) == (1, 1, 0, 0)
    account = await SocialAccount.get(id=shares[0].account_id)
    assert account.status == "needs_reconnect" and account.status_reason == "Unauthorized"
    paused = await Share.all().order_by("id")
    assert {s.status for s in paused} == {ShareStatus.PAUSED}
    assert all("Unauthorized" in s.last_error for s in paused)
    assert "reconnected" in paused[1].last_error
    assert worker.networks.sandbox.published_for(f"share-{shares[0].id}") is None


async def test_one_failing_share_does_not_stop_the_rest_of_the_batch(
    database: Settings, clock: SimulatedClock
) -> None:
    _, posts = await factories.create_launched_campaign_with_posts(clock, 5)
    shares = await queue_shares(clock, posts)
    worker = dispatcher(database, clock, batch_size=10)
    worker.networks.sandbox.inject_fault("linkedin", PermanentError("refused"))
    report = await worker.run_once()
    assert (report.claimed, report.failed, report.published) == (5, 1, 4)
    assert await statuses() == {
        share.id: ShareStatus.FAILED if i == 0 else ShareStatus.PUBLISHED for i, share in enumerate(shares)
    }


async def test_share_of_a_network_without_connector_is_unconfirmed_and_the_rest_go_on(
    database: Settings, clock: SimulatedClock
) -> None:
    _, posts = await factories.create_launched_campaign_with_posts(clock, 3)
    broken, *fine = await queue_shares(clock, posts)
    await Share.filter(id=broken.id).update(network="myspace")
    report = await dispatcher(database, clock).run_until_idle()
    assert (report.unconfirmed, report.published) == (1, 2)
    current = await statuses()
    assert current[broken.id] == ShareStatus.UNCONFIRMED
    assert all(current[s.id] == ShareStatus.PUBLISHED for s in fine)


async def test_an_error_of_ours_while_reconciling_leaves_the_share_for_a_person_instead_of_looping(
    database: Settings, clock: SimulatedClock
) -> None:
    _, posts = await factories.create_launched_campaign_with_posts(clock, 2)
    broken, fine = await queue_shares(clock, posts)
    # An earlier attempt's outcome is unknown, and reconciling it now hits an error of ours.
    await Share.filter(id=broken.id).update(network="myspace", status=ShareStatus.UNCONFIRMED,
                                            needs_reconcile=True)
    report = await dispatcher(database, clock).run_until_idle()
    assert (report.claimed, report.unconfirmed, report.published) == (2, 1, 1)
    share = await Share.get(id=broken.id)
    assert share.status == ShareStatus.UNCONFIRMED and not share.needs_reconcile
    assert share.attempts == 1


async def test_two_concurrent_dispatchers_never_publish_the_same_share(
    database: Settings, clock: SimulatedClock
) -> None:
    _, posts = await factories.create_launched_campaign_with_posts(clock, 10)
    shares = await queue_shares(clock, posts, ambassadors=30)
    assert len(shares) == 300
    networks = NetworkRegistry(database, clock)
    workers = [
        ShareDispatcher(networks, clock, batch_size=7, worker_name=name,
                        use_skip_locked=database.is_postgres)
        for name in ("one", "two")
    ]
    reports = await asyncio.gather(*(worker.run_until_idle() for worker in workers))

    ids = [share_id for report in reports for share_id in report.published_ids]
    assert sorted(ids) == sorted(s.id for s in shares), "every share published, none twice"
    assert all(report.published > 0 for report in reports), "both dispatchers took part"
    assert set((await statuses()).values()) == {ShareStatus.PUBLISHED}
    assert set((await published_events_per_share()).values()) == {1}
    claims = await ShareEvent.filter(to_status=ShareStatus.PUBLISHING).annotate(n=Count("id")).group_by(
        "share_id"
    ).values_list("share_id", "n")
    assert len(claims) == 300 and {n for _, n in claims} == {1}
    external_ids = dict(await Share.all().values_list("id", "external_id"))
    assert len(set(external_ids.values())) == 300
    for share in shares:
        # The platform holds exactly the post the row records: a second publish would have replaced it.
        result = networks.sandbox.published_for(f"share-{share.id}")
        assert result is not None and result.external_id == external_ids[share.id]


ROOT = Path(__file__).resolve().parents[2]
WORKER_SCRIPT = """
import asyncio, json, sys
from datetime import datetime
from advocacy import db
from advocacy.accounts.networks import NetworkRegistry, account_ref
from advocacy.clock import SimulatedClock
from advocacy.settings import Settings
from advocacy.shares.dispatch import ShareDispatcher

async def main(url, moment, name):
    settings = Settings(env="test", database_url=url, secret_key="test-secret-key" * 3)
    clock = SimulatedClock(datetime.fromisoformat(moment))
    await db.init_db(settings)
    try:
        worker = ShareDispatcher(NetworkRegistry(settings, clock), clock, batch_size=5,
                                 worker_name=name, use_skip_locked=True)
        report = await worker.run_until_idle()
    finally:
        await db.close_db()
    print(json.dumps(report.published_ids))

asyncio.run(main(*sys.argv[1:]))
"""


@pytest.mark.postgres
async def test_two_worker_processes_never_publish_the_same_share(
    database: Settings, clock: SimulatedClock
) -> None:
    if not database.is_postgres:
        pytest.skip("needs PostgreSQL: two processes share one database with row locks")
    _, posts = await factories.create_launched_campaign_with_posts(clock, 10)
    shares = await queue_shares(clock, posts, ambassadors=30)
    environment = {**os.environ, "PYTHONPATH": str(ROOT)}

    async def run_worker(name: str) -> list[int]:
        process = await asyncio.create_subprocess_exec(
            sys.executable, "-c", WORKER_SCRIPT, database.database_url, clock.now().isoformat(), name,
            stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE, cwd=ROOT, env=environment,
        )
        out, err = await process.communicate()
        assert process.returncode == 0, err.decode()
        return list(json.loads(out.decode().strip().splitlines()[-1]))

    first, second = await asyncio.gather(run_worker("process-a"), run_worker("process-b"))
    assert not set(first) & set(second), "no share published by both processes"
    assert sorted(first + second) == sorted(s.id for s in shares)
    assert set((await statuses()).values()) == {ShareStatus.PUBLISHED}
    assert set((await published_events_per_share()).values()) == {1}


@pytest.mark.postgres
async def test_claim_skips_rows_another_transaction_holds_instead_of_waiting(
    database: Settings, clock: SimulatedClock
) -> None:
    if not database.is_postgres:
        pytest.skip("needs PostgreSQL: SQLite has no row locks")
    import asyncpg

    _, posts = await factories.create_launched_campaign_with_posts(clock, 4)
    held, *free = await queue_shares(clock, posts)
    other = await asyncpg.connect(database.database_url)
    try:
        transaction = other.transaction()
        await transaction.start()
        await other.execute("SELECT id FROM shares WHERE id = $1 FOR UPDATE", held.id)
        worker = dispatcher(database, clock, use_skip_locked=True)
        # Without SKIP LOCKED the claim would wait for the other transaction and time out here.
        claimed = await asyncio.wait_for(worker.claim_due(), timeout=10)
        assert [s.id for s in claimed] == [s.id for s in free]
        await transaction.rollback()
    finally:
        await other.close()
    assert [s.id for s in await worker.claim_due()] == [held.id]


@pytest.mark.postgres
async def test_workers_sweeping_stale_leases_at_once_record_each_share_once(
    database: Settings, clock: SimulatedClock
) -> None:
    if not database.is_postgres:
        pytest.skip("needs PostgreSQL: two sweeps run in two transactions with row locks")
    _, posts = await factories.create_launched_campaign_with_posts(clock, 6)
    shares = await queue_shares(clock, posts, ambassadors=3)
    networks = NetworkRegistry(database, clock)
    crashed = ShareDispatcher(networks, clock, lease_seconds=60, worker_name="crashed", batch_size=100)
    assert len(await crashed.claim_due()) == len(shares)  # ... and it never finishes
    clock.advance(timedelta(seconds=61))
    sweepers = [ShareDispatcher(networks, clock, worker_name=f"sweeper{n}", use_skip_locked=True)
                for n in range(6)]
    swept = await asyncio.gather(*(sweeper.expire_stale_leases() for sweeper in sweepers))
    assert sum(swept) == len(shares)
    events = Counter(
        await ShareEvent.filter(to_status=ShareStatus.UNCONFIRMED).values_list("share_id", flat=True)
    )
    assert events == Counter({share.id: 1 for share in shares})
