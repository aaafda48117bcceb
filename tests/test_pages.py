"""The server-rendered pages of the three audiences, driven through their forms like a browser would."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import httpx
import pytest

from advocacy.accounts.models import SocialAccount
from advocacy.accounts.networks import NetworkRegistry
from advocacy.clock import SimulatedClock
from advocacy.links.models import ShortLink
from advocacy.settings import Settings
from advocacy.shares.dispatch import ShareDispatcher
from advocacy.shares.models import Share, ShareStatus
from advocacy.shares.service import create_share
from advocacy.users.models import User
from campaigns import service as campaigns
from campaigns.brand import BrandPublisher
from campaigns.models import (
    BrandPost,
    Campaign,
    CampaignStatus,
    ContentPack,
    MessageVariant,
    PackStatus,
    Post,
)
from dashboards.collection.collect import MetricsCollector
from tests import factories

CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


def csrf_of(html: str) -> str:
    match = CSRF.search(html)
    assert match, "the page has no form with a CSRF token"
    return match.group(1)


def element(html: str, element_id: str) -> str:
    """The markup of the element with this id, up to its own closing tag (nesting counted)."""
    start = html.rindex("<", 0, html.index(f'id="{element_id}"'))
    tag = re.match(r"<(\w+)", html[start:])
    assert tag, f"no element with id {element_id}"
    depth = 0
    for found in re.finditer(rf"<(/?){tag.group(1)}\b[^>]*>", html[start:]):
        depth += -1 if found.group(1) else 1
        if depth == 0:
            return html[start : start + found.end()]
    raise AssertionError(f"element {element_id} is never closed")


async def sign_in(client: httpx.AsyncClient, user: User) -> None:
    client.cookies.clear()
    page = await client.get("/login")
    response = await client.post(
        "/login",
        data={"email": user.email, "password": factories.PASSWORD, "csrf_token": csrf_of(page.text)},
    )
    assert response.status_code == 303, response.text


async def submit(
    client: httpx.AsyncClient, page_path: str, action: str, data: dict[str, str]
) -> httpx.Response:
    """Open the page the form is on (for its CSRF token), then post the form."""
    page = await client.get(page_path)
    assert page.status_code == 200, page.text
    return await client.post(action, data={**data, "csrf_token": csrf_of(page.text)})


async def ambassador_with(
    clock: SimulatedClock, *networks: str, **overrides: object
) -> tuple[User, list[SocialAccount]]:
    """An opted-in ambassador with one connected account per network named."""
    person = await factories.create_user(clock, "ambassador", **overrides)
    return person, [await factories.create_account(clock, person, network) for network in networks]


# ---- the ambassador's feed ----------------------------------------------------------------------


async def test_ambassador_shares_a_post_now_from_the_feed(
    client: httpx.AsyncClient, clock: SimulatedClock
) -> None:
    _, post = await factories.create_launched_campaign(clock)
    ambassador, [account] = await ambassador_with(clock, "linkedin")
    variant = await post.variants.filter(network="linkedin").order_by("id").first()
    assert variant is not None
    await sign_in(client, ambassador)

    feed = await client.get("/feed")
    assert feed.status_code == 200
    card = element(feed.text, f"post-{post.id}")
    assert post.title in card and "Proud of my colleagues" in card
    assert f'name="variant_id" value="{variant.id}"' in card

    response = await client.post(
        "/feed/share",
        data={"csrf_token": csrf_of(feed.text), "post_id": str(post.id), "account_id": str(account.id),
              "variant_id": str(variant.id), "text": "", "when": "now"},
    )
    assert response.status_code == 303 and response.headers["location"] == "/feed"

    share = await Share.get(user_id=ambassador.id)
    assert share.status == ShareStatus.QUEUED
    assert share.variant_id == variant.id  # type: ignore[attr-defined]
    assert share.due_at == clock.now()
    link = await ShortLink.get(share_id=share.id)
    assert share.text.startswith(variant.text) and share.text.endswith(f"/l/{link.slug}")
    assert link.target_url.startswith(post.url)

    after = await client.get("/feed")
    assert "queued and goes out in a moment" in after.text
    assert "Scheduled for Mon 2 Nov 2026, 08:00 UTC on LinkedIn." in element(after.text, f"post-{post.id}")
    mine = element(after.text, "my-shares")
    assert post.title in mine and ">queued<" in mine
    assert "goes out in a moment" not in (await client.get("/feed")).text  # the notice shows once


async def test_scheduled_time_is_read_in_the_ambassadors_time_zone(
    client: httpx.AsyncClient, clock: SimulatedClock
) -> None:
    _, post = await factories.create_launched_campaign(clock)
    ambassador, [account] = await ambassador_with(clock, "linkedin", timezone="Europe/Berlin")
    await sign_in(client, ambassador)

    # 15:30 in Berlin on 2 November 2026 (CET, UTC+1) is 14:30 UTC.
    response = await submit(client, "/feed", "/feed/share", {
        "post_id": str(post.id), "account_id": str(account.id), "text": "Our cardiac unit is open!",
        "when": "later", "scheduled_at": "2026-11-02T15:30",
    })
    assert response.status_code == 303

    share = await Share.get(user_id=ambassador.id)
    assert share.due_at == datetime(2026, 11, 2, 14, 30, tzinfo=UTC)
    assert share.variant_id is None  # type: ignore[attr-defined]
    assert share.text.startswith("Our cardiac unit is open!")
    feed = await client.get("/feed")
    assert "15:30 CET" in element(feed.text, "my-shares")

    # A time after the campaign's end (16 Nov 2026, 08:00 UTC) is refused in the person's zone too.
    refused = await submit(client, "/feed", f"/feed/shares/{share.id}/move",
                           {"back": "feed", "how": "at", "scheduled_at": "2026-11-20T10:00"})
    assert refused.status_code == 422
    error = element(refused.text, f"share-{share.id}")
    assert "The campaign ends Mon 16 Nov 2026, 09:00 CET; pick an earlier time." in error
    assert "UTC" not in error
    await share.refresh_from_db()
    assert share.due_at == datetime(2026, 11, 2, 14, 30, tzinfo=UTC)


async def test_message_too_long_for_x_is_refused_inline_and_nothing_is_shared(
    client: httpx.AsyncClient, clock: SimulatedClock
) -> None:
    _, post = await factories.create_launched_campaign(clock)
    ambassador, [account] = await ambassador_with(clock, "x")
    await sign_in(client, ambassador)
    too_long = "A proud nurse here. " * 15

    response = await submit(client, "/feed", "/feed/share", {
        "post_id": str(post.id), "account_id": str(account.id), "text": too_long, "when": "now",
    })
    assert response.status_code == 422
    card = element(response.text, f"post-{post.id}")
    assert "the limit is 280" in card and 'class="error"' in card
    assert too_long.strip() in card  # what the person typed is still there to shorten
    assert await Share.all().count() == 0


async def test_share_at_a_past_time_is_refused_inline_and_nothing_is_shared(
    client: httpx.AsyncClient, clock: SimulatedClock
) -> None:
    _, post = await factories.create_launched_campaign(clock)
    ambassador, [account] = await ambassador_with(clock, "linkedin")
    variant = await post.variants.filter(network="linkedin").first()
    assert variant is not None
    await sign_in(client, ambassador)

    response = await submit(client, "/feed", "/feed/share", {
        "post_id": str(post.id), "account_id": str(account.id), "variant_id": str(variant.id),
        "when": "later", "scheduled_at": "2026-11-01T09:00",
    })
    assert response.status_code == 422
    assert "already passed" in element(response.text, f"post-{post.id}")
    assert 'value="2026-11-01T09:00"' in response.text
    assert await Share.all().count() == 0


async def test_message_for_another_network_is_refused_inline(
    client: httpx.AsyncClient, clock: SimulatedClock
) -> None:
    _, post = await factories.create_launched_campaign(clock)
    ambassador, [account] = await ambassador_with(clock, "x")
    linkedin_variant = await post.variants.filter(network="linkedin").first()
    assert linkedin_variant is not None
    await sign_in(client, ambassador)

    response = await submit(client, "/feed", "/feed/share", {
        "post_id": str(post.id), "account_id": str(account.id),
        "variant_id": str(linkedin_variant.id), "when": "now",
    })
    assert response.status_code == 422
    assert "That message is written for LinkedIn, not X: pick one written for X." in element(
        response.text, f"post-{post.id}")
    assert await Share.all().count() == 0


async def test_digits_that_are_no_plain_number_are_refused_not_a_crash(
    client: httpx.AsyncClient, clock: SimulatedClock
) -> None:
    # "²" is a digit to str.isdigit and no number to int(): every page reads numbers one way.
    ambassador, _ = await ambassador_with(clock, "linkedin")
    await sign_in(client, ambassador)
    assert (await client.get("/accounts?disconnect=²")).status_code == 200
    acknowledged = await submit(client, "/guidelines", "/guidelines/acknowledge", {"version": "²"})
    assert acknowledged.status_code == 422 and "acknowledge the version shown" in acknowledged.text
    capped = await submit(client, "/me/sharing-preferences", "/me/sharing-preferences", {
        "start": "09:00", "end": "17:00", "days": "1", "daily_cap": "²", "timezone": "UTC"})
    assert capped.status_code == 422
    admin = await factories.create_user(clock, "admin")
    await sign_in(client, admin)
    assert (await client.get("/programme?page=²")).status_code == 200
    policy = await submit(client, "/admin/compliance", "/admin/compliance",
                          {"base_version": "²", "note": "A try."})
    assert policy.status_code < 500


async def test_garbled_numbers_in_the_share_form_are_inline_errors_not_a_crash(
    client: httpx.AsyncClient, clock: SimulatedClock
) -> None:
    _, post = await factories.create_launched_campaign(clock)
    ambassador, _ = await ambassador_with(clock, "linkedin")
    await sign_in(client, ambassador)

    bad_account = await submit(client, "/feed", "/feed/share", {
        "post_id": str(post.id), "account_id": "12abc", "when": "now",
    })
    assert bad_account.status_code == 422
    assert "&#39;12abc&#39; is not a valid choice" in element(bad_account.text, f"post-{post.id}")

    bad_post = await submit(client, "/feed", "/feed/share", {
        "post_id": "99999999999999", "account_id": "1", "when": "now",
    })
    assert bad_post.status_code == 422
    assert "is not a valid choice" in bad_post.text and "My shares" in bad_post.text

    gone = await submit(client, "/feed", "/feed/share", {
        "post_id": "424242", "account_id": "1", "when": "now",
    })
    assert gone.status_code == 404 and "There is no post 424242" in gone.text

    bad_time = await submit(client, "/feed", "/feed/share", {
        "post_id": str(post.id), "account_id": "1", "when": "later", "scheduled_at": "next tuesday",
    })
    assert bad_time.status_code == 422
    assert "not a date and time" in element(bad_time.text, f"post-{post.id}")
    assert await Share.all().count() == 0


async def test_ambassador_cancels_a_queued_share_and_cannot_cancel_twice(
    client: httpx.AsyncClient, clock: SimulatedClock
) -> None:
    _, post = await factories.create_launched_campaign(clock)
    ambassador, [account] = await ambassador_with(clock, "linkedin")
    share = await create_share(
        clock, ambassador, post_id=post.id, account_id=account.id, text="Proud of this",
        scheduled_at=clock.now() + timedelta(hours=3),
    )
    await sign_in(client, ambassador)

    response = await submit(client, "/feed", f"/feed/shares/{share.id}/cancel", {})
    assert response.status_code == 303
    await share.refresh_from_db()
    assert share.status == ShareStatus.CANCELLED

    again = await submit(client, "/feed", f"/feed/shares/{share.id}/cancel", {})
    assert again.status_code == 409
    assert "can no longer be cancelled" in element(again.text, f"share-{share.id}")


async def test_cancelling_someone_elses_share_is_refused_and_changes_nothing(
    client: httpx.AsyncClient, clock: SimulatedClock
) -> None:
    _, post = await factories.create_launched_campaign(clock)
    owner, [account] = await ambassador_with(clock, "linkedin")
    share = await create_share(clock, owner, post_id=post.id, account_id=account.id, text="Mine")
    other, _ = await ambassador_with(clock, "linkedin")
    await sign_in(client, other)

    response = await submit(client, "/feed", f"/feed/shares/{share.id}/cancel", {})
    assert response.status_code == 404
    assert f"You have no share {share.id}" in response.text
    await share.refresh_from_db()
    assert share.status == ShareStatus.QUEUED

    # Beyond the database's integer range: an address that names nothing, on PostgreSQL too.
    beyond = await submit(client, "/feed", "/feed/shares/99999999999/cancel", {})
    assert beyond.status_code == 404 and "There is nothing at this address" in beyond.text


async def test_ambassador_who_has_not_opted_in_cannot_share_from_the_feed(
    client: httpx.AsyncClient, clock: SimulatedClock
) -> None:
    _, post = await factories.create_launched_campaign(clock)
    ambassador, [account] = await ambassador_with(clock, "linkedin", opted_in=False)
    await sign_in(client, ambassador)

    feed = await client.get("/feed")
    assert "You have not joined the programme yet" in feed.text
    assert "You have not joined the ambassador programme yet, so no posts are offered to you." in feed.text
    assert "No approved posts right now" not in feed.text
    assert 'action="/feed/share"' not in feed.text
    forced = await client.post("/feed/share", data={
        "csrf_token": csrf_of(feed.text), "post_id": str(post.id), "account_id": str(account.id),
        "text": "Sharing anyway", "when": "now",
    })
    assert forced.status_code == 403
    # Campaigns reach opted-in ambassadors only (targeting), so the post is not in this feed and the
    # refusal is shown at the top of the page.
    assert f'id="post-{post.id}"' not in forced.text
    assert "Only ambassadors who opted in" in forced.text
    assert await Share.all().count() == 0


async def test_empty_feed_explains_what_happens_next(
    client: httpx.AsyncClient, clock: SimulatedClock
) -> None:
    ambassador, _ = await ambassador_with(clock)
    await sign_in(client, ambassador)

    feed = await client.get("/feed")
    assert feed.status_code == 200
    assert "No approved posts right now" in feed.text
    assert "You have no connected LinkedIn or X account yet" in feed.text
    assert "You have not shared anything yet" in feed.text


async def test_a_person_who_left_the_programme_is_told_so_and_how_to_rejoin(
    client: httpx.AsyncClient, clock: SimulatedClock
) -> None:
    ambassador, _ = await ambassador_with(clock, "linkedin", timezone="Europe/Berlin")
    await factories.create_launched_campaign(clock)
    await sign_in(client, ambassador)
    left = await submit(client, "/me/programme", "/me/programme/leave", {})
    assert left.status_code == 303
    feed = (await client.get("/feed")).text
    assert "No approved posts right now" not in feed
    assert "You left the ambassador programme on Mon 2 Nov 2026, 09:00 CET" in element(feed, "left-programme")
    assert '<a href="/me/programme">My programme membership</a> and choose to join again' in feed


async def test_ambassador_without_accounts_sees_posts_but_no_share_form(
    client: httpx.AsyncClient, clock: SimulatedClock
) -> None:
    _, post = await factories.create_launched_campaign(clock)
    ambassador, _ = await ambassador_with(clock)
    await sign_in(client, ambassador)

    feed = await client.get("/feed")
    assert post.title in feed.text
    assert 'action="/feed/share"' not in feed.text


# ---- the communications studio ------------------------------------------------------------------


async def test_editor_creates_a_campaign_and_adds_a_post_through_the_forms(
    client: httpx.AsyncClient, clock: SimulatedClock
) -> None:
    editor = await factories.create_user(clock, "editor", timezone="America/New_York")
    await sign_in(client, editor)

    studio = await client.get("/studio")
    assert studio.status_code == 200 and "New campaign" in studio.text
    created = await client.post("/studio/campaigns", data={
        "csrf_token": csrf_of(studio.text), "name": "Nurses' week", "description": "Thank our nurses",
        "starts_at": "2026-11-02T09:00", "ends_at": "2026-11-16T17:00",
    })
    assert created.status_code == 303
    campaign = await Campaign.get(name="Nurses' week")
    assert created.headers["location"] == f"/studio/campaigns/{campaign.id}"
    # Typed in New York (EST, UTC-5).
    assert campaign.starts_at == datetime(2026, 11, 2, 14, 0, tzinfo=UTC)
    assert campaign.ends_at == datetime(2026, 11, 16, 22, 0, tzinfo=UTC)
    pack = await ContentPack.get(campaign_id=campaign.id)

    page_path = f"/studio/campaigns/{campaign.id}"
    added = await submit(client, page_path, f"/studio/packs/{pack.id}/posts", {
        "title": "Meet our night shift",
        "url": "https://example.org/night-shift",
        "messages_linkedin": "Our night shift keeps the lights on.\nI work there.\r\n\r\nProud of my team!",
        "messages_x": "Night shift heroes #employee",
    })
    assert added.status_code == 303 and added.headers["location"] == page_path
    post = await Post.get(pack_id=pack.id).prefetch_related("variants")
    texts = sorted((v.network, v.text) for v in post.variants)
    assert texts == [
        ("linkedin", "Our night shift keeps the lights on.\nI work there."),
        ("linkedin", "Proud of my team!"),
        ("x", "Night shift heroes #employee"),
    ]

    page = await client.get(page_path)
    assert "Post “Meet our night shift” added" in page.text
    assert "Night shift heroes #employee" in element(page.text, f"post-{post.id}")
    assert "Nurses&#39; week" in page.text


async def test_campaign_form_error_is_inline_and_keeps_what_was_typed(
    client: httpx.AsyncClient, clock: SimulatedClock
) -> None:
    await sign_in(client, await factories.create_user(clock, "editor"))

    response = await submit(client, "/studio", "/studio/campaigns", {
        "name": "Backwards <campaign>", "description": "", "starts_at": "2026-11-10T09:00",
        "ends_at": "2026-11-01T09:00",
    })
    assert response.status_code == 422
    form = element(response.text, "new-campaign")
    assert "must end after it starts" in form
    assert 'value="Backwards &lt;campaign&gt;"' in form and 'value="2026-11-10T09:00"' in form
    assert await Campaign.all().count() == 0


@pytest.mark.parametrize(("starts_at", "ends_at"), [
    ("2026-11-10T09:00", "9999-12-31T23:59"),  # past the calendar's end once read in UTC
    ("0001-01-01T00:00", "2026-11-10T09:00"),
])
async def test_a_campaign_date_out_of_range_is_an_inline_error(
    client: httpx.AsyncClient, clock: SimulatedClock, starts_at: str, ends_at: str
) -> None:
    await sign_in(client, await factories.create_user(clock, "editor", timezone="America/New_York"))
    response = await submit(client, "/studio", "/studio/campaigns", {
        "name": "Forever", "description": "", "starts_at": starts_at, "ends_at": ends_at})
    assert response.status_code == 422
    assert "Choose a date from 2000-01-01 to 2100-12-31." in element(response.text, "new-campaign")
    assert await Campaign.all().count() == 0


async def add_post_as_editor(
    client: httpx.AsyncClient, clock: SimulatedClock, fields: dict[str, str]
) -> tuple[ContentPack, httpx.Response]:
    """Sign in as the editor of a draft pack (with one post) and send its add-post form."""
    editor = await factories.create_user(clock, "editor")
    campaign, _ = await factories.create_campaign_with_post(clock, editor)
    pack = await ContentPack.get(campaign_id=campaign.id)
    await sign_in(client, editor)
    return pack, await submit(client, f"/studio/campaigns/{campaign.id}", f"/studio/packs/{pack.id}/posts",
                              fields)


@pytest.mark.parametrize("url", ["http://[::1/", "http://example.org:99999/", "http://a..b/",
                                 f"http://{'a' * 64}.example/"])
async def test_post_with_a_malformed_link_and_a_preview_asked_for_is_refused_inline(
    client: httpx.AsyncClient, clock: SimulatedClock, url: str
) -> None:
    pack, response = await add_post_as_editor(client, clock, {
        "title": "Broken link", "url": url, "messages_linkedin": "Worth a read #employee",
        "fetch_preview": "yes",
    })
    assert response.status_code == 422
    assert "The link is not a valid web address" in element(response.text, f"pack-{pack.id}")
    assert await Post.filter(pack_id=pack.id).count() == 1


async def test_post_with_a_message_too_long_for_x_is_refused_inline(
    client: httpx.AsyncClient, clock: SimulatedClock
) -> None:
    pack, response = await add_post_as_editor(client, clock, {
        "title": "Long one", "url": "https://example.org/long", "messages_linkedin": "",
        "messages_x": "x" * 300,
    })
    assert response.status_code == 422
    assert "the limit is 280" in element(response.text, f"pack-{pack.id}")
    assert 'value="Long one"' in response.text
    assert await Post.filter(pack_id=pack.id).count() == 1


async def test_a_new_ambassadors_results_say_the_platforms_reported_no_clicks_yet(
    client: httpx.AsyncClient, clock: SimulatedClock
) -> None:
    ambassador, _ = await ambassador_with(clock, "linkedin")
    await sign_in(client, ambassador)
    tile = element((await client.get("/me/results")).text, "kpi-my-clicks")
    assert "the platforms have reported none yet" in tile and "counted not reported" not in tile


@pytest.mark.parametrize("wrote", ["the pack", "one message"])
async def test_whoever_wrote_in_a_pack_cannot_approve_it(
    client: httpx.AsyncClient, clock: SimulatedClock, wrote: str
) -> None:
    # An admin may both edit and review, so only this rule stands between them and self-approval.
    admin = await factories.create_user(clock, "admin")
    author = admin if wrote == "the pack" else await factories.create_user(clock, "editor")
    campaign, post = await factories.create_campaign_with_post(clock, author)
    pack = await ContentPack.get(campaign_id=campaign.id)
    if wrote == "one message":
        message = await MessageVariant.filter(post_id=post.id).order_by("id").first()
        assert message is not None
        await campaigns.edit_message(clock, admin, message.id, text="Reworded by the admin. #employee")
    await sign_in(client, admin)
    page_path = f"/studio/campaigns/{campaign.id}"

    submitted = await submit(client, page_path, f"/studio/packs/{pack.id}/submit", {})
    assert submitted.status_code == 303
    response = await submit(client, page_path, f"/studio/packs/{pack.id}/review",
                            {"decision": "approve", "note": ""})
    assert response.status_code == 403
    assert "You wrote part of this pack" in element(response.text, f"pack-{pack.id}")
    await pack.refresh_from_db()
    assert pack.status == PackStatus.IN_REVIEW and pack.reviewer_id is None  # type: ignore[attr-defined]


async def test_reviewer_approves_and_editor_launches(
    client: httpx.AsyncClient, clock: SimulatedClock
) -> None:
    await factories.create_brand_channels(clock)
    editor = await factories.create_user(clock, "editor")
    reviewer = await factories.create_user(clock, "reviewer")
    campaign, _ = await factories.create_campaign_with_post(clock, editor)
    pack = await ContentPack.get(campaign_id=campaign.id)
    page_path = f"/studio/campaigns/{campaign.id}"

    await sign_in(client, editor)
    early = await submit(client, page_path, f"/studio/campaigns/{campaign.id}/launch", {})
    assert early.status_code == 409 and "needs an approved content pack" in early.text
    assert (await submit(client, page_path, f"/studio/packs/{pack.id}/submit", {})).status_code == 303
    waiting = await client.get(page_path)
    assert "Waiting for a reviewer" in waiting.text and 'value="approve"' not in waiting.text

    await sign_in(client, reviewer)
    assert 'action="/studio/campaigns"' not in (await client.get("/studio")).text  # editors create
    review_page = await client.get(page_path)
    assert 'value="approve"' in element(review_page.text, f"pack-{pack.id}")
    approved = await submit(client, page_path, f"/studio/packs/{pack.id}/review",
                            {"decision": "approve", "note": "Good to go"})
    assert approved.status_code == 303
    await pack.refresh_from_db()
    assert pack.status == PackStatus.APPROVED and pack.reviewer_id == reviewer.id  # type: ignore[attr-defined]

    await sign_in(client, editor)
    confirm_path = f"/studio/campaigns/{campaign.id}/launch"
    launched = await submit(client, confirm_path, confirm_path, {"confirm": "yes"})
    assert launched.status_code == 303
    await campaign.refresh_from_db()
    assert campaign.status == CampaignStatus.LAUNCHED
    assert await BrandPost.filter(post__pack_id=pack.id).count() == 2  # LinkedIn and X brand channels
    page = await client.get(page_path)
    assert "is launched" in page.text and "2 brand channel posts went out" in page.text


async def test_reviewer_must_say_what_to_change(
    client: httpx.AsyncClient, clock: SimulatedClock
) -> None:
    editor = await factories.create_user(clock, "editor")
    campaign, _ = await factories.create_campaign_with_post(clock, editor)
    pack = await ContentPack.get(campaign_id=campaign.id)
    await campaigns.submit_pack(clock, editor, pack.id)
    await sign_in(client, await factories.create_user(clock, "reviewer"))
    page_path = f"/studio/campaigns/{campaign.id}"

    no_note = await submit(client, page_path, f"/studio/packs/{pack.id}/review",
                           {"decision": "changes", "note": "  "})
    assert no_note.status_code == 422
    assert "Say what needs to change" in element(no_note.text, f"pack-{pack.id}")
    await pack.refresh_from_db()
    assert pack.status == PackStatus.IN_REVIEW

    sent_back = await submit(client, page_path, f"/studio/packs/{pack.id}/review",
                             {"decision": "changes", "note": "Add the disclosure #employee"})
    assert sent_back.status_code == 303
    await pack.refresh_from_db()
    assert pack.status == PackStatus.DRAFT
    page = await client.get(page_path)
    assert "Changes requested:" in page.text and "Add the disclosure #employee" in page.text


# ---- the leadership dashboard -------------------------------------------------------------------


async def publish_and_measure(settings: Settings, clock: SimulatedClock) -> Campaign:
    """A launched campaign with one published share and a week of collected (simulated) metrics."""
    networks = NetworkRegistry(settings, clock)
    await factories.create_brand_channels(clock)
    campaign, post = await factories.create_launched_campaign(clock)
    await BrandPublisher(networks, clock).publish_campaign(campaign.id)
    ambassador, [account] = await ambassador_with(clock, "linkedin")
    await create_share(clock, ambassador, post_id=post.id, account_id=account.id, text="Proud of us")
    assert (await ShareDispatcher(networks, clock).run_until_idle()).published == 1
    collector = MetricsCollector(networks, clock)
    for _ in range(7):
        clock.advance(timedelta(days=1))
        await collector.run_once()
    return campaign


async def test_leader_sees_kpi_tiles_and_figures_without_inline_code(
    client: httpx.AsyncClient, clock: SimulatedClock, database: Settings
) -> None:
    campaign = await publish_and_measure(database, clock)
    await sign_in(client, await factories.create_user(clock, "leader"))

    page = await client.get("/dashboard", params={"campaign_id": str(campaign.id), "start": "", "end": ""})
    assert page.status_code == 200
    html = page.text
    assert re.search(r'id="kpi-shares">\s*<div class="label">Shares published</div>\s*'
                     r'<div class="value">1</div>', html)
    for key in ("ambassadors", "impressions", "reach", "engagements", "clicks", "engagement-rate",
                "engagement-ratio", "amplification"):
        assert f'id="kpi-{key}"' in html
    assert "simulated" in element(html, "kpi-impressions")
    assert re.search(r'id="kpi-engagement-ratio">.*?<div class="value">\d+\.\dx</div>', html, re.S)
    assert f"Advocacy results: {campaign.name}" in html
    for key in ("daily-impressions", "engagement-rate", "departments"):
        assert f'<div class="figure" id="figure-{key}" data-spec="fig-{key}">' in html
        assert f'<script type="application/json" id="fig-{key}">{{"data":' in html
    # A Content-Security-Policy can forbid inline scripts: every script is a file or inert JSON.
    for tag in re.findall(r"<script\b[^>]*>", html):
        assert 'src="/static/' in tag or 'type="application/json"' in tag, tag
    assert "</script" not in "".join(re.findall(r'type="application/json"[^>]*>(.*?)</script>', html, re.S))

    static = await client.get("/static/dashboard.js")
    assert static.status_code == 200 and "Plotly.newPlot" in static.text


async def test_dashboard_without_data_says_when_figures_appear(
    client: httpx.AsyncClient, clock: SimulatedClock
) -> None:
    await sign_in(client, await factories.create_user(clock, "leader"))

    page = await client.get("/dashboard")
    assert page.status_code == 200
    assert "They appear once ambassadors' shares are published and their metrics collected" in page.text
    assert 'class="figure"' not in page.text and "/static/plotly" not in page.text
    assert re.search(r'id="kpi-shares">.*?<div class="value">0</div>', page.text, re.S)


async def test_invalid_dashboard_dates_are_an_inline_error(
    client: httpx.AsyncClient, clock: SimulatedClock
) -> None:
    await sign_in(client, await factories.create_user(clock, "leader"))

    backwards = await client.get("/dashboard", params={"start": "2026-11-10", "end": "2026-11-01"})
    assert backwards.status_code == 422
    assert "End must not be before start" in backwards.text
    assert 'value="2026-11-10"' in backwards.text  # the form keeps what was asked
    assert 'id="kpi-shares"' not in backwards.text

    garbled = await client.get("/dashboard", params={"start": "2026-13-45"})
    assert garbled.status_code == 422
    assert "The start date &#39;2026-13-45&#39; is not valid" in garbled.text

    unknown = await client.get("/dashboard", params={"campaign_id": "424242"})
    assert unknown.status_code == 404
    assert "There is no campaign 424242" in unknown.text and 'class="card filters"' in unknown.text
