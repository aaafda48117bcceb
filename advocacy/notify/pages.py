"""Pages: my notifications and how I get them, the one-click unsubscribe, the admins' outbox."""

from __future__ import annotations

from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from advocacy.api import path_int
from advocacy.auth import signed_in_user
from advocacy.errors import DomainError, InvalidInput
from advocacy.forms import form_text, whole_number
from advocacy.notify import outbox, service
from advocacy.notify.models import DeliveryStatus, Frequency
from advocacy.notify.unsubscribe import LinkExpired, user_id_of_token
from advocacy.state import AppRequest
from advocacy.templating import flash, render
from advocacy.users.models import User

FREQUENCIES = [
    (Frequency.IMMEDIATE.value, "Immediately"),
    (Frequency.DAILY.value, "Daily digest"),
    (Frequency.WEEKLY.value, "Weekly digest (Mondays)"),
    (Frequency.OFF.value, "Off (in the app only)"),
]


async def _page(request: AppRequest, user: User, *, status: int = 200,
                values: dict[str, object] | None = None, error: InvalidInput | None = None) -> Response:
    preference = await service.preference_of(user)
    addresses = service.WebhookAddresses.of(request.state["settings"], preference)
    shown = values or {
        "email_enabled": preference.email_enabled,
        "slack_webhook_url": addresses.slack,
        "teams_webhook_url": addresses.teams,
        "frequency": preference.frequency.value,
    }
    notices = await service.inbox_of(user)
    unread = {n.id for n in notices if n.read_at is None}
    response = render(
        request, "notifications.html", status=status, values=shown, frequencies=FREQUENCIES,
        notices=notices, unread=unread, error=error.message if error else "",
        error_field=str(error.details.get("field", "")) if error else "",
        sending=request.state["settings"].notify_send,
    )
    if status == 200 and unread:
        # Seen now: marked read after the page that shows them as new was drawn.
        await service.mark_all_read(request.state["clock"], user)
    return response


async def notifications_page(request: AppRequest) -> Response:
    return await _page(request, signed_in_user(request))


async def notifications_save(request: AppRequest) -> Response:
    user = signed_in_user(request)
    form = await request.form()
    values: dict[str, object] = {
        "email_enabled": form_text(form, "email_enabled") == "1",
        "slack_webhook_url": form_text(form, "slack_webhook_url").strip(),
        "teams_webhook_url": form_text(form, "teams_webhook_url").strip(),
        "frequency": form_text(form, "frequency"),
    }
    try:
        await service.update_preferences(
            request.state["clock"], request.state["settings"], user,
            email_enabled=bool(values["email_enabled"]),
            slack_webhook_url=str(values["slack_webhook_url"]),
            teams_webhook_url=str(values["teams_webhook_url"]),
            frequency=str(values["frequency"]),
        )
    except InvalidInput as error:
        return await _page(request, user, status=400, values=values, error=error)
    flash(request, "Your notification settings are saved.")
    return RedirectResponse("/me/notifications", status_code=303)


async def unsubscribe(request: AppRequest) -> Response:
    """The link in an email: asks to confirm, so a mail scanner that opens links changes nothing."""
    person = await _person_of_link(request)
    if isinstance(person, Response):
        return person
    return render(request, "unsubscribe.html", email=person.email)


async def unsubscribe_confirm(request: AppRequest) -> Response:
    """The confirmation, or a mail client's one-click POST (RFC 8058): no session, no CSRF token;
    the signed token in the address is the proof."""
    person = await _person_of_link(request)
    if isinstance(person, Response):
        return person
    was_on = await service.unsubscribe_email(request.state["clock"], person)
    return render(request, "unsubscribed.html", email=person.email, was_on=was_on)


async def _person_of_link(request: AppRequest) -> User | Response:
    settings = request.state["settings"]
    try:
        user_id = user_id_of_token(settings, request.path_params["token"], request.state["clock"].now())
    except LinkExpired:
        return render(request, "error.html", status=410, title="Link expired",
                      message="This unsubscribe link has expired. Sign in and choose your "
                              "notification settings instead.")
    person = await User.get_or_none(id=user_id) if user_id is not None else None
    if person is None:
        return render(request, "error.html", status=404, title="Link not valid",
                      message="This unsubscribe link is not valid. Sign in and choose your "
                              "notification settings instead.")
    return person


async def outbox_page(request: AppRequest, *, status: int = 200, error: str | None = None) -> Response:
    raw_status = request.query_params.get("status", "")
    shown = DeliveryStatus(raw_status) if raw_status in set(DeliveryStatus) else None
    page = whole_number(request.query_params.get("page", "1"), least=1, most=999_999) or 1
    rows, total = await outbox.delivery_page(shown, page)
    return render(request, "notify_outbox.html", status=status, error=error,
                  counts=await outbox.outbox_counts(), deliveries=rows, shown_status=shown,
                  page=page, pages=max(1, -(-total // outbox.PAGE_SIZE)), total=total,
                  problems=[problem.value for problem in outbox.PROBLEMS],
                  sending=request.state["settings"].notify_send)


async def outbox_send_again(request: AppRequest) -> Response:
    try:
        delivery = await outbox.send_again(request.state["clock"], signed_in_user(request),
                                           path_int(request, "delivery_id"))
    except DomainError as error:
        return await outbox_page(request, status=error.status_code, error=error.message)
    flash(request, f"Delivery {delivery.id} will be sent again on the next run.")
    return RedirectResponse("/admin/notifications", status_code=303)


routes = [
    Route("/me/notifications", notifications_page, methods=["GET"], name="notifications"),
    Route("/me/notifications", notifications_save, methods=["POST"], name="notifications-save"),
    Route("/notifications/unsubscribe/{token}", unsubscribe, methods=["GET"],
          name="notifications-unsubscribe"),
    Route("/notifications/unsubscribe/{token}", unsubscribe_confirm, methods=["POST"],
          name="notifications-unsubscribe-confirm"),
    Route("/admin/notifications", outbox_page, methods=["GET"], name="notifications-outbox"),
    Route("/admin/notifications/{delivery_id:int}/send-again", outbox_send_again, methods=["POST"],
          name="notifications-send-again"),
]
