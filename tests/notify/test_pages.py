"""Preferences page and API, the in-app list, one-click unsubscribe and the admins' outbox."""

from __future__ import annotations

import asyncio
import re
from datetime import timedelta

import httpx
import pytest

from advocacy.audit.models import AuditEntry
from advocacy.clock import SimulatedClock
from advocacy.errors import InvalidInput
from advocacy.notify import service
from advocacy.notify.delivery import NotificationDeliverer
from advocacy.notify.models import Delivery, DeliveryStatus, Frequency, NotificationPreference
from advocacy.settings import Settings
from advocacy.users.models import User
from advocacy.users.service import issue_api_token
from tests import factories
from tests.test_api import bearer
from tests.test_pages import csrf_of, element, sign_in
from tests.users.test_password_reset import Inbox, body

# A public address that resolves without a name server (the tests run offline); a host name that
# does not resolve is refused when saved.
SLACK = "https://1.1.1.1/services/T000/B000/XXXX"


async def test_preferences_api_saves_channels_and_frequency(
    client: httpx.AsyncClient, clock: SimulatedClock
) -> None:
    user = await factories.create_user(clock)
    client.headers.update(bearer(await issue_api_token(clock, user)))
    assert (await client.get("/api/v1/me/notification-preferences")).json() == {
        "email_enabled": True, "slack_webhook_url": "", "teams_webhook_url": "", "frequency": "daily",
        "in_app": True,
    }
    saved = await client.put("/api/v1/me/notification-preferences", json={
        "email_enabled": False, "slack_webhook_url": SLACK, "frequency": "weekly"})
    assert saved.status_code == 200, saved.text
    preference = await NotificationPreference.get(user=user)
    assert (preference.email_enabled, preference.frequency) == (False, Frequency.WEEKLY)
    # Kept encrypted: the address is a secret that lets anyone post to the channel.
    assert preference.slack_webhook_encrypted and "T000/B000" not in preference.slack_webhook_encrypted
    assert (await client.get("/api/v1/me/notification-preferences")).json()["slack_webhook_url"] == SLACK
    entry = await AuditEntry.get(action="notifications.preferences")
    assert entry.details["channels"] == ["slack"] and SLACK not in str(entry.details)


async def test_a_webhook_in_a_private_network_is_refused_and_nothing_changes(
    client: httpx.AsyncClient, clock: SimulatedClock
) -> None:
    user = await factories.create_user(clock)
    client.headers.update(bearer(await issue_api_token(clock, user)))
    for address in ("http://127.0.0.1:8080/hook", "https://10.1.2.3/services/x", "http://[::1]/x"):
        refused = await client.put("/api/v1/me/notification-preferences", json={
            "email_enabled": False, "slack_webhook_url": address, "frequency": "immediate"})
        assert refused.status_code == 422
        error = refused.json()["error"]
        assert "points inside a private network" in error["message"]
        assert error["details"] == {"field": "slack_webhook_url"}
    assert not await NotificationPreference.exists(user=user)


@pytest.mark.parametrize("address", [
    "http://unresolvable-host.invalid/hook", "http://127.0.0.1.:8080/hook", "https://a..b/hook",
    f"https://{'a' * 64}.example/hook", "https://example.org:99999/hook",
])
async def test_a_webhook_address_that_does_not_resolve_is_refused_and_nothing_changes(
    client: httpx.AsyncClient, clock: SimulatedClock, address: str
) -> None:
    user = await factories.create_user(clock)
    client.headers.update(bearer(await issue_api_token(clock, user)))
    refused = await client.put("/api/v1/me/notification-preferences", json={
        "email_enabled": False, "slack_webhook_url": address, "frequency": "immediate"})
    assert refused.status_code == 422, refused.text
    error = refused.json()["error"]
    assert "cannot be found" in error["message"] or "not a valid web address" in error["message"]
    assert error["details"] == {"field": "slack_webhook_url"}
    assert not await NotificationPreference.exists(user=user)


