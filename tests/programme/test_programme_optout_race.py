"""Opt-out against a dispatcher claiming the same shares at the same moment.

After `opt_out` returns, each of the person's shares was either already claimed (in flight, as it
was before the opt-out) or is cancelled, and a cancelled share is never published afterwards.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable
from typing import TypeVar

import pytest

from advocacy.accounts.networks import NetworkRegistry
from advocacy.clock import SimulatedClock
from advocacy.errors import Forbidden
from advocacy.programme import consent
from advocacy.settings import Settings
from advocacy.shares.dispatch import ShareDispatcher
from advocacy.shares.models import Share, ShareEvent, ShareStatus
from advocacy.shares.service import create_share
from campaigns.models import Post
from tests import factories

T = TypeVar("T")


async def queue_all(clock: SimulatedClock, posts: list[Post]) -> tuple[object, list[int]]:
    user, account = await factories.create_ambassador(clock)
    ids = [(await create_share(clock, user, post_id=p.id, account_id=account.id,
                               text=f"{p.title} from {user.name} #employee")).id for p in posts]
    return user, ids


async def after_turns(turns: int, step: Awaitable[T]) -> T:
    for _ in range(turns):
        await asyncio.sleep(0)  # yields to the other coroutine; no time passes
    return await step


async def claimed_ids(share_ids: list[int]) -> set[int]:
    return set(await ShareEvent.filter(share_id__in=share_ids, to_status=ShareStatus.PUBLISHING)
               .values_list("share_id", flat=True))


async def test_opt_out_racing_a_claim_never_lets_a_share_out_afterwards(
    database: Settings, clock: SimulatedClock
) -> None:
    _, posts = await factories.create_launched_campaign_with_posts(clock, 8)
    networks = NetworkRegistry(database, clock)
    seen_claimed = seen_cancelled = 0
    # The opt-out starts a few more event-loop turns later each round, so the two meet at every
    # step of the claim: before it, while it holds the rows, and after it. The last round waits for
    # the claim to finish whatever the machine's speed, so a claim is always seen winning.
    for round_number, turns in enumerate((0, 1, 2, 3, 5, 8, 13, 21, 34, 55, 200, None)):
        user, ids = await queue_all(clock, posts)
        worker = ShareDispatcher(networks, clock, batch_size=3, worker_name=f"w{round_number}",
                                 use_skip_locked=database.is_postgres)
        leaving = consent.opt_out(clock, user, networks)  # type: ignore[arg-type]
        if turns is None:
            results = [await worker.claim_due(), await leaving]
        else:
            results = await asyncio.gather(worker.claim_due(), after_turns(turns, leaving))
        outcome = next(r for r in results if isinstance(r, consent.OptOutOutcome))
        status = dict(await Share.filter(id__in=ids).values_list("id", "status"))
        claimed = await claimed_ids(ids)
        for share_id in ids:
            assert (share_id in claimed) != (status[share_id] == ShareStatus.CANCELLED), \
                f"share {share_id} is {status[share_id]} and claimed={share_id in claimed}"
        assert set(outcome.cancelled_share_ids) == set(ids) - claimed
        seen_claimed += len(claimed)
        seen_cancelled += len(outcome.cancelled_share_ids)
        # What the worker took is in flight; everything else stays cancelled whatever the workers do.
        await worker.run_until_idle()
        after = dict(await Share.filter(id__in=ids).values_list("id", "status"))
        for share_id in set(ids) - claimed:
            assert after[share_id] == ShareStatus.CANCELLED
        assert await ShareEvent.filter(share_id__in=list(set(ids) - claimed),
                                       to_status=ShareStatus.PUBLISHED).count() == 0
    assert seen_claimed and seen_cancelled, "both sides won some of the races"


@pytest.mark.postgres
async def test_opt_out_waits_for_a_claim_in_progress_and_leaves_its_shares_in_flight(
    database: Settings, clock: SimulatedClock
) -> None:
    if not database.is_postgres:
        pytest.skip("needs PostgreSQL: SQLite has no row locks")
    import asyncpg

    _, posts = await factories.create_launched_campaign_with_posts(clock, 6)
    user, ids = await queue_all(clock, posts)
    taken, left = ids[:3], ids[3:]
    worker = await asyncpg.connect(database.database_url)
    try:
        # A worker in the middle of its claim: rows locked and moved, transaction not yet committed.
        transaction = worker.transaction()
        await transaction.start()
        await worker.execute("SELECT id FROM shares WHERE id = ANY($1::int[]) FOR UPDATE", taken)
        await worker.execute("UPDATE shares SET status = 'publishing', lease_owner = 'other' "
                             "WHERE id = ANY($1::int[])", taken)
        leaving = asyncio.ensure_future(consent.opt_out(clock, user, NetworkRegistry(database, clock)))  # type: ignore[arg-type]
        done, _ = await asyncio.wait({leaving}, timeout=1.5)
        assert not done, "the opt-out must wait for the rows the claim holds"
        await transaction.commit()
        outcome = await asyncio.wait_for(leaving, timeout=10)
    finally:
        await worker.close()
    assert sorted(outcome.cancelled_share_ids) == sorted(left)
    status = dict(await Share.filter(id__in=ids).values_list("id", "status"))
    assert {status[i] for i in taken} == {ShareStatus.PUBLISHING}
    assert {status[i] for i in left} == {ShareStatus.CANCELLED}


async def test_a_share_made_while_the_person_opts_out_is_refused_not_queued_behind_it(
    database: Settings, clock: SimulatedClock
) -> None:
    if not database.is_postgres:
        pytest.skip("needs PostgreSQL: SQLite has no row locks")
    import asyncpg

    _, posts = await factories.create_launched_campaign_with_posts(clock, 1)
    user, account = await factories.create_ambassador(clock)
    leaving = await asyncpg.connect(database.database_url)
    try:
        # An opt-out in the middle of its transaction: the person's row locked and marked as left,
        # its share cancellation not yet committed.
        transaction = leaving.transaction()
        await transaction.start()
        await leaving.execute("SELECT id FROM users WHERE id = $1 FOR UPDATE", user.id)
        await leaving.execute("UPDATE users SET opted_in_at = NULL, opted_out_at = now() WHERE id = $1",
                              user.id)
        sharing = asyncio.ensure_future(create_share(
            clock, user, post_id=posts[0].id, account_id=account.id, text="Sharing as I leave #employee"))
        done, _ = await asyncio.wait({sharing}, timeout=1.5)
        assert not done, "the share must wait for the opt-out that holds the person's row"
        await transaction.commit()
        with pytest.raises(Forbidden):
            await sharing
    finally:
        await leaving.close()
    assert await Share.filter(user_id=user.id).count() == 0
