"""HTML pages of the ambassador: the feed of approved posts, the share form, "My shares" (move,
cancel) and sharing preferences."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import partial

from starlette.datastructures import FormData
from starlette.responses import JSONResponse, RedirectResponse, Response
from starlette.routing import Route

from advocacy.accounts.models import network_name
from advocacy.api import path_int
from advocacy.auth import reads_alongside, signed_in_user
from advocacy.compliance.current import compliance_engine
from advocacy.errors import DomainError, InvalidInput
from advocacy.forms import form_id, form_text, optional_form_id, whole_number
from advocacy.localtime import format_local, input_value, parse_local, zone_names, zone_of
from advocacy.programme.gate import sharing_blockers
from advocacy.shares import feed as feeds
from advocacy.shares import preferences, service
from advocacy.shares.endpoints import personal_feed, prepare_feed, sharing_policy
from advocacy.shares.models import BLOCKING_STATUSES, Share
from advocacy.shares.schemas import AccountOut, ShareOut
from advocacy.shares.status import network_status
from advocacy.state import AppRequest
from advocacy.templating import flash, render
from advocacy.users.models import User
from campaigns.queries import notices_for
from campaigns.schemas import VariantOut
from campaigns.shareable import ShareablePost

# The person's shares of a post that the card reports (scheduled, going out, out, being checked).
LIVE = frozenset(status.value for status in BLOCKING_STATUSES)


@dataclass
class ShareForm:
    """What the person entered in one post's share form, kept when the form comes back with an error."""

    account_id: str = ""
    variant_id: str = ""
    text: str = ""
    when: str = "now"
    scheduled_at: str = ""
    confirm_similar: bool = False

    @classmethod
    def of(cls, form: FormData) -> ShareForm:
        when = form_text(form, "when")
        return cls(
            account_id=form_text(form, "account_id"),
            variant_id=form_text(form, "variant_id"),
            text=form_text(form, "text"),
            when=when if when in ("later", "auto") else "now",
            scheduled_at=form_text(form, "scheduled_at"),
            confirm_similar=form_text(form, "confirm_similar") == "1",
        )


@dataclass
class Nudge:
    """The authenticity guard's advice for one card: how many copies, and a less used suggestion."""

    message: str
    variant_id: int | None = None
    text: str | None = None


@dataclass
class FeedCard:
    """One shareable post as the feed shows it: suggestions grouped by network, and its form."""

    post: ShareablePost
    variants_by_network: list[tuple[str, list[VariantOut]]]
    open_accounts: list[AccountOut]  # connected accounts that have not shared this post yet
    form: ShareForm
    counts: str = ""  # what colleagues did with it, in words
    error: str | None = None
    mine: list[ShareOut] = field(default_factory=list)  # the person's own live shares of the post
    nudge: Nudge | None = None
    opens: str | None = None  # when the campaign's window opens, in the person's zone, if not yet
    written_for: list[str] = field(default_factory=list)  # names of the networks it has suggestions for


def feed_card(post: ShareablePost, my_networks: list[str], connected: list[AccountOut], scheduled_at: str,
              counts: str, *, now: datetime, user: User) -> FeedCard:
    """The card of one post in its first state: no error, no advice, the default form."""
    connected_networks = {a.network for a in connected}
    written_for = sorted({v.network for v in post.variants})
    # Only accounts the post has suggestions for: an X account under a LinkedIn-only post is a dead end.
    open_accounts = [a for a in connected if a.network not in my_networks and a.network in written_for]
    grouped: dict[str, list[VariantOut]] = {}
    for variant in post.variants:
        # The suggestions for the networks the person connected; all of them until they have one.
        if variant.network in connected_networks or not connected_networks:
            grouped.setdefault(variant.network, []).append(variant)
    upcoming = post.opens_at > now
    form = default_form(post, open_accounts, input_value(post.opens_at, user) if upcoming else scheduled_at)
    if upcoming:
        form.when = "later"  # "now" is not offered before the window opens
    return FeedCard(
        post=post,
        variants_by_network=sorted(grouped.items()),
        open_accounts=open_accounts,
        form=form,
        counts=counts,
        opens=format_local(post.opens_at, user) if upcoming else None,
        written_for=[network_name(n) for n in written_for],
    )


