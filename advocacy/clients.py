"""Who is connecting: the client's address, for sign-in throttling, the audit log and click counts.

It is the connection's peer, unless that peer is a proxy named in `ADVOCACY_TRUSTED_PROXIES`: then
it is the last address in `X-Forwarded-For` that is not such a proxy (each proxy appends the
address it saw, so anything to the left of it could have been written by the client itself). The
forwarded headers of anyone else are ignored, so nobody can pick their own address.
"""

from __future__ import annotations

from starlette.middleware import Middleware
from starlette.types import Scope
from uvicorn.middleware.proxy_headers import ProxyHeadersMiddleware

from advocacy.settings import Settings
from advocacy.state import AppRequest


def proxy_layer(settings: Settings) -> list[Middleware]:
    """The outermost middleware: with trusted proxies, it puts the forwarded client (and scheme)
    into the request, so every layer inside reads the same address; without any, nothing."""
    if not settings.proxies:
        return []
    return [Middleware(ProxyHeadersMiddleware, trusted_hosts=settings.proxies)]


def address_of(scope: Scope) -> str:
    """The client's address of a request, as `proxy_layer` left it; empty when unknown."""
    client = scope.get("client")
    return str(client[0]) if client else ""


def client_address(request: AppRequest) -> str:
    return address_of(request.scope)
