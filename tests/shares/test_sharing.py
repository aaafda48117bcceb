"""Sharing modes and their rules on the database: auto-queue, moving, one share per person, post and
network under concurrency, and the authenticity guard."""

from __future__ import annotations

import asyncio
import bisect
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from tortoise.exceptions import IntegrityError

from advocacy.accounts.models import SocialAccount
from advocacy.accounts.networks import NetworkRegistry
from advocacy.audit.models import AuditEntry
from advocacy.clock import SimulatedClock
from advocacy.compliance import default_engine
from advocacy.errors import Conflict, DomainError, InvalidInput, NotFound
from advocacy.settings import Settings
from advocacy.shares import authenticity
from advocacy.shares.authenticity import AuthenticityPolicy
from advocacy.shares.dispatch import ShareDispatcher
from advocacy.shares.models import BLOCKING_STATUSES, Share, ShareEvent, ShareStatus
from advocacy.shares.preferences import save_preferences
from advocacy.shares.service import (
    SharingPolicy,
    TooSimilar,
    create_share,
    move_share,
    retry_shares,
)
from advocacy.users.models import User
from campaigns.models import MessageVariant, Post
from tests import factories

WINDOW = timedelta(minutes=10)


async def table_state() -> tuple[list[tuple[Any, ...]], int]:
    rows = await Share.all().order_by("id").values_list("id", "status", "due_at", "text", "updated_at")
    return rows, await ShareEvent.all().count()


async def auto(clock: SimulatedClock, user: User, account: SocialAccount, post: Post, **kwargs: Any) -> Share:
    return await create_share(clock, user, post_id=post.id, account_id=account.id,
                              text=kwargs.pop("text", f"Why this matters to me, {user.name}"),
                              mode="auto", **kwargs)


def max_in_any_window(times: list[datetime]) -> int:
    ordered = sorted(times)
    return max((bisect.bisect_left(ordered, t + WINDOW) - i for i, t in enumerate(ordered)), default=0)


# ---- auto-queue ----------------------------------------------------------------------------------


async def test_auto_queue_places_the_share_in_the_persons_own_sharing_hours(
    database: Settings, clock: SimulatedClock
) -> None:
    _, post = await factories.create_launched_campaign(clock)
    # 08:00 UTC on Monday 2 November is 03:00 in New York: the share waits for 08:00 there.
    person, account = await factories.create_ambassador(clock, timezone="America/New_York")
    share = await auto(clock, person, account, post)
    assert share.due_at == datetime(2026, 11, 2, 13, 0, tzinfo=UTC)
    assert share.status == ShareStatus.QUEUED
    event = await ShareEvent.get(share_id=share.id)
    assert event.reason == "auto-queued"


async def test_auto_queue_staggers_colleagues_sharing_the_same_post(
    database: Settings, clock: SimulatedClock
) -> None:
    _, post = await factories.create_launched_campaign(clock)
    policy = SharingPolicy(stagger_limit=2)
    due = []
    for _ in range(5):
        person, account = await factories.create_ambassador(clock)
        due.append((await auto(clock, person, account, post, policy=policy)).due_at)
    # Two per ten minutes, five minutes apart, from now (08:00 UTC, inside the default hours).
    assert due == [clock.now() + timedelta(minutes=5 * i) for i in range(5)]


async def test_auto_queue_keeps_the_daily_cap_and_moves_to_the_next_sharing_day(
    database: Settings, clock: SimulatedClock
) -> None:
    _, (first, second) = await factories.create_launched_campaign_with_posts(clock, 2)
    person, account = await factories.create_ambassador(clock)
    await save_preferences(clock, person, start="09:00", end="17:00", days=[0, 1], daily_cap=1)
    assert (await auto(clock, person, account, first)).due_at == datetime(2026, 11, 2, 9, 0, tzinfo=UTC)
    assert (await auto(clock, person, account, second)).due_at == datetime(2026, 11, 3, 9, 0, tzinfo=UTC)


