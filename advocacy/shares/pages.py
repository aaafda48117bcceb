"""HTML pages of the ambassador: the feed of approved posts, the share form, and "My shares"."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from advocacy.accounts.models import NETWORK_LABELS
from advocacy.api import path_int
from advocacy.auth import signed_in_user
from advocacy.compliance import engine_for
from advocacy.errors import DomainError, InvalidInput
from advocacy.forms import form_id, form_text, optional_form_id
from advocacy.localtime import format_local, input_value, parse_local, zone_of
from advocacy.shares import service
from advocacy.shares.endpoints import build_feed
from advocacy.shares.schemas import AccountOut, FeedPost
from advocacy.templating import flash, render
from advocacy.users.models import User
from campaigns.schemas import VariantOut
from campaigns.service import notices_for


@dataclass
class ShareForm:
    """What the person entered in one post's share form, kept when the form comes back with an error."""

    account_id: str = ""
    variant_id: str = ""
    text: str = ""
    when: str = "now"
    scheduled_at: str = ""

    @classmethod
    def of(cls, form: FormData) -> ShareForm:
        return cls(
            account_id=form_text(form, "account_id"),
            variant_id=form_text(form, "variant_id"),
            text=form_text(form, "text"),
            when="later" if form_text(form, "when") == "later" else "now",
            scheduled_at=form_text(form, "scheduled_at"),
        )


@dataclass
class FeedCard:
    """One shareable post as the feed shows it: suggestions grouped by network, and its form."""

    post: FeedPost
    variants_by_network: list[tuple[str, list[VariantOut]]]
    open_accounts: list[AccountOut]  # connected accounts that have not shared this post yet
    form: ShareForm
    error: str | None = None
    shared_on: list[str] = field(default_factory=list)


def network_name(network: str) -> str:
    return NETWORK_LABELS.get(network, network)


def default_form(post: FeedPost, open_accounts: list[AccountOut], user: User, now: datetime) -> ShareForm:
    # Pre-select the first account that can still share and a suggestion written for its network,
    # so "Share" works in one click; the scheduled time defaults to the next quarter hour + 1 h.
    account = open_accounts[0] if open_accounts else None
    variant = next((v for v in post.variants if account and v.network == account.network), None)
    later = (now + timedelta(hours=1)).replace(second=0, microsecond=0)
    later += timedelta(minutes=-later.minute % 15)
    return ShareForm(
        account_id=str(account.id) if account else "",
        variant_id=str(variant.id) if variant else "",
        scheduled_at=input_value(later, user),
    )


async def feed_page(
    request: Request,
    *,
    status: int = 200,
    page_error: str | None = None,
    post_error: tuple[int, str] | None = None,
    share_error: tuple[int, str] | None = None,
    submitted: tuple[int, ShareForm] | None = None,
) -> Response:
    """The feed, optionally with one inline error next to the post or share it concerns."""
    user = signed_in_user(request)
    now = request.state.clock.now()
    feed = await build_feed(request, user)
    connected = [a for a in feed.accounts if a.status == "connected"]
    cards = []
    for post in feed.posts:
        open_accounts = [a for a in connected if a.network not in post.my_share_networks]
        grouped: dict[str, list[VariantOut]] = {}
        for variant in post.variants:
            grouped.setdefault(variant.network, []).append(variant)
        form = default_form(post, open_accounts, user, now)
        if submitted and submitted[0] == post.id:
            form = submitted[1]
        cards.append(
            FeedCard(
                post=post,
                variants_by_network=sorted(grouped.items()),
                open_accounts=open_accounts,
                form=form,
                error=post_error[1] if post_error and post_error[0] == post.id else None,
                shared_on=[network_name(n) for n in post.my_share_networks],
            )
        )
    if post_error and not any(card.error for card in cards):
        # The post left the feed (or never was in it): the error still has to be seen.
        page_error = page_error or post_error[1]
    shares = await service.shares_of(user)
    share_errors = dict([share_error]) if share_error else {}
    if share_error and share_error[0] not in {s.id for s in shares}:
        page_error = page_error or share_error[1]
    return render(
        request,
        "feed.html",
        status=status,
        cards=cards,
        accounts=feed.accounts,
        connected=connected,
        shares=shares,
        share_errors=share_errors,
        page_error=page_error,
        zone=zone_of(user).key,
        network_name=network_name,
        can_share=user.is_opted_in_ambassador,
        now_input=input_value(now, user),
        # Corrections of posts this person already shared (campaigns owns corrections).
        correction_notices=await notices_for(user),
    )


async def feed(request: Request) -> Response:
    return await feed_page(request)


async def share(request: Request) -> Response:
    user = signed_in_user(request)
    form = await request.form()
    values = ShareForm.of(form)
    try:
        post_id = form_id(form, "post_id", "post")
    except InvalidInput as error:
        return await feed_page(request, status=error.status_code, page_error=error.message)
    try:
        account_id = form_id(form, "account_id", "account to share from")
        own_text = values.text.strip()
        # Words of one's own replace the suggestion entirely, whichever radio button was left on.
        variant_id = None if own_text else optional_form_id(form, "variant_id", "suggested message")
        scheduled_at = (
            parse_local(values.scheduled_at, user, field="scheduled_at", label="time to share")
            if values.when == "later"
            else None
        )
        created = await service.create_share(
            request.state.clock,
            user,
            post_id=post_id,
            account_id=account_id,
            variant_id=variant_id,
            text=own_text or None,
            scheduled_at=scheduled_at,
            compliance=engine_for(request.state.settings),
            links=request.state.links,
        )
    except DomainError as error:
        return await feed_page(
            request,
            status=error.status_code,
            post_error=(post_id, error.message),
            submitted=(post_id, values),
        )
    where = network_name(created.network)
    if scheduled_at is None:
        flash(request, f"Your {where} share is queued and goes out in a moment.")
    else:
        flash(request, f"Your {where} share is scheduled for {format_local(created.due_at, user)}.")
    return RedirectResponse("/feed", status_code=303)


async def cancel(request: Request) -> Response:
    user = signed_in_user(request)
    share_id = int(request.path_params["share_id"])
    try:
        path_int(request, "share_id")  # refuses ids beyond the column's range, as "no such share"
        cancelled = await service.cancel_share(request.state.clock, user, share_id)
    except DomainError as error:
        return await feed_page(request, status=error.status_code, share_error=(share_id, error.message))
    flash(request, f"Your {network_name(cancelled.network)} share was cancelled; nothing was posted.")
    return RedirectResponse("/feed", status_code=303)


routes = [
    Route("/feed", feed, methods=["GET"], name="feed"),
    Route("/feed/share", share, methods=["POST"], name="feed-share"),
    Route("/feed/shares/{share_id:int}/cancel", cancel, methods=["POST"], name="feed-cancel"),
]
