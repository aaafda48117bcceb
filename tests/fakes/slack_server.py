"""A local server standing in for Slack's Web API (users.lookupByEmail, chat.postMessage) and for the
response_url of an interaction.

It speaks the Web API's wire format: methods under /api/, the bot token as a Bearer header,
arguments as a query string, a form or a JSON body, and answers `{"ok": true, ...}` or
`{"ok": false, "error": "..."}` (HTTP 200, or 429 with Retry-After when rate limited).
"""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass, field
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.routing import Route

TOKEN = "xoxb-test-bot-token"


@dataclass
class FakeSlack:
    members: dict[str, str] = field(default_factory=dict)  # email -> Slack user id
    messages: list[dict[str, Any]] = field(default_factory=list)  # chat.postMessage arguments
    responses: list[dict[str, Any]] = field(default_factory=list)  # bodies posted to response URLs
    lock: threading.Lock = field(default_factory=threading.Lock)

    def reset(self) -> None:
        with self.lock:
            self.members.clear()
            self.messages.clear()
            self.responses.clear()


async def _arguments(request: Request) -> dict[str, Any]:
    arguments: dict[str, Any] = dict(request.query_params)
    if request.method == "POST":
        if request.headers.get("content-type", "").startswith("application/json"):
            arguments.update(json.loads(await request.body() or b"{}"))
        else:
            arguments.update({k: v for k, v in (await request.form()).items() if isinstance(v, str)})
    return arguments


def build_app(state: FakeSlack) -> Starlette:
    async def method(request: Request) -> Response:
        if request.headers.get("authorization") != f"Bearer {TOKEN}":
            return JSONResponse({"ok": False, "error": "invalid_auth"})
        arguments = await _arguments(request)
        name = request.path_params["method"]
        with state.lock:
            if name == "users.lookupByEmail":
                user_id = state.members.get(str(arguments.get("email", "")))
                if user_id is None:
                    return JSONResponse({"ok": False, "error": "users_not_found"})
                return JSONResponse({"ok": True, "user": {"id": user_id, "profile": {
                    "email": arguments["email"]}}})
            if name == "chat.postMessage":
                if arguments.get("channel") not in state.members.values():
                    return JSONResponse({"ok": False, "error": "channel_not_found"})
                state.messages.append(arguments)
                ts = f"1790000000.{len(state.messages):06d}"
                return JSONResponse({"ok": True, "channel": "D" + str(arguments["channel"])[1:], "ts": ts,
                                     "message": {"text": arguments.get("text", ""), "ts": ts}})
        return JSONResponse({"ok": False, "error": "unknown_method"})

    async def respond(request: Request) -> Response:
        with state.lock:
            state.responses.append(json.loads(await request.body()))
        return PlainTextResponse("ok")

    return Starlette(routes=[
        Route("/api/{method}", method, methods=["GET", "POST"]),
        Route("/actions/{path:path}", respond, methods=["POST"]),
    ])