async def test_auto_queue_without_a_slot_says_why_and_writes_nothing(
    database: Settings, clock: SimulatedClock
) -> None:
    # The campaign ends on Tuesday at 08:00, before Tuesday's sharing hours start.
    _, (first, second) = await factories.create_launched_campaign_with_posts(clock, 2, days=1)
    person, account = await factories.create_ambassador(clock)
    await save_preferences(clock, person, start="08:00", end="18:00", days=[0, 1, 2, 3, 4], daily_cap=1)
    await auto(clock, person, account, first)
    before = await table_state()
    with pytest.raises(Conflict) as refused:
        await auto(clock, person, account, second)
    assert "daily cap of 1 is reached" in refused.value.message
    assert await table_state() == before


async def test_auto_queue_takes_no_time_of_its_own(database: Settings, clock: SimulatedClock) -> None:
    _, post = await factories.create_launched_campaign(clock)
    person, account = await factories.create_ambassador(clock)
    with pytest.raises(InvalidInput):
        await create_share(clock, person, post_id=post.id, account_id=account.id, text="Mine",
                           mode="auto", scheduled_at=clock.now() + timedelta(hours=1))
    with pytest.raises(InvalidInput):
        await create_share(clock, person, post_id=post.id, account_id=account.id, text="Mine", mode="at")
    with pytest.raises(InvalidInput):
        await create_share(clock, person, post_id=post.id, account_id=account.id, text="Mine", mode="soon")
    assert await Share.all().count() == 0


async def test_concurrent_auto_queues_of_one_post_keep_the_stagger(
    database: Settings, clock: SimulatedClock
) -> None:
    # On PostgreSQL each call runs on its own connection at the same moment; the post row lock
    # makes them plan one after another, so each sees the ones before it.
    _, post = await factories.create_launched_campaign(clock)
    people = [await factories.create_ambassador(clock) for _ in range(10)]
    policy = SharingPolicy(stagger_limit=2)
    shares = await asyncio.gather(*(auto(clock, user, account, post, policy=policy)
                                    for user, account in people))
    times = [share.due_at for share in shares]
    assert len(set(times)) == 10
    assert max_in_any_window(times) <= 2
    stored = await Share.filter(post_id=post.id).values_list("due_at", flat=True)
    assert max_in_any_window(list(stored)) <= 2  # type: ignore[arg-type]


# ---- one share per person, post and network -------------------------------------------------------


async def test_the_database_refuses_a_second_active_share_of_the_same_post_and_network(
    database: Settings, clock: SimulatedClock
) -> None:
    _, post = await factories.create_launched_campaign(clock)
    person, account = await factories.create_ambassador(clock)
    share = await create_share(clock, person, post_id=post.id, account_id=account.id, text="Mine")
    copy = {"user_id": person.id, "account_id": account.id, "post_id": post.id, "network": "linkedin",
            "text": "again", "due_at": clock.now(), "created_at": clock.now(), "updated_at": clock.now()}
    for status in (ShareStatus.QUEUED, ShareStatus.UNCONFIRMED):
        with pytest.raises(IntegrityError):
            await Share.create(**copy, status=status)
    # Whatever blocking state the first share is in, the index holds (the statuses in the index
    # and the service's list must not drift apart).
    for status in BLOCKING_STATUSES:
        await Share.filter(id=share.id).update(status=status)
        with pytest.raises(IntegrityError):
            await Share.create(**copy, status=ShareStatus.QUEUED)
    await Share.filter(id=share.id).update(status=ShareStatus.QUEUED)
    # Cancelled and failed shares do not count, so they can pile up as history.
    await Share.create(**copy, status=ShareStatus.CANCELLED)
    await Share.create(**copy, status=ShareStatus.FAILED)
    assert await Share.filter(post_id=post.id).count() == 3
    assert (await Share.get(id=share.id)).status == ShareStatus.QUEUED


