"""HTML pages of the ambassador: the feed of approved posts, the share form, "My shares" (move,
cancel) and sharing preferences."""

from __future__ import annotations

from collections.abc import Hashable, Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import Any

from markupsafe import Markup
from starlette.datastructures import FormData
from starlette.middleware.sessions import SessionMiddleware
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from starlette.routing import Route
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from advocacy.access import allowed
from advocacy.accounts.models import NETWORK_LABELS
from advocacy.api import path_int
from advocacy.auth import csrf_token, session_user_id, signed_in_user
from advocacy.compliance.current import compliance_engine
from advocacy.errors import DomainError, InvalidInput
from advocacy.forms import form_id, form_text, optional_form_id
from advocacy.headers import SecurityHeadersMiddleware
from advocacy.localtime import format_local, input_value, parse_local, zone_of
from advocacy.programme.gate import sharing_blockers
from advocacy.shares import feed as feeds
from advocacy.shares import preferences, service
from advocacy.shares.endpoints import personal_feed, sharing_policy
from advocacy.shares.schemas import AccountOut, ShareOut
from advocacy.templating import (
    Fragment,
    block_markup,
    environment,
    flash,
    fragment,
    markup_bytes,
    page_context,
    render,
    slot,
)
from advocacy.users.models import Role, User
from campaigns.schemas import VariantOut
from campaigns.service import notices_for
from campaigns.shareable import ShareablePost


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
    account_options: Markup | str = ""  # the "Share from" choices (`feed_account_options.html`)
    error: str | None = None
    shared_on: list[str] = field(default_factory=list)
    nudge: Nudge | None = None


# What the page keeps per copy of the shareable posts (`Shareable.derived`), at most: the cards of
# each kind of person (how their accounts are connected, whether they may share; a few kinds) and
# the account choices of each person seen since the copy was read (it is read again every
# `feed_cache_seconds`), so the bound is against a crowd within those seconds.
KEPT = 20000
# The values of a card that change per request or person; the rest is kept rendered.
CARD_SLOTS = ("csrf_token", "now_input", "zone", "scheduled_at", "counts", "account_options")


def feed_card(post: ShareablePost, my_networks: list[str], connected: list[AccountOut], scheduled_at: str,
              counts: str) -> FeedCard:
    """The card of one post in its first state: no error, no advice, the default form."""
    connected_networks = {a.network for a in connected}
    open_accounts = [a for a in connected if a.network not in my_networks]
    grouped: dict[str, list[VariantOut]] = {}
    for variant in post.variants:
        # The suggestions for the networks the person connected; all of them until they have one.
        if variant.network in connected_networks or not connected_networks:
            grouped.setdefault(variant.network, []).append(variant)
    return FeedCard(
        post=post,
        variants_by_network=sorted(grouped.items()),
        open_accounts=open_accounts,
        form=default_form(post, open_accounts, scheduled_at),
        counts=counts,
        shared_on=[network_name(n) for n in my_networks],
    )


def card_with_slots(card: FeedCard, *, can_share: bool, connected: bool) -> Fragment:
    """A card in its first state rendered once, with slots for the values of each request."""
    slots = {name: slot(name) for name in CARD_SLOTS}
    return fragment(
        "feed_card.html",
        card=replace(card, form=replace(card.form, scheduled_at=slots["scheduled_at"]),
                     counts=slots["counts"], account_options=slots["account_options"]),
        can_share=can_share, connected=connected, network_name=network_name,
        csrf_token=slots["csrf_token"], now_input=slots["now_input"], zone=slots["zone"],
    )


@dataclass(frozen=True, slots=True)
class ShellViewer:
    """The signed-in person as the kept page around the cards sees them: the role (the navigation)
    and a slot for the name. Nothing else of one person can end up in the page kept for all."""

    role: Role
    name: str


