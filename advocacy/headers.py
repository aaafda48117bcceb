"""Security headers on every response: content security policy, HSTS outside development, and no
server banner."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from urllib.parse import urlsplit

from starlette.types import ASGIApp, Message, Receive, Scope, Send

# Scripts only from our own origin (the pages carry no inline script; plotly.js is served from
# /static). Styles allow inline because plotly.js sets style attributes while drawing; no script can
# run through a style. No framing, no plugins, forms post only to us - and to the platforms' OAuth
# authorize pages, where the Connect buttons' redirect leads (form-action covers redirects).
CONTENT_SECURITY_POLICY = "; ".join([
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data:",
    "font-src 'self' data:",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
])
HSTS = "max-age=31536000; includeSubDomains"


def origin_of(url: str) -> str | None:
    """scheme://host[:port] of an absolute URL, as a CSP source; None for anything else."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc or any(c in parts.netloc for c in " ;,'"):
        return None
    return f"{parts.scheme}://{parts.netloc}"


def security_headers(*, hsts: bool, form_targets: Sequence[str] = ()) -> dict[str, str]:
    """The headers every response carries (a response's own value of one of them wins)."""
    policy = CONTENT_SECURITY_POLICY
    if form_targets:
        policy = policy.replace("form-action 'self'", " ".join(["form-action 'self'", *form_targets]))
    headers = {
        "Content-Security-Policy": policy,
        "X-Content-Type-Options": "nosniff",
        "Referrer-Policy": "same-origin",
        "X-Frame-Options": "DENY",
        "Cross-Origin-Opener-Policy": "same-origin",
        "Permissions-Policy": "camera=(), microphone=(), geolocation=()",
    }
    if hsts:
        headers["Strict-Transport-Security"] = HSTS
    return headers


class SecurityHeadersMiddleware:
    """Adds the headers to every HTTP response, whatever produced it (pages, API, errors, files)."""

    def __init__(self, app: ASGIApp, *, hsts: bool, form_targets: Sequence[str] = ()) -> None:
        self.app = app
        self.raw = encoded(security_headers(hsts=hsts, form_targets=form_targets))

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = with_security_headers(message.get("headers", ()), self.raw)
            await send(message)

        await self.app(scope, receive, send_with_headers)


def encoded(headers: dict[str, str]) -> list[tuple[bytes, bytes]]:
    """Headers as ASGI carries them: lower-case names and values as bytes (encoded once, up front)."""
    return [(name.lower().encode("latin-1"), value.encode("latin-1")) for name, value in headers.items()]


def with_security_headers(headers: Iterable[tuple[bytes, bytes]],
                          security: Sequence[tuple[bytes, bytes]]) -> list[tuple[bytes, bytes]]:
    """A response's raw headers with each of `security` it does not set itself (its own value
    wins), without a server banner."""
    own = [(name, value) for name, value in headers if name != b"server"]
    named = {name for name, _ in own}
    return own + [header for header in security if header[0] not in named]