async def test_concurrent_shares_of_one_post_by_one_person_make_one_share(
    database: Settings, clock: SimulatedClock
) -> None:
    _, post = await factories.create_launched_campaign(clock)
    person, account = await factories.create_ambassador(clock)
    results = await asyncio.gather(
        *(create_share(clock, person, post_id=post.id, account_id=account.id, text=f"Take {i}")
          for i in range(6)),
        return_exceptions=True,
    )
    made = [r for r in results if isinstance(r, Share)]
    refused = [r for r in results if isinstance(r, DomainError)]
    assert len(made) == 1 and len(refused) == 5, results
    assert all(isinstance(r, Conflict) and "already shared or scheduled this post on LinkedIn" in r.message
               for r in refused)
    assert await Share.filter(post_id=post.id).count() == 1
    assert await ShareEvent.all().count() == 1


@pytest.mark.postgres
async def test_requests_of_one_person_pass_the_check_one_at_a_time(
    database: Settings, clock: SimulatedClock
) -> None:
    if not database.is_postgres:
        pytest.skip("needs PostgreSQL: concurrent transactions on separate connections")
    import asyncpg

    _, post = await factories.create_launched_campaign(clock)
    person, account = await factories.create_ambassador(clock)
    racers = 3
    holder = await asyncpg.connect(database.database_url)
    # The server keeps one snapshot of pg_stat_activity per transaction, so the watching is done
    # from a connection of its own, outside the transaction holding the lock.
    watcher = await asyncpg.connect(database.database_url)
    try:
        # SHARE mode lets every request read but holds each one's INSERT. A request takes the
        # person's row lock before its "already shared" check, so only one of them can be past the
        # check, waiting to insert; the others wait for that row lock. (Should two ever pass the
        # check, the partial unique index still refuses the second: see the test above.)
        transaction = holder.transaction()
        await transaction.start()
        await holder.execute("LOCK TABLE shares IN SHARE MODE")
        tasks = [asyncio.create_task(create_share(clock, person, post_id=post.id, account_id=account.id,
                                                  text=f"Take {i}")) for i in range(racers)]
        blocked = waiting = 0
        for _ in range(400):  # polling the server's lock table; nothing to drive here
            waiting = await watcher.fetchval(
                "SELECT count(*) FROM pg_locks l JOIN pg_class c ON c.oid = l.relation "
                "WHERE c.relname = 'shares' AND NOT l.granted"
            )
            blocked = await watcher.fetchval(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                "AND wait_event_type = 'Lock'"
            )
            if blocked == racers or any(task.done() for task in tasks):
                break
            await asyncio.sleep(0.05)
        assert blocked == racers, "every request should be waiting on a lock"
        assert waiting == 1, "only one request should be past the check, waiting to insert"
        await transaction.rollback()
    finally:
        await watcher.close()
        await holder.close()
    results = await asyncio.gather(*tasks, return_exceptions=True)
    made = [r for r in results if isinstance(r, Share)]
    refused = [r for r in results if isinstance(r, Conflict)]
    assert len(made) == 1 and len(refused) == racers - 1, results
    assert all("already shared or scheduled this post" in r.message for r in refused)
    assert await Share.filter(post_id=post.id).count() == 1
    assert await ShareEvent.all().count() == 1


async def test_an_unconfirmed_share_blocks_sharing_the_post_again(
    database: Settings, clock: SimulatedClock
) -> None:
    _, post = await factories.create_launched_campaign(clock)
    person, account = await factories.create_ambassador(clock)
    share = await create_share(clock, person, post_id=post.id, account_id=account.id, text="Mine")
    await Share.filter(id=share.id).update(status=ShareStatus.UNCONFIRMED)
    with pytest.raises(Conflict) as refused:
        await create_share(clock, person, post_id=post.id, account_id=account.id, text="Again")
    assert "may already be out" in refused.value.message
    assert await Share.all().count() == 1


