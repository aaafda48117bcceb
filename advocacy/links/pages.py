"""The public short-link redirect: count the click in memory, answer with the registered target."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response
from starlette.routing import Route

from advocacy.links.service import follow

NOT_FOUND = (
    "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Link not found</title>"
    "</head><body><h1>Link not found</h1><p>This short link does not exist.</p></body></html>"
)


async def follow_link(request: Request) -> Response:
    target = await follow(
        request.state.link_resolver, request.state.click_buffer,
        secret=request.state.settings.secret_key, slug=request.path_params["slug"],
        day=request.state.clock.now().date(), address=request.client.host if request.client else "",
        user_agent=request.headers.get("user-agent", ""), method=request.method,
    )
    if target is None:
        return HTMLResponse(NOT_FOUND, status_code=404)
    # 302, not 301: a cached permanent redirect would hide later clicks from the count.
    return RedirectResponse(target, status_code=302, headers={"Cache-Control": "no-store",
                                                              "Referrer-Policy": "no-referrer"})


routes = [Route("/l/{slug}", follow_link, methods=["GET"], name="link-redirect")]
