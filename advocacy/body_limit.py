"""A ceiling on the size of request bodies, enforced before they are read.

Every body is counted as it arrives; a request that announces (Content-Length) or sends more than
its route's limit is refused with 413 before the rest is read, so nobody can make a process hold a
body of any size. Most routes take small forms and JSON (`default`); the few that take uploads name
their own limit (`by_path`).
"""

from __future__ import annotations

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from advocacy.errors import TooLarge


class BodyLimitMiddleware:
    def __init__(self, app: ASGIApp, *, default: int, by_path: dict[str, int] | None = None) -> None:
        self.app = app
        self.default = default
        self.by_path = by_path or {}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = self.by_path.get(scope["path"], self.default)
        announced = _content_length(scope)
        received = 0

        async def limited() -> Message:
            nonlocal received
            # Raised where the endpoint reads the body, so the application's error handlers answer
            # it (JSON for the API, a page otherwise); a route that reads no body is not refused.
            if announced is not None and announced > limit:
                raise TooLarge(_message(limit))
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    raise TooLarge(_message(limit))
            return message

        await self.app(scope, limited, send)


def _content_length(scope: Scope) -> int | None:
    for name, value in scope["headers"]:
        if name == b"content-length":
            try:
                return int(value)
            except ValueError:
                return None
    return None


def _message(limit: int) -> str:
    size = f"{limit / 1_000_000:g} MB" if limit >= 1_000_000 else f"{limit / 1000:g} KB"
    return f"The request is larger than this address accepts ({size})."
