"""The Jinja2 environment shared by every page: templates live next to their domain package."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from jinja2 import ChoiceLoader, Environment, PackageLoader, select_autoescape
from jinja2.ext import Extension
from jinja2.lexer import Token, TokenStream
from starlette.responses import HTMLResponse

from advocacy.auth import csrf_token
from advocacy.bundles import plotly_src
from advocacy.counting import counted
from advocacy.installable import THEME_COLOUR
from advocacy.localtime import format_local, input_value
from advocacy.state import AppRequest

SESSION_NOTICE = "notice"

# Spaces and tabs around a line break in a template's own text (its layout: indentation, blank
# lines of tags). In HTML a run of whitespace shows as one space, and the one place the pages keep
# line breaks (`white-space: pre-line`) drops spaces at either end of a line, so nothing visible
# changes; the pages get smaller (the feed page by a seventh). Values put into a template keep
# every character; no template has text of its own inside `<pre>` or `<textarea>`.
_LAYOUT = re.compile(r"[ \t]*\n[ \t]*")


class DropLayoutWhitespace(Extension):
    """Drops the indentation of the templates' own text as they are compiled (see `_LAYOUT`)."""

    def filter_stream(self, stream: TokenStream) -> Iterator[Token]:
        for token in stream:
            if token.type == "data":
                token = Token(token.lineno, "data", _LAYOUT.sub("\n", token.value))
            yield token


environment = Environment(
    loader=ChoiceLoader(
        [
            # The layout (base, error page), then each domain's own pages.
            PackageLoader("advocacy", "templates"),
            *(PackageLoader(package, "templates") for package in (
                "advocacy.users", "advocacy.audit", "advocacy.compliance", "advocacy.notify",
                "advocacy.accounts", "advocacy.programme", "advocacy.people", "advocacy.shares",
                "advocacy.suggestions", "campaigns", "dashboards.web",
            )),
        ]
    ),
    autoescape=select_autoescape(["html"]),
    enable_async=False,
    # Templates ship with the package and change only with a new release (a restart): checking
    # each one's file on disk for every page cost about 5 % of the feed page's time.
    auto_reload=False,
    extensions=[DropLayoutWhitespace],
)
# Times are stored in UTC; templates show them in the signed-in person's zone: `moment | local(user)`.
environment.filters["local"] = format_local
environment.filters["local_input"] = input_value
environment.filters["counted"] = counted
# Pages load plotly.js by its content-hashed name (cached a year; see advocacy.bundles).
environment.globals["plotly_src"] = plotly_src
environment.globals["theme_colour"] = THEME_COLOUR


def flash(request: AppRequest, message: str) -> None:
    """Leave a notice for the next page this person sees (after a redirect), shown once."""
    request.session[SESSION_NOTICE] = message


def render(request: AppRequest, template: str, status: int = 200, **context: Any) -> HTMLResponse:
    """Render a page with the signed-in user, the CSRF token, the organisation name and any
    pending notice at hand."""
    return HTMLResponse(render_text(request, template, **context), status_code=status)


def render_text(request: AppRequest, template: str, **context: Any) -> str:
    """The markup `render` answers with."""
    return environment.get_template(template).render(**page_context(request), **context)


def page_context(request: AppRequest) -> dict[str, Any]:
    """What every page has at hand (see `render`). Takes the pending notice: it is shown once."""
    if "session" not in request.scope:
        # An error answered before the session layer (the click redirect's fast path): nobody
        # is signed in there, and there is no session to give a form token or a notice.
        return {"request": request, "user": None, "csrf_token": "",
                "organization": request.state["settings"].organization_name, "notice": None}
    return {
        "request": request,
        "user": request.state["user"] if "user" in request.state else None,
        "csrf_token": csrf_token(request),
        "organization": request.state["settings"].organization_name,
        "notice": request.session.pop(SESSION_NOTICE, None),
    }
