"""The outgoing channels: email through the SMTP server of the settings, and Slack and Microsoft
Teams incoming webhooks with their documented JSON payloads.

Each sender raises `DeliveryError` saying whether trying again later can help (a server that is
down, a 5xx or 429) or not (an address refused, a webhook that was removed), and whether the
message may have left anyway (then it is never retried, so nobody gets it twice).
"""

from __future__ import annotations

import smtplib
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime
from typing import Any
from urllib.parse import urlsplit

import httpx

from advocacy.addresses import Reach, reach_of, web_address_problem
from advocacy.errors import InvalidInput
from advocacy.settings import Settings
from advocacy.users.mail import send_mail

WEBHOOK_TIMEOUT_SECONDS = 10.0
# The longest reply body kept in an error message an admin reads.
REPLY_EXCERPT = 200


class DeliveryError(Exception):
    """Sending failed. `retryable`: later may work. `maybe_sent`: the message may have arrived.
    `retry_after`: how long the receiver asked us to wait (its Retry-After), when it said."""

    def __init__(
        self, message: str, *, retryable: bool, maybe_sent: bool = False,
        retry_after: timedelta | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.retryable = retryable
        self.maybe_sent = maybe_sent
        self.retry_after = retry_after


@dataclass(frozen=True)
class Action:
    """A one-tap share action of a post: the signed confirmation link, and its token (what a chat
    button sends back)."""

    label: str
    url: str  # absolute
    token: str


@dataclass(frozen=True)
class PostActions:
    """One post a notice names, with the share actions its person can take on it."""

    post_id: int
    title: str
    actions: tuple[Action, ...]


@dataclass(frozen=True)
class Item:
    """One notice inside a message: a digest carries several."""

    subject: str
    body: str
    link: str | None = None  # absolute
    posts: tuple[PostActions, ...] = ()


@dataclass(frozen=True)
class OutgoingMessage:
    title: str
    items: list[Item]
    preferences_url: str
    unsubscribe_url: str = ""  # email only
    extra_headers: dict[str, str] = field(default_factory=dict)


# --- email -------------------------------------------------------------------------------------

def email_text(message: OutgoingMessage) -> str:
    parts = []
    for item in message.items:
        lines = [item.subject, "", item.body.strip()]
        for post in item.posts:
            lines += ["", post.title, *(f"  {action.label}: {action.url}" for action in post.actions)]
        if item.link:
            lines += ["", item.link]
        parts.append("\n".join(lines))
    footer = [
        "--",
        f"Choose how and how often you hear from us: {message.preferences_url}",
    ]
    if message.unsubscribe_url:
        footer.append(f"Unsubscribe from these emails: {message.unsubscribe_url}")
    return "\n\n----\n\n".join(parts) + "\n\n" + "\n".join(footer) + "\n"


async def send_email(settings: Settings, to: str, message: OutgoingMessage) -> None:
    headers = dict(message.extra_headers)
    if message.unsubscribe_url:
        # RFC 2369: mail clients offer their own unsubscribe button with this address; RFC 8058:
        # they may unsubscribe with one POST to it, no page to open.
        headers["List-Unsubscribe"] = f"<{message.unsubscribe_url}>"
        headers["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    try:
        await send_mail(settings, to, message.title, email_text(message), headers=headers)
    except smtplib.SMTPRecipientsRefused as error:
        raise DeliveryError(f"the mail server refused the address {to}: {error}", retryable=False) from None
    except smtplib.SMTPResponseException as error:
        # 4xx replies are temporary by definition (RFC 5321), 5xx are permanent.
        reply = error.smtp_error
        text = reply.decode(errors="replace") if isinstance(reply, bytes) else str(reply)
        raise DeliveryError(
            f"the mail server answered {error.smtp_code} {text}", retryable=400 <= error.smtp_code < 500
        ) from None
    except (smtplib.SMTPException, OSError) as error:
        raise DeliveryError(f"the mail server could not be reached: {error}", retryable=True) from None


# --- webhooks ----------------------------------------------------------------------------------

def slack_payload(message: OutgoingMessage) -> dict[str, Any]:
    """An incoming-webhook message: `text` is the notification fallback, `blocks` the layout."""
    blocks: list[dict[str, Any]] = [
        {"type": "header", "text": {"type": "plain_text", "text": message.title[:150]}}
    ]
    for item in message.items:
        text = f"*{slack_escape(item.subject)}*\n{slack_escape(item.body.strip())}"
        if item.link:
            text += f"\n<{item.link}|Open>"
        blocks.append({"type": "section", "text": {"type": "mrkdwn", "text": text[:3000]}})
    blocks.append({
        "type": "context",
        "elements": [{"type": "mrkdwn", "text": f"<{message.preferences_url}|Notification settings>"}],
    })
    fallback = message.title if len(message.items) != 1 else f"{message.title}: {message.items[0].body}"
    # Slack allows 50 blocks in a message; a long digest keeps its first notices.
    return {"text": fallback[:3000], "blocks": blocks[:49] + blocks[-1:] if len(blocks) > 50 else blocks}


def slack_escape(text: str) -> str:
    # Slack's mrkdwn reads &, < and > as control characters.
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def teams_payload(message: OutgoingMessage) -> dict[str, Any]:
    """A message with one Adaptive Card attachment, the format Teams incoming webhooks accept."""
    body: list[dict[str, Any]] = [
        {"type": "TextBlock", "text": message.title, "weight": "Bolder", "size": "Medium", "wrap": True}
    ]
    actions: list[dict[str, Any]] = []
    for item in message.items:
        body.append({"type": "TextBlock", "text": item.subject, "weight": "Bolder", "wrap": True,
                     "spacing": "Medium"})
        body.append({"type": "TextBlock", "text": item.body.strip(), "wrap": True})
        for post in item.posts:
            body.append({"type": "TextBlock", "text": post.title, "weight": "Bolder", "wrap": True})
            body.append({"type": "ActionSet", "actions": [
                {"type": "Action.OpenUrl", "title": action.label, "url": action.url}
                for action in post.actions
            ]})
        if item.link and len(message.items) == 1:
            actions.append({"type": "Action.OpenUrl", "title": "Open", "url": item.link})
        elif item.link:
            body.append({"type": "TextBlock", "text": f"[Open]({item.link})", "wrap": True})
    actions.append({"type": "Action.OpenUrl", "title": "Notification settings",
                    "url": message.preferences_url})
    card = {
        "$schema": "http://adaptivecards.io/schemas/adaptive-card.json",
        "type": "AdaptiveCard",
        "version": "1.4",
        "body": body,
        "actions": actions,
    }
    return {
        "type": "message",
        "attachments": [
            {"contentType": "application/vnd.microsoft.card.adaptive", "contentUrl": None, "content": card}
        ],
    }


async def post_webhook(
    settings: Settings, client: httpx.AsyncClient, url: str, payload: dict[str, Any]
) -> None:
    """POST the payload; any 2xx is delivered. Redirects are not followed (a webhook never needs one,
    and a redirect could lead into a private network)."""
    # Checked again at send time: the name may resolve elsewhere than when it was saved, or not at all.
    reach = await reach_of(url)
    if reach == Reach.UNRESOLVED:
        raise DeliveryError("the webhook's host name does not resolve now", retryable=True)
    if reach == Reach.PRIVATE and not settings.notify_webhook_private_addresses:
        raise DeliveryError("the webhook address now points inside a private network", retryable=False)
    try:
        response = await client.post(url, json=payload, timeout=WEBHOOK_TIMEOUT_SECONDS,
                                      follow_redirects=False)
    except (httpx.ConnectError, httpx.ConnectTimeout) as error:
        raise DeliveryError(f"the webhook could not be reached: {error!r}", retryable=True) from None
    except httpx.HTTPError as error:
        # Sent, but no answer: it may have been posted. Not retried, so it never appears twice.
        raise DeliveryError(
            f"the webhook did not answer: {error!r}", retryable=False, maybe_sent=True
        ) from None
    if response.is_success:
        return
    reply = response.text[:REPLY_EXCERPT]
    status = response.status_code
    retryable = status >= 500 or status in (408, 429)
    raise DeliveryError(f"the webhook answered {status}: {reply}", retryable=retryable,
                        retry_after=retry_after(response.headers.get("retry-after", ""),
                                                response.headers.get("date", "")))


# The longest wait a receiver's Retry-After is honoured for; a longer one is held at this.
MAX_RETRY_AFTER = timedelta(days=7)


def retry_after(value: str, sent_at: str = "") -> timedelta | None:
    """A Retry-After header as a wait (RFC 9110 10.2.3): delay-seconds (ASCII digits only), or an
    HTTP date in any of its three forms read against the same reply's Date header, so two clocks are
    never compared. At most MAX_RETRY_AFTER; None when unreadable (the usual backoff then applies)."""
    value = value.strip()
    if value.isascii() and value.isdigit():
        return timedelta(seconds=min(int(value), int(MAX_RETRY_AFTER.total_seconds())))
    until, now = _http_date(value), _http_date(sent_at)
    if until is None or now is None:
        return None
    return min(max(until - now, timedelta(0)), MAX_RETRY_AFTER)


def _http_date(text: str) -> datetime | None:
    """An HTTP date (IMF-fixdate, RFC 850 or asctime) as an aware instant; all three are GMT,
    though the asctime form does not say so."""
    try:
        moment = parsedate_to_datetime(text)
    except (TypeError, ValueError, OverflowError):
        return None
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


# --- checking a webhook address a person types --------------------------------------------------

# What `check_webhook_url` may refuse in an address of the API document's form (http(s), a host, no
# spaces), as its messages say it: the host and port read, the name resolved now, the scheme the
# settings allow.
WEBHOOK_REFUSALS = ("address is not a valid web address", "cannot be found: check the address",
                    "points inside a private network", "must be a full https:// URL")


async def check_webhook_url(settings: Settings, url: str, *, label: str, field: str) -> str:
    """The address, trimmed, or InvalidInput saying what is wrong with it. Empty means none."""
    url = url.strip()
    if not url:
        return ""
    if len(url) > 2000:
        raise InvalidInput(f"The {label} address is too long (2,000 characters at most).", {"field": field})
    not_a_url = InvalidInput(
        f"The {label} address must be a full https:// URL, as the {label} app shows it.",
        {"field": field},
    )
    allowed = ("https",) if settings.env == "production" else ("https", "http")
    problem = web_address_problem(url)
    if problem is not None:
        raise InvalidInput(f"The {label} address is not a valid web address: {problem}.", {"field": field})
    parts = urlsplit(url)
    if parts.scheme not in allowed:
        raise not_a_url
    # Resolved now, as it will be at every send: a name that finds no address is a typing mistake.
    reach = await reach_of(url)
    if reach == Reach.UNRESOLVED:
        raise InvalidInput(
            f"The {label} address's host ({parts.hostname}) cannot be found: check the address.",
            {"field": field},
        )
    if reach == Reach.PRIVATE and not settings.notify_webhook_private_addresses:
        raise InvalidInput(
            f"The {label} address points inside a private network ({parts.hostname}); only public "
            "webhook addresses are allowed.",
            {"field": field},
        )
    return url
