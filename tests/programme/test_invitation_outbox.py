"""Invitations go through the notification outbox (retried, visible to admins, held while sending
is off), and an editor can copy a person's single-use join link to hand over another way."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from datetime import timedelta

import httpx
import pytest

from advocacy.audit.models import AuditEntry
from advocacy.clock import SimulatedClock
from advocacy.notify.delivery import NotificationDeliverer
from advocacy.notify.models import Channel, Delivery, DeliveryStatus, Notification
from advocacy.settings import Settings
from tests import factories
from tests.programme.test_programme_pages import app_client
from tests.test_browser import free_port
from tests.test_pages import element, sign_in, submit
from tests.users.test_password_reset import Inbox, inbox  # noqa: F401  (the SMTP server fixture)

JOIN_LINK = re.compile(r"http://testserver(/join/[A-Za-z0-9_-]+)")


@pytest.fixture
def held(database: Settings) -> Settings:
    """A server that does not send (ADVOCACY_NOTIFY_SEND=false), its mail server down for now."""
    return database.model_copy(update={"smtp_host": "127.0.0.1", "smtp_port": free_port(),
                                       "public_base_url": "http://testserver", "notify_send": False})


@pytest.fixture
async def http(held: Settings, clock: SimulatedClock) -> AsyncIterator[httpx.AsyncClient]:
    async with app_client(held, clock) as client:
        yield client


async def test_an_invitation_waits_in_the_outbox_is_retried_and_then_arrives(
    http: httpx.AsyncClient, held: Settings, clock: SimulatedClock, inbox: tuple[Inbox, int]  # noqa: F811
) -> None:
    admin = await factories.create_user(clock, "admin")
    await sign_in(http, admin)
    invited = await submit(http, "/programme", "/programme/invite", {"email": "rosa@example.org",
                                                                     "name": "Rosa"})
    assert invited.status_code == 303
    page = await http.get("/programme")
    assert ("rosa@example.org is invited: the email waits in the outbox (this server does not send "
            "email at the moment).") in page.text
    [delivery] = await Delivery.all().select_related("notification")
    assert (delivery.channel, delivery.status, delivery.in_digest) == (Channel.EMAIL, DeliveryStatus.PENDING,
                                                                      False)
    pending = element((await http.get("/admin/notifications?status=pending")).text, "outbox-deliveries")
    assert "rosa@example.org" in pending and "an invitation to the ambassador programme" in pending

    async with httpx.AsyncClient() as client:
        # The mail server is down: the invitation stays in the outbox and is tried again later.
        report = await NotificationDeliverer(held, clock, client).run_once()
        assert (report.claimed, report.retrying) == (1, 1)
        retrying = element((await http.get("/admin/notifications?status=pending")).text,
                           f"delivery-{delivery.id}")
        assert '<td data-label="Attempts">1</td>' in retrying and "rosa@example.org" in retrying
        assert inbox[0].messages == []

        clock.advance(timedelta(minutes=2))
        working = held.model_copy(update={"smtp_port": inbox[1]})
        assert (await NotificationDeliverer(working, clock, client).run_until_idle()).sent == 1
    [message] = inbox[0].messages
    assert message["To"] == "rosa@example.org"
    payload = message.get_payload(decode=True)
    assert isinstance(payload, bytes)
    found = JOIN_LINK.search(payload.decode())
    assert found is not None
    http.cookies.clear()
    assert "Rosa" in (await http.get(found.group(1))).text


async def test_an_editor_copies_a_fresh_join_link_that_replaces_the_emailed_one(
    http: httpx.AsyncClient, clock: SimulatedClock
) -> None:
    editor = await factories.create_user(clock, "editor")
    member = await factories.create_user(clock, "ambassador")
    await sign_in(http, editor)
    assert (await submit(http, "/programme", "/programme/invite", {"email": "ines@example.org",
                                                                   "name": "Ines"})).status_code == 303
    [notice] = await Notification.filter(kind="invitation")
    emailed = JOIN_LINK.search(notice.body)
    assert emailed is not None
    page = await http.get("/programme")
    row = element(page.text, f"member-{notice.user_id}")
    assert "Get a join link" in row
    assert "Get a join link" not in element(page.text, f"member-{member.id}")  # already in the programme

    made = await submit(http, "/programme", f"/programme/members/{notice.user_id}/join-link", {})
    assert made.status_code == 200
    card = element(made.text, "join-link")
    assert "Join link for Ines" in card and "an earlier email's link no longer works" in card
    copied = JOIN_LINK.search(card)
    assert copied is not None and copied.group(1) != emailed.group(1)
    assert await AuditEntry.filter(action="programme.join-link", target=f"user:{notice.user_id}").exists()

    refused = await submit(http, "/programme", f"/programme/members/{member.id}/join-link", {})
    assert refused.status_code == 409 and "is already in the programme" in refused.text
    http.cookies.clear()
    assert (await http.get(emailed.group(1))).status_code == 410
    joining = await http.get(copied.group(1))
    assert joining.status_code == 200 and "Ines" in joining.text