# The blocks of `feed.html` about the person or the request, rendered per request into the kept
# page (`feed_shell`); the notice (base.html's block), the name, the CSRF token, the zone and the
# cards are its other slots.
SHELL_BLOCKS = ("before_cards", "empty_state", "after_cards")
SHELL_SLOTS = ("notice", *SHELL_BLOCKS)
# The kept pages around the cards, per organisation name and role: a few.
_SHELLS: dict[tuple[str, str], Fragment] = {}


def feed_shell(organization: str, role: Role) -> Fragment:
    """The feed page around the cards, rendered once per organisation name and role (the head,
    the navigation, the introduction) from `feed_shell.html`, with slots for everything else.
    Templates change only with a release, so nothing else ever makes it stale."""
    key = (organization, role.value)
    shell = _SHELLS.get(key)
    if shell is None:
        shell = fragment(
            "feed_shell.html", organization=organization, user=ShellViewer(role, slot("user_name")),
            csrf_token=slot("csrf_token"), zone=slot("zone"), cards=Markup(slot("cards")),
            slots={name: Markup(slot(name)) for name in SHELL_SLOTS},
        )
        if len(_SHELLS) < KEPT:
            _SHELLS[key] = shell
    return shell


def feed_markup(context: Mapping[str, Any], cards: list[bytes], values: Mapping[str, bytes]) -> bytes:
    """The feed page as `feed.html` renders it with `context` (the person in it signed in) and the
    cards: the kept page (`feed_shell`) filled in with its blocks about the person rendered alone.
    `values` has the CSRF token and the zone encoded already, as the cards take them."""
    user = context["user"]
    filled = {"csrf_token": values["csrf_token"], "zone": values["zone"],
              "user_name": markup_bytes(user.name), "cards": b"".join(b"\n%s\n" % card for card in cards)}
    filled.update(block_markup("feed.html", SHELL_BLOCKS, context))
    # The notice's block renders nothing without one (most pages).
    filled["notice"] = block_markup("base.html", ["notice"], context)["notice"] if context["notice"] else b""
    return feed_shell(context["organization"], user.role).fill(filled)


def account_options(accounts: list[AccountOut], selected: str) -> Markup:
    return Markup(environment.get_template("feed_account_options.html").render(
        accounts=accounts, selected=selected, network_name=network_name))


def kept_account_options(
    kept: dict[Hashable, object], accounts: list[AccountOut], selected: str
) -> Markup:
    """`account_options`, kept with the copy of the shareable posts (see `KEPT`)."""
    key = ("options", tuple((a.id, a.network, a.handle) for a in accounts), selected)
    found = kept.get(key)
    if isinstance(found, Markup):
        return found
    made = account_options(accounts, selected)
    if len(kept) < KEPT:
        kept[key] = made
    return made