async def test_production_requires_https_webhooks(database: Settings, clock: SimulatedClock) -> None:
    user = await factories.create_user(clock)
    production = database.model_copy(update={"env": "production"})
    with pytest.raises(InvalidInput, match="must be a full https:// URL"):
        await service.update_preferences(clock, production, user, email_enabled=True,
                                         slack_webhook_url="", frequency="daily",
                                         teams_webhook_url="http://example.webhook.office.com/x")
    for nonsense in ("not a url", "https://[::1", "ftp://example.org/x"):
        with pytest.raises(InvalidInput):
            await service.update_preferences(clock, database, user, email_enabled=True,
                                             slack_webhook_url=nonsense, teams_webhook_url="",
                                             frequency="daily")


async def test_preferences_page_shows_a_bad_address_inline_and_keeps_what_was_typed(
    client: httpx.AsyncClient, clock: SimulatedClock
) -> None:
    user = await factories.create_user(clock, "leader")
    await sign_in(client, user)
    page = await client.get("/me/notifications")
    assert page.status_code == 200 and "No notices yet" in page.text
    answer = await client.post("/me/notifications", data={
        "csrf_token": csrf_of(page.text), "email_enabled": "1", "frequency": "immediate",
        "slack_webhook_url": "http://192.168.1.20/hook", "teams_webhook_url": ""})
    assert answer.status_code == 400
    assert "points inside a private network" in element(answer.text, "slack_webhook_url-error")
    assert 'value="http://192.168.1.20/hook"' in answer.text
    assert re.search(r'value="immediate" checked', answer.text)
    assert not await NotificationPreference.exists(user=user)

    saved = await client.post("/me/notifications", data={
        "csrf_token": csrf_of(answer.text), "frequency": "weekly", "slack_webhook_url": SLACK})
    assert saved.status_code == 303
    preference = await NotificationPreference.get(user=user)
    assert (preference.email_enabled, preference.frequency) == (False, Frequency.WEEKLY)


async def test_notices_are_listed_in_app_and_marked_read(
    client: httpx.AsyncClient, clock: SimulatedClock
) -> None:
    user = await factories.create_user(clock)
    await service.notify(clock, user, "test", "Flu season campaign", "Three posts.", link="/feed",
                         dedupe_key="k")
    listed = (await client.get("/api/v1/me/notifications",
                                headers=bearer(await issue_api_token(clock, user)))).json()
    await sign_in(client, user)
    assert [(n["subject"], n["read"]) for n in listed] == [("Flu season campaign", False)]
    page = await client.get("/me/notifications")
    assert "new" in element(page.text, f"notice-{listed[0]['id']}")
    again = await client.get("/me/notifications")
    assert "unread" not in element(again.text, f"notice-{listed[0]['id']}")


async def emailed_unsubscribe_path(
    deliverer: NotificationDeliverer, smtp: tuple[Inbox, int], clock: SimulatedClock, user: User
) -> str:
    await NotificationPreference.create(user=user, frequency=Frequency.IMMEDIATE, updated_at=clock.now())
    await service.notify(clock, user, "test", "First", "Body", dedupe_key="1")
    await deliverer.run_until_idle()
    [message] = smtp[0].messages
    found = re.search(r"https://advocacy.example(/notifications/unsubscribe/\S+)", body(message))
    assert found
    assert message["List-Unsubscribe"] == f"<https://advocacy.example{found.group(1)}>"
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    return found.group(1)


