"""The ambassador's feed page: what each person sees on it, and that it is an ordinary route of the
application (the access guard, the session, the security headers, the error pages)."""

from __future__ import annotations

import logging
from collections.abc import Awaitable
from datetime import timedelta

import httpx
import pytest

from advocacy.accounts.models import SocialAccount
from advocacy.accounts.networks import NetworkRegistry
from advocacy.clock import Clock, SimulatedClock
from advocacy.errors import Conflict
from advocacy.programme import segments
from advocacy.settings import Settings
from advocacy.shares import feed as feeds
from advocacy.shares.dispatch import ShareDispatcher
from advocacy.shares.models import Share
from advocacy.shares.schemas import ColleagueCounts
from advocacy.shares.service import create_share
from advocacy.users.models import ApiToken, User
from advocacy.users.service import issue_api_token, revoke_token
from campaigns import service as campaigns
from campaigns.models import MessageVariant
from campaigns.shareable import Shareable, ShareableCache
from tests import factories
from tests.shares.test_feed import shared_by_colleagues
from tests.test_pages import ambassador_with, csrf_of, element, sign_in
from tests.users.test_sessions import assert_security_headers

COOKIE = "advocacy_session"


async def share_first_suggestion(
    client: httpx.AsyncClient, page: str, post_id: int, account: SocialAccount, when: str = "now"
) -> httpx.Response:
    """Post the card's form with the first suggestion for the account's network, as the page sent it."""
    variant = await MessageVariant.filter(post_id=post_id, network=account.network).order_by("id").first()
    assert variant is not None
    return await client.post("/feed/share", data={"csrf_token": csrf_of(page), "post_id": post_id,
                                                  "account_id": account.id, "variant_id": variant.id,
                                                  "when": when})

# ---- what each person sees --------------------------------------------------------------------------