async def test_retrying_a_failed_share_is_skipped_while_another_is_active(
    database: Settings, clock: SimulatedClock
) -> None:
    _, post = await factories.create_launched_campaign(clock)
    person, account = await factories.create_ambassador(clock)
    failed = await create_share(clock, person, post_id=post.id, account_id=account.id, text="First")
    await Share.filter(id=failed.id).update(status=ShareStatus.FAILED)
    await create_share(clock, person, post_id=post.id, account_id=account.id, text="Second")
    outcome = await retry_shares(clock, person, share_ids=[failed.id])
    assert outcome.retried == [] and "shared again" in outcome.skipped[failed.id]
    assert (await Share.get(id=failed.id)).status == ShareStatus.FAILED


# ---- moving -----------------------------------------------------------------------------------------


async def test_ambassador_moves_a_scheduled_share_and_it_is_recorded(
    database: Settings, clock: SimulatedClock
) -> None:
    _, post = await factories.create_launched_campaign(clock)
    person, account = await factories.create_ambassador(clock)
    share = await auto(clock, person, account, post)
    later = clock.now() + timedelta(days=2, hours=3)
    moved = await move_share(clock, person, share.id, to=later)
    assert moved.due_at == later
    assert (await Share.get(id=share.id)).due_at == later
    events = await ShareEvent.filter(share_id=share.id).order_by("id").values_list("reason", flat=True)
    assert events[-1].startswith("moved by the ambassador")  # type: ignore[union-attr]
    assert await AuditEntry.filter(action="share.move", target=f"share:{share.id}").exists()


async def test_moving_to_auto_plans_again_without_counting_the_share_itself(
    database: Settings, clock: SimulatedClock
) -> None:
    _, post = await factories.create_launched_campaign(clock)
    person, account = await factories.create_ambassador(clock)
    share = await create_share(clock, person, post_id=post.id, account_id=account.id, text="Mine",
                               scheduled_at=clock.now() + timedelta(days=3))
    moved = await move_share(clock, person, share.id, auto=True)
    assert moved.due_at == clock.now()  # 08:00 on a Monday: inside the default hours


async def test_bad_moves_are_refused_and_change_nothing(database: Settings, clock: SimulatedClock) -> None:
    campaign, post = await factories.create_launched_campaign(clock)
    person, account = await factories.create_ambassador(clock)
    share = await auto(clock, person, account, post)
    other, _ = await factories.create_ambassador(clock)
    before = await table_state()
    for call, error in (
        (move_share(clock, person, share.id, to=clock.now() - timedelta(hours=1)), InvalidInput),
        (move_share(clock, person, share.id, to=campaign.ends_at + timedelta(hours=1)), InvalidInput),
        (move_share(clock, person, share.id), InvalidInput),
        (move_share(clock, other, share.id, to=clock.now() + timedelta(hours=1)), NotFound),
    ):
        with pytest.raises(error):
            await call
    assert await table_state() == before


async def test_a_share_a_worker_claimed_can_no_longer_be_moved(
    database: Settings, clock: SimulatedClock
) -> None:
    _, post = await factories.create_launched_campaign(clock)
    person, account = await factories.create_ambassador(clock)
    share = await create_share(clock, person, post_id=post.id, account_id=account.id, text="Mine")
    worker = ShareDispatcher(NetworkRegistry(database, clock), clock, use_skip_locked=database.is_postgres)
    assert [s.id for s in await worker.claim_due()] == [share.id]
    with pytest.raises(Conflict) as refused:
        await move_share(clock, person, share.id, to=clock.now() + timedelta(hours=2))
    assert "publishing" in refused.value.message
    stored = await Share.get(id=share.id)
    assert stored.status == ShareStatus.PUBLISHING and stored.due_at == clock.now()


