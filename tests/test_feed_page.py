"""The ambassador's feed page: cards kept rendered with the shareable posts, and the fast path that
answers the page before the routing and guard layers."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import httpx
import pytest
from markupsafe import Markup
from starlette.types import Receive, Scope, Send

from advocacy.app import header_options, session_options
from advocacy.auth import SEEN_RESOLUTION_SECONDS
from advocacy.clock import SimulatedClock
from advocacy.programme import segments
from advocacy.programme.gate import Blocker
from advocacy.settings import Settings
from advocacy.shares import feed as feeds
from advocacy.shares import pages
from advocacy.shares.pages import FeedPageFastPath
from advocacy.shares.schemas import AccountOut, ShareOut
from advocacy.shares.service import create_share
from advocacy.templating import environment, markup_bytes
from advocacy.users.models import ApiToken, Role, User
from advocacy.users.service import issue_api_token, revoke_token, user_for_token
from campaigns import service as campaigns
from campaigns.models import MessageVariant
from campaigns.shareable import SHAREABLE
from tests import factories
from tests.shares.test_feed import shared_by_colleagues
from tests.test_pages import ambassador_with, csrf_of, element, sign_in

COOKIE = "advocacy_session"

# ---- kept cards -------------------------------------------------------------------------------------


async def test_a_card_filled_in_is_the_card_rendered_with_its_values(
    database: Settings, clock: SimulatedClock
) -> None:
    _, [post] = await factories.create_launched_campaign_with_posts(clock, 1)
    [kept] = (await SHAREABLE.get(clock, 5)).posts
    connected = [AccountOut.model_construct(id=7, network="x", handle="@a<b>&c", followers=3,
                                            status="connected")]
    counts = 'No "colleague" <shared> this & that.'
    card = pages.feed_card(kept, [], connected, "2026-11-02T10:15", counts)
    card.account_options = pages.account_options(card.open_accounts, card.form.account_id)
    values = {"csrf_token": "tok'en<", "now_input": "2026-11-02T09:00", "zone": "Europe/Berlin"}
    fresh = environment.get_template("feed_card.html").render(
        card=card, can_share=True, connected=True, network_name=pages.network_name, **values)
    filled = pages.card_with_slots(card, can_share=True, connected=True).fill({
        **{name: markup_bytes(value) for name, value in values.items()},
        "scheduled_at": markup_bytes("2026-11-02T10:15"), "counts": markup_bytes(counts),
        "account_options": card.account_options.encode(),
    }).decode()
    assert filled == fresh
    assert "@a&lt;b&gt;&amp;c" in filled and "tok&#39;en&lt;" in filled and post.title in filled


async def test_people_see_their_own_accounts_token_and_suggestions_on_kept_cards(
    client: httpx.AsyncClient, clock: SimulatedClock
) -> None:
    _, post = await factories.create_launched_campaign(clock)
    first, [first_account] = await ambassador_with(clock, "linkedin")
    second, [second_account] = await ambassador_with(clock, "linkedin")
    on_x, [x_account] = await ambassador_with(clock, "x")
    seen = {}
    for person in (first, second, on_x):
        await sign_in(client, person)
        page = (await client.get("/feed")).text
        seen[person.id] = (element(page, f"post-{post.id}"), csrf_of(page))
    first_card, first_token = seen[first.id]
    second_card, second_token = seen[second.id]
    x_card, _ = seen[on_x.id]
    assert f'<option value="{first_account.id}"' in first_card and second_account.handle not in first_card
    assert f'<option value="{first_account.id}"' not in second_card
    assert first_account.handle not in second_card
    assert f'<option value="{second_account.id}"' in second_card and second_account.handle in second_card
    assert second_token in second_card and first_token not in second_card
    linkedin = await MessageVariant.filter(post_id=post.id, network="linkedin").first()
    x = await MessageVariant.filter(post_id=post.id, network="x").first()
    assert linkedin is not None and x is not None
    def suggests(card: str, variant: MessageVariant) -> bool:
        return f'name="variant_id" value="{variant.id}"' in card

    assert suggests(second_card, linkedin) and not suggests(second_card, x)
    assert suggests(x_card, x) and not suggests(x_card, linkedin)
    assert f'<option value="{x_account.id}"' in x_card


async def test_a_correction_shows_on_the_kept_card_at_once(
    client: httpx.AsyncClient, clock: SimulatedClock
) -> None:
    _, post = await factories.create_launched_campaign(clock)
    [variant, *_] = await MessageVariant.filter(post_id=post.id, network="linkedin").order_by("id")
    person, _ = await ambassador_with(clock, "linkedin")
    await sign_in(client, person)
    assert variant.text in element((await client.get("/feed")).text, f"post-{post.id}")
    editor, reviewer = [await factories.create_user(clock, role) for role in ("editor", "reviewer")]
    correction = await campaigns.propose_correction(
        clock, editor, variant.id, text="Our new heart unit is open. #employee", reason="Heart, not cardiac.")
    assert variant.text in element((await client.get("/feed")).text, f"post-{post.id}")  # not reviewed yet
    await campaigns.review_correction(clock, reviewer, correction.id, approve=True)
    card = element((await client.get("/feed")).text, f"post-{post.id}")
    assert "Our new heart unit is open. #employee" in card and variant.text not in card


async def test_a_newly_approved_post_and_an_expired_one_show_on_the_next_page(
    client: httpx.AsyncClient, clock: SimulatedClock
) -> None:
    editor = await factories.create_user(clock, "editor")
    campaign, post = await factories.create_launched_campaign(clock, editor)
    person, _ = await ambassador_with(clock, "linkedin")
    await sign_in(client, person)
    assert f'id="post-{post.id}"' in (await client.get("/feed")).text
    _, newer = await factories.create_launched_campaign(clock)
    pack = await campaign.packs.all().first()
    assert pack is not None
    await campaigns.set_pack_expiry(clock, editor, pack.id, clock.now() + timedelta(minutes=10))
    page = (await client.get("/feed")).text
    assert f'id="post-{newer.id}"' in page and f'id="post-{post.id}"' in page
    clock.advance(timedelta(minutes=20))  # inside the idle timeout: the same session
    later = (await client.get("/feed")).text
    assert f'id="post-{newer.id}"' in later and f'id="post-{post.id}"' not in later


async def test_colleagues_counts_and_own_shares_are_current_on_kept_cards(
    client: httpx.AsyncClient, clock: SimulatedClock
) -> None:
    _, post = await factories.create_launched_campaign(clock)
    person, _ = await ambassador_with(clock, "linkedin", "x")
    await sign_in(client, person)
    card = element((await client.get("/feed")).text, f"post-{post.id}")
    assert "No colleague has shared this yet." in card and "Already shared" not in card
    await shared_by_colleagues(clock, post, published=2, scheduled=1)
    card = element((await client.get("/feed")).text, f"post-{post.id}")
    assert "2 colleagues shared this, 1 has it scheduled." in card


# ---- the kept page around the cards ---------------------------------------------------------------


def page_context(user: User | pages.ShellViewer, **overrides: object) -> dict[str, object]:
    """What `feed.html` is rendered with, the awkward characters everywhere a person's values go."""
    when = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)
    share = ShareOut(id=4, post_id=9, post_title="Ward <4> & co", account_id=2, network="x", text="Hi",
                     status="queued", due_at=when, published_at=None, external_url=None, last_error="")
    return {
        "request": None, "user": user, "csrf_token": "tok'en<", "organization": "North & <South>",
        "notice": 'Your share is "queued" <now>.', "cards": [b"<article>one</article>", b"<p>two</p>"],
        "accounts": [AccountOut.model_construct(id=2, network="x", handle="@a<b>", followers=1200,
                                                status="connected")],
        "connected": [], "shares": [share], "share_errors": {4: "Too late <now>."},
        "page_error": "That post <left>.", "zone": "Europe/Berlin", "network_name": pages.network_name,
        "can_share": False, "sharing_blockers": [Blocker("Finish the <course>.", "/training", "Go")],
        "now_input": "2026-11-02T10:00", "back": "feed", "correction_notices": [], **overrides,
    }


