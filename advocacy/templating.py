"""The Jinja2 environment shared by every page: templates live next to their domain package."""

from __future__ import annotations

from typing import Any

from jinja2 import ChoiceLoader, Environment, PackageLoader, select_autoescape
from starlette.requests import Request
from starlette.responses import HTMLResponse

from advocacy.auth import csrf_token

environment = Environment(
    loader=ChoiceLoader(
        [
            PackageLoader("advocacy", "templates"),
            PackageLoader("campaigns", "templates"),
            PackageLoader("dashboards", "templates"),
        ]
    ),
    autoescape=select_autoescape(["html"]),
    enable_async=False,
)


def render(request: Request, template: str, status: int = 200, **context: Any) -> HTMLResponse:
    """Render a page with the signed-in user, the CSRF token and the organisation name at hand."""
    settings = request.state.settings
    body = environment.get_template(template).render(
        request=request,
        user=getattr(request.state, "user", None),
        csrf_token=csrf_token(request),
        organization=settings.organization_name,
        **context,
    )
    return HTMLResponse(body, status_code=status)
