"""The organisation's Microsoft Teams channel or workflow: new posts go out through the outbox as an
Adaptive Card per targeted ambassador, whose actions open their signed one-tap confirmations."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from starlette.applications import Starlette

from advocacy.clock import SimulatedClock
from advocacy.notify.delivery import NotificationDeliverer
from advocacy.notify.models import Channel, Delivery, DeliveryStatus, Frequency, NotificationPreference
from advocacy.notify.service import organisation_channels
from advocacy.settings import Settings
from advocacy.shares.one_tap import actions_provider
from advocacy.users.models import User
from tests import factories
from tests.fakes import chat_webhooks
from tests.test_pages import sign_in

WORKFLOW_PATH = "/workflows/advocacy/triggers/manual/run"
BASE = "https://advocacy.example"


@pytest.fixture
def teams_settings(database: Settings, chat: tuple[chat_webhooks.FakeChat, str]) -> Settings:
    # The local server listens on 127.0.0.1, a private address: allowed here on purpose.
    return database.model_copy(update={"teams_workflow_url": chat[1] + WORKFLOW_PATH,
                                       "notify_webhook_private_addresses": True, "public_base_url": BASE})


@pytest.fixture
def application(teams_settings: Settings, clock: SimulatedClock) -> Starlette:
    from advocacy.app import create_app

    return create_app(teams_settings, clock)


async def launch_and_deliver(clock: SimulatedClock, settings: Settings) -> User:
    person = await factories.create_user(clock, "ambassador")
    await factories.create_account(clock, person, "x")
    await NotificationPreference.create(user=person, frequency=Frequency.IMMEDIATE, email_enabled=False,
                                        updated_at=clock.now())
    await factories.create_launched_campaign(clock, organisation=organisation_channels(settings))
    async with httpx.AsyncClient() as http:
        await NotificationDeliverer(settings, clock, http, worker_name="test",
                                    post_actions=actions_provider(settings, clock)).run_until_idle()
    return person


async def test_new_posts_reach_the_teams_workflow_as_an_adaptive_card_with_share_links(
    teams_settings: Settings, chat: tuple[chat_webhooks.FakeChat, str], clock: SimulatedClock,
    client: httpx.AsyncClient,
) -> None:
    person = await launch_and_deliver(clock, teams_settings)
    [message] = chat[0].payloads(WORKFLOW_PATH)
    assert message["type"] == "message" and message["recipient"] == person.email
    [attachment] = message["attachments"]
    assert attachment["contentType"] == "application/vnd.microsoft.card.adaptive"
    card: dict[str, Any] = attachment["content"]
    assert card["type"] == "AdaptiveCard" and card["version"] == "1.4"
    texts = [block["text"] for block in card["body"] if block["type"] == "TextBlock"]
    assert "Our new cardiac unit opens" in texts
    [action_set] = [block for block in card["body"] if block["type"] == "ActionSet"]
    actions = action_set["actions"]
    assert [(a["type"], a["title"]) for a in actions] == [("Action.OpenUrl", "Share on X"),
                                                          ("Action.OpenUrl", "Auto-queue")]
    assert all(a["url"].startswith(f"{BASE}/share/") for a in actions)
    delivery = await Delivery.get(user_id=person.id, channel=Channel.TEAMS_APP)
    assert delivery.status == DeliveryStatus.SENT
    # The card's link is the person's own confirmation.
    await sign_in(client, person)
    page = await client.get(actions[0]["url"].removeprefix(BASE))
    assert page.status_code == 200 and "Share on X: confirm" in page.text


async def test_without_a_teams_address_nothing_is_posted(
    database: Settings, chat: tuple[chat_webhooks.FakeChat, str], clock: SimulatedClock
) -> None:
    await launch_and_deliver(clock, database)
    assert chat[0].payloads(WORKFLOW_PATH) == []
    assert not await Delivery.filter(channel=Channel.TEAMS_APP).exists()