@pytest.mark.parametrize("overrides", [
    {},
    {"notice": None, "page_error": None, "sharing_blockers": [], "shares": [], "cards": []},
    {"accounts": [], "cards": []},
], ids=["everything", "nothing", "no accounts, no posts"])
async def test_the_kept_page_filled_in_is_the_page_rendered_afresh(
    database: Settings, clock: SimulatedClock, overrides: dict[str, object]
) -> None:
    person = await factories.create_user(clock, "ambassador", name="Ann <O'Hara> & co")
    context = page_context(person, **overrides)
    cards = context["cards"]
    assert isinstance(cards, list)
    values = {"csrf_token": markup_bytes("tok'en<"), "zone": markup_bytes("Europe/Berlin")}
    filled = pages.feed_markup(context, cards, values).decode()
    fresh = environment.get_template("feed.html").render(
        {**context, "cards": Markup("".join(f"\n{card.decode()}\n" for card in cards))})
    assert filled == fresh
    assert "Ann &lt;O&#39;Hara&gt; &amp; co" in filled and "North &amp; &lt;South&gt;" in filled
    assert (context["notice"] is not None) == ("Your share is &#34;queued&#34; &lt;now&gt;." in filled)
    assert (not cards) == ("No approved posts right now" in filled)
    assert (not context["accounts"]) == ("You have no connected LinkedIn or X account yet" in filled)


