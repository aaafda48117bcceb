"""The Jinja2 environment shared by every page: templates live next to their domain package."""

from __future__ import annotations

from typing import Any

from jinja2 import ChoiceLoader, Environment, PackageLoader, select_autoescape
from starlette.requests import Request
from starlette.responses import HTMLResponse

from advocacy.auth import csrf_token
from advocacy.localtime import format_local, input_value

SESSION_NOTICE = "notice"

environment = Environment(
    loader=ChoiceLoader(
        [
            PackageLoader("advocacy", "templates"),
            PackageLoader("advocacy.programme", "templates"),
            PackageLoader("campaigns", "templates"),
            PackageLoader("dashboards", "templates"),
        ]
    ),
    autoescape=select_autoescape(["html"]),
    enable_async=False,
)
# Times are stored in UTC; templates show them in the signed-in person's zone: `moment | local(user)`.
environment.filters["local"] = format_local
environment.filters["local_input"] = input_value


def flash(request: Request, message: str) -> None:
    """Leave a notice for the next page this person sees (after a redirect), shown once."""
    request.session[SESSION_NOTICE] = message


def render(request: Request, template: str, status: int = 200, **context: Any) -> HTMLResponse:
    """Render a page with the signed-in user, the CSRF token, the organisation name and any
    pending notice at hand."""
    settings = request.state.settings
    body = environment.get_template(template).render(
        request=request,
        user=getattr(request.state, "user", None),
        csrf_token=csrf_token(request),
        organization=settings.organization_name,
        notice=request.session.pop(SESSION_NOTICE, None),
        **context,
    )
    return HTMLResponse(body, status_code=status)