async def test_move_and_claim_racing_never_publish_a_share_the_person_moved(
    database: Settings, clock: SimulatedClock
) -> None:
    _, posts = await factories.create_launched_campaign_with_posts(clock, 6)
    person, account = await factories.create_ambassador(clock)
    later = clock.now() + timedelta(hours=4)
    worker = ShareDispatcher(NetworkRegistry(database, clock), clock, batch_size=1,
                             use_skip_locked=database.is_postgres)
    outcomes = set()
    for post in posts:
        # One due share per round: the ones before it were either moved away or claimed.
        share = await create_share(clock, person, post_id=post.id, account_id=account.id, text="Mine")
        claimed, moved = await asyncio.gather(
            worker.claim_due(), move_share(clock, person, share.id, to=later), return_exceptions=True
        )
        stored = await Share.get(id=share.id)
        assert isinstance(claimed, list)
        if isinstance(moved, Share):
            # The move won: the share waits for its new time and no worker holds it.
            assert share.id not in [s.id for s in claimed]
            assert (stored.status, stored.due_at, stored.lease_owner) == (ShareStatus.QUEUED, later, None)
            outcomes.add("moved")
        else:
            # The claim won: the move was refused and the share goes out as it was.
            assert isinstance(moved, Conflict), moved
            assert [s.id for s in claimed] == [share.id]
            assert (stored.status, stored.due_at) == (ShareStatus.PUBLISHING, clock.now())
            outcomes.add("claimed")
    assert outcomes  # each round ended one way or the other, never both or neither


# ---- authenticity guard ----------------------------------------------------------------------------

SUGGESTION = "Proud of my colleagues who opened our new cardiac unit. #employee"


def test_similarity_ignores_links_disclosure_case_and_word_order() -> None:
    engine = default_engine()
    a = authenticity.normalise(f"{SUGGESTION}\n\nhttps://go.example/l/abc123", engine.without_disclosure)
    b = authenticity.normalise("proud of my colleagues who opened our NEW cardiac unit! https://x.example/l/zz",
                               engine.without_disclosure)
    assert a == b
    threshold = AuthenticityPolicy().similarity
    swapped = authenticity.normalise("Proud of my colleagues who opened our cardiac unit, new. #employee",
                                     engine.without_disclosure)
    assert authenticity.similarity(a, swapped) == 100
    one_more = authenticity.normalise("So " + SUGGESTION, engine.without_disclosure)
    assert authenticity.similarity(a, one_more) > 90 > threshold


def test_a_sentence_of_ones_own_drops_below_the_default_threshold() -> None:
    engine = default_engine()
    plain = authenticity.normalise(SUGGESTION, engine.without_disclosure)
    own = authenticity.normalise(
        SUGGESTION + " My dad was treated here last spring.", engine.without_disclosure
    )
    assert authenticity.similarity(plain, own) < AuthenticityPolicy().similarity
    assert authenticity.similarity(plain, own) < 85


async def share_suggestion(
    clock: SimulatedClock, post: Post, variant: MessageVariant, **kwargs: Any
) -> Share:
    person, account = await factories.create_ambassador(clock)
    return await create_share(clock, person, post_id=post.id, account_id=account.id,
                              variant_id=variant.id, **kwargs)


async def test_third_copy_of_a_suggestion_is_nudged_towards_the_least_used_one(
    database: Settings, clock: SimulatedClock
) -> None:
    _, post = await factories.create_launched_campaign(clock)
    popular, quiet = await MessageVariant.filter(post_id=post.id, network="linkedin").order_by("id")
    for _ in range(2):
        await share_suggestion(clock, post, popular, nudge_similar=True)
    person, account = await factories.create_ambassador(clock)
    before = await table_state()
    with pytest.raises(TooSimilar) as nudged:
        await create_share(clock, person, post_id=post.id, account_id=account.id, variant_id=popular.id,
                           nudge_similar=True)
    assert nudged.value.status_code == 409
    assert nudged.value.details["copies"] == 2
    assert nudged.value.details["suggested_variant_id"] == quiet.id
    assert await table_state() == before
    # A personal sentence gets through, and so does confirming the copy.
    mine = await create_share(clock, person, post_id=post.id, account_id=account.id, nudge_similar=True,
                              text=popular.text + " My dad was treated here last spring.")
    assert mine.status == ShareStatus.QUEUED
    confirmed = await share_suggestion(clock, post, popular, nudge_similar=False)
    assert confirmed.status == ShareStatus.QUEUED


