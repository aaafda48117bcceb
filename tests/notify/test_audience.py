"""One notice for a whole audience at once: exactly the notices and deliveries each person's
preferences ask for, nobody outside the audience, and nothing twice however often it is asked."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

import pytest
from tortoise.queryset import QuerySet

from advocacy.accounts.networks import NetworkRegistry
from advocacy.clock import SimulatedClock
from advocacy.notify import service
from advocacy.notify.delivery import NotificationDeliverer
from advocacy.notify.models import (
    Channel,
    Delivery,
    DeliveryStatus,
    Frequency,
    Notification,
    NotificationPreference,
)
from advocacy.programme import consent, segments
from advocacy.settings import Settings
from advocacy.users.models import User
from campaigns import service as campaigns
from campaigns.announce import announce_launch
from tests import factories
from tests.fakes.chat_webhooks import FakeChat
from tests.notify.test_delivery import immediate_user
from tests.users.test_password_reset import Inbox

# The tests' clock starts on Monday 2 Nov 2026 at 08:00 UTC: today's 08:00 digest has just gone.
TUESDAY_8_UTC = datetime(2026, 11, 3, 8, 0, tzinfo=UTC)
NEXT_MONDAY_8_UTC = datetime(2026, 11, 9, 8, 0, tzinfo=UTC)


async def prefer(
    clock: SimulatedClock, user: User, frequency: Frequency, *, email: bool = True, slack: str = "",
    teams: str = "",
) -> None:
    cipher = service.webhook_cipher(Settings())
    await NotificationPreference.create(
        user=user, frequency=frequency, email_enabled=email, updated_at=clock.now(),
        slack_webhook_encrypted=cipher.encrypt(slack) if slack else "",
        teams_webhook_encrypted=cipher.encrypt(teams) if teams else "",
    )


def people(*users: User) -> QuerySet[User]:
    return User.filter(id__in=[user.id for user in users])


async def fan_out(clock: SimulatedClock, audience: QuerySet[User], key: str = "launch:1") -> int:
    return await service.notify_audience(clock, audience, "campaign_launched", "New campaign:  Flu\nseason",
                                         "Two posts are ready.", link="/feed", dedupe_key=key)


async def deliveries_of(kind: str | None = None) -> dict[int, list[tuple[Channel, datetime, bool]]]:
    """Each person's deliveries (of notices of `kind`, or all) as (channel, due at, waits for a
    digest), channels in order."""
    found: dict[int, list[tuple[Channel, datetime, bool]]] = {}
    chosen = Delivery.filter(notification__kind=kind) if kind else Delivery.all()
    for d in await chosen.order_by("user_id", "channel"):
        found.setdefault(d.user_id, []).append((d.channel, d.due_at, d.in_digest))
    return found


async def test_each_person_gets_the_deliveries_their_channels_and_frequency_ask_for(
    database: Settings, clock: SimulatedClock
) -> None:
    default = await factories.create_user(clock)
    at_once = await factories.create_user(clock)
    await prefer(clock, at_once, Frequency.IMMEDIATE, slack="https://hooks.slack.com/services/T/B/1")
    weekly = await factories.create_user(clock)
    await prefer(clock, weekly, Frequency.WEEKLY, email=False,
                 teams="https://example.webhook.office.com/webhookb2/a/IncomingWebhook/b/c")
    off = await factories.create_user(clock)
    await prefer(clock, off, Frequency.OFF, slack="https://hooks.slack.com/services/T/B/2")
    no_channel = await factories.create_user(clock)
    await prefer(clock, no_channel, Frequency.IMMEDIATE, email=False)
    outside = await factories.create_user(clock)

    queued = await fan_out(clock, people(default, at_once, weekly, off, no_channel))

    assert queued == 5
    notices = await Notification.all().order_by("user_id")
    assert [n.user_id for n in notices] == [default.id, at_once.id, weekly.id, off.id, no_channel.id]
    assert outside.id not in {n.user_id for n in notices}
    for notice in notices:
        assert (notice.kind, notice.subject, notice.body, notice.link, notice.dedupe_key) == (
            "campaign_launched", "New campaign: Flu season", "Two posts are ready.", "/feed", "launch:1")
        assert notice.created_at == clock.now() and notice.read_at is None
    assert await deliveries_of() == {
        default.id: [(Channel.EMAIL, TUESDAY_8_UTC, True)],
        at_once.id: [(Channel.EMAIL, clock.now(), False), (Channel.SLACK, clock.now(), False)],
        weekly.id: [(Channel.TEAMS, NEXT_MONDAY_8_UTC, True)],
    }
    for delivery in await Delivery.all():
        assert delivery.status == DeliveryStatus.PENDING and delivery.attempts == 0
        assert delivery.notification_id == next(n.id for n in notices if n.user_id == delivery.user_id)
        assert (delivery.lease_owner, delivery.sent_at, delivery.last_error) == (None, None, "")


async def test_digests_wait_for_eight_in_the_morning_where_each_person_is(
    database: Settings, clock: SimulatedClock
) -> None:
    berlin = await factories.create_user(clock, timezone="Europe/Berlin")  # 09:00 there now
    new_york = await factories.create_user(clock, timezone="America/New_York")  # 03:00 there
    kolkata = await factories.create_user(clock, timezone="Asia/Kolkata")  # 13:30 there
    weekly_new_york = await factories.create_user(clock, timezone="America/New_York")
    await prefer(clock, weekly_new_york, Frequency.WEEKLY)
    nowhere = await factories.create_user(clock)
    await User.filter(id=nowhere.id).update(timezone="Nowhere/Atlantis")  # read as UTC

    await fan_out(clock, people(berlin, new_york, kolkata, weekly_new_york, nowhere))

    assert await deliveries_of() == {
        berlin.id: [(Channel.EMAIL, datetime(2026, 11, 3, 7, 0, tzinfo=UTC), True)],
        new_york.id: [(Channel.EMAIL, datetime(2026, 11, 2, 13, 0, tzinfo=UTC), True)],
        kolkata.id: [(Channel.EMAIL, datetime(2026, 11, 3, 2, 30, tzinfo=UTC), True)],
        weekly_new_york.id: [(Channel.EMAIL, datetime(2026, 11, 2, 13, 0, tzinfo=UTC), True)],
        nowhere.id: [(Channel.EMAIL, TUESDAY_8_UTC, True)],
    }


async def test_asking_again_queues_nothing_twice_and_reaches_only_people_added_since(
    database: Settings, clock: SimulatedClock
) -> None:
    first = await factories.create_user(clock)
    off = await factories.create_user(clock)
    await prefer(clock, off, Frequency.OFF)
    assert await fan_out(clock, User.filter(role="ambassador")) == 2

    assert await fan_out(clock, User.filter(role="ambassador")) == 0
    assert await Notification.all().count() == 2 and await Delivery.all().count() == 1

    # Someone who had no channel then turns email on: the notice they already have is not sent
    # late; someone new gets theirs.
    await NotificationPreference.filter(user_id=off.id).update(frequency=Frequency.IMMEDIATE)
    newcomer = await factories.create_user(clock)
    assert await fan_out(clock, User.filter(role="ambassador")) == 1
    assert sorted(await Notification.all().values_list("user_id", flat=True)) == sorted(
        [first.id, off.id, newcomer.id])
    assert set(await deliveries_of()) == {first.id, newcomer.id}
    # Another key is another notice.
    assert await fan_out(clock, people(first), key="launch:2") == 1
    assert await Notification.filter(user_id=first.id).count() == 2


async def test_an_empty_audience_queues_nothing(database: Settings, clock: SimulatedClock) -> None:
    await factories.create_user(clock)
    assert await fan_out(clock, User.filter(role="leader")) == 0
    assert await Notification.all().count() == 0 and await Delivery.all().count() == 0


async def test_an_audience_larger_than_a_page_is_queued_in_full(
    database: Settings, clock: SimulatedClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(service, "FAN_OUT_PAGE", 2)
    everyone = [await factories.create_user(clock) for _ in range(5)]
    await prefer(clock, everyone[2], Frequency.OFF)
    await prefer(clock, everyone[3], Frequency.IMMEDIATE, slack="https://hooks.slack.com/services/T/B/3")

    assert await fan_out(clock, people(*everyone)) == 5

    assert await Notification.all().count() == 5
    assert {user_id: [c for c, _, _ in d] for user_id, d in (await deliveries_of()).items()} == {
        everyone[0].id: [Channel.EMAIL], everyone[1].id: [Channel.EMAIL],
        everyone[3].id: [Channel.EMAIL, Channel.SLACK], everyone[4].id: [Channel.EMAIL],
    }


async def test_two_fan_outs_with_one_key_at_once_queue_each_person_once(
    database: Settings, clock: SimulatedClock
) -> None:
    everyone = [await factories.create_user(clock) for _ in range(6)]
    for person in everyone:
        await prefer(clock, person, Frequency.IMMEDIATE)

    queued = await asyncio.gather(fan_out(clock, people(*everyone)), fan_out(clock, people(*everyone)))

    assert sum(queued) == 6
    assert sorted(await Notification.all().values_list("user_id", flat=True)) == [p.id for p in everyone]
    assert sorted(await Delivery.all().values_list("user_id", flat=True)) == [p.id for p in everyone]


async def test_launch_notifies_only_the_targeted_ambassadors_still_in_the_programme(
    database: Settings, clock: SimulatedClock
) -> None:
    editor = await factories.create_user(clock, "editor")
    reviewer = await factories.create_user(clock, "reviewer")
    nurse = await factories.create_user(clock, department="Nursing")
    left_programme = await factories.create_user(clock, department="Nursing")
    await consent.opt_out(clock, left_programme, NetworkRegistry(database, clock))
    never_joined = await factories.create_user(clock, department="Nursing", opted_in=False)
    left_hospital = await factories.create_user(clock, department="Nursing")
    await User.filter(id=left_hospital.id).update(is_active=False)
    pharmacist = await factories.create_user(clock, department="Pharmacy")
    campaign, _ = await factories.create_campaign_with_post(clock, editor)
    pack = await campaign.packs.all().first()
    assert pack is not None
    await campaigns.submit_pack(clock, editor, pack.id)
    await campaigns.review_pack(clock, reviewer, pack.id, approve=True)
    nurses = await segments.save_segment(clock, editor, name="Nurses", match="all",
                                         conditions=[("department", "Nursing")])
    await segments.set_campaign_segments(clock, editor, campaign.id, [nurses.id])

    await campaigns.launch_campaign(clock, editor, campaign.id)

    # The editor also heard of the approval (campaigns.review_notices): only the launch's notices here.
    [notice] = await Notification.filter(kind="campaign_launched")
    assert notice.user_id == nurse.id and notice.dedupe_key == f"campaign-launched:{campaign.id}"
    assert notice.subject == f"New campaign for you: {campaign.name}"
    assert "1 post is ready to share in your feed" in notice.body
    assert await deliveries_of("campaign_launched") == {nurse.id: [(Channel.EMAIL, TUESDAY_8_UTC, True)]}
    for outside in (left_programme, never_joined, left_hospital, pharmacist, editor, reviewer):
        assert not await Notification.filter(user_id=outside.id, kind="campaign_launched").exists()
    # Announcing the same launch again (a retry) changes nothing.
    assert await announce_launch(clock, await campaigns.get_campaign(campaign.id)) == 0
    launched = Notification.filter(kind="campaign_launched")
    assert await launched.count() == 1 and len(await deliveries_of("campaign_launched")) == 1


async def test_the_outbox_worker_sends_what_a_fan_out_queued(
    deliverer: NotificationDeliverer, smtp: tuple[Inbox, int], chat: tuple[FakeChat, str],
    clock: SimulatedClock,
) -> None:
    state, url = chat
    by_email = [await immediate_user(clock) for _ in range(3)]
    by_slack = await immediate_user(clock, email=False, slack=f"{url}/services/T/B/fan-out")

    assert await fan_out(clock, people(*by_email, by_slack)) == 4
    report = await deliverer.run_until_idle()

    assert report.sent == 4
    assert sorted(m["To"] for m in smtp[0].messages) == sorted(p.email for p in by_email)
    assert all(m["Subject"] == "New campaign: Flu season" for m in smtp[0].messages)
    [payload] = state.payloads("/services/T/B/fan-out")
    assert "New campaign: Flu season" in str(payload)
    assert await Delivery.filter(status=DeliveryStatus.SENT).count() == 4
