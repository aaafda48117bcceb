"""Pages for signing in and out, and the home page that sends each role to its own page."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from advocacy import audit
from advocacy.auth import client_address, signed_in_user, start_session
from advocacy.errors import InvalidInput, NotAuthenticated, TooManyAttempts
from advocacy.forms import form_text
from advocacy.templating import flash, render
from advocacy.users.models import Role
from advocacy.users.service import create_personal_token, revoke_token, sign_in, tokens_of

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


async def tokens_page(request: Request) -> Response:
    return render(request, "tokens.html", tokens=await tokens_of(signed_in_user(request)))


async def tokens_create(request: Request) -> Response:
    user = signed_in_user(request)
    form = await request.form()
    try:
        record, value = await create_personal_token(request.state.clock, user, form_text(form, "name"))
    except InvalidInput as error:
        return render(request, "tokens.html", status=400, tokens=await tokens_of(user), error=error.message)
    # Rendered, not redirected: the value exists only in this answer and is never stored.
    return render(request, "tokens.html", status=201, tokens=await tokens_of(user), created=record,
                  created_value=value)


async def tokens_revoke(request: Request) -> Response:
    token_id = int(request.path_params["token_id"])
    record = await revoke_token(request.state.clock, signed_in_user(request), token_id)
    flash(request, f"Token “{record.name or 'sign-in token'}” revoked; it no longer works.")
    return RedirectResponse("/me/tokens", status_code=303)


routes = [
    Route("/", home, name="home"),
    Route("/login", login_form, methods=["GET"], name="login"),
    Route("/login", login_submit, methods=["POST"], name="login-submit"),
    Route("/logout", logout, methods=["POST"], name="logout"),
    Route("/me/tokens", tokens_page, methods=["GET"], name="tokens"),
    Route("/me/tokens", tokens_create, methods=["POST"], name="tokens-create"),
    Route("/me/tokens/{token_id:int}/revoke", tokens_revoke, methods=["POST"], name="tokens-revoke"),
]
