"""Delivery from the outbox to a real local SMTP server and a local webhook server."""

from __future__ import annotations

import asyncio
import re
from datetime import timedelta

import httpx
import pytest

from advocacy.clock import SimulatedClock
from advocacy.notify import service
from advocacy.notify.channels import MAX_RETRY_AFTER, retry_after
from advocacy.notify.delivery import NotificationDeliverer, backoff
from advocacy.notify.models import (
    Channel,
    Delivery,
    DeliveryStatus,
    Frequency,
    NotificationPreference,
)
from advocacy.settings import Settings
from advocacy.users.models import User
from tests import factories
from tests.fakes.chat_webhooks import FakeChat
from tests.users.test_password_reset import Inbox, body

SLACK_PATH = "/services/T000/B000/XXXX"
TEAMS_PATH = "/webhookb2/abc@def/IncomingWebhook/123/456"


async def immediate_user(
    clock: SimulatedClock, *, email: bool = True, slack: str = "", teams: str = "", **overrides: object
) -> User:
    user = await factories.create_user(clock, **overrides)
    # Kept encrypted, as the service saves them (with the test settings' token key).
    cipher = service.webhook_cipher(Settings())
    await NotificationPreference.create(
        user=user, frequency=Frequency.IMMEDIATE, email_enabled=email, updated_at=clock.now(),
        slack_webhook_encrypted=cipher.encrypt(slack) if slack else "",
        teams_webhook_encrypted=cipher.encrypt(teams) if teams else "",
    )
    return user


async def test_email_reaches_the_smtp_server_with_link_and_unsubscribe(
    deliverer: NotificationDeliverer, smtp: tuple[Inbox, int], clock: SimulatedClock
) -> None:
    user = await immediate_user(clock)
    await service.notify(clock, user, "campaign_launched", "New campaign for you: Flu season",
                         "Three posts are ready to share.", link="/feed", dedupe_key="c1")
    report = await deliverer.run_until_idle()
    assert report.sent == 1
    [message] = smtp[0].messages
    assert message["To"] == user.email
    assert message["Subject"] == "New campaign for you: Flu season"
    text = body(message)
    assert "Three posts are ready to share." in text
    assert "https://advocacy.example/feed" in text
    found = re.search(r"https://advocacy.example/notifications/unsubscribe/\S+", text)
    assert found
    assert message["List-Unsubscribe"] == f"<{found.group(0)}>"
    delivery = await Delivery.get(user=user)
    assert delivery.status == DeliveryStatus.SENT and delivery.sent_at == clock.now()


async def test_slack_and_teams_receive_their_documented_payloads(
    deliverer: NotificationDeliverer, chat: tuple[FakeChat, str], clock: SimulatedClock
) -> None:
    state, url = chat
    user = await immediate_user(clock, email=False, slack=url + SLACK_PATH, teams=url + TEAMS_PATH)
    await service.notify(clock, user, "campaign_launched", "New campaign for you: Flu season",
                         "Three posts are ready.", link="/feed", dedupe_key="c1")
    report = await deliverer.run_until_idle()
    assert report.sent == 2
    [slack] = state.payloads(SLACK_PATH)
    assert slack["text"].startswith("New campaign for you: Flu season")
    kinds = [block["type"] for block in slack["blocks"]]
    assert kinds == ["header", "section", "context"]
    section = slack["blocks"][1]["text"]
    assert section["type"] == "mrkdwn"
    assert "*New campaign for you: Flu season*" in section["text"]
    assert "<https://advocacy.example/feed|Open>" in section["text"]

    [teams] = state.payloads(TEAMS_PATH)
    assert teams["type"] == "message"
    [attachment] = teams["attachments"]
    assert attachment["contentType"] == "application/vnd.microsoft.card.adaptive"
    card = attachment["content"]
    assert card["type"] == "AdaptiveCard" and card["version"] == "1.4"
    assert any(block["text"] == "Three posts are ready." for block in card["body"])
    open_feed = {"type": "Action.OpenUrl", "title": "Open", "url": "https://advocacy.example/feed"}
    assert open_feed in card["actions"]


async def test_notifying_twice_with_one_key_delivers_once(
    deliverer: NotificationDeliverer, chat: tuple[FakeChat, str], clock: SimulatedClock
) -> None:
    state, url = chat
    user = await immediate_user(clock, email=False, slack=url + SLACK_PATH)
    for _ in range(2):
        await service.notify(clock, user, "token_expiry", "Reconnect LinkedIn", "In 3 days.",
                             dedupe_key="token:7:3d")
        await deliverer.run_until_idle()
    assert len(state.payloads(SLACK_PATH)) == 1


