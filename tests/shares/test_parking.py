"""A network parked for the whole app, through the live connectors and the fake platforms: a retired
LinkedIn API version and LinkedIn's application-day quota keep shares queued, tell the admins once,
probe with one share at growing intervals and resume by themselves."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta

import pytest

from advocacy.accounts.models import AppParking, ParkingKind
from advocacy.accounts.networks import NetworkRegistry
from advocacy.clock import SimulatedClock
from advocacy.notify.models import Delivery, Notification
from advocacy.settings import Settings
from advocacy.shares.dispatch import ShareDispatcher
from advocacy.shares.models import Share, ShareStatus
from advocacy.users.models import User
from dashboards.collection.collect import MetricsCollector
from dashboards.models import TrackedPost
from tests import factories
from tests.fakes.linkedin_server import FakeLinkedIn
from tests.fakes.x_server import FakeX
from tests.shares.test_live_dispatch import connected_ambassador, live_settings, share_everything


@pytest.fixture
async def admin(database: Settings, clock: SimulatedClock) -> User:
    return await factories.create_user(clock, "admin")


@pytest.fixture
async def platforms(
    fake_x: tuple[FakeX, str], fake_linkedin: tuple[FakeLinkedIn, str]
) -> AsyncIterator[tuple[FakeX, FakeLinkedIn]]:
    yield fake_x[0], fake_linkedin[0]
    fake_linkedin[0].app_quota_exhausted = False


def registry(database: Settings, clock: SimulatedClock, fake_x: tuple[FakeX, str],
             fake_linkedin: tuple[FakeLinkedIn, str], **overrides: object) -> NetworkRegistry:
    settings = live_settings(database, fake_x[1], fake_linkedin[1]).model_copy(update=overrides)
    return NetworkRegistry(settings, clock)


async def admin_notices(admin: User) -> list[Notification]:
    return await Notification.filter(user_id=admin.id, kind="network_parked")


async def test_retired_linkedin_version_holds_linkedin_alerts_admins_once_probes_and_resumes(
    database: Settings, clock: SimulatedClock, admin: User, platforms: tuple[FakeX, FakeLinkedIn],
    fake_x: tuple[FakeX, str], fake_linkedin: tuple[FakeLinkedIn, str],
) -> None:
    x, linkedin = platforms
    retired = registry(database, clock, fake_x, fake_linkedin, linkedin_version="202501")
    try:
        _, posts = await factories.create_launched_campaign_with_posts(clock, 3)
        held = await share_everything(clock, await connected_ambassador(clock, retired, "linkedin", linkedin),
                                      posts)
        await share_everything(clock, await connected_ambassador(clock, retired, "x", x), posts)
        calls = linkedin.create_calls

        report = await ShareDispatcher(retired, clock).run_until_idle()
        assert (report.published, report.failed) == (3, 0)  # X goes on
        assert linkedin.create_calls == calls + 1  # one call learnt it; the others were not sent
        for share in held:
            await share.refresh_from_db()
            assert share.status == ShareStatus.QUEUED and share.attempts == 0
            # The ambassador reads that it waits and why in their terms, not an operator setting.
            assert "until an administrator acts" in share.last_error
            assert "version" not in share.last_error.lower()
        parking = await AppParking.get(network="linkedin")
        assert parking.kind == ParkingKind.RETIRED_VERSION and "202501" in parking.reason
        [notice] = await admin_notices(admin)
        assert "ADVOCACY_LINKEDIN_VERSION" in notice.body and "resumes by itself" in notice.body
        assert await Delivery.filter(notification_id=notice.id).exists()  # on the admin's channels too

        clock.advance(timedelta(minutes=16))
        await ShareDispatcher(retired, clock).run_until_idle()
        assert linkedin.create_calls == calls + 2  # a single share probed
        assert (await AppParking.get(network="linkedin")).probes == 1
        clock.advance(timedelta(minutes=16))
        await ShareDispatcher(retired, clock).run_until_idle()
        assert linkedin.create_calls == calls + 2  # the next probe waits twice as long
        assert len(await admin_notices(admin)) == 1
    finally:
        await retired.close()

    fixed = registry(database, clock, fake_x, fake_linkedin)  # the operator set a current version
    try:
        assert (await ShareDispatcher(fixed, clock).run_until_idle()).published == 3
    finally:
        await fixed.close()
    assert not await AppParking.exists(network="linkedin")
    for share in held:
        await share.refresh_from_db()
        assert share.status == ShareStatus.PUBLISHED and share.external_id in linkedin.posts


async def test_linkedin_application_day_limit_is_probed_at_growing_intervals_before_midnight(
    database: Settings, clock: SimulatedClock, admin: User, platforms: tuple[FakeX, FakeLinkedIn],
    fake_x: tuple[FakeX, str], fake_linkedin: tuple[FakeLinkedIn, str],
) -> None:
    _, linkedin = platforms
    live = registry(database, clock, fake_x, fake_linkedin)
    try:
        _, posts = await factories.create_launched_campaign_with_posts(clock, 3)
        shares = await share_everything(
            clock, await connected_ambassador(clock, live, "linkedin", linkedin), posts)
        linkedin.app_quota_exhausted = True
        calls = linkedin.create_calls
        worker = ShareDispatcher(live, clock)

        assert (await worker.run_until_idle()).published == 0
        parking = await AppParking.get(network="linkedin")
        midnight = clock.now().replace(hour=0, minute=0) + timedelta(days=1)
        assert parking.kind == ParkingKind.QUOTA and parking.ends_at == midnight
        assert linkedin.create_calls == calls + 1
        for wait in (16, 31):  # probes after 15 minutes, then 30
            clock.advance(timedelta(minutes=wait))
            await worker.run_until_idle()
            calls += 1
            assert linkedin.create_calls == calls + 1
        assert len(await admin_notices(admin)) == 1

        linkedin.app_quota_exhausted = False  # LinkedIn lifted it long before midnight
        clock.advance(timedelta(minutes=61))
        assert (await worker.run_until_idle()).published == 3
        assert clock.now() < midnight
    finally:
        await live.close()
    assert not await AppParking.exists(network="linkedin")
    assert {s.status for s in await Share.filter(id__in=[s.id for s in shares])} == {ShareStatus.PUBLISHED}


async def test_the_collector_leaves_linkedin_alone_while_it_waits_for_an_operator(
    database: Settings, clock: SimulatedClock, platforms: tuple[FakeX, FakeLinkedIn],
    fake_x: tuple[FakeX, str], fake_linkedin: tuple[FakeLinkedIn, str], caplog: pytest.LogCaptureFixture,
) -> None:
    _, linkedin = platforms
    current = registry(database, clock, fake_x, fake_linkedin)
    retired = registry(database, clock, fake_x, fake_linkedin, linkedin_version="202501")
    try:
        _, posts = await factories.create_launched_campaign_with_posts(clock, 2)
        account = await connected_ambassador(clock, current, "linkedin", linkedin)
        [published, held] = await share_everything(clock, account, posts)
        await Share.filter(id=held.id).update(due_at=clock.now() + timedelta(hours=1))
        assert (await ShareDispatcher(current, clock).run_until_idle()).published == 1
        clock.advance(timedelta(hours=2))
        await ShareDispatcher(retired, clock).run_until_idle()  # LinkedIn answers 426: parked
        assert await AppParking.exists(network="linkedin")

        report = await MetricsCollector(retired, clock).run_once()
        assert report.errors == 0
        assert not [r for r in caplog.records if r.levelname == "WARNING" and "not collected" in r.message]
        assert (await TrackedPost.get(share_id=published.id)).collections_done == 0  # still due
    finally:
        await current.close()
        await retired.close()
