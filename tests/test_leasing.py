"""The leased claim queue shared by dispatch and notification delivery: disjoint claims, expired
leases swept and claimable again, and the backoff schedule."""

from __future__ import annotations

import asyncio
import random
from datetime import timedelta

from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.expressions import Q

from advocacy.clock import SimulatedClock
from advocacy.leasing import RELEASED, Backoff, Lease, LeasedQueue
from advocacy.notify.models import Channel, Delivery, DeliveryStatus, Notification
from advocacy.settings import Settings
from tests import factories

PENDING = Q(status=DeliveryStatus.PENDING)
SENDING = Q(status=DeliveryStatus.SENDING)


async def pending_rows(clock: SimulatedClock, count: int, *, due_in: timedelta = timedelta()) -> list[int]:
    person = await factories.create_user(clock)
    ids = []
    for n in range(count):
        notice = await Notification.create(user=person, kind="test", subject=f"Notice {n}", body="",
                                           dedupe_key=f"k{n}-{due_in}", created_at=clock.now())
        delivery = await Delivery.create(notification=notice, user=person, channel=Channel.EMAIL,
                                         due_at=clock.now() + due_in, created_at=clock.now(),
                                         updated_at=clock.now())
        ids.append(delivery.id)
    return ids


def queue(database: Settings, name: str, *, batch_size: int = 3) -> LeasedQueue[Delivery]:
    return LeasedQueue(Delivery, waiting=PENDING, held=SENDING, batch_size=batch_size,
                       lease=timedelta(minutes=5), worker_name=name, use_skip_locked=database.is_postgres)


async def take(conn: BaseDBAsyncClient, ids: list[int], lease: Lease) -> None:
    await Delivery.filter(PENDING, id__in=ids).using_db(conn).update(
        status=DeliveryStatus.SENDING, **lease.columns())


async def back_to_pending(conn: BaseDBAsyncClient, ids: list[int]) -> int:
    return await Delivery.filter(SENDING, id__in=ids).using_db(conn).update(
        status=DeliveryStatus.PENDING, **RELEASED)


async def test_two_owners_claiming_at_once_never_take_the_same_row(
    database: Settings, clock: SimulatedClock
) -> None:
    ids = await pending_rows(clock, 5)
    first, second = queue(database, "a"), queue(database, "b")

    (lease_a, rows_a), (lease_b, rows_b) = await asyncio.gather(
        first.claim(clock.now(), take), second.claim(clock.now(), take))

    taken_a, taken_b = {row.id for row in rows_a}, {row.id for row in rows_b}
    assert not taken_a & taken_b
    assert taken_a | taken_b == set(ids)
    assert sorted((len(taken_a), len(taken_b))) == [2, 3]  # each at most a batch
    assert lease_a.owner != lease_b.owner
    for lease, taken in ((lease_a, taken_a), (lease_b, taken_b)):
        held = await Delivery.filter(id__in=list(taken)).values_list("lease_owner", "lease_until")
        assert set(held) == {(lease.owner, clock.now() + timedelta(minutes=5))}
    _, nothing = await queue(database, "c").claim(clock.now(), take)
    assert nothing == []


async def test_only_due_rows_are_claimed_oldest_first_and_narrow_leaves_rows_out(
    database: Settings, clock: SimulatedClock
) -> None:
    later = await pending_rows(clock, 1, due_in=timedelta(hours=1))
    due = await pending_rows(clock, 3)
    _, rows = await queue(database, "a", batch_size=10).claim(
        clock.now(), take, narrow=lambda rows: rows.exclude(id=due[1]))
    assert [row.id for row in rows] == [due[0], due[2]]
    assert (await Delivery.get(id=later[0])).status == DeliveryStatus.PENDING


async def test_an_expired_lease_is_swept_and_its_rows_can_be_claimed_again(
    database: Settings, clock: SimulatedClock
) -> None:
    ids = await pending_rows(clock, 2)
    crashed = queue(database, "crashed")
    _, rows = await crashed.claim(clock.now(), take)
    assert {row.id for row in rows} == set(ids)
    sweeper = queue(database, "sweeper")
    assert await sweeper.sweep(clock.now() + timedelta(minutes=4), back_to_pending) == 0  # still leased
    _, nothing = await queue(database, "other").claim(clock.now(), take)
    assert nothing == []  # held rows are not claimed again while leased

    clock.advance(timedelta(minutes=6))
    assert await sweeper.sweep(clock.now(), back_to_pending) == 2
    assert set(await Delivery.filter(id__in=ids).values_list("lease_owner", "lease_until")) == {(None, None)}
    assert await sweeper.sweep(clock.now(), back_to_pending) == 0  # released once
    lease, again = await queue(database, "next").claim(clock.now(), take)
    assert {row.id for row in again} == set(ids)
    assert {row.lease_owner for row in again} == {lease.owner}


async def test_two_sweeps_at_once_release_each_row_once(
    database: Settings, clock: SimulatedClock
) -> None:
    await pending_rows(clock, 4)
    await queue(database, "crashed", batch_size=4).claim(clock.now(), take)
    clock.advance(timedelta(minutes=6))
    swept = await asyncio.gather(*(queue(database, f"s{n}").sweep(clock.now(), back_to_pending)
                                   for n in range(3)))
    assert sum(swept) == 4


def test_the_backoff_grows_by_its_factor_up_to_its_cap() -> None:
    schedule = Backoff(first=timedelta(minutes=1), factor=4, cap=timedelta(hours=6))
    assert [schedule.delay(n) for n in range(1, 8)] == [
        timedelta(minutes=m) for m in (1, 4, 16, 64, 256, 360, 360)]
    assert schedule.delay(0) == timedelta(minutes=1)


def test_a_jittered_backoff_stays_in_the_upper_half_and_spreads_the_retries() -> None:
    schedule = Backoff(first=timedelta(minutes=1), factor=2, cap=timedelta(hours=1), jitter=True)
    rng = random.Random(7)
    for attempts, ceiling in ((1, 60), (3, 240), (12, 3600)):
        waits = [schedule.delay(attempts, rng).total_seconds() for _ in range(50)]
        assert all(ceiling / 2 <= wait <= ceiling for wait in waits)
        assert len(set(waits)) > 40