def default_time(user: User, now: datetime) -> str:
    """The scheduled time a share form starts with: the next quarter hour after an hour from now,
    in the person's zone as a datetime-local value."""
    later = (now + timedelta(hours=1)).replace(second=0, microsecond=0)
    later += timedelta(minutes=-later.minute % 15)
    return input_value(later, user)


def default_form(post: ShareablePost, open_accounts: list[AccountOut], scheduled_at: str) -> ShareForm:
    # Pre-select the first account that can still share and a suggestion written for its network,
    # so "Share" works in one click; the time is `default_time`, the same for every card.
    account = open_accounts[0] if open_accounts else None
    variant = next((v for v in post.variants if account and v.network == account.network), None)
    return ShareForm(
        account_id=str(account.id) if account else "",
        variant_id=str(variant.id) if variant else "",
        scheduled_at=scheduled_at,
    )


async def feed_page(
    request: AppRequest,
    *,
    status: int = 200,
    page_error: str | None = None,
    post_error: tuple[int, str] | None = None,
    share_error: tuple[int, str] | None = None,
    submitted: tuple[int, ShareForm] | None = None,
    nudge: tuple[int, Nudge] | None = None,
    suggestion: Mapping[str, str] | None = None,
    suggestion_error: str | None = None,
) -> Response:
    """The feed, optionally with one inline error next to the post, share or suggestion it concerns;
    `suggestion` is the suggestion form as typed (advocacy.suggestions answers it)."""
    user = signed_in_user(request)
    personal = await personal_feed(request, user, count_notices=True)
    connected = [a for a in personal.accounts if a.status == "connected"]
    blockers = await sharing_blockers(user)
    now = request.state["clock"].now()
    scheduled_at = default_time(user, now)
    cards = []
    shown: set[int] = set()
    live: dict[int, list[ShareOut]] = {}
    for mine in personal.shares:
        if mine.status in LIVE:
            live.setdefault(mine.post_id, []).append(mine)
    for post, my_networks, colleagues in personal.posts:
        shown.add(post.id)
        card = feed_card(post, my_networks, connected, scheduled_at,
                         counts_text(colleagues.published, colleagues.scheduled, colleagues.names),
                         now=now, user=user)
        card.mine = live.get(post.id, [])
        if post_error and post_error[0] == post.id:
            card.error = post_error[1]
        if nudge and nudge[0] == post.id:
            card.nudge = nudge[1]
        if submitted and submitted[0] == post.id:
            card.form = submitted[1]
        cards.append(card)
    if post_error and post_error[0] not in shown:
        # The post left the feed (or never was in it): the error still has to be seen.
        page_error = page_error or post_error[1]
    shares = personal.shares
    if share_error and share_error[0] not in {s.id for s in shares}:
        page_error = page_error or share_error[1]
    can_share = user.is_opted_in_ambassador and not blockers
    return render(
        request, "feed.html", status=status, cards=cards, accounts=personal.accounts, connected=connected,
        shares=shares, share_errors=dict([share_error]) if share_error else {}, page_error=page_error,
        zone=zone_of(user).key, network_name=network_name, can_share=can_share, sharing_blockers=blockers,
        now_input=input_value(request.state["clock"].now(), user), back="feed",
        # Corrections of posts this person already shared (campaigns owns corrections).
        correction_notices=await notices_for(user) if personal.notices else [],
        left_on=format_local(user.opted_out_at, user) if not user.is_opted_in_ambassador else "",
        suggestion=suggestion or {}, suggestion_error=suggestion_error,
    )


@reads_alongside(partial(prepare_feed, count_notices=True))
async def feed(request: AppRequest) -> Response:
    return await feed_page(request)


