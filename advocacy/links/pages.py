"""The public short-link redirect: count the click in memory, answer with the registered target."""

from __future__ import annotations

from urllib.parse import quote

from starlette.responses import HTMLResponse, RedirectResponse, Response
from starlette.routing import Route
from starlette.types import ASGIApp, Receive, Scope, Send

from advocacy.clients import address_of, client_address
from advocacy.headers import encoded, with_security_headers
from advocacy.links.service import follow
from advocacy.state import AppRequest, AppState

# What starlette's RedirectResponse leaves unquoted in a Location.
LOCATION_SAFE = ":/%#?=@[]!$&'()*+,;"
NOT_FOUND = (
    "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Link not found</title>"
    "</head><body><h1>Link not found</h1><p>This short link does not exist.</p></body></html>"
)


async def follow_link(request: AppRequest) -> Response:
    return await answer(request, request.path_params["slug"])


async def answer(request: AppRequest, slug: str) -> Response:
    target = await follow(
        request.state["link_resolver"], request.state["click_buffer"],
        salts=request.state["visitor_salts"], slug=slug,
        day=request.state["clock"].now().date(), address=client_address(request),
        user_agent=request.headers.get("user-agent", ""), method=request.method,
    )
    if target is None:
        return HTMLResponse(NOT_FOUND, status_code=404)
    # 302, not 301: a cached permanent redirect would hide later clicks from the count.
    return RedirectResponse(target, status_code=302, headers={"Cache-Control": "no-store",
                                                              "Referrer-Policy": "no-referrer"})


routes = [Route("/l/{slug}", follow_link, methods=["GET"], name="link-redirect")]


class ShortLinkFastPath:
    """Answers `GET /l/<slug>` before the session, routing and sign-in layers.

    The redirect is the one page anyone on the internet follows, in bursts when a post does well;
    it needs none of those layers (it is public, reads no session and sets no cookie), and skipping
    them roughly doubles how many it serves. For the same reason it writes the two ASGI messages
    itself, with the header block built once, instead of making request and response objects per
    click. It sets the same headers as the route above plus every other answer's security headers
    (`headers`; the redirect's own Referrer-Policy wins); unknown slugs get the route's 404 page and
    every other request goes on unchanged.
    """

    def __init__(self, app: ASGIApp, *, headers: dict[str, str]) -> None:
        self.app = app
        self.security = encoded(headers)
        own = {"cache-control": "no-store", "referrer-policy": "no-referrer", "content-length": "0"}
        self.headers = with_security_headers(encoded(own), self.security)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path = scope.get("path", "") if scope["type"] == "http" else ""
        if scope.get("method") == "GET" and path.startswith("/l/"):
            slug = path[3:]
            if slug and "/" not in slug:
                await self.redirect(scope, receive, send, slug)
                return
        await self.app(scope, receive, send)

    async def redirect(self, scope: Scope, receive: Receive, send: Send, slug: str) -> None:
        state: AppState = scope["state"]
        user_agent = ""
        for name, value in scope["headers"]:
            if name == b"user-agent":
                user_agent = value.decode("latin-1")
                break
        target = await follow(
            state["link_resolver"], state["click_buffer"], salts=state["visitor_salts"],
            slug=slug, day=state["clock"].now().date(), address=address_of(scope),
            user_agent=user_agent, method="GET",
        )
        if target is None:
            response = HTMLResponse(NOT_FOUND, status_code=404)
            response.raw_headers = with_security_headers(response.raw_headers, self.security)
            await response(scope, receive, send)
            return
        # The same quoting as RedirectResponse, so both paths send the same Location.
        location = quote(target, safe=LOCATION_SAFE).encode("latin-1")
        await send({"type": "http.response.start", "status": 302,
                    "headers": [(b"location", location), *self.headers]})
        await send({"type": "http.response.body", "body": b""})
