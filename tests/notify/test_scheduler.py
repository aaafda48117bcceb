"""The worker's notification jobs: scheduled, wired to the outbox, and off in the demo."""

from __future__ import annotations

from typing import Any

from advocacy.accounts.networks import NetworkRegistry
from advocacy.clock import SimulatedClock
from advocacy.notify import service
from advocacy.notify.models import Delivery, DeliveryStatus, Frequency, NotificationPreference
from advocacy.scheduler import build_scheduler
from advocacy.settings import Settings
from tests import factories
from tests.users.test_password_reset import Inbox


def job(scheduler: Any, job_id: str) -> Any:
    found = scheduler.get_job(job_id)
    assert found is not None, f"no {job_id} job"
    return found


async def test_the_worker_delivers_the_outbox_and_makes_the_digests(
    notify_settings: Settings, clock: SimulatedClock, smtp: tuple[Inbox, int]
) -> None:
    scheduler = build_scheduler(notify_settings, clock, NetworkRegistry(notify_settings, clock))
    interval = job(scheduler, "notify").trigger.interval.total_seconds()
    assert interval == notify_settings.notify_interval_seconds
    leader = await factories.create_user(clock, "leader")
    person = await factories.create_user(clock)
    await NotificationPreference.create(user=person, frequency=Frequency.IMMEDIATE, updated_at=clock.now())
    await service.notify(clock, person, "test", "Hello", "Body", dedupe_key="k")

    await job(scheduler, "digests").func()  # Monday 08:00: the leadership summary is due
    await job(scheduler, "notify").func()
    assert sorted(message["To"] for message in smtp[0].messages) == sorted([leader.email, person.email])
    assert await Delivery.filter(status=DeliveryStatus.SENT).count() == 2


async def test_with_sending_off_notices_wait_in_the_outbox(
    notify_settings: Settings, clock: SimulatedClock
) -> None:
    settings = notify_settings.model_copy(update={"notify_send": False})
    scheduler = build_scheduler(settings, clock, NetworkRegistry(settings, clock))
    assert scheduler.get_job("notify") is None
    assert scheduler.get_job("digests") is not None