async def test_the_recommended_suggestion_is_never_nudged_in_turn(
    database: Settings, clock: SimulatedClock
) -> None:
    _, post = await factories.create_launched_campaign(clock)
    most, less = await MessageVariant.filter(post_id=post.id, network="linkedin").order_by("id")
    for variant, times in ((most, 3), (less, 2)):
        for _ in range(times):
            await share_suggestion(clock, post, variant)
    person, account = await factories.create_ambassador(clock)
    with pytest.raises(TooSimilar) as nudged:
        await create_share(clock, person, post_id=post.id, account_id=account.id, variant_id=most.id,
                           nudge_similar=True)
    assert nudged.value.details["suggested_variant_id"] == less.id
    # Used twice, at the threshold: yet nothing is used less, so taking the advice is not nudged back.
    taken = await create_share(clock, person, post_id=post.id, account_id=account.id, variant_id=less.id,
                               nudge_similar=True)
    assert taken.status == ShareStatus.QUEUED and taken.variant_id == less.id  # type: ignore[attr-defined]


async def test_no_nudge_when_every_suggestion_is_used_as_much(
    database: Settings, clock: SimulatedClock
) -> None:
    _, post = await factories.create_launched_campaign(clock)
    first, second = await MessageVariant.filter(post_id=post.id, network="linkedin").order_by("id")
    for variant in (first, first, second, second):
        await share_suggestion(clock, post, variant)
    person, account = await factories.create_ambassador(clock)
    mine = await create_share(clock, person, post_id=post.id, account_id=account.id, variant_id=first.id,
                              nudge_similar=True)
    assert mine.status == ShareStatus.QUEUED


async def test_required_personal_edit_refuses_a_suggestion_as_it_is(
    database: Settings, clock: SimulatedClock
) -> None:
    _, post = await factories.create_launched_campaign(clock)
    variant = await MessageVariant.filter(post_id=post.id, network="linkedin").order_by("id").first()
    assert variant is not None
    policy = SharingPolicy(authenticity=AuthenticityPolicy(require_edit=True))
    person, account = await factories.create_ambassador(clock)
    with pytest.raises(InvalidInput) as refused:
        await create_share(clock, person, post_id=post.id, account_id=account.id, variant_id=variant.id,
                           policy=policy)
    assert "in their own words" in refused.value.message and refused.value.details["field"] == "text"
    assert await Share.all().count() == 0
    edited = await create_share(clock, person, post_id=post.id, account_id=account.id, policy=policy,
                                text="I trained on the cardiac ward for two years; today it has a new home.")
    assert edited.status == ShareStatus.QUEUED


async def test_compliance_still_checks_an_edited_text(database: Settings, clock: SimulatedClock) -> None:
    _, post = await factories.create_launched_campaign(clock)
    person, account = await factories.create_ambassador(clock)
    with pytest.raises(InvalidInput) as refused:
        await create_share(clock, person, post_id=post.id, account_id=account.id, nudge_similar=True,
                           text="Call me on 555-201-9999 about patient John Smith's surgery",
                           policy=SharingPolicy(authenticity=AuthenticityPolicy(require_edit=True)))
    assert "cannot go out" in refused.value.message
    assert await Share.all().count() == 0


async def test_a_time_after_the_post_expires_is_refused(database: Settings, clock: SimulatedClock) -> None:
    _, post = await factories.create_launched_campaign(clock)
    await Post.filter(id=post.id).update(expires_at=clock.now() + timedelta(days=1))
    person, account = await factories.create_ambassador(clock)
    with pytest.raises(InvalidInput) as refused:
        await create_share(clock, person, post_id=post.id, account_id=account.id, text="Mine",
                           scheduled_at=clock.now() + timedelta(days=2))
    assert "post expires" in refused.value.message
    assert await Share.all().count() == 0