async def test_people_see_their_own_accounts_token_and_suggestions_on_the_cards(
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


async def test_a_correction_shows_on_the_card_at_once(
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


async def test_colleagues_counts_are_current_on_the_cards(
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


async def test_the_feed_page_shows_each_role_its_own_navigation(
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


async def test_each_menu_holds_only_what_its_person_can_use_and_tokens_sit_under_the_profile(
    client: httpx.AsyncClient, clock: SimulatedClock
) -> None:
    ambassador, _ = await ambassador_with(clock, "linkedin")
    menus = {}
    for role in ("ambassador", "admin", "leader"):
        person = ambassador if role == "ambassador" else await factories.create_user(clock, role)
        await sign_in(client, person)
        menus[role] = element((await client.get("/me/profile")).text, "main-nav")
    assert '<a href="/feed">Feed</a>' in menus["ambassador"] and "/me/results" in menus["ambassador"]
    for role in ("admin", "leader"):
        assert "/feed" not in menus[role] and "/me/results" not in menus[role], role
    assert all("/me/tokens" not in menu for menu in menus.values())
    await sign_in(client, ambassador)
    here = element((await client.get("/feed")).text, "main-nav")
    assert '<a href="/feed" aria-current="page">Feed</a>' in here
    profile = (await client.get("/me/profile")).text
    assert '<a href="/me/tokens">API tokens</a>' in element(profile, "profile-settings")
    assert 'href="/me/profile"' in profile  # the name in the header leads to the profile


async def test_a_notice_on_the_feed_page_shows_once_and_to_its_person_only(
    client: httpx.AsyncClient, clock: SimulatedClock
) -> None:
    _, post = await factories.create_launched_campaign(clock)
    person, [account] = await ambassador_with(clock, "linkedin")
    other, _ = await ambassador_with(clock, "linkedin")
    await sign_in(client, person)
    page = (await client.get("/feed")).text
    answer = await share_first_suggestion(client, page, post.id, account)
    assert answer.status_code == 303
    shown = (await client.get("/feed")).text
    assert '<p class="notice" role="status">Your LinkedIn share is queued' in shown
    assert 'class="notice"' not in (await client.get("/feed")).text
    await sign_in(client, other)
    assert 'class="notice"' not in (await client.get("/feed")).text


async def test_a_name_with_markup_in_it_is_shown_escaped(
    client: httpx.AsyncClient, clock: SimulatedClock
) -> None:
    await factories.create_launched_campaign(clock)
    person, _ = await ambassador_with(clock, "linkedin", name="Ann <O'Hara> & co")
    await sign_in(client, person)
    page = (await client.get("/feed")).text
    assert "Ann &lt;O&#39;Hara&gt; &amp; co (ambassador)" in page and "<O'Hara>" not in page


async def test_a_campaign_not_open_yet_is_offered_from_its_opening_and_the_notice_says_when(
    client: httpx.AsyncClient, clock: SimulatedClock
) -> None:
    # It is Monday 2 November, 08:00 UTC; the campaign opens a week later at 09:00 UTC (10:00 in Berlin).
    _, post = await factories.create_launched_campaign(clock, opens_in=timedelta(days=7, hours=1))
    person, [account] = await ambassador_with(clock, "linkedin", timezone="Europe/Berlin")
    await sign_in(client, person)
    page = (await client.get("/feed")).text
    card = element(page, f"post-{post.id}")
    assert "Opens Mon 9 Nov 2026, 10:00 CET." in card
    assert 'name="when" value="now"' not in card
    assert 'name="when" value="later" checked' in card and 'name="when" value="auto"' in card
    assert 'value="2026-11-09T10:00"' in card  # the time offered is the opening
    # A form from an older page still asks for "now": the answer says when it really goes out.
    answer = await share_first_suggestion(client, page, post.id, account)
    assert answer.status_code == 303
    notice = (await client.get("/feed")).text
    opening = "Your LinkedIn share is scheduled for Mon 9 Nov 2026, 10:00 CET, when the campaign opens."
    assert opening in notice
    assert "in a moment" not in notice


async def test_sharing_now_inside_the_window_says_the_time_it_goes_out(
    client: httpx.AsyncClient, clock: SimulatedClock
) -> None:
    person, [account] = await ambassador_with(clock, "linkedin", timezone="Europe/Berlin")
    _, post = await factories.create_launched_campaign(clock)
    await sign_in(client, person)
    card = element(page := (await client.get("/feed")).text, f"post-{post.id}")
    assert "Opens" not in card and 'name="when" value="now" checked' in card
    await share_first_suggestion(client, page, post.id, account)
    notice = (await client.get("/feed")).text
    assert "Your LinkedIn share is queued and goes out in a moment (Mon 2 Nov 2026, 09:00 CET)." in notice


async def test_a_queued_share_says_scheduled_with_move_and_cancel_and_only_a_published_one_says_shared(
    client: httpx.AsyncClient, clock: SimulatedClock, database: Settings
) -> None:
    _, post = await factories.create_launched_campaign(clock)
    person, [account] = await ambassador_with(clock, "linkedin", timezone="Europe/Berlin")
    await sign_in(client, person)
    page = (await client.get("/feed")).text
    await client.post("/feed/share", data={"csrf_token": csrf_of(page), "post_id": post.id,
                                           "account_id": account.id, "text": "Our unit is open.",
                                           "when": "later", "scheduled_at": "2026-11-02T15:30"})
    share = await Share.get(user_id=person.id)
    card = element((await client.get("/feed")).text, f"post-{post.id}")
    assert "Scheduled for Mon 2 Nov 2026, 15:30 CET on LinkedIn." in card
    assert "Shared on" not in card and "Already shared" not in card
    assert f'action="/feed/shares/{share.id}/move"' in card
    assert f'action="/feed/shares/{share.id}/cancel"' in card

    clock.advance(timedelta(hours=6, minutes=30))  # 14:30 UTC: the share is due
    networks = NetworkRegistry(database, clock)
    assert (await ShareDispatcher(networks, clock).run_until_idle()).published == 1
    await share.refresh_from_db()
    await sign_in(client, person)  # the session timed out meanwhile
    card = element((await client.get("/feed")).text, f"post-{post.id}")
    assert "Shared on LinkedIn on Mon 2 Nov 2026, 15:30 CET." in card and "Scheduled for" not in card
    assert f'href="{share.external_url}"' in card and "See your post on LinkedIn" in card
    assert f"/feed/shares/{share.id}/move" not in card and f"/feed/shares/{share.id}/cancel" not in card


async def test_a_post_written_for_linkedin_only_offers_no_x_account_and_says_so(
    client: httpx.AsyncClient, clock: SimulatedClock
) -> None:
    _, post = await factories.create_launched_campaign(
        clock, messages={"linkedin": ["Our new cardiac unit is open, and I am proud of the team. #employee"]})
    both, [linkedin, x] = await ambassador_with(clock, "linkedin", "x")
    await sign_in(client, both)
    card = element((await client.get("/feed")).text, f"post-{post.id}")
    assert f'<option value="{linkedin.id}"' in card and f'<option value="{x.id}"' not in card
    only_x, [x_only] = await ambassador_with(clock, "x")
    await sign_in(client, only_x)
    card = element((await client.get("/feed")).text, f"post-{post.id}")
    assert f'<option value="{x_only.id}"' not in card and 'class="share-form"' not in card
    assert "This post is written for LinkedIn only" in card and "connect a LinkedIn account" in card


# ---- the feed read ----------------------------------------------------------------------------------


async def test_the_feed_holds_the_persons_accounts_shares_colleagues_and_targeted_posts(
    database: Settings, clock: SimulatedClock
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
    mine = await create_share(clock, member, post_id=posts[0].id, account_id=account.id, text="Mine")
    await shared_by_colleagues(clock, posts[1], published=1, scheduled=1)
    outsider, _ = await factories.create_ambassador(clock)

    feed = await feeds.personal_feed(clock, member, show_names=True, cache_seconds=5, count_notices=True)
    assert [(a.id, a.network, a.status) for a in feed.accounts] == [(account.id, "linkedin", "connected")]
    assert [(s.id, s.post_title, s.text, s.status) for s in feed.shares] == [
        (mine.id, posts[0].title, mine.text, mine.status)]
    by_post = {post.id: (networks, counts) for post, networks, counts in feed.posts}
    assert group_post.id in by_post and by_post[posts[0].id][0] == ["linkedin"]
    colleagues = by_post[posts[1].id][1]
    assert (colleagues.published, colleagues.scheduled) == (1, 1)
    assert colleagues.names == ["Colleague 0", "Colleague 1"]
    assert by_post[posts[2].id] == ([], ColleagueCounts())
    assert feed.notices == 0
    outsiders = await feeds.personal_feed(clock, outsider, show_names=False, cache_seconds=5)
    others = {post.id: counts for post, _, counts in outsiders.posts}
    assert group_post.id not in others and outsiders.shares == []
    # Without names the counts stay, the names go; the person's own share counts as a colleague's to others.
    seen = others[posts[1].id]
    assert (seen.published, seen.scheduled, seen.names) == (1, 1, [])
    assert others[posts[0].id].scheduled == 1


async def test_the_feed_reads_the_person_in_one_statement_whatever_their_history(
    database: Settings, clock: SimulatedClock, caplog: pytest.LogCaptureFixture
) -> None:
    _, posts = await factories.create_launched_campaign_with_posts(clock, 6)
    person, account = await factories.create_ambassador(clock)

    async def statements() -> int:
        await feeds.personal_feed(clock, person, show_names=True, cache_seconds=600, count_notices=True)
        caplog.clear()
        with caplog.at_level(logging.DEBUG, logger="tortoise.db_client"):
            await feeds.personal_feed(clock, person, show_names=True, cache_seconds=600, count_notices=True)
        return sum(1 for r in caplog.records if r.name == "tortoise.db_client" and "SELECT" in r.getMessage())

    before = await statements()
    for post in posts[:4]:
        await create_share(clock, person, post_id=post.id, account_id=account.id, text=f"On {post.id}")
    await shared_by_colleagues(clock, posts[5], published=2, scheduled=2)
    # accounts, shares, colleagues per status, colleagues' names and correction notices, together
    assert before == await statements() == 1


async def test_the_api_feed_of_a_token_is_the_persons_feed(
    client: httpx.AsyncClient, database: Settings, clock: SimulatedClock
) -> None:
    admin = await factories.create_user(clock, "admin")
    _, posts = await factories.create_launched_campaign_with_posts(clock, 3)
    grouped, group_post = await factories.create_launched_campaign(clock)
    committee = await segments.create_group(clock, admin, "Wellbeing committee")
    person, account = await factories.create_ambassador(clock)
    await segments.add_to_group(clock, admin, committee.id, [person.email])
    only_committee = await segments.save_segment(clock, admin, name="Committee", match="all",
                                                 conditions=[("group", str(committee.id))])
    await segments.set_campaign_segments(clock, admin, grouped.id, [only_committee.id])
    await create_share(clock, person, post_id=posts[0].id, account_id=account.id, text="Mine")
    await shared_by_colleagues(clock, posts[1], published=1, scheduled=1)
    token = await issue_api_token(clock, person, "my app")
    response = await client.get("/api/v1/feed", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 200
    assert (await ApiToken.get(user_id=person.id)).last_used_at == clock.now()  # its use noted
    expected = await feeds.personal_feed(clock, person, cache_seconds=5)
    assert response.content == expected.json()
    assert group_post.id in [post["id"] for post in response.json()["posts"]]


async def statements_of(
    caplog: pytest.LogCaptureFixture, request: Awaitable[httpx.Response]
) -> tuple[httpx.Response, list[str]]:
    """The answer to `request` and the statements the application sent to the database for it."""
    caplog.clear()
    with caplog.at_level(logging.DEBUG, logger="tortoise.db_client"):
        answer = await request
    return answer, [r.getMessage() for r in caplog.records if r.name == "tortoise.db_client"]


async def test_the_api_feed_reads_the_token_its_person_and_their_facts_in_one_statement(
    client: httpx.AsyncClient, database: Settings, clock: SimulatedClock, caplog: pytest.LogCaptureFixture
) -> None:
    _, posts = await factories.create_launched_campaign_with_posts(clock, 4)
    person, account = await factories.create_ambassador(clock)
    await create_share(clock, person, post_id=posts[0].id, account_id=account.id, text="Mine")
    await shared_by_colleagues(clock, posts[1], published=1, scheduled=1)
    headers = {"Authorization": f"Bearer {await issue_api_token(clock, person, 'my app')}"}
    first = await client.get("/api/v1/feed", headers=headers)  # keeps the posts, notes the token's use
    again, statements = await statements_of(caplog, client.get("/api/v1/feed", headers=headers))
    assert again.status_code == first.status_code == 200 and again.content == first.content
    assert len(statements) == 1 and "api_tokens" in statements[0] and "shares" in statements[0]
    assert again.content == (await feeds.personal_feed(clock, person, cache_seconds=5)).json()


async def test_the_feed_page_reads_the_person_with_their_feed_in_one_statement(
    client: httpx.AsyncClient, database: Settings, clock: SimulatedClock, caplog: pytest.LogCaptureFixture
) -> None:
    _, posts = await factories.create_launched_campaign_with_posts(clock, 3)
    person, account = await factories.create_ambassador(clock)
    await create_share(clock, person, post_id=posts[0].id, account_id=account.id, text="Mine")
    await sign_in(client, person)
    first = await client.get("/feed")
    again, statements = await statements_of(caplog, client.get("/feed"))
    assert again.status_code == first.status_code == 200 and again.text.count(posts[2].title) >= 1
    # The person with their feed, then the sharing gate (the programme's own read).
    assert len(statements) == 2 and "FROM users u" in statements[0] and "social_accounts" in statements[0]


async def test_a_page_answering_a_form_reads_the_feed_afresh_not_the_one_read_with_the_person_before(
    client: httpx.AsyncClient, database: Settings, clock: SimulatedClock
) -> None:
    _, posts = await factories.create_launched_campaign_with_posts(clock, 2)
    person, account = await factories.create_ambassador(clock)
    await sign_in(client, person)
    page = (await client.get("/feed")).text  # the person read with their feed
    assert "You have not shared anything yet" in element(page, "my-shares")
    await create_share(clock, person, post_id=posts[0].id, account_id=account.id, text="Queued now")
    # A form the page answers with itself (and an error) shows the share made since.
    answer = await client.post("/feed/share", data={"csrf_token": csrf_of(page), "post_id": "no number"})
    assert answer.status_code == 422
    mine = element(answer.text, "my-shares")
    assert "You have not shared anything yet" not in mine and posts[0].title in mine


async def test_the_api_feed_refuses_every_token_the_guard_refuses(
    client: httpx.AsyncClient, clock: SimulatedClock, settings: Settings
) -> None:
    await factories.create_launched_campaign(clock)
    person, _ = await factories.create_ambassador(clock)
    signed_in = await issue_api_token(clock, person)  # a sign-in token: lives like a session
    named = await issue_api_token(clock, person, "my app")
    other, _ = await factories.create_ambassador(clock)
    revoked = await issue_api_token(clock, other, "old app")
    await revoke_token(clock, other, (await ApiToken.get(user_id=other.id)).id)

    async def status(token: str) -> int:
        return (await client.get("/api/v1/feed", headers={"Authorization": f"Bearer {token}"})).status_code

    assert [await status(token) for token in ("nothing-like-a-token", revoked, signed_in, named)] == [
        401, 401, 200, 200]
    clock.advance(timedelta(minutes=settings.session_idle_minutes, seconds=1))
    assert (await status(signed_in), await status(named)) == (401, 200)
    await User.filter(id=person.id).update(is_active=False)
    assert await status(named) == 401


# ---- an ordinary route of the application ----------------------------------------------------------


async def test_the_feed_page_sends_an_expired_session_to_sign_in(
    client: httpx.AsyncClient, clock: SimulatedClock, settings: Settings
) -> None:
    person, _ = await ambassador_with(clock, "linkedin")
    await sign_in(client, person)
    assert (await client.get("/feed")).status_code == 200
    clock.advance(timedelta(minutes=settings.session_idle_minutes, seconds=1))
    expired = await client.get("/feed")
    assert expired.status_code == 303 and expired.headers["location"] == "/login?next=/feed"
    assert expired.headers["set-cookie"].startswith(f"{COOKIE}=null")


async def test_the_feed_page_is_refused_to_a_role_like_any_guarded_page(
    client: httpx.AsyncClient, clock: SimulatedClock
) -> None:
    editor = await factories.create_user(clock, "editor")
    await sign_in(client, editor)
    feed, shares = await client.get("/feed"), await client.get("/me/shares")
    assert feed.status_code == shares.status_code == 403
    assert "Your role (editor) cannot use this page." in feed.text
    assert feed.text == shares.text
    assert_security_headers(feed)
    client.cookies.clear()
    anonymous = await client.get("/feed")
    assert anonymous.status_code == 303 and anonymous.headers["location"] == "/login?next=/feed"


async def test_a_domain_error_while_building_the_feed_page_is_the_error_page_with_security_headers(
    client: httpx.AsyncClient, clock: SimulatedClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    person, _ = await ambassador_with(clock, "linkedin")
    await sign_in(client, person)
    assert (await client.get("/feed")).status_code == 200

    async def refuse(clock: Clock) -> Shareable:
        raise Conflict("The posts are being republished; try again in a moment.")

    # The posts' store refusing, through the cache's own reader parameter.
    monkeypatch.setattr(feeds, "SHAREABLE", ShareableCache(read=refuse))
    page = await client.get("/feed")
    assert page.status_code == 409
    assert "That did not work" in page.text and "The posts are being republished" in page.text
    assert f"{person.name} (ambassador)" in page.text  # the error page of a signed-in person
    assert_security_headers(page)
