"""Local servers the notification tests deliver to: SMTP (aiosmtpd) and a chat webhook server."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest

from advocacy.clock import SimulatedClock
from advocacy.notify.delivery import NotificationDeliverer
from advocacy.settings import Settings
from tests.users.test_password_reset import Inbox, inbox  # noqa: F401 (the SMTP server fixture)


@pytest.fixture
def smtp(inbox: tuple[Inbox, int]) -> tuple[Inbox, int]:  # noqa: F811
    """The password-reset tests' local SMTP server, under the name these tests use."""
    return inbox


@pytest.fixture
def notify_settings(database: Settings, smtp: tuple[Inbox, int]) -> Settings:
    # The local servers listen on 127.0.0.1, a private address: allowed here on purpose.
    return database.model_copy(update={
        "smtp_host": "127.0.0.1", "smtp_port": smtp[1], "public_base_url": "https://advocacy.example",
        "notify_webhook_private_addresses": True,
    })


@pytest.fixture
async def http_client() -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient() as client:
        yield client


@pytest.fixture
def deliverer(
    notify_settings: Settings, clock: SimulatedClock, http_client: httpx.AsyncClient
) -> NotificationDeliverer:
    return NotificationDeliverer(notify_settings, clock, http_client, worker_name="test",
                                 use_skip_locked=notify_settings.is_postgres)