async def share(request: AppRequest) -> Response:
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
        mode = {"later": service.ShareMode.AT, "auto": service.ShareMode.AUTO}.get(
            values.when, service.ShareMode.NOW
        )
        created = await service.create_share(
            request.state["clock"],
            user,
            post_id=post_id,
            account_id=account_id,
            variant_id=variant_id,
            text=own_text or None,
            scheduled_at=scheduled_at,
            mode=mode,
            compliance=await compliance_engine(request),
            links=request.state["links"],
            policy=sharing_policy(request),
            nudge_similar=not values.confirm_similar,
        )
    except service.TooSimilar as similar:
        details = similar.details
        advice = Nudge(similar.message, details.get("suggested_variant_id"), details.get("suggested_text"))
        return await feed_page(
            request, status=similar.status_code, submitted=(post_id, values), nudge=(post_id, advice)
        )
    except DomainError as error:
        return await feed_page(
            request,
            status=error.status_code,
            post_error=(post_id, error.message),
            submitted=(post_id, values),
        )
    flash(request, confirmation(mode, created, scheduled_at, request.state["clock"].now(), user))
    return RedirectResponse("/feed", status_code=303)


def confirmation(
    mode: service.ShareMode, share: Share, asked: datetime | None, now: datetime, user: User
) -> str:
    """What the person is told once a share is queued: exactly when it goes out, in their zone."""
    where, when = network_name(share.network), format_local(share.due_at, user)
    if mode == service.ShareMode.AUTO:
        return (f"Your {where} share is auto-queued for {when}, in your sharing hours. "
                "Move or cancel it under My shares.")
    if share.due_at > max(now, asked or now):
        # Asked for before the campaign's window opens: it waits for the opening.
        return f"Your {where} share is scheduled for {when}, when the campaign opens."
    if mode == service.ShareMode.NOW:
        return f"Your {where} share is queued and goes out in a moment ({when})."
    return f"Your {where} share is scheduled for {when}."


# The pages a move or cancel form may come from, and where to go back to.
BACK_TO = {"feed": "/feed", "shares": "/me/shares"}


async def back_with_error(request: AppRequest, back: str, share_id: int, error: DomainError) -> Response:
    if back == "shares":
        return await my_shares_page(request, status=error.status_code, share_error=(share_id, error.message))
    return await feed_page(request, status=error.status_code, share_error=(share_id, error.message))


async def cancel(request: AppRequest) -> Response:
    user = signed_in_user(request)
    share_id = int(request.path_params["share_id"])
    form = await request.form()
    back = form_text(form, "back") if form_text(form, "back") in BACK_TO else "feed"
    try:
        path_int(request, "share_id")  # refuses ids beyond the column's range, as "no such share"
        cancelled = await service.cancel_share(request.state["clock"], user, share_id)
    except DomainError as error:
        return await back_with_error(request, back, share_id, error)
    flash(request, f"Your {network_name(cancelled.network)} share was cancelled; nothing was posted.")
    return RedirectResponse(BACK_TO[back], status_code=303)


async def move(request: AppRequest) -> Response:
    """Move a queued share to a time typed in the person's zone, or let the planner place it again."""
    user = signed_in_user(request)
    share_id = int(request.path_params["share_id"])
    form = await request.form()
    back = form_text(form, "back") if form_text(form, "back") in BACK_TO else "feed"
    auto = form_text(form, "how") == "auto"
    try:
        path_int(request, "share_id")
        to = None if auto else parse_local(
            form_text(form, "scheduled_at"), user, field="scheduled_at", label="new time"
        )
        moved = await service.move_share(
            request.state["clock"], user, share_id, to=to, auto=auto, policy=sharing_policy(request)
        )
    except DomainError as error:
        return await back_with_error(request, back, share_id, error)
    when = format_local(moved.due_at, user)
    flash(request, f"Your {network_name(moved.network)} share now goes out {when}.")
    return RedirectResponse(BACK_TO[back], status_code=303)


async def my_shares_page(
    request: AppRequest, *, status: int = 200, share_error: tuple[int, str] | None = None
) -> Response:
    user = signed_in_user(request)
    shares = [ShareOut.of(s) for s in await service.shares_of(user)]
    ids = [s.id for s in shares]
    page_error = None
    if share_error and share_error[0] not in {s.id for s in shares}:
        page_error = share_error[1]
    return render(
        request, "my_shares.html", status=status, shares=shares,
        histories=await service.histories_of(ids), results=await request.state["share_results"](ids),
        # Clicks on the short links are counted here; in the sandbox the visitors are simulated too.
        clicks_kind="simulated" if request.state["settings"].network_mode == "sandbox" else "measured",
        share_errors=dict([share_error]) if share_error else {}, page_error=page_error,
        zone=zone_of(user).key, network_name=network_name, back="shares",
        now_input=input_value(request.state["clock"].now(), user),
    )


