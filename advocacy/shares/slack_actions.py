"""The Slack app's interactivity endpoint: a share button pressed in a direct message.

Slack signs each request with the app's signing secret; a request whose signature or timestamp
(five minutes at most, read on the service clock) does not check out is refused with 401 before
anything is read. A valid press uses its one-tap link through `one_tap.confirm`, the feed's own
share call, so a second press of the same button queues nothing; the answer goes to the payload's
response_url, in the same conversation.
"""

from __future__ import annotations

import json
import logging
from urllib.parse import parse_qs

import aiohttp
from slack_sdk.signature import Clock as SignatureClock
from slack_sdk.signature import SignatureVerifier
from slack_sdk.webhook.async_client import AsyncWebhookClient
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Route

from advocacy.accounts.models import network_name
from advocacy.clock import Clock
from advocacy.compliance.current import compliance_engine
from advocacy.errors import DomainError
from advocacy.localtime import format_local
from advocacy.notify.channels import WEBHOOK_TIMEOUT_SECONDS
from advocacy.notify.slack_app import SHARE_BUTTON
from advocacy.shares import one_tap
from advocacy.shares.endpoints import sharing_policy
from advocacy.state import AppRequest
from advocacy.users.models import User

log = logging.getLogger(__name__)


class ServiceClock(SignatureClock):
    """The service clock as slack_sdk's verifier reads time (seconds since the epoch)."""

    def __init__(self, clock: Clock) -> None:
        self.clock = clock

    def now(self) -> float:
        return self.clock.now().timestamp()


def signed_by_slack(request: AppRequest, body: bytes) -> bool:
    settings = request.state["settings"]
    verifier = SignatureVerifier(settings.slack_signing_secret, clock=ServiceClock(request.state["clock"]))
    try:
        return verifier.is_valid_request(body, dict(request.headers))
    except ValueError:  # a timestamp that is not a number
        return False


async def interactions(request: AppRequest) -> Response:
    settings = request.state["settings"]
    if not (settings.slack_bot_token and settings.slack_signing_secret):
        return PlainTextResponse("The Slack app is not set up here.", status_code=404)
    body = await request.body()
    if not signed_by_slack(request, body):
        return PlainTextResponse("The request's Slack signature or timestamp is not valid.", status_code=401)
    try:
        payload = json.loads(parse_qs(body.decode()).get("payload", [""])[0])
        press = payload["actions"][0]
        presser, response_url = str(payload["user"]["id"]), str(payload["response_url"])
        value = json.loads(press["value"]) if str(press["action_id"]).startswith(SHARE_BUTTON) else {}
        token, sent_to = str(value["t"]), str(value["s"])
    except (ValueError, KeyError, IndexError, TypeError):
        return PlainTextResponse("This is not a share button press.", status_code=400)
    answer = await press_answer(request, token, sent_to, presser)
    try:
        await AsyncWebhookClient(response_url, timeout=int(WEBHOOK_TIMEOUT_SECONDS)).send(
            text=answer, replace_original=False)
    except (aiohttp.ClientError, TimeoutError):
        log.exception("could not answer a Slack button press at its response_url")
    return Response(status_code=200)


async def press_answer(request: AppRequest, token: str, sent_to: str, presser: str) -> str:
    """Queue the button's share, and say what happened in words."""
    settings, clock = request.state["settings"], request.state["clock"]
    if presser != sent_to:
        return "This button was sent to someone else: it only works for them."
    try:
        tap = one_tap.read_token(settings, token)
        # Slack's signature and the member it was sent to stand for the person here, not a session.
        user = await User.get_or_none(id=tap.user_id)
        if user is None or not user.is_active:
            return "Your account here is no longer active."
        outcome = await one_tap.confirm(
            clock, settings, user, token, texts={}, compliance=await compliance_engine(request),
            links=request.state["links"], policy=sharing_policy(request),
        )
    except DomainError as error:
        return error.message
    done = [f"{network_name(share.network)} ({format_local(share.due_at, user)})" for share in outcome.shares]
    refused = [f"{network_name(network)}: {error.message}" for network, error in outcome.refused.items()]
    if not done:
        return ("Not shared. " + " ".join(refused)
                + f" To change the words, open {one_tap.link_of(settings, token)}")
    return "Queued: " + ", ".join(done) + "." + (" Not queued: " + " ".join(refused) if refused else "")


routes = [Route("/slack/interactions", interactions, methods=["POST"], name="slack-interactions")]
