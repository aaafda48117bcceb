"""What queues notifications: a campaign launch, the weekly new-posts digest, the leadership summary."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from email.message import Message

import httpx

from advocacy.clock import SimulatedClock
from advocacy.notify.delivery import NotificationDeliverer
from advocacy.notify.models import Delivery, DeliveryStatus, Frequency, Notification, NotificationPreference
from advocacy.settings import Settings
from advocacy.users.models import User
from campaigns import service as campaigns
from campaigns.announce import send_posts_digests
from dashboards.reporting.weekly_mail import send_leadership_summaries
from tests import factories
from tests.dashboards.reporting.test_campaign_and_ambassador import campaign_with_shares
from tests.test_pages import element, sign_in
from tests.users.test_password_reset import Inbox, body

MONDAY_9_NOV = datetime(2026, 11, 9, 8, 0, tzinfo=UTC)


def messages_to(inbox: Inbox, person: User) -> list[Message]:
    """The emails one person received (the editors and reviewers of a campaign hear of its review)."""
    return [message for message in inbox.messages if message["To"] == person.email]


async def prefer(clock: SimulatedClock, user: User, frequency: Frequency) -> None:
    await NotificationPreference.create(user=user, frequency=frequency, updated_at=clock.now())


async def test_launch_notifies_the_audience_respecting_each_frequency(
    deliverer: NotificationDeliverer, smtp: tuple[Inbox, int], clock: SimulatedClock
) -> None:
    now_person = await factories.create_user(clock)
    digest_person = await factories.create_user(clock)
    not_opted_in = await factories.create_user(clock, opted_in=False)
    editor = await factories.create_user(clock, "editor")
    await prefer(clock, now_person, Frequency.IMMEDIATE)
    await prefer(clock, digest_person, Frequency.WEEKLY)

    campaign, _ = await factories.create_launched_campaign(clock, editor=editor)

    notified = set(await Notification.filter(kind="campaign_launched").values_list("user_id", flat=True))
    assert notified == {now_person.id, digest_person.id}
    assert not_opted_in.id not in notified and editor.id not in notified
    await deliverer.run_until_idle()
    [message] = smtp[0].messages
    assert message["To"] == now_person.email
    assert message["Subject"] == f"New campaign for you: {campaign.name}"
    assert "1 post is ready to share in your feed" in body(message)
    waiting = await Delivery.get(user=digest_person)
    assert waiting.status == DeliveryStatus.PENDING and waiting.in_digest
    assert waiting.due_at == MONDAY_9_NOV


async def approve_more_posts(clock: SimulatedClock, titles: list[str]) -> None:
    editor = await factories.create_user(clock, "editor")
    reviewer = await factories.create_user(clock, "reviewer")
    campaign, _ = await factories.create_campaign_with_post(clock, editor, days=30)
    pack = await campaign.packs.all().first()
    assert pack is not None
    for title in titles:
        await campaigns.add_post(clock, editor, pack.id, title=title, url="https://example.org/n",
                                 messages={"linkedin": [f"{title} #employee"]})
    await campaigns.submit_pack(clock, editor, pack.id)
    await campaigns.review_pack(clock, reviewer, pack.id, approve=True)
    await campaigns.launch_campaign(clock, editor, campaign.id)


async def test_weekly_posts_digest_lists_new_posts_once_and_skips_empty_weeks(
    deliverer: NotificationDeliverer, smtp: tuple[Inbox, int], clock: SimulatedClock
) -> None:
    person = await factories.create_user(clock)
    await prefer(clock, person, Frequency.OFF)  # the digest itself still shows in-app
    clock.advance(timedelta(days=1))
    await approve_more_posts(clock, ["Flu clinic hours", "New maternity ward"])

    assert await send_posts_digests(clock) == 0  # the week has not ended for this person yet
    clock.set(MONDAY_9_NOV)
    assert await send_posts_digests(clock) == 1
    [digest] = await Notification.filter(user=person, kind="posts_digest")
    assert digest.subject == "3 new posts for you this week"
    assert "Flu clinic hours" in digest.body and "New maternity ward" in digest.body
    assert digest.link == "/feed"
    assert await send_posts_digests(clock) == 0  # once a week

    clock.set(MONDAY_9_NOV + timedelta(days=7))
    assert await send_posts_digests(clock) == 0  # nothing new: no digest at all
    assert await Notification.filter(user=person, kind="posts_digest").count() == 1

    clock.advance(timedelta(days=2))
    await approve_more_posts(clock, ["Volunteer day"])
    clock.set(MONDAY_9_NOV + timedelta(days=14))
    assert await send_posts_digests(clock) == 1
    latest = await Notification.filter(user=person, kind="posts_digest").order_by("-id").first()
    assert latest is not None and "Volunteer day" in latest.body and "Flu clinic" not in latest.body
    await deliverer.run_until_idle()
    assert messages_to(smtp[0], person) == []  # frequency off: in-app only


async def test_posts_digest_is_emailed_at_once_to_a_weekly_reader(
    deliverer: NotificationDeliverer, smtp: tuple[Inbox, int], clock: SimulatedClock
) -> None:
    person = await factories.create_user(clock)
    await prefer(clock, person, Frequency.WEEKLY)
    clock.advance(timedelta(hours=1))
    await approve_more_posts(clock, [])
    clock.set(MONDAY_9_NOV)
    await send_posts_digests(clock)
    await deliverer.run_until_idle()
    subjects = sorted(message["Subject"] for message in messages_to(smtp[0], person))
    # The campaign notice waited for the weekly digest; the posts digest went out on its own.
    assert subjects == ["1 new post for you this week",
                        "Your weekly digest from Northbrook Health: 1 notice"]


async def test_leaders_get_the_weekly_page_figures_by_email_on_monday(
    notify_settings: Settings, deliverer: NotificationDeliverer, smtp: tuple[Inbox, int],
    clock: SimulatedClock, client: httpx.AsyncClient,
) -> None:
    await campaign_with_shares(notify_settings, clock)
    leader = await factories.create_user(clock, "leader")
    await factories.create_user(clock, "leader", email="left@example.org")
    await User.filter(email="left@example.org").update(is_active=False)
    clock.set(MONDAY_9_NOV - timedelta(hours=1))
    assert await send_leadership_summaries(clock, notify_settings) == 0  # not yet Monday morning
    clock.set(MONDAY_9_NOV)
    assert await send_leadership_summaries(clock, notify_settings) == 1
    assert await send_leadership_summaries(clock, notify_settings) == 0
    await deliverer.run_until_idle()
    [message] = messages_to(smtp[0], leader)
    assert message["Subject"].startswith("Weekly summary, 02 Nov to 08 Nov 2026")
    text = body(message)
    assert "https://advocacy.example/dashboard/weekly" in text
    assert "/notifications/unsubscribe/" in text

    # The same numbers as the weekly page at the same moment.
    await sign_in(client, leader)
    page = (await client.get("/dashboard/weekly")).text
    for key, label in (("shares_published", "Shares published"), ("impressions", "Impressions")):
        cells = re.findall(r"<td[^>]*>(.*?)</td>", element(page, f"week-{key}"))
        line = next(line for line in text.splitlines() if line.startswith(label + ":"))
        assert line.startswith(f"{label}: {cells[0]} (week before {cells[1]}, change {cells[2]};"), line
    assert "Shares published: 3 (week before 0, change +3; measured)" in text
