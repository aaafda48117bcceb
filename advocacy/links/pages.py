"""The public short-link redirect: count the click in memory, answer with the registered target."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response
from starlette.routing import Route
from starlette.types import ASGIApp, Receive, Scope, Send

from advocacy.links.service import follow

NOT_FOUND = (
    "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Link not found</title>"
    "</head><body><h1>Link not found</h1><p>This short link does not exist.</p></body></html>"
)


async def follow_link(request: Request) -> Response:
    return await answer(request, request.path_params["slug"])


async def answer(request: Request, slug: str) -> Response:
    target = await follow(
        request.state.link_resolver, request.state.click_buffer,
        secret=request.state.settings.secret_key, slug=slug,
        day=request.state.clock.now().date(), address=request.client.host if request.client else "",
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
    them roughly doubles how many it serves. It sets the same security headers as every other
    answer (`headers`, a response's own value wins); every other request goes on unchanged (and the
    route above still serves the path when this layer is not installed).
    """

    def __init__(self, app: ASGIApp, *, headers: dict[str, str]) -> None:
        self.app = app
        self.headers = headers

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path = scope.get("path", "") if scope["type"] == "http" else ""
        if scope.get("method") == "GET" and path.startswith("/l/"):
            slug = path[3:]
            if slug and "/" not in slug:
                response = await answer(Request(scope, receive), slug)
                for name, value in self.headers.items():
                    response.headers.setdefault(name, value)
                await response(scope, receive, send)
                return
        await self.app(scope, receive, send)
