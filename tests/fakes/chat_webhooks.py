"""A local server standing in for Slack and Microsoft Teams incoming webhooks.

It answers as they do (Slack: 200 "ok"; Teams: 200 "1"), keeps every JSON body it receives per
path, and can be told to fail the next requests with a status (and a Retry-After), to exercise
retries.
"""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass, field
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Route


@dataclass
class FakeChat:
    received: dict[str, list[Any]] = field(default_factory=dict)
    # Statuses to answer with, in order, before answering normally again.
    failures: list[int] = field(default_factory=list)
    # Sent as Retry-After with each failure above (Slack does so on 429), when set.
    retry_after: str | None = None
    attempts: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def reset(self) -> None:
        with self.lock:
            self.received.clear()
            self.failures.clear()
            self.retry_after = None
            self.attempts = 0

    def payloads(self, path: str) -> list[Any]:
        with self.lock:
            return list(self.received.get(path, []))


def build_app(state: FakeChat) -> Starlette:
    async def hook(request: Request) -> Response:
        with state.lock:
            state.attempts += 1
            failure = state.failures.pop(0) if state.failures else None
        if failure is not None:
            headers = {"Retry-After": state.retry_after} if state.retry_after is not None else None
            return PlainTextResponse("rate_limited" if failure == 429 else "internal_error",
                                     status_code=failure, headers=headers)
        if request.headers.get("content-type") != "application/json":
            return PlainTextResponse("invalid_payload", status_code=400)
        payload = json.loads(await request.body())
        path = request.url.path
        with state.lock:
            state.received.setdefault(path, []).append(payload)
        return PlainTextResponse("1" if path.startswith("/webhookb2/") else "ok")

    return Starlette(routes=[Route("/{path:path}", hook, methods=["POST"])])
