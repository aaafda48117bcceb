"""The organisation's Slack app as a channel: finds the person by email (users.lookupByEmail) and
sends them a direct message (chat.postMessage) whose posts carry share buttons, through
slack_sdk's Web API client. Errors become `DeliveryError`, like the other channels'."""

from __future__ import annotations

import json
from typing import Any

import aiohttp
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from advocacy.notify.channels import (
    WEBHOOK_TIMEOUT_SECONDS,
    DeliveryError,
    OutgoingMessage,
    retry_after,
    slack_escape,
)
from advocacy.settings import Settings

# The action id of every share button; the button's value says which link it stands for.
SHARE_BUTTON = "one_tap_share"
# Slack allows 50 blocks in a message and 25 elements in an actions block.
BLOCK_LIMIT = 50


def web_client(settings: Settings) -> AsyncWebClient:
    return AsyncWebClient(token=settings.slack_bot_token, base_url=settings.slack_api_base_url,
                          timeout=int(WEBHOOK_TIMEOUT_SECONDS))


def button_value(token: str, slack_user: str) -> str:
    """What a button sends back: the one-tap link's token and the Slack user it was sent to."""
    return json.dumps({"t": token, "s": slack_user}, separators=(",", ":"))


def direct_message_blocks(message: OutgoingMessage, slack_user: str) -> list[dict[str, Any]]:
    """The message in Block Kit: each notice, then each post with its share buttons."""
    blocks: list[dict[str, Any]] = [
        {"type": "header", "text": {"type": "plain_text", "text": message.title[:150]}}
    ]
    for item in message.items:
        text = f"*{slack_escape(item.subject)}*\n{slack_escape(item.body.strip())}"
        blocks.append({"type": "section", "text": {"type": "mrkdwn", "text": text[:3000]}})
        for post in item.posts:
            blocks.append({"type": "section", "text": {"type": "mrkdwn",
                                                       "text": f"*{slack_escape(post.title)}*"[:3000]}})
            blocks.append({
                "type": "actions",
                "block_id": f"post-{post.post_id}",
                "elements": [
                    {"type": "button", "action_id": f"{SHARE_BUTTON}:{index}",
                     "text": {"type": "plain_text", "text": action.label},
                     "value": button_value(action.token, slack_user)}
                    for index, action in enumerate(post.actions)
                ],
            })
    blocks.append({
        "type": "context",
        "elements": [{"type": "mrkdwn", "text": f"<{message.preferences_url}|Notification settings>"}],
    })
    return blocks if len(blocks) <= BLOCK_LIMIT else blocks[:BLOCK_LIMIT - 1] + blocks[-1:]


async def send_direct_message(settings: Settings, email: str, message: OutgoingMessage) -> None:
    """Send `message` to the Slack user with this email, as the app's direct message."""
    web = web_client(settings)
    try:
        found = await web.users_lookupByEmail(email=email)
    except SlackApiError as error:
        if error.response.get("error") == "users_not_found":
            raise DeliveryError(f"Slack has no member with the address {email}", retryable=False) from None
        raise _api_error(error) from None
    except (TimeoutError, aiohttp.ClientError) as error:
        raise DeliveryError(f"Slack could not be reached: {error!r}", retryable=True) from None
    slack_user = str(found["user"]["id"])
    fallback = message.title if len(message.items) != 1 else f"{message.title}: {message.items[0].body}"
    try:
        await web.chat_postMessage(channel=slack_user, text=fallback[:3000],
                                   blocks=direct_message_blocks(message, slack_user))
    except SlackApiError as error:
        raise _api_error(error) from None
    except aiohttp.ClientConnectionError as error:
        raise DeliveryError(f"Slack could not be reached: {error!r}", retryable=True) from None
    except (TimeoutError, aiohttp.ClientError) as error:
        # Sent, but no answer: it may have been posted. Not retried, so it never appears twice.
        raise DeliveryError(f"Slack did not answer: {error!r}", retryable=False, maybe_sent=True) from None


def _api_error(error: SlackApiError) -> DeliveryError:
    status = error.response.status_code
    code = error.response.get("error")
    wait = error.response.headers.get("retry-after", "")
    return DeliveryError(
        f"Slack answered {status}: {code}", retryable=status >= 500 or status == 429,
        retry_after=retry_after(str(wait)),
    )