async def test_the_kept_page_shows_each_role_its_own_navigation(
    client: httpx.AsyncClient, clock: SimulatedClock
) -> None:
    await factories.create_launched_campaign(clock)
    ambassador, _ = await ambassador_with(clock, "linkedin", name="Amy Ambassador")
    admin = await factories.create_user(clock, "admin", name="Ada Admin")
    pages_seen = {}
    for person in (ambassador, admin, ambassador):
        await sign_in(client, person)
        pages_seen[person.id] = (await client.get("/feed")).text
    mine, theirs = pages_seen[ambassador.id], pages_seen[admin.id]
    assert '<a href="/admin/audit">Audit log</a>' in theirs and "/admin/audit" not in mine
    assert '<a href="/guidelines">Guidelines</a>' in mine and "/guidelines" not in theirs
    assert "Amy Ambassador (ambassador)" in mine and "Ada Admin" not in mine
    assert "Ada Admin (admin)" in theirs and "Amy Ambassador" not in theirs


async def test_a_notice_on_the_kept_page_shows_once_and_to_its_person_only(
    client: httpx.AsyncClient, clock: SimulatedClock
) -> None:
    _, post = await factories.create_launched_campaign(clock)
    person, [account] = await ambassador_with(clock, "linkedin")
    other, _ = await ambassador_with(clock, "linkedin")
    await sign_in(client, person)
    page = (await client.get("/feed")).text
    variant = await MessageVariant.filter(post_id=post.id, network="linkedin").first()
    assert variant is not None
    answer = await client.post("/feed/share", data={"csrf_token": csrf_of(page), "post_id": post.id,
                                                    "account_id": account.id, "variant_id": variant.id,
                                                    "when": "now"})
    assert answer.status_code == 303
    shown = (await client.get("/feed")).text
    assert '<p class="notice" role="status">Your LinkedIn share is queued' in shown
    assert 'class="notice"' not in (await client.get("/feed")).text
    await sign_in(client, other)
    assert 'class="notice"' not in (await client.get("/feed")).text


def test_the_page_around_the_cards_is_kept_per_organisation_and_role() -> None:
    north, south = (pages.feed_shell(name, Role.AMBASSADOR) for name in ("North", "South"))
    assert pages.feed_shell("North", Role.AMBASSADOR) is north
    assert b"North" in north.template and b"South" not in north.template and b"South" in south.template
    admin = pages.feed_shell("North", Role.ADMIN)
    assert b"/admin/audit" in admin.template and b"/admin/audit" not in north.template
    assert set(north.names) == {"csrf_token", "user_name", "notice", "zone", "cards", *pages.SHELL_BLOCKS}


# ---- the person and their feed in one statement ------------------------------------------------------


async def test_the_signed_in_feed_is_the_persons_feed_and_the_person_in_one_statement(
    database: Settings, clock: SimulatedClock, caplog: pytest.LogCaptureFixture
) -> None:
    admin = await factories.create_user(clock, "admin")
    _, posts = await factories.create_launched_campaign_with_posts(clock, 3)
    grouped, group_post = await factories.create_launched_campaign(clock)
    committee = await segments.create_group(clock, admin, "Wellbeing committee")
    member, account = await factories.create_ambassador(clock, department="Research", region="West")
    await segments.add_to_group(clock, admin, committee.id, [member.email])
    only_committee = await segments.save_segment(clock, admin, name="Committee", match="all",
                                                 conditions=[("group", str(committee.id))])
    await segments.set_campaign_segments(clock, admin, grouped.id, [only_committee.id])
    await create_share(clock, member, post_id=posts[0].id, account_id=account.id, text="Mine")
    await shared_by_colleagues(clock, posts[1], published=1, scheduled=0)
    outsider, _ = await factories.create_ambassador(clock)

    for person in (member, outsider):
        expected = await feeds.personal_feed(clock, person, show_names=True, cache_seconds=5,
                                             count_notices=True, read_gate=True)
        caplog.clear()
        with caplog.at_level(logging.DEBUG, logger="tortoise.db_client"):
            found = await feeds.signed_in_feed(clock, person.id, show_names=True, cache_seconds=5)
        assert sum(1 for r in caplog.records if r.name == "tortoise.db_client") == 1
        assert found is not None
        user, feed = found
        assert (user.id, user.email, user.role, user.is_active, user.opted_in_at) == (
            person.id, person.email, person.role, person.is_active, person.opted_in_at)
        assert feed.json() == expected.json()
        assert (feed.notices, feed.gate) == (expected.notices, expected.gate)
    member_feed = (await feeds.signed_in_feed(clock, member.id, cache_seconds=5) or (None, None))[1]
    outsider_feed = (await feeds.signed_in_feed(clock, outsider.id, cache_seconds=5) or (None, None))[1]
    assert member_feed is not None and outsider_feed is not None
    assert group_post.id in [post.id for post, _, _ in member_feed.posts]
    assert group_post.id not in [post.id for post, _, _ in outsider_feed.posts]
    assert await feeds.signed_in_feed(clock, 987654, cache_seconds=5) is None


