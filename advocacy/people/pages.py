"""The admins' people page (/admin/users): search, create, change a role, deactivate, reactivate and
send a password-reset link. Each change goes through `advocacy.people.service` and is audited; a
refused one is shown beside what it was about and changes nothing."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from urllib.parse import urlencode

from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from advocacy.api import path_int
from advocacy.auth import signed_in_user
from advocacy.errors import DomainError
from advocacy.forms import form_text, whole_number
from advocacy.people import service
from advocacy.state import AppRequest
from advocacy.templating import flash, render
from advocacy.users.models import Role, User
from advocacy.users.service import change_role

ENTERED = ("email", "name", "role", "department", "region")


def _filters(request: AppRequest, about: User | None) -> dict[str, str]:
    params = request.query_params
    if about is not None:  # a refused change: the list shows the person it was about
        return {"q": about.email, "role": "", "state": ""}
    return {"q": params.get("q", "")[:254], "role": params.get("role", "")[:20],
            "state": params.get("state", "")[:20]}


async def people(request: AppRequest, *, status: int = 200, error: str | None = None,
                 error_for: int | None = None, entered: dict[str, str] | None = None) -> Response:
    about = await User.get_or_none(id=error_for) if error_for is not None else None
    if about is None:
        error_for = None  # nobody to show it beside: the error goes at the top
    filters = _filters(request, about)
    page = whole_number(request.query_params.get("page", "1"), least=1, most=999_999) or 1
    rows, total = await service.people_page(filters["q"], filters["role"], filters["state"], page)
    shown = {key: value for key, value in filters.items() if value}
    return render(request, "people.html", status=status, rows=rows, total=total, page=page,
                  pages=max(1, -(-total // service.PAGE_SIZE)), filters=filters,
                  filter_query=urlencode(shown), roles=[role.value for role in Role],
                  states=list(service.STATES), error=error, error_for=error_for,
                  entered=entered or {"role": Role.AMBASSADOR.value},
                  reset_minutes=request.state["settings"].password_reset_minutes)


def _shown(user: User) -> RedirectResponse:
    # Back to the list, narrowed to the person just changed, so the change is in sight.
    return RedirectResponse(f"/admin/users?{urlencode({'q': user.email})}#person-{user.id}", status_code=303)


async def people_create(request: AppRequest) -> Response:
    form = await request.form()
    entered = {name: form_text(form, name).strip() for name in ENTERED}
    try:
        created = await service.create_person(
            request.state["clock"], request.state["settings"], signed_in_user(request),
            password=form_text(form, "password"), **entered)
    except DomainError as error:
        return await people(request, status=error.status_code, error=error.message, entered=entered)
    person = created.user
    how = (f"a link to choose a password is on its way to {person.email}" if created.link_sent
           else "they sign in with the password you chose")
    flash(request, f"{person.name} ({person.role.value}) created: {how}.")
    return _shown(person)


# One change to the person with this id: the notice to show, and the person as they are now.
Change = Callable[[int], Awaitable[tuple[str, User]]]


async def _act(request: AppRequest, action: Change) -> Response:
    """Run one change on the person in the address; on refusal, the page with the reason beside them."""
    user_id = path_int(request, "person_id")
    try:
        message, person = await action(user_id)
    except DomainError as error:
        return await people(request, status=error.status_code, error=error.message, error_for=user_id)
    flash(request, message)
    return _shown(person)


async def people_role(request: AppRequest) -> Response:
    role = form_text(await request.form(), "role")

    async def change(user_id: int) -> tuple[str, User]:
        person = await change_role(request.state["clock"], signed_in_user(request), user_id, role)
        return f"{person.name} is now {person.role.value}.", person
    return await _act(request, change)


async def people_deactivate(request: AppRequest) -> Response:
    async def deactivate(user_id: int) -> tuple[str, User]:
        person, paused = await service.deactivate_person(request.state["clock"], signed_in_user(request),
                                                         user_id)
        held = f" Their {paused} waiting share(s) are paused." if paused else ""
        return (f"{person.name} is deactivated: they can no longer sign in, and every session and "
                f"token of theirs has ended.{held}"), person
    return await _act(request, deactivate)


async def people_reactivate(request: AppRequest) -> Response:
    async def reactivate(user_id: int) -> tuple[str, User]:
        person, resumed = await service.reactivate_person(request.state["clock"], signed_in_user(request),
                                                          user_id)
        queued = f" Their {resumed} paused share(s) are queued again." if resumed else ""
        return f"{person.name} is active again and can sign in.{queued}", person
    return await _act(request, reactivate)


async def people_reset(request: AppRequest) -> Response:
    settings = request.state["settings"]

    async def reset(user_id: int) -> tuple[str, User]:
        person = await service.send_reset_link(request.state["clock"], settings, signed_in_user(request),
                                               user_id)
        return (f"A link to choose a new password is on its way to {person.email}; it works once, for "
                f"{settings.password_reset_minutes} minutes."), person
    return await _act(request, reset)


routes = [
    Route("/admin/users", people, methods=["GET"], name="people"),
    Route("/admin/users", people_create, methods=["POST"], name="people-create"),
    Route("/admin/users/{person_id:int}/role", people_role, methods=["POST"], name="people-role"),
    Route("/admin/users/{person_id:int}/deactivate", people_deactivate, methods=["POST"],
          name="people-deactivate"),
    Route("/admin/users/{person_id:int}/reactivate", people_reactivate, methods=["POST"],
          name="people-reactivate"),
    Route("/admin/users/{person_id:int}/reset", people_reset, methods=["POST"], name="people-reset"),
]