async def test_webhook_500_is_retried_after_a_backoff(
    deliverer: NotificationDeliverer, chat: tuple[FakeChat, str], clock: SimulatedClock
) -> None:
    state, url = chat
    state.failures.append(500)
    user = await immediate_user(clock, email=False, slack=url + SLACK_PATH)
    await service.notify(clock, user, "test", "Hello", "Body", dedupe_key="k")
    first = await deliverer.run_until_idle()
    assert first.retrying == 1 and state.payloads(SLACK_PATH) == []
    delivery = await Delivery.get(user=user)
    assert delivery.status == DeliveryStatus.PENDING and "answered 500" in delivery.last_error
    assert delivery.due_at == clock.now() + backoff(1)
    # Not before its time...
    assert (await deliverer.run_until_idle()).claimed == 0
    clock.advance(backoff(1))
    assert (await deliverer.run_until_idle()).sent == 1
    assert len(state.payloads(SLACK_PATH)) == 1 and state.attempts == 2
    delivery = await Delivery.get(user=user)
    assert delivery.status == DeliveryStatus.SENT and delivery.attempts == 2


async def test_a_429_waits_as_long_as_the_webhook_asks(
    deliverer: NotificationDeliverer, chat: tuple[FakeChat, str], clock: SimulatedClock
) -> None:
    state, url = chat
    state.failures.append(429)
    state.retry_after = "1800"  # longer than our first backoff: the receiver's wish wins
    user = await immediate_user(clock, email=False, slack=url + SLACK_PATH)
    await service.notify(clock, user, "test", "Hello", "Body", dedupe_key="k")
    assert (await deliverer.run_until_idle()).retrying == 1
    delivery = await Delivery.get(user=user)
    assert delivery.due_at == clock.now() + timedelta(seconds=1800) and "answered 429" in delivery.last_error
    clock.advance(backoff(1))
    assert (await deliverer.run_until_idle()).claimed == 0 and state.attempts == 1
    clock.advance(timedelta(seconds=1800) - backoff(1))
    assert (await deliverer.run_until_idle()).sent == 1
    assert len(state.payloads(SLACK_PATH)) == 1


def test_retry_after_reads_seconds_and_dates_against_the_reply_date() -> None:
    sent = "Sun, 22 Nov 2026 08:00:00 GMT"
    assert retry_after("120") == timedelta(minutes=2)
    assert retry_after("Sun, 22 Nov 2026 08:05:00 GMT", sent) == timedelta(minutes=5)
    assert retry_after("Sun, 22 Nov 2026 07:55:00 GMT", sent) == timedelta(0)
    assert retry_after("Sun, 22 Nov 2026 08:05:00 GMT") is None  # no Date to read it against
    assert retry_after("soon") is None and retry_after("") is None


def test_retry_after_takes_only_ascii_delay_seconds_and_every_http_date_form() -> None:
    sent = "Sun, 22 Nov 2026 08:00:00 GMT"
    # Digits Python calls digits but RFC 9110's delay-seconds does not: superscripts, other scripts.
    for value in ("\u00b2", "\u0663", "1\u00b2", "-5", "+5", "1.5", "1 2"):
        assert retry_after(value, sent) is None, value
    # A wait too long for a date is held at the longest we honour, not an overflow.
    assert retry_after("9" * 30) == MAX_RETRY_AFTER
    # RFC 850 and asctime dates are HTTP dates too.
    assert retry_after("Sunday, 22-Nov-26 08:05:00 GMT", sent) == timedelta(minutes=5)
    assert retry_after("Sun Nov 22 08:05:00 2026", sent) == timedelta(minutes=5)
    assert retry_after("Sun, 22 Nov 9999 08:05:00 GMT", sent) == MAX_RETRY_AFTER


async def test_gives_up_after_the_last_attempt_and_says_why(
    notify_settings: Settings, clock: SimulatedClock, http_client: httpx.AsyncClient,
    chat: tuple[FakeChat, str],
) -> None:
    state, url = chat
    settings = notify_settings.model_copy(update={"notify_max_attempts": 2})
    deliverer = NotificationDeliverer(settings, clock, http_client)
    state.failures.extend([503, 503, 503])
    user = await immediate_user(clock, email=False, slack=url + SLACK_PATH)
    await service.notify(clock, user, "test", "Hello", "Body", dedupe_key="k")
    await deliverer.run_until_idle()
    clock.advance(timedelta(hours=1))
    assert (await deliverer.run_until_idle()).failed == 1
    delivery = await Delivery.get(user=user)
    assert delivery.status == DeliveryStatus.FAILED
    assert "gave up after 2 attempts" in delivery.last_error
    clock.advance(timedelta(days=1))
    assert (await deliverer.run_until_idle()).claimed == 0
    assert state.attempts == 2


