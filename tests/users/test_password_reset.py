"""Password reset by an emailed single-use link, through a real SMTP server the test starts."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from datetime import timedelta
from email import message_from_bytes
from email.message import Message

import httpx
import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, Envelope, Session
from asgi_lifespan import LifespanManager

from advocacy.app import create_app
from advocacy.audit.models import AuditEntry
from advocacy.clock import SimulatedClock
from advocacy.notify.delivery import DeliveryReport, NotificationDeliverer
from advocacy.notify.models import Notification
from advocacy.settings import Settings
from advocacy.users.models import ApiToken, PasswordReset, User
from advocacy.users.service import PASSWORD_RESETS_PER_WINDOW
from tests import factories
from tests.test_api import bearer
from tests.test_pages import csrf_of, sign_in
from tests.users.test_oidc import free_port
from tests.users.test_sessions import try_password

LINK = re.compile(r"http://testserver(/password/reset/[A-Za-z0-9_-]+)")
NEW_PASSWORD = "a brand new passphrase"
Deliver = Callable[[], Awaitable[DeliveryReport]]


class Inbox:
    """An aiosmtpd handler that keeps every message it receives."""

    def __init__(self) -> None:
        self.messages: list[Message] = []

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        assert isinstance(envelope.content, bytes)
        self.messages.append(message_from_bytes(envelope.content))
        return "250 Message accepted for delivery"


@pytest.fixture
def inbox() -> Iterator[tuple[Inbox, int]]:
    handler = Inbox()
    port = free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield handler, port
    finally:
        controller.stop()


@pytest.fixture
def mail_settings(database: Settings, inbox: tuple[Inbox, int]) -> Settings:
    return database.model_copy(update={"smtp_host": "127.0.0.1", "smtp_port": inbox[1],
                                       "public_base_url": "http://testserver"})


@pytest.fixture
def deliver(mail_settings: Settings, clock: SimulatedClock) -> Callable[[], Awaitable[DeliveryReport]]:
    """Runs the outbox's delivery job (the worker's) until nothing is due."""
    async def run() -> DeliveryReport:
        async with httpx.AsyncClient() as client:
            return await NotificationDeliverer(mail_settings, clock, client).run_until_idle()
    return run


@pytest.fixture
async def http(mail_settings: Settings, clock: SimulatedClock) -> AsyncIterator[httpx.AsyncClient]:
    async with LifespanManager(create_app(mail_settings, clock)) as manager:
        transport = httpx.ASGITransport(app=manager.app)
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
            yield client


async def ask_for_link(http: httpx.AsyncClient, email: str) -> httpx.Response:
    page = await http.get("/password/forgot")
    return await http.post("/password/forgot", data={"email": email, "csrf_token": csrf_of(page.text)})


async def choose(
    http: httpx.AsyncClient, path: str, password: str, again: str | None = None
) -> httpx.Response:
    page = await http.get(path)
    return await http.post(path, data={"password": password, "password_again": again or password,
                                       "csrf_token": csrf_of(page.text)})


def body(message: Message) -> str:
    payload = message.get_payload(decode=True)
    assert isinstance(payload, bytes)
    return payload.decode()


async def test_emailed_link_sets_a_new_password_once(
    http: httpx.AsyncClient, inbox: tuple[Inbox, int], deliver: Deliver, clock: SimulatedClock
) -> None:
    user = await factories.create_user(clock, "editor")
    answer = await ask_for_link(http, user.email.upper())
    assert answer.status_code == 303
    assert "link to choose a new password is on its way" in (await http.get("/login")).text
    await deliver()
    [message] = inbox[0].messages
    assert message["To"] == user.email
    found = LINK.search(body(message))
    assert found
    path = found.group(1)
    token = path.rsplit("/", 1)[1]
    # Only a digest of the token is stored.
    assert token not in str(await PasswordReset.all().values_list("token_digest", flat=True))

    assert (await choose(http, path, NEW_PASSWORD)).status_code == 303
    assert (await try_password(http, user.email, factories.PASSWORD)).status_code == 400
    assert (await try_password(http, user.email, NEW_PASSWORD)).status_code == 303
    http.cookies.clear()
    again = await choose(http, path, "yet another passphrase")
    assert again.status_code == 400 and "not valid any more" in again.text
    assert await AuditEntry.filter(action="password.reset", actor_id=user.id).count() == 1


async def test_link_expires(
    http: httpx.AsyncClient, inbox: tuple[Inbox, int], deliver: Deliver, clock: SimulatedClock,
    settings: Settings,
) -> None:
    user = await factories.create_user(clock, "leader")
    await ask_for_link(http, user.email)
    await deliver()
    found = LINK.search(body(inbox[0].messages[0]))
    assert found
    clock.advance(timedelta(minutes=settings.password_reset_minutes + 1))
    response = await choose(http, found.group(1), NEW_PASSWORD)
    assert response.status_code == 400 and "not valid any more" in response.text
    assert (await try_password(http, user.email, factories.PASSWORD)).status_code == 303


async def test_unknown_address_gets_the_same_answer_and_no_mail(
    http: httpx.AsyncClient, inbox: tuple[Inbox, int], deliver: Deliver
) -> None:
    response = await ask_for_link(http, "nobody@example.org")
    assert response.status_code == 303 and response.headers["location"] == "/login"
    assert "link to choose a new password is on its way" in (await http.get("/login")).text
    await deliver()
    assert inbox[0].messages == []


async def test_mismatched_or_short_passwords_are_refused_inline_and_keep_the_link(
    http: httpx.AsyncClient, inbox: tuple[Inbox, int], deliver: Deliver, clock: SimulatedClock
) -> None:
    user = await factories.create_user(clock, "reviewer")
    await ask_for_link(http, user.email)
    await deliver()
    found = LINK.search(body(inbox[0].messages[0]))
    assert found
    differ = await choose(http, found.group(1), NEW_PASSWORD, "something else entirely")
    assert differ.status_code == 400 and "differ" in differ.text
    short = await choose(http, found.group(1), "short")
    assert short.status_code == 400 and "at least 12 characters" in short.text
    common = await choose(http, found.group(1), "123456789012")
    assert common.status_code == 400 and "Choose a harder password" in common.text
    assert (await choose(http, found.group(1), NEW_PASSWORD)).status_code == 303


async def test_reset_emails_are_limited_per_account_and_window(
    http: httpx.AsyncClient, inbox: tuple[Inbox, int], deliver: Deliver, clock: SimulatedClock,
    settings: Settings,
) -> None:
    user = await factories.create_user(clock, "editor")
    for _ in range(PASSWORD_RESETS_PER_WINDOW + 2):
        answer = await ask_for_link(http, user.email)
        # The answer never tells whether a mail went out.
        assert answer.status_code == 303 and answer.headers["location"] == "/login"
    await deliver()
    assert len(inbox[0].messages) == PASSWORD_RESETS_PER_WINDOW
    assert await AuditEntry.filter(action="password.reset-throttled", actor_id=user.id).count() == 2
    clock.advance(timedelta(minutes=settings.login_window_minutes + 1))
    await ask_for_link(http, user.email)
    await deliver()
    assert len(inbox[0].messages) == PASSWORD_RESETS_PER_WINDOW + 1


async def test_a_reset_ends_every_session_and_token_of_the_account(
    http: httpx.AsyncClient, inbox: tuple[Inbox, int], deliver: Deliver, clock: SimulatedClock
) -> None:
    user = await factories.create_user(clock, "editor")
    # What an intruder who knew the old password holds: a browser session, a sign-in token and a
    # personal token they made.
    await sign_in(http, user)
    intruder_cookie = http.cookies["advocacy_session"]
    signed_in = await http.post("/api/v1/auth/login",
                                json={"email": user.email, "password": factories.PASSWORD})
    sign_in_token = bearer(signed_in.json()["token"])
    made = await http.post("/api/v1/me/tokens", json={"name": "backup"}, headers=sign_in_token)
    personal_token = bearer(made.json()["token"])
    http.cookies.clear()

    await ask_for_link(http, user.email)
    await deliver()
    found = LINK.search(body(inbox[0].messages[0]))
    assert found
    assert (await choose(http, found.group(1), NEW_PASSWORD)).status_code == 303

    http.cookies.clear()
    http.cookies["advocacy_session"] = intruder_cookie
    assert (await http.get("/studio")).headers["location"] == "/login?next=/studio"
    assert (await http.get("/api/v1/me", headers=sign_in_token)).status_code == 401
    assert (await http.get("/api/v1/me", headers=personal_token)).status_code == 401
    assert await ApiToken.filter(user_id=user.id, revoked_at=None).count() == 0


async def test_the_form_sends_nothing_itself_and_the_outbox_emails_a_link_made_as_it_leaves(
    http: httpx.AsyncClient, inbox: tuple[Inbox, int], deliver: Deliver, clock: SimulatedClock
) -> None:
    user = await factories.create_user(clock, "ambassador")
    # Someone who turned notification emails off still gets the link, at once, not in a digest.
    page = await submit_preferences(http, user)
    assert page.status_code == 303
    http.cookies.clear()
    assert (await ask_for_link(http, user.email)).status_code == 303
    # Answered without talking to the mail server, as for an unknown address.
    assert inbox[0].messages == []
    report = await deliver()
    assert report.sent == 1
    [message] = inbox[0].messages
    assert message["To"] == user.email and "List-Unsubscribe" not in message
    found = LINK.search(body(message))
    assert found
    # Neither the outbox nor the in-app notice holds the working link.
    stored = " ".join(await Notification.all().values_list("body", flat=True))
    assert found.group(1).rsplit("/", 1)[1] not in stored and "/password/reset/" not in stored
    assert (await choose(http, found.group(1), NEW_PASSWORD)).status_code == 303


async def submit_preferences(http: httpx.AsyncClient, user: User) -> httpx.Response:
    await sign_in(http, user)
    page = await http.get("/me/notifications")
    return await http.post("/me/notifications", data={
        "csrf_token": csrf_of(page.text), "frequency": "weekly",
        "slack_webhook_url": "", "teams_webhook_url": ""})