async def test_unsubscribe_link_asks_first_and_one_post_turns_email_off_without_signing_in(
    deliverer: NotificationDeliverer, smtp: tuple[Inbox, int], clock: SimulatedClock,
    client: httpx.AsyncClient,
) -> None:
    user = await factories.create_user(clock)
    path = await emailed_unsubscribe_path(deliverer, smtp, clock, user)
    await service.notify(clock, user, "test", "Second", "Body", dedupe_key="2")  # waiting to be sent

    # Opening the link (as a mail scanner does) only asks.
    page = await client.get(path)
    assert page.status_code == 200 and "Unsubscribe from notification emails?" in page.text
    assert (await NotificationPreference.get(user=user)).email_enabled
    # A mail client's one-click POST (RFC 8058): no session, no CSRF token.
    client.cookies.clear()
    done = await client.post(path, content=b"List-Unsubscribe=One-Click",
                             headers={"content-type": "application/x-www-form-urlencoded"})
    assert done.status_code == 200
    assert "will get no more notification emails" in element(done.text, "unsubscribed")
    assert not (await NotificationPreference.get(user=user)).email_enabled
    await deliverer.run_until_idle()
    assert len(smtp[0].messages) == 1
    assert (await Delivery.filter(user=user).order_by("id"))[1].status == DeliveryStatus.SKIPPED
    assert await AuditEntry.filter(action="notifications.unsubscribe", actor_id=user.id).count() == 1
    twice = await client.post(path, data={"List-Unsubscribe": "One-Click"})
    assert twice.status_code == 200 and "already unsubscribed" in twice.text

    for method in ("GET", "POST"):
        forged = await client.request(method, path[:-3] + "abc")
        assert forged.status_code == 404 and "not valid" in forged.text


async def test_unsubscribe_link_expires(
    deliverer: NotificationDeliverer, smtp: tuple[Inbox, int], clock: SimulatedClock,
    client: httpx.AsyncClient, settings: Settings,
) -> None:
    user = await factories.create_user(clock)
    path = await emailed_unsubscribe_path(deliverer, smtp, clock, user)
    clock.advance(timedelta(days=settings.unsubscribe_link_days, minutes=1))
    for method in ("GET", "POST"):
        response = await client.request(method, path)
        assert response.status_code == 410 and "This unsubscribe link has expired" in response.text
    assert (await NotificationPreference.get(user=user)).email_enabled


async def test_admin_sees_failures_with_their_reason_and_sends_one_again(
    client: httpx.AsyncClient, clock: SimulatedClock
) -> None:
    user = await factories.create_user(clock)
    await NotificationPreference.create(user=user, frequency=Frequency.IMMEDIATE, updated_at=clock.now())
    await service.notify(clock, user, "test", "Hello", "Body", dedupe_key="k")
    delivery = await Delivery.get(user=user)
    await Delivery.filter(id=delivery.id).update(status=DeliveryStatus.FAILED, attempts=5,
                                                  last_error="the mail server answered 550 no such user")
    admin = await factories.create_user(clock, "admin")
    await sign_in(client, admin)
    page = await client.get("/admin/notifications")
    row = element(page.text, f"delivery-{delivery.id}")
    assert "550 no such user" in row and user.email in row
    token = bearer(await issue_api_token(clock, admin))
    api = await client.get("/api/v1/notifications/outbox", params={"status": "failed"}, headers=token)
    assert [d["id"] for d in api.json()] == [delivery.id]
    again = await client.post(f"/admin/notifications/{delivery.id}/send-again",
                              data={"csrf_token": csrf_of(page.text)})
    assert again.status_code == 303
    delivery = await Delivery.get(id=delivery.id)
    assert delivery.status == DeliveryStatus.PENDING and delivery.attempts == 0
    assert await AuditEntry.filter(action="notifications.send-again").count() == 1
    conflict = await client.post(f"/api/v1/notifications/deliveries/{delivery.id}/send-again",
                                 headers=token)
    assert conflict.status_code == 409


async def test_the_unsubscribe_link_opened_twice_at_once_turns_email_off_once(
    database: Settings, clock: SimulatedClock
) -> None:
    user = await factories.create_user(clock)
    results = await asyncio.gather(*(service.unsubscribe_email(clock, user) for _ in range(2)))
    assert sorted(results) == [False, True]
    assert not (await NotificationPreference.get(user=user)).email_enabled
    assert await AuditEntry.filter(action="notifications.unsubscribe").count() == 1