async def test_a_removed_webhook_fails_at_once(
    deliverer: NotificationDeliverer, chat: tuple[FakeChat, str], clock: SimulatedClock
) -> None:
    state, url = chat
    state.failures.append(404)
    user = await immediate_user(clock, email=False, slack=url + SLACK_PATH)
    await service.notify(clock, user, "test", "Hello", "Body", dedupe_key="k")
    assert (await deliverer.run_until_idle()).failed == 1
    assert (await Delivery.get(user=user)).status == DeliveryStatus.FAILED


async def test_daily_digest_sends_one_email_at_the_digest_hour(
    deliverer: NotificationDeliverer, smtp: tuple[Inbox, int], clock: SimulatedClock
) -> None:
    user = await factories.create_user(clock)  # no preferences saved: daily digest by email
    for n in range(3):
        await service.notify(clock, user, "campaign_launched", f"Campaign {n}", f"Body {n}",
                             dedupe_key=f"c{n}")
    assert (await deliverer.run_until_idle()).claimed == 0
    digest_at = service.next_digest_at(user, Frequency.DAILY, clock.now())
    clock.set(digest_at)
    report = await deliverer.run_until_idle()
    assert (report.sent, report.messages) == (3, 1)
    [message] = smtp[0].messages
    assert "daily digest" in message["Subject"] and "3 notices" in message["Subject"]
    text = body(message)
    assert all(f"Campaign {n}" in text and f"Body {n}" in text for n in range(3))


async def test_a_channel_turned_off_before_sending_is_skipped(
    deliverer: NotificationDeliverer, notify_settings: Settings, smtp: tuple[Inbox, int],
    clock: SimulatedClock,
) -> None:
    user = await factories.create_user(clock)
    await service.notify(clock, user, "test", "Hello", "Body", dedupe_key="k")
    await service.update_preferences(clock, notify_settings, user, email_enabled=False,
                                     slack_webhook_url="", teams_webhook_url="", frequency="daily")
    clock.advance(timedelta(days=2))
    await deliverer.run_until_idle()
    assert smtp[0].messages == []
    assert (await Delivery.get(user=user)).status == DeliveryStatus.SKIPPED


async def test_switching_to_immediate_sends_waiting_digest_notices_now(
    deliverer: NotificationDeliverer, notify_settings: Settings, smtp: tuple[Inbox, int],
    clock: SimulatedClock,
) -> None:
    user = await factories.create_user(clock)
    await service.notify(clock, user, "test", "Hello", "Body", dedupe_key="k")
    await service.update_preferences(clock, notify_settings, user, email_enabled=True,
                                     slack_webhook_url="", teams_webhook_url="", frequency="immediate")
    assert (await deliverer.run_until_idle()).sent == 1
    assert smtp[0].messages[0]["Subject"] == "Hello"


async def test_a_send_cut_short_is_unconfirmed_and_never_resent(
    deliverer: NotificationDeliverer, smtp: tuple[Inbox, int], clock: SimulatedClock,
    notify_settings: Settings,
) -> None:
    user = await immediate_user(clock)
    await service.notify(clock, user, "test", "Hello", "Body", dedupe_key="k")
    _, claimed = await deliverer.claim_due()  # a worker that then stops without a word
    assert len(claimed) == 1
    clock.advance(timedelta(seconds=notify_settings.notify_lease_seconds + 1))
    report = await deliverer.run_until_idle()
    assert report.unconfirmed == 1 and report.sent == 0
    assert smtp[0].messages == []
    delivery = await Delivery.get(user=user)
    assert delivery.status == DeliveryStatus.UNCONFIRMED and "not sent again" in delivery.last_error


@pytest.mark.postgres
async def test_two_workers_deliver_each_message_once(
    notify_settings: Settings, clock: SimulatedClock, http_client: httpx.AsyncClient,
    chat: tuple[FakeChat, str],
) -> None:
    if not notify_settings.is_postgres:
        pytest.skip("needs PostgreSQL (set ADVOCACY_TEST_DATABASE_URL)")
    state, url = chat
    settings = notify_settings.model_copy(update={"notify_batch_size": 7})
    users = [await immediate_user(clock, email=False, slack=f"{url}/services/T/B/{n}") for n in range(12)]
    for n in range(5):
        await service.notify_many(clock, users, "test", f"Notice {n}", "Body", dedupe_key=f"k{n}")
    workers = [
        NotificationDeliverer(settings, clock, http_client, worker_name=f"w{i}", use_skip_locked=True)
        for i in range(2)
    ]
    reports = await asyncio.gather(*(worker.run_until_idle() for worker in workers))
    assert sum(report.sent for report in reports) == 60
    assert all(report.sent > 0 for report in reports)  # both took part
    received = [
        (n, payload["blocks"][0]["text"]["text"])
        for n in range(12)
        for payload in state.payloads(f"/services/T/B/{n}")
    ]
    assert len(received) == 60 and len(set(received)) == 60
    assert await Delivery.filter(status=DeliveryStatus.SENT).count() == 60
    assert await Delivery.filter(channel=Channel.SLACK).count() == 60
