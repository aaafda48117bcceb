"""Pages for signing in and out, and the home page that sends each role to its own page."""

from __future__ import annotations

import logging

from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from advocacy import audit
from advocacy.auth import signed_in_user, start_session
from advocacy.clients import client_address
from advocacy.errors import InvalidInput, NotAuthenticated, TooManyAttempts
from advocacy.forms import form_text
from advocacy.state import AppRequest
from advocacy.templating import flash, render
from advocacy.users.models import Role
from advocacy.users.service import (
    create_personal_token,
    end_sessions,
    finish_password_reset,
    revoke_token,
    sign_in,
    start_password_reset,
    tokens_of,
)

log = logging.getLogger(__name__)

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


async def home(request: AppRequest) -> Response:
    return RedirectResponse(HOME_BY_ROLE[signed_in_user(request).role], status_code=303)


async def login_form(request: AppRequest) -> Response:
    return render(request, "login.html", next=safe_next(request.query_params.get("next")), email="")


async def login_submit(request: AppRequest) -> Response:
    form = await request.form()
    email = form_text(form, "email")
    target = safe_next(form_text(form, "next"))
    try:
        user = await sign_in(request.state["clock"], request.state["settings"], email,
                             form_text(form, "password"), client_address(request))
    except (NotAuthenticated, TooManyAttempts) as error:
        status = 429 if isinstance(error, TooManyAttempts) else 400
        page = render(request, "login.html", status=status, error=error.message, email=email, next=target)
        if "retry_after" in error.details:
            page.headers["Retry-After"] = str(error.details["retry_after"])
        return page
    start_session(request, user)
    return RedirectResponse(target or HOME_BY_ROLE[user.role], status_code=303)


async def logout(request: AppRequest) -> Response:
    user = signed_in_user(request)
    # Everywhere, not only in this browser: a copy of the cookie taken earlier stops working too.
    await end_sessions(user)
    await audit.record(request.state["clock"], user, "sign-out", address=client_address(request))
    request.session.clear()
    return RedirectResponse("/login", status_code=303)


async def profile(request: AppRequest) -> Response:
    """The person's own page: who they are, and the personal settings kept out of the main menu."""
    return render(request, "profile.html")


async def tokens_page(request: AppRequest) -> Response:
    return render(request, "tokens.html", tokens=await tokens_of(signed_in_user(request)))


async def tokens_create(request: AppRequest) -> Response:
    user = signed_in_user(request)
    form = await request.form()
    try:
        record, value = await create_personal_token(request.state["clock"], user, form_text(form, "name"))
    except InvalidInput as error:
        return render(request, "tokens.html", status=400, tokens=await tokens_of(user), error=error.message)
    # Rendered, not redirected: the value exists only in this answer and is never stored.
    return render(request, "tokens.html", status=201, tokens=await tokens_of(user), created=record,
                  created_value=value)


async def tokens_revoke(request: AppRequest) -> Response:
    token_id = int(request.path_params["token_id"])
    record = await revoke_token(request.state["clock"], signed_in_user(request), token_id)
    flash(request, f"Token “{record.name or 'sign-in token'}” revoked; it no longer works.")
    return RedirectResponse("/me/tokens", status_code=303)


RESET_SENT = ("If an account uses that address, a link to choose a new password is on its way. "
              "It works once and expires in {minutes} minutes.")


async def password_forgot(request: AppRequest) -> Response:
    return render(request, "password_forgot.html")


async def password_forgot_submit(request: AppRequest) -> Response:
    settings = request.state["settings"]
    email = form_text(await request.form(), "email")
    # Only recorded here; the outbox emails it (advocacy.notify.account_mail), so a known address
    # costs the request no more than an unknown one.
    await start_password_reset(request.state["clock"], settings, email)
    # The same answer whether or not the account exists, so the form reveals no accounts.
    flash(request, RESET_SENT.format(minutes=settings.password_reset_minutes))
    return RedirectResponse("/login", status_code=303)


async def password_reset(request: AppRequest) -> Response:
    return render(request, "password_reset.html", token=request.path_params["token"])


async def password_reset_submit(request: AppRequest) -> Response:
    token = request.path_params["token"]
    form = await request.form()
    password, repeated = form_text(form, "password"), form_text(form, "password_again")
    if password != repeated:
        return render(request, "password_reset.html", status=400, token=token,
                      error="The two passwords differ. Type the same one twice.")
    try:
        await finish_password_reset(request.state["clock"], token, password)
    except InvalidInput as error:
        return render(request, "password_reset.html", status=400, token=token, error=error.message)
    request.session.clear()
    flash(request, "Your password is changed. Sign in with the new one.")
    return RedirectResponse("/login", status_code=303)


routes = [
    Route("/", home, name="home"),
    Route("/login", login_form, methods=["GET"], name="login"),
    Route("/login", login_submit, methods=["POST"], name="login-submit"),
    Route("/logout", logout, methods=["POST"], name="logout"),
    Route("/password/forgot", password_forgot, methods=["GET"], name="password-forgot"),
    Route("/password/forgot", password_forgot_submit, methods=["POST"], name="password-forgot-submit"),
    Route("/password/reset/{token}", password_reset, methods=["GET"], name="password-reset"),
    Route("/password/reset/{token}", password_reset_submit, methods=["POST"], name="password-reset-submit"),
    Route("/me/profile", profile, methods=["GET"], name="profile"),
    Route("/me/tokens", tokens_page, methods=["GET"], name="tokens"),
    Route("/me/tokens", tokens_create, methods=["POST"], name="tokens-create"),
    Route("/me/tokens/{token_id:int}/revoke", tokens_revoke, methods=["POST"], name="tokens-revoke"),
]