def network_name(network: str) -> str:
    return NETWORK_LABELS.get(network, network)


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
    request: Request,
    *,
    status: int = 200,
    page_error: str | None = None,
    post_error: tuple[int, str] | None = None,
    share_error: tuple[int, str] | None = None,
    submitted: tuple[int, ShareForm] | None = None,
    nudge: tuple[int, Nudge] | None = None,
    personal: feeds.PersonalFeed | None = None,
) -> Response:
    """The feed, optionally with one inline error next to the post or share it concerns.
    `personal` is the person's feed when the caller read it already, with notices and gate facts.

    A card in its first state is kept rendered (`card_with_slots`) with the copy of the posts it
    shows (`Shareable.derived`), per post, networks it was shared on and the shape of the person's
    accounts (which networks, in order, and whether they may share): the request fills in its own
    values. A card with an error, advice or the form sent back is rendered afresh from the same
    template. The page around the cards is kept too (`feed_markup`)."""
    user = signed_in_user(request)
    now = request.state.clock.now()
    if personal is None:
        personal = await personal_feed(request, user, count_notices=True, read_gate=True)
    connected = [a for a in personal.accounts if a.status == "connected"]
    blockers = await sharing_blockers(user, personal.gate)
    can_share = user.is_opted_in_ambassador and not blockers
    zone = zone_of(user).key
    now_input = input_value(now, user)
    token = csrf_token(request)
    scheduled_at = default_time(user, now)
    values = {"csrf_token": markup_bytes(token), "now_input": markup_bytes(now_input),
              "zone": markup_bytes(zone), "scheduled_at": markup_bytes(scheduled_at)}
    shape = ("feed-cards", can_share, tuple(a.network for a in connected))
    kept = personal.derived.get(shape)
    if not isinstance(kept, dict):
        kept = {}
        if len(personal.derived) < KEPT:
            personal.derived[shape] = kept
    special = {ids[0] for ids in (post_error, nudge, submitted) if ids}
    options: dict[tuple[str, ...], tuple[Markup, bytes]] = {}
    said: dict[tuple[int, int, tuple[str, ...]], tuple[str, bytes]] = {}
    cards: list[bytes] = []
    shown: set[int] = set()
    for post, my_networks, colleagues in personal.posts:
        shown.add(post.id)
        done = tuple(my_networks)
        choices = options.get(done)
        if choices is None:
            open_accounts = [a for a in connected if a.network not in done]
            made = kept_account_options(
                personal.derived, open_accounts, default_form(post, open_accounts, scheduled_at).account_id)
            choices = options[done] = (made, made.encode())
        told = (colleagues.published, colleagues.scheduled, tuple(colleagues.names))
        counts = said.get(told)
        if counts is None:
            text = counts_text(*told[:2], colleagues.names)
            counts = said[told] = (text, markup_bytes(text))
        if post.id not in special:
            card_html = kept.get((post.id, done))
            if card_html is None:
                card = feed_card(post, my_networks, connected, scheduled_at, counts[0])
                card_html = kept[(post.id, done)] = card_with_slots(card, can_share=can_share,
                                                                    connected=bool(connected))
            values["counts"], values["account_options"] = counts[1], choices[1]
            cards.append(card_html.fill(values))
            continue
        card = feed_card(post, my_networks, connected, scheduled_at, counts[0])
        card.error = post_error[1] if post_error and post_error[0] == post.id else None
        card.nudge = nudge[1] if nudge and nudge[0] == post.id else None
        card.account_options = choices[0]
        if submitted and submitted[0] == post.id:
            card.form = submitted[1]
            card.account_options = account_options(card.open_accounts, card.form.account_id)
        cards.append(environment.get_template("feed_card.html").render(
            card=card, can_share=can_share, connected=bool(connected), network_name=network_name,
            csrf_token=token, now_input=now_input, zone=zone).encode())
    if post_error and post_error[0] not in shown:
        # The post left the feed (or never was in it): the error still has to be seen.
        page_error = page_error or post_error[1]
    shares = personal.shares
    share_errors = dict([share_error]) if share_error else {}
    if share_error and share_error[0] not in {s.id for s in shares}:
        page_error = page_error or share_error[1]
    context = {
        **page_context(request),
        "cards": cards,
        "accounts": personal.accounts,
        "connected": connected,
        "shares": shares,
        "share_errors": share_errors,
        "page_error": page_error,
        "zone": zone,
        "network_name": network_name,
        "can_share": can_share,
        "sharing_blockers": blockers,
        "now_input": now_input,
        "back": "feed",
        # Corrections of posts this person already shared (campaigns owns corrections).
        "correction_notices": await notices_for(user) if personal.notices else [],
    }
    return HTMLResponse(feed_markup(context, cards, values), status_code=status)


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
        mode = {"later": service.ShareMode.AT, "auto": service.ShareMode.AUTO}.get(
            values.when, service.ShareMode.NOW
        )
        created = await service.create_share(
            request.state.clock,
            user,
            post_id=post_id,
            account_id=account_id,
            variant_id=variant_id,
            text=own_text or None,
            scheduled_at=scheduled_at,
            mode=mode,
            compliance=await compliance_engine(request),
            links=request.state.links,
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
    where = network_name(created.network)
    if mode == service.ShareMode.NOW:
        flash(request, f"Your {where} share is queued and goes out in a moment.")
    elif mode == service.ShareMode.AUTO:
        flash(request, f"Your {where} share is auto-queued for {format_local(created.due_at, user)}, "
                       "in your sharing hours. Move or cancel it under My shares.")
    else:
        flash(request, f"Your {where} share is scheduled for {format_local(created.due_at, user)}.")
    return RedirectResponse("/feed", status_code=303)


# The pages a move or cancel form may come from, and where to go back to.
BACK_TO = {"feed": "/feed", "shares": "/me/shares"}


async def back_with_error(request: Request, back: str, share_id: int, error: DomainError) -> Response:
    if back == "shares":
        return await my_shares_page(request, status=error.status_code, share_error=(share_id, error.message))
    return await feed_page(request, status=error.status_code, share_error=(share_id, error.message))


async def cancel(request: Request) -> Response:
    user = signed_in_user(request)
    share_id = int(request.path_params["share_id"])
    form = await request.form()
    back = form_text(form, "back") if form_text(form, "back") in BACK_TO else "feed"
    try:
        path_int(request, "share_id")  # refuses ids beyond the column's range, as "no such share"
        cancelled = await service.cancel_share(request.state.clock, user, share_id)
    except DomainError as error:
        return await back_with_error(request, back, share_id, error)
    flash(request, f"Your {network_name(cancelled.network)} share was cancelled; nothing was posted.")
    return RedirectResponse(BACK_TO[back], status_code=303)


async def move(request: Request) -> Response:
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
            request.state.clock, user, share_id, to=to, auto=auto, policy=sharing_policy(request)
        )
    except DomainError as error:
        return await back_with_error(request, back, share_id, error)
    when = format_local(moved.due_at, user)
    flash(request, f"Your {network_name(moved.network)} share now goes out {when}.")
    return RedirectResponse(BACK_TO[back], status_code=303)


