"""The confirmation page a one-tap share link from a notification opens, and its confirm form."""

from __future__ import annotations

from dataclasses import dataclass

from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from advocacy.accounts.models import network_name
from advocacy.auth import signed_in_user
from advocacy.compliance.current import compliance_engine
from advocacy.errors import DomainError
from advocacy.forms import form_text
from advocacy.localtime import format_local
from advocacy.shares import one_tap
from advocacy.shares.endpoints import sharing_policy
from advocacy.shares.preferences import sharing_hours, view_of
from advocacy.shares.service import TooSimilar, window_close
from advocacy.shares.wording import share_text
from advocacy.state import AppRequest
from advocacy.templating import flash, render


@dataclass
class Shown:
    """One share as the confirmation shows it: the words to edit and the full text that goes out."""

    choice: one_tap.Choice
    text: str
    preview: str
    error: str = ""


async def confirmation(
    request: AppRequest, token: str, *, status: int = 200, texts: dict[str, str] | None = None,
    errors: dict[str, DomainError] | None = None,
) -> Response:
    user = signed_in_user(request)
    settings, clock = request.state["settings"], request.state["clock"]
    try:
        tap = await one_tap.open_tap(settings, clock.now(), user, token)
        post, choices = await one_tap.choices_of(user, tap)
    except DomainError as error:
        return render(request, "one_tap.html", status=error.status_code, refused=error.message)
    compliance = await compliance_engine(request)
    shown = []
    for choice in choices:
        text = (texts or {}).get(choice.network) or choice.variant.text
        refusal = (errors or {}).get(choice.network)
        shown.append(Shown(choice=choice, text=text,
                           preview=share_text(compliance, text, url=post.url, network=choice.network),
                           error=refusal.message if refusal else ""))
    closes = format_local(window_close(post.pack.campaign, post), user)
    if tap.action == one_tap.AUTO:
        hours = view_of(user, await sharing_hours(user))
        when = (f"Auto-queued: placed in your sharing hours ({hours.start}–{hours.end}, {hours.timezone}), "
                f"spread out from colleagues, before {closes}.")
    elif post.pack.campaign.starts_at > clock.now():
        when = f"When the campaign starts: {format_local(post.pack.campaign.starts_at, user)}."
    else:
        when = "Now: it goes out in a moment, as soon as you confirm."
    similar = any(isinstance(e, TooSimilar) for e in (errors or {}).values())
    return render(request, "one_tap.html", status=status, post=post, shown=shown, when=when,
                  token=token, label=one_tap.LABELS[tap.action], similar=similar)


async def confirmation_page(request: AppRequest) -> Response:
    return await confirmation(request, request.path_params["token"])


async def confirm(request: AppRequest) -> Response:
    token = request.path_params["token"]
    form = await request.form()
    texts = {network: form_text(form, f"text_{network}") for network in one_tap.NETWORKS}
    try:
        outcome = await one_tap.confirm(
            request.state["clock"], request.state["settings"], signed_in_user(request), token,
            texts=texts, compliance=await compliance_engine(request), links=request.state["links"],
            policy=sharing_policy(request), nudge_similar=form_text(form, "confirm_similar") != "1",
        )
    except DomainError as error:
        return render(request, "one_tap.html", status=error.status_code, refused=error.message)
    if not outcome.shares:
        first = next(iter(outcome.refused.values()))
        return await confirmation(request, token, status=first.status_code, texts=texts,
                                  errors=outcome.refused)
    user = signed_in_user(request)
    done = "; ".join(f"{network_name(share.network)} at {format_local(share.due_at, user)}"
                     for share in outcome.shares)
    refused = " ".join(f"{network_name(network)}: {error.message}"
                       for network, error in outcome.refused.items())
    flash(request, f"Queued: {done}." + (f" Not queued — {refused}" if refused else ""))
    return RedirectResponse("/me/shares", status_code=303)


routes = [
    Route("/share/{token:str}", confirmation_page, methods=["GET"], name="one-tap"),
    Route("/share/{token:str}", confirm, methods=["POST"], name="one-tap-confirm"),
]