async def test_the_signed_in_feed_of_someone_with_nothing_still_names_them(
    database: Settings, clock: SimulatedClock
) -> None:
    editor = await factories.create_user(clock, "editor")
    found = await feeds.signed_in_feed(clock, editor.id, cache_seconds=5)
    assert found is not None
    user, feed = found
    assert user.id == editor.id and feed.posts == [] and feed.accounts == [] and feed.shares == []


async def test_the_token_feed_is_the_persons_feed_and_the_token_checked_in_one_statement(
    database: Settings, clock: SimulatedClock, settings: Settings, caplog: pytest.LogCaptureFixture
) -> None:
    _, posts = await factories.create_launched_campaign_with_posts(clock, 3)
    person, account = await factories.create_ambassador(clock)
    await create_share(clock, person, post_id=posts[0].id, account_id=account.id, text="Mine")
    await shared_by_colleagues(clock, posts[1], published=1, scheduled=1)
    token = await issue_api_token(clock, person, "my app")
    found = await feeds.token_feed(clock, settings, token, show_names=True, cache_seconds=5)
    assert found is not None and found[0].id == person.id
    assert (await ApiToken.get(user_id=person.id)).last_used_at == clock.now()  # its use noted
    expected = await feeds.personal_feed(clock, person, show_names=True, cache_seconds=5)
    assert found[1].json() == expected.json()
    caplog.clear()
    with caplog.at_level(logging.DEBUG, logger="tortoise.db_client"):
        again = await feeds.token_feed(clock, settings, token, show_names=True, cache_seconds=5)
    assert again is not None and again[1].json() == expected.json()
    assert sum(1 for r in caplog.records if r.name == "tortoise.db_client") == 1


async def test_the_token_feed_refuses_every_token_user_for_token_refuses(
    database: Settings, clock: SimulatedClock, settings: Settings
) -> None:
    await factories.create_launched_campaign(clock)
    person, _ = await factories.create_ambassador(clock)
    signed_in = await issue_api_token(clock, person)  # a sign-in token: lives like a session
    named = await issue_api_token(clock, person, "my app")
    other, _ = await factories.create_ambassador(clock)
    revoked = await issue_api_token(clock, other, "old app")
    await revoke_token(clock, other, (await ApiToken.get(user_id=other.id)).id)
    for token in ("nothing-like-a-token", revoked):
        assert await user_for_token(clock, settings, token) is None
        assert await feeds.token_feed(clock, settings, token, cache_seconds=5) is None
    clock.advance(timedelta(minutes=settings.session_idle_minutes, seconds=1))
    assert await user_for_token(clock, settings, signed_in) is None
    assert await feeds.token_feed(clock, settings, signed_in, cache_seconds=5) is None
    assert await feeds.token_feed(clock, settings, named, cache_seconds=5) is not None
    await User.filter(id=person.id).update(is_active=False)
    assert await feeds.token_feed(clock, settings, named, cache_seconds=5) is None


# ---- the fast path ----------------------------------------------------------------------------------


class FullStack:
    """Stands for the layers behind the fast path: counts what reaches it and answers 418."""

    def __init__(self) -> None:
        self.reached = 0

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        self.reached += 1
        await send({"type": "http.response.start", "status": 418, "headers": []})
        await send({"type": "http.response.body", "body": b""})


@pytest.fixture
def behind() -> FullStack:
    return FullStack()


