"""The outbox: notify() queues an in-app notice and one delivery per chosen channel, once per key."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from advocacy.clock import SimulatedClock
from advocacy.notify import service
from advocacy.notify.models import (
    Channel,
    Delivery,
    DeliveryStatus,
    Frequency,
    Notification,
    NotificationPreference,
)
from advocacy.settings import Settings
from tests import factories


async def test_same_dedupe_key_queues_one_notice_and_one_delivery(
    database: Settings, clock: SimulatedClock
) -> None:
    user = await factories.create_user(clock)
    await NotificationPreference.create(user=user, frequency=Frequency.IMMEDIATE,
                                        updated_at=clock.now())
    first = await service.notify(clock, user, "test", "Hello", "Body", dedupe_key="k1")
    again = await service.notify(clock, user, "test", "Hello again", "Other", dedupe_key="k1")
    assert (first, again) == (True, False)
    [notice] = await Notification.filter(user=user)
    assert notice.subject == "Hello"
    [delivery] = await Delivery.filter(notification=notice)
    assert delivery.channel == Channel.EMAIL and delivery.status == DeliveryStatus.PENDING
    assert delivery.due_at == clock.now() and not delivery.in_digest


async def test_digest_frequency_waits_for_the_local_digest_hour(
    database: Settings, clock: SimulatedClock
) -> None:
    # 08:00 UTC on Monday 2 Nov is 03:00 in New York: the daily digest is 08:00 there, 13:00 UTC.
    user = await factories.create_user(clock, timezone="America/New_York")
    await NotificationPreference.create(user=user, frequency=Frequency.DAILY,
                                        slack_webhook_encrypted=service.webhook_cipher(database).encrypt(
                                            "https://hooks.slack.com/services/T/B/X"),
                                        updated_at=clock.now())
    await service.notify(clock, user, "test", "Hello", "Body", dedupe_key="k")
    deliveries = await Delivery.filter(user=user).order_by("channel")
    assert [d.channel for d in deliveries] == [Channel.EMAIL, Channel.SLACK]
    assert all(d.in_digest for d in deliveries)
    assert {d.due_at for d in deliveries} == {datetime(2026, 11, 2, 13, 0, tzinfo=UTC)}


async def test_weekly_digest_is_next_monday_and_off_means_in_app_only(
    database: Settings, clock: SimulatedClock
) -> None:
    weekly = await factories.create_user(clock)
    off = await factories.create_user(clock)
    await NotificationPreference.create(user=weekly, frequency=Frequency.WEEKLY, updated_at=clock.now())
    await NotificationPreference.create(user=off, frequency=Frequency.OFF, updated_at=clock.now())
    # Monday 08:00 UTC exactly: this week's slot is now, so the digest is the next Monday.
    queued = await service.notify_many(clock, [weekly, off], "test", "Hi", "B", dedupe_key="w")
    assert queued == 2
    [delivery] = await Delivery.all()
    assert delivery.user_id == weekly.id
    assert delivery.due_at == datetime(2026, 11, 9, 8, 0, tzinfo=UTC)
    assert await Notification.filter(user=off).count() == 1


async def test_a_key_too_long_to_store_is_a_loud_programming_error(
    database: Settings, clock: SimulatedClock
) -> None:
    user = await factories.create_user(clock)
    with pytest.raises(ValueError, match="dedupe_key"):
        await service.notify(clock, user, "test", "Hello", "Body", dedupe_key="k" * 201)
    with pytest.raises(ValueError, match="kind"):
        await service.notify(clock, user, "k" * 41, "Hello", "Body", dedupe_key="k")
    assert await Notification.all().count() == 0
