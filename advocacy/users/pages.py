"""Pages for signing in and out, and the home page that sends each role to its own page."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from advocacy import audit
from advocacy.auth import client_address, signed_in_user, start_session
from advocacy.errors import NotAuthenticated, TooManyAttempts
from advocacy.templating import render
from advocacy.users.models import Role
from advocacy.users.service import sign_in

HOME_BY_ROLE = {
    Role.AMBASSADOR: "/feed",
    Role.EDITOR: "/studio",
    Role.REVIEWER: "/studio",
    Role.LEADER: "/dashboard",
    Role.ADMIN: "/studio",
}


def safe_next(target: str | None) -> str | None:
    # Only local paths: a login link must never bounce a person to another site.
    if target and target.startswith("/") and not target.startswith("//"):
        return target
    return None


async def home(request: Request) -> Response:
    return RedirectResponse(HOME_BY_ROLE[signed_in_user(request).role], status_code=303)


async def login_form(request: Request) -> Response:
    return render(request, "login.html", next=safe_next(request.query_params.get("next")), email="")


async def login_submit(request: Request) -> Response:
    form = await request.form()
    email = str(form.get("email", ""))
    target = safe_next(str(form.get("next", "")))
    try:
        user = await sign_in(request.state.clock, request.state.settings, email,
                             str(form.get("password", "")), client_address(request))
    except (NotAuthenticated, TooManyAttempts) as error:
        status = 429 if isinstance(error, TooManyAttempts) else 400
        return render(request, "login.html", status=status, error=error.message, email=email, next=target)
    start_session(request, user)
    return RedirectResponse(target or HOME_BY_ROLE[user.role], status_code=303)


async def logout(request: Request) -> Response:
    await audit.record(request.state.clock, signed_in_user(request), "sign-out",
                       address=client_address(request))
    request.session.clear()
    return RedirectResponse("/login", status_code=303)


routes = [
    Route("/", home, name="home"),
    Route("/login", login_form, methods=["GET"], name="login"),
    Route("/login", login_submit, methods=["POST"], name="login-submit"),
    Route("/logout", logout, methods=["POST"], name="logout"),
]