async def my_shares_page(
    request: Request, *, status: int = 200, share_error: tuple[int, str] | None = None
) -> Response:
    user = signed_in_user(request)
    shares = [ShareOut.of(s) for s in await service.shares_of(user)]
    page_error = None
    if share_error and share_error[0] not in {s.id for s in shares}:
        page_error = share_error[1]
    return render(
        request, "my_shares.html", status=status, shares=shares,
        share_errors=dict([share_error]) if share_error else {}, page_error=page_error,
        zone=zone_of(user).key, network_name=network_name, back="shares",
        now_input=input_value(request.state.clock.now(), user),
    )


async def my_shares(request: Request) -> Response:
    return await my_shares_page(request)


async def live_counts(request: Request) -> Response:
    """Colleagues' counts per post in the person's feed, for the page to refresh them in place."""
    user = signed_in_user(request)
    posts = await feeds.posts_for(request.state.clock, user,
                                  cache_seconds=request.state.settings.feed_cache_seconds)
    counts = await feeds.colleague_counts(
        user, [post.id for post in posts], with_names=request.state.settings.feed_show_colleague_names
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
    request: Request, *, status: int = 200, error: str | None = None,
    values: preferences.PreferencesView | None = None,
) -> Response:
    user = signed_in_user(request)
    view = values or preferences.view_of(user, await preferences.sharing_hours(user))
    return render(
        request, "sharing_preferences.html", status=status, prefs=view, error=error,
        day_names=preferences.day_names(), zones=preferences.zone_names(),
    )


async def preferences_form(request: Request) -> Response:
    return await preferences_page(request)