async def test_the_outbox_lists_every_delivery_fifty_a_page_and_sends_a_failed_one_again_once(
    client: httpx.AsyncClient, clock: SimulatedClock, deliverer: NotificationDeliverer,
    smtp: tuple[Inbox, int],
) -> None:
    person = await factories.create_user(clock, name="Rosa Recipient", email="rosa@example.org")
    await NotificationPreference.create(user=person, frequency=Frequency.IMMEDIATE, updated_at=clock.now())
    for n in range(55):
        await service.notify(clock, person, "test", f"Notice {n}", "Body", dedupe_key=f"k{n}")
        clock.advance(timedelta(minutes=1))
    await deliverer.run_until_idle()
    assert len(smtp[0].messages) == 55
    sent_one = await Delivery.filter(notification__subject="Notice 54").get()
    failed = await Delivery.filter(notification__subject="Notice 53").get()
    await Delivery.filter(id=failed.id).update(status=DeliveryStatus.FAILED, attempts=5, sent_at=None,
                                               last_error="the mail server answered 550 no such user")
    admin = await factories.create_user(clock, "admin")
    await sign_in(client, admin)

    page = await client.get("/admin/notifications")
    heading = element(page.text, "deliveries-heading")
    assert "Every delivery" in heading and "(55, latest first)" in heading
    table = element(page.text, "outbox-deliveries")
    assert table.count("<tr id=\"delivery-") == 50
    # Latest first: the last notice queued heads the list, the first five are on the next page.
    assert table.index("Notice 54") < table.index("Notice 53") < table.index("Notice 5<")
    assert "Notice 4<" not in table
    row = element(page.text, f"delivery-{failed.id}")
    for seen in ("Rosa Recipient &lt;rosa@example.org&gt;", "email", "failed",
                 '<td data-label="Attempts">5</td>', "550 no such user", "queued Mon 2 Nov 2026, 08:53",
                 "Send again"):
        assert seen in row, (seen, row)
    sent_row = element(page.text, f"delivery-{sent_one.id}")
    assert "sent" in sent_row and "sent Mon 2 Nov 2026" in sent_row and "Send again" not in sent_row
    pager = element(page.text, "outbox-pages")
    assert "Page 1 of 2" in pager and 'href="/admin/notifications?page=2">older</a>' in pager
    older = element((await client.get("/admin/notifications?page=2")).text, "outbox-deliveries")
    assert older.count("<tr id=\"delivery-") == 5 and "Notice 0<" in older

    # A delivery that went out is refused, with the reason on the page, and stays as it was.
    token = csrf_of(page.text)
    refused = await client.post(f"/admin/notifications/{sent_one.id}/send-again",
                                data={"csrf_token": token})
    assert refused.status_code == 409
    assert "Only failed or unconfirmed deliveries are sent again; this one is sent." in element(
        refused.text, "outbox-error")
    assert (await Delivery.get(id=sent_one.id)).status == DeliveryStatus.SENT

    again = await client.post(f"/admin/notifications/{failed.id}/send-again", data={"csrf_token": token})
    assert again.status_code == 303
    twice = await client.post(f"/admin/notifications/{failed.id}/send-again", data={"csrf_token": token})
    assert twice.status_code == 409 and "this one is pending" in twice.text
    await deliverer.run_until_idle()
    # Sent once more, by the worker's queue: one message more in all, and the row says it went.
    assert [m["Subject"] for m in smtp[0].messages].count("Notice 53") == 2
    assert len(smtp[0].messages) == 56
    row = element((await client.get("/admin/notifications")).text, f"delivery-{failed.id}")
    assert '<td data-label="State">sent</td>' in row and "Send again" not in row