async def my_shares(request: AppRequest) -> Response:
    return await my_shares_page(request)


async def live_counts(request: AppRequest) -> Response:
    """Colleagues' counts per post in the person's feed, for the page to refresh them in place."""
    user = signed_in_user(request)
    posts = await feeds.posts_for(request.state["clock"], user,
                                  cache_seconds=request.state["settings"].feed_cache_seconds)
    counts = await feeds.colleague_counts(
        user, [post.id for post in posts], with_names=request.state["settings"].feed_show_colleague_names
    )
    texts = {str(post_id): counts_text(c.published, c.scheduled, c.names) for post_id, c in counts.items()}
    return JSONResponse({post_id: {"text": text} for post_id, text in texts.items()})


def counts_text(published: int, scheduled: int, names: list[str]) -> str:
    """What colleagues did with a post, in words (names only where the organisation shows them)."""
    if not published and not scheduled:
        return "No colleague has shared this yet."
    parts = []
    if published:
        parts.append(f"{published} colleague{'s' if published != 1 else ''} shared this")
    if scheduled:
        parts.append(f"{scheduled} {'have' if scheduled != 1 else 'has'} it scheduled")
    sentence = ", ".join(parts) + "."
    return f"{sentence} ({', '.join(names)})" if names else sentence


async def preferences_page(
    request: AppRequest, *, status: int = 200, error: str | None = None,
    values: preferences.PreferencesView | None = None,
) -> Response:
    user = signed_in_user(request)
    view = values or preferences.view_of(user, await preferences.sharing_hours(user))
    return render(
        request, "sharing_preferences.html", status=status, prefs=view, error=error,
        day_names=preferences.day_names(), zones=zone_names(),
    )


async def preferences_form(request: AppRequest) -> Response:
    return await preferences_page(request)


async def preferences_save(request: AppRequest) -> Response:
    user = signed_in_user(request)
    form = await request.form()
    days_raw = [value for value in form.getlist("days") if isinstance(value, str)]
    cap_raw = form_text(form, "daily_cap").strip()
    entered = preferences.PreferencesView(
        start=form_text(form, "start"), end=form_text(form, "end"),
        days=[int(d) for d in days_raw if d.isascii() and d.isdigit() and len(d) == 1],
        daily_cap=whole_number(cap_raw, most=999) or 0,
        timezone=form_text(form, "timezone"),
    )
    try:
        if len(entered.days) != len(days_raw):
            raise InvalidInput("Days are picked from the list.", {"field": "days"})
        await preferences.save_preferences(
            request.state["clock"], user, start=entered.start, end=entered.end, days=entered.days,
            daily_cap=entered.daily_cap, timezone=entered.timezone,
        )
    except DomainError as error:
        return await preferences_page(request, status=error.status_code, error=error.message, values=entered)
    flash(request, "Your sharing preferences are saved; auto-queue uses them from now on.")
    return RedirectResponse("/me/sharing-preferences", status_code=303)


async def status_page(request: AppRequest) -> Response:
    now = request.state["clock"].now()
    return render(request, "status.html", networks=await network_status(now), now=now)


routes = [
    Route("/admin/status", status_page, methods=["GET"], name="status"),
    Route("/feed", feed, methods=["GET"], name="feed"),
    Route("/feed/counts", live_counts, methods=["GET"], name="feed-counts"),
    Route("/feed/share", share, methods=["POST"], name="feed-share"),
    Route("/feed/shares/{share_id:int}/cancel", cancel, methods=["POST"], name="feed-cancel"),
    Route("/feed/shares/{share_id:int}/move", move, methods=["POST"], name="feed-move"),
    Route("/me/shares", my_shares, methods=["GET"], name="my-shares"),
    Route("/me/sharing-preferences", preferences_form, methods=["GET"], name="preferences"),
    Route("/me/sharing-preferences", preferences_save, methods=["POST"], name="preferences-save"),
]
