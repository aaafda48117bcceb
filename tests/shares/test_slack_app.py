"""The organisation's Slack app: new posts as a direct message with share buttons (through slack_sdk's
real client against a local server speaking the Web API), and signed button presses that queue the
share once."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import timedelta
from typing import Any
from urllib.parse import urlencode

import httpx
import pytest
from slack_sdk.signature import SignatureVerifier
from starlette.applications import Starlette

from advocacy.clock import SimulatedClock
from advocacy.notify.delivery import NotificationDeliverer
from advocacy.notify.models import Channel, Delivery, DeliveryStatus, Frequency, NotificationPreference
from advocacy.notify.service import organisation_channels
from advocacy.settings import Settings
from advocacy.shares.models import Share
from advocacy.shares.one_tap import actions_provider
from advocacy.users.models import User
from tests import factories
from tests.fakes import slack_server
from tests.fakes.serving import serve

SECRET = "test-signing-secret"


@pytest.fixture(scope="session")
def slack_instance() -> Iterator[tuple[slack_server.FakeSlack, str]]:
    state = slack_server.FakeSlack()
    with serve(slack_server.build_app(state)) as url:
        yield state, url


@pytest.fixture
def slack(slack_instance: tuple[slack_server.FakeSlack, str]) -> tuple[slack_server.FakeSlack, str]:
    slack_instance[0].reset()
    return slack_instance


@pytest.fixture
def slack_settings(database: Settings, slack: tuple[slack_server.FakeSlack, str]) -> Settings:
    return database.model_copy(update={
        "slack_bot_token": slack_server.TOKEN, "slack_signing_secret": SECRET,
        "slack_api_base_url": slack[1] + "/api/", "public_base_url": "https://advocacy.example",
    })


@pytest.fixture
def application(slack_settings: Settings, clock: SimulatedClock) -> Starlette:
    from advocacy.app import create_app

    return create_app(slack_settings, clock)


async def slack_ambassador(
    clock: SimulatedClock, slack: slack_server.FakeSlack, slack_id: str | None
) -> User:
    person = await factories.create_user(clock, "ambassador")
    await factories.create_account(clock, person, "linkedin")
    await NotificationPreference.create(user=person, frequency=Frequency.IMMEDIATE, email_enabled=False,
                                        updated_at=clock.now())
    if slack_id:
        slack.members[person.email] = slack_id
    return person


async def launch_and_deliver(clock: SimulatedClock, settings: Settings) -> None:
    await factories.create_launched_campaign(clock, organisation=organisation_channels(settings))
    async with httpx.AsyncClient() as http:
        await NotificationDeliverer(settings, clock, http, worker_name="test",
                                    post_actions=actions_provider(settings, clock)).run_until_idle()


async def delivered_button(
    clock: SimulatedClock, slack: slack_server.FakeSlack, settings: Settings
) -> dict[str, Any]:
    """A launch delivered to an ambassador known to Slack as U0INSLACK: their first share button."""
    await slack_ambassador(clock, slack, "U0INSLACK")
    await launch_and_deliver(clock, settings)
    return buttons(slack.messages[0])[0]


def buttons(message: dict[str, Any]) -> list[dict[str, Any]]:
    return [element for block in message["blocks"] if block["type"] == "actions"
            for element in block["elements"]]


def press(clock: SimulatedClock, slack_url: str, button: dict[str, Any], presser: str, *,
          secret: str = SECRET, age: timedelta = timedelta(0)) -> tuple[bytes, dict[str, str]]:
    """A block_actions interaction as Slack posts it, signed with `secret` at now - `age`."""
    payload = {"type": "block_actions", "user": {"id": presser},
               "response_url": f"{slack_url}/actions/T1/1/x",
               "actions": [{"type": "button", "action_id": button["action_id"], "value": button["value"]}]}
    body = urlencode({"payload": json.dumps(payload)}).encode()
    timestamp = str(int((clock.now() - age).timestamp()))
    signature = SignatureVerifier(secret).generate_signature(timestamp=timestamp, body=body)
    assert signature is not None
    return body, {"X-Slack-Request-Timestamp": timestamp, "X-Slack-Signature": signature,
                  "Content-Type": "application/x-www-form-urlencoded"}


async def test_new_posts_arrive_as_a_direct_message_with_share_buttons(
    slack_settings: Settings, slack: tuple[slack_server.FakeSlack, str], clock: SimulatedClock
) -> None:
    in_slack = await slack_ambassador(clock, slack[0], "U0INSLACK")
    not_in_slack = await slack_ambassador(clock, slack[0], None)
    await launch_and_deliver(clock, slack_settings)
    [message] = slack[0].messages
    assert message["channel"] == "U0INSLACK"
    assert message["text"].startswith("New campaign for you")
    assert [b["text"]["text"] for b in buttons(message)] == ["Share on LinkedIn", "Auto-queue"]
    sent = await Delivery.get(user_id=in_slack.id, channel=Channel.SLACK_APP)
    assert sent.status == DeliveryStatus.SENT
    missing = await Delivery.get(user_id=not_in_slack.id, channel=Channel.SLACK_APP)
    assert missing.status == DeliveryStatus.FAILED and "Slack has no member" in missing.last_error


async def test_without_the_apps_settings_nothing_goes_to_slack(
    database: Settings, slack: tuple[slack_server.FakeSlack, str], clock: SimulatedClock
) -> None:
    await slack_ambassador(clock, slack[0], "U0INSLACK")
    await launch_and_deliver(clock, database)
    assert slack[0].messages == []
    assert not await Delivery.filter(channel=Channel.SLACK_APP).exists()


async def test_a_signed_press_queues_exactly_one_share_even_when_pressed_twice(
    slack_settings: Settings, slack: tuple[slack_server.FakeSlack, str], clock: SimulatedClock,
    client: httpx.AsyncClient,
) -> None:
    person = await slack_ambassador(clock, slack[0], "U0INSLACK")
    await launch_and_deliver(clock, slack_settings)
    [message] = slack[0].messages
    share_button = buttons(message)[0]
    body, headers = press(clock, slack[1], share_button, "U0INSLACK")
    assert (await client.post("/slack/interactions", content=body, headers=headers)).status_code == 200
    [share] = await Share.all()
    assert share.user_id == person.id and share.network == "linkedin"
    again = await client.post("/slack/interactions", content=body, headers=headers)
    assert again.status_code == 200 and await Share.all().count() == 1
    answers = [response["text"] for response in slack[0].responses]
    assert answers[0].startswith("Queued: LinkedIn") and "already used" in answers[1]
    assert all(response["replace_original"] is False for response in slack[0].responses)


async def test_a_forged_or_stale_press_is_refused_and_changes_nothing(
    slack_settings: Settings, slack: tuple[slack_server.FakeSlack, str], clock: SimulatedClock,
    client: httpx.AsyncClient,
) -> None:
    share_button = await delivered_button(clock, slack[0], slack_settings)
    for forged in (press(clock, slack[1], share_button, "U0INSLACK", secret="guessed"),
                   press(clock, slack[1], share_button, "U0INSLACK", age=timedelta(minutes=6))):
        refused = await client.post("/slack/interactions", content=forged[0], headers=forged[1])
        assert refused.status_code == 401
    body, headers = press(clock, slack[1], share_button, "U0INSLACK")
    unsigned = await client.post("/slack/interactions", content=body,
                                 headers={"Content-Type": headers["Content-Type"]})
    assert unsigned.status_code == 401
    assert await Share.all().count() == 0 and slack[0].responses == []


async def test_a_press_by_another_slack_member_queues_nothing(
    slack_settings: Settings, slack: tuple[slack_server.FakeSlack, str], clock: SimulatedClock,
    client: httpx.AsyncClient,
) -> None:
    share_button = await delivered_button(clock, slack[0], slack_settings)
    body, headers = press(clock, slack[1], share_button, "U0SOMEONE")
    assert (await client.post("/slack/interactions", content=body, headers=headers)).status_code == 200
    assert await Share.all().count() == 0
    assert "sent to someone else" in slack[0].responses[0]["text"]