@pytest.fixture
async def fast(
    client: httpx.AsyncClient, settings: Settings, clock: SimulatedClock, behind: FullStack
) -> AsyncIterator[httpx.AsyncClient]:
    """A client of the fast path alone, in front of `behind`, with the application's options."""
    path = FeedPageFastPath(behind, session=session_options(settings), headers=header_options(settings))

    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        scope["state"] = {"settings": settings, "clock": clock}
        await path(scope, receive, send)

    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as http:
        yield http


async def signed_in(client: httpx.AsyncClient, fast: httpx.AsyncClient, person: User) -> None:
    """Sign in through the application and give `fast` the session, as a browser would send it."""
    await sign_in(client, person)
    assert (await client.get("/feed")).status_code in (200, 403)  # the page gives the session a token
    fast.cookies[COOKIE] = client.cookies[COOKIE]


async def test_the_fast_path_answers_a_signed_in_ambassador_with_the_page(
    client: httpx.AsyncClient, fast: httpx.AsyncClient, behind: FullStack, clock: SimulatedClock
) -> None:
    _, post = await factories.create_launched_campaign(clock)
    person, _ = await ambassador_with(clock, "linkedin")
    await signed_in(client, fast, person)
    page = await fast.get("/feed")
    assert page.status_code == 200 and behind.reached == 0
    assert f'id="post-{post.id}"' in page.text
    assert csrf_of(page.text) == csrf_of((await client.get("/feed")).text)
    other = await client.get("/me/shares")
    for name in ("content-security-policy", "x-content-type-options", "referrer-policy", "x-frame-options",
                 "cross-origin-opener-policy", "permissions-policy", "vary", "content-type"):
        assert page.headers[name] == other.headers[name], name
    # The session did not change, so it goes back neither signed again nor set.
    assert "set-cookie" not in page.headers


async def test_the_fast_path_leaves_to_the_full_stack_whatever_the_guard_would_refuse(
    client: httpx.AsyncClient, fast: httpx.AsyncClient, behind: FullStack, clock: SimulatedClock,
    settings: Settings,
) -> None:
    await factories.create_launched_campaign(clock)
    assert (await fast.get("/feed")).status_code == 418  # no session at all
    editor = await factories.create_user(clock, "editor")
    await signed_in(client, fast, editor)
    assert (await fast.get("/feed")).status_code == 418  # a role the rule refuses
    person, _ = await ambassador_with(clock, "linkedin")
    await signed_in(client, fast, person)
    signed = fast.cookies[COOKIE]
    fast.cookies[COOKIE] = signed[:-2] + ("AA" if not signed.endswith("AA") else "BB")
    assert (await fast.get("/feed")).status_code == 418  # a signature that does not verify
    fast.cookies[COOKIE] = signed
    assert (await fast.post("/feed")).status_code == 418  # not a GET
    assert (await fast.get("/feed/counts")).status_code == 418  # another page
    clock.advance(timedelta(minutes=settings.session_idle_minutes, seconds=1))
    assert (await fast.get("/feed")).status_code == 418  # idle past the timeout
    await signed_in(client, fast, person)
    await User.filter(id=person.id).update(is_active=False)
    assert (await fast.get("/feed")).status_code == 418  # no longer active
    assert behind.reached == 7


async def test_the_full_stack_still_answers_what_the_fast_path_leaves(
    client: httpx.AsyncClient, clock: SimulatedClock, settings: Settings
) -> None:
    person, _ = await ambassador_with(clock, "linkedin")
    await sign_in(client, person)
    assert (await client.get("/feed")).status_code == 200
    clock.advance(timedelta(minutes=settings.session_idle_minutes, seconds=1))
    expired = await client.get("/feed")
    assert expired.status_code == 303 and expired.headers["location"] == "/login?next=/feed"
    assert expired.headers["set-cookie"].startswith(f"{COOKIE}=null")
    editor = await factories.create_user(clock, "editor")
    await sign_in(client, editor)
    assert (await client.get("/feed")).status_code == 403


async def test_the_fast_path_writes_the_session_back_when_it_changed(
    client: httpx.AsyncClient, fast: httpx.AsyncClient, clock: SimulatedClock
) -> None:
    person, _ = await ambassador_with(clock, "linkedin")
    await signed_in(client, fast, person)
    clock.advance(timedelta(seconds=SEEN_RESOLUTION_SECONDS + 1))
    page = await fast.get("/feed")
    cookie = page.headers["set-cookie"].lower()
    assert cookie.startswith(f"{COOKIE}=") and "httponly" in cookie and "samesite=lax" in cookie
    # The stamp written, the same session again goes back unset.
    assert "set-cookie" not in (await fast.get("/feed")).headers