async def preferences_save(request: Request) -> Response:
    user = signed_in_user(request)
    form = await request.form()
    days_raw = [value for value in form.getlist("days") if isinstance(value, str)]
    cap_raw = form_text(form, "daily_cap").strip()
    entered = preferences.PreferencesView(
        start=form_text(form, "start"), end=form_text(form, "end"),
        days=[int(d) for d in days_raw if d.isascii() and d.isdigit() and len(d) == 1],
        daily_cap=int(cap_raw) if cap_raw.isascii() and cap_raw.isdigit() and len(cap_raw) <= 3 else 0,
        timezone=form_text(form, "timezone"),
    )
    try:
        if len(entered.days) != len(days_raw):
            raise InvalidInput("Days are picked from the list.", {"field": "days"})
        await preferences.save_preferences(
            request.state.clock, user, start=entered.start, end=entered.end, days=entered.days,
            daily_cap=entered.daily_cap, timezone=entered.timezone,
        )
    except DomainError as error:
        return await preferences_page(request, status=error.status_code, error=error.message, values=entered)
    flash(request, "Your sharing preferences are saved; auto-queue uses them from now on.")
    return RedirectResponse("/me/sharing-preferences", status_code=303)


FEED_PAGE_PATH = "/feed"


class FeedPageFastPath:
    """Answers `GET /feed` for a signed-in person before the routing, guard and exception layers,
    the way `FeedFastPath` answers the API.

    The feed is the page ambassadors open most, and those layers (the route table is matched in
    order) cost about as much as the page itself. Nothing is done differently: the session is read
    and written back by a `SessionMiddleware` built from the same options as the application's
    (`session`: cookie, signature, age, flags), the answer carries the security headers through a
    `SecurityHeadersMiddleware` built from the same options (`headers`), the session is checked
    by `session_user_id` (the session half of `resolve_user`: idle and absolute timeouts, the
    last-seen stamp), the person is read with their feed in one statement (`signed_in_feed`),
    required active and checked against the route's rule in `advocacy.access` as the guard does,
    and the page is the route's own (`feed_page`). A request without the session cookie, whose
    session resolves to nobody or whose role the rule refuses goes on to the full stack
    unchanged, which answers it (the sign-in redirect, 403) as before: nothing has been sent by
    then.
    """

    def __init__(self, app: ASGIApp, *, session: Mapping[str, Any], headers: Mapping[str, Any]) -> None:
        self.app = app
        self.cookie = f"{session['session_cookie']}=".encode("latin-1")
        self.page = SecurityHeadersMiddleware(SessionMiddleware(self.answer, **session), **headers)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["method"] == "GET" and scope["path"] == FEED_PAGE_PATH and any(
                name == b"cookie" and self.cookie in value for name, value in scope["headers"]):
            answered = False

            async def sending(message: Message) -> None:
                nonlocal answered
                answered = True
                await send(message)

            await self.page(scope, receive, sending)
            if answered:
                return
        await self.app(scope, receive, send)

    async def answer(self, scope: Scope, receive: Receive, send: Send) -> None:
        request = Request(scope, receive)
        user_id = session_user_id(request)
        if user_id is None:
            return  # the full stack answers
        settings = request.state.settings
        found = await feeds.signed_in_feed(request.state.clock, user_id,
                                           show_names=settings.feed_show_colleague_names,
                                           cache_seconds=settings.feed_cache_seconds)
        if found is None or not found[0].is_active or not allowed("feed", found[0].role):
            return
        request.state.user, personal = found
        response = await feed_page(request, personal=personal)
        await response(scope, receive, send)


routes = [
    Route(FEED_PAGE_PATH, feed, methods=["GET"], name="feed"),
    Route("/feed/counts", live_counts, methods=["GET"], name="feed-counts"),
    Route("/feed/share", share, methods=["POST"], name="feed-share"),
    Route("/feed/shares/{share_id:int}/cancel", cancel, methods=["POST"], name="feed-cancel"),
    Route("/feed/shares/{share_id:int}/move", move, methods=["POST"], name="feed-move"),
    Route("/me/shares", my_shares, methods=["GET"], name="my-shares"),
    Route("/me/sharing-preferences", preferences_form, methods=["GET"], name="preferences"),
    Route("/me/sharing-preferences", preferences_save, methods=["POST"], name="preferences-save"),
]
