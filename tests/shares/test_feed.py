"""The ambassador's feed (order, colleagues, own history, query count) and the sharing API and pages:
modes, moving, cancelling, preferences, the authenticity nudge and featuring posts."""

from __future__ import annotations

import html
import logging
from datetime import UTC, datetime, timedelta

import httpx
import pytest
from tortoise import connections
from tortoise.transactions import in_transaction

from advocacy.clock import SimulatedClock
from advocacy.settings import Settings
from advocacy.shares import feed as feeds
from advocacy.shares.models import Share, ShareStatus, SharingPreference
from advocacy.shares.repository import COLLEAGUES_PER_STATUS, PersonFacts
from advocacy.shares.service import create_share
from advocacy.users.models import User
from campaigns import service as campaigns
from campaigns.models import MessageVariant, Post
from campaigns.queries import notices_for
from tests import factories
from tests.test_api import assert_error, token_for
from tests.test_pages import ambassador_with, csrf_of, element, sign_in, submit


async def shared_by_colleagues(clock: SimulatedClock, post: Post, published: int, scheduled: int) -> None:
    for i in range(published + scheduled):
        person, account = await factories.create_ambassador(clock, name=f"Colleague {i}")
        share = await create_share(clock, person, post_id=post.id, account_id=account.id, text=f"Mine {i}")
        if i < published:
            await Share.filter(id=share.id).update(status=ShareStatus.PUBLISHED)


# ---- the feed itself --------------------------------------------------------------------------------


async def test_feed_puts_featured_posts_first_then_the_newest(
    database: Settings, clock: SimulatedClock
) -> None:
    editor = await factories.create_user(clock, "editor")
    _, (older, featured, newest) = await factories.create_launched_campaign_with_posts(clock, 3)
    await Post.filter(id=older.id).update(created_at=clock.now() - timedelta(hours=2))
    await Post.filter(id=featured.id).update(created_at=clock.now() - timedelta(hours=1))
    await campaigns.set_featured(clock, editor, featured.id, True)
    person, _ = await factories.create_ambassador(clock)
    feed = await feeds.build(clock, person)
    assert [p.id for p in feed.posts] == [featured.id, newest.id, older.id]
    assert [p.featured for p in feed.posts] == [True, False, False]


async def test_feed_counts_colleagues_without_naming_them_unless_the_organisation_shows_names(
    database: Settings, clock: SimulatedClock
) -> None:
    _, post = await factories.create_launched_campaign(clock)
    await shared_by_colleagues(clock, post, published=2, scheduled=1)
    person, account = await factories.create_ambassador(clock)
    await create_share(clock, person, post_id=post.id, account_id=account.id, text="My own")
    [card] = (await feeds.build(clock, person)).posts
    assert (card.colleagues.published, card.colleagues.scheduled, card.colleagues.names) == (2, 1, [])
    [named] = (await feeds.build(clock, person, show_names=True)).posts
    assert named.colleagues.names == ["Colleague 0", "Colleague 1", "Colleague 2"]


async def test_feed_lists_the_persons_own_shares_with_status_and_published_link(
    database: Settings, clock: SimulatedClock
) -> None:
    _, post = await factories.create_launched_campaign(clock)
    person, account = await factories.create_ambassador(clock)
    share = await create_share(clock, person, post_id=post.id, account_id=account.id, text="Mine")
    await Share.filter(id=share.id).update(status=ShareStatus.PUBLISHED, external_url="https://li.example/p/1")
    feed = await feeds.build(clock, person)
    [mine] = feed.my_shares
    assert (mine.id, mine.status, mine.post_title, mine.external_url) == (
        share.id, "published", post.title, "https://li.example/p/1")
    assert feed.posts[0].my_share_networks == ["linkedin"]


async def test_feed_reads_a_fixed_number_of_queries_however_many_posts(
    database: Settings, clock: SimulatedClock, caplog: pytest.LogCaptureFixture
) -> None:
    person, _ = await factories.create_ambassador(clock)

    async def queries_for(posts: int) -> int:
        _, made = await factories.create_launched_campaign_with_posts(clock, posts)
        for post in made:
            await shared_by_colleagues(clock, post, published=1, scheduled=1)
        caplog.clear()
        with caplog.at_level(logging.DEBUG, logger="tortoise.db_client"):
            feed = await feeds.build(clock, person, show_names=True)
        assert sum(p.colleagues.published for p in feed.posts) >= posts
        return sum(1 for r in caplog.records if r.name == "tortoise.db_client" and "SELECT" in r.getMessage())

    few = await queries_for(2)
    many = await queries_for(20)
    assert few == many, f"{few} queries for 2 posts, {many} for 22"
    assert few <= 10


def test_a_feeds_facts_are_made_once_per_set_of_posts_shown_and_options() -> None:
    """Every feed of the same posts and options reads the same facts: they are made once, and so
    are the columns the guard reads them in, until a post comes or goes."""
    facts = PersonFacts.of([3, 1, 2], names=False, groups=False, notices=False)
    assert PersonFacts.of((3, 1, 2), names=False, groups=False, notices=False) is facts
    assert facts.alongside is facts.alongside
    assert facts.alongside.values == ("[3,1,2]",)
    other_posts = PersonFacts.of([3, 1], names=False, groups=False, notices=False)
    assert other_posts is not facts and other_posts.alongside.values == ("[3,1]",)
    with_names = PersonFacts.of([3, 1, 2], names=True, groups=False, notices=False)
    assert with_names is not facts and len(with_names.facts) == len(facts.facts) + 1


async def test_colleagues_shares_of_the_shown_posts_are_found_by_an_index_on_the_post(
    database: Settings, clock: SimulatedClock
) -> None:
    """Every feed counts colleagues' shares of its posts: without an index led by the post, that
    count reads every active share of the organisation (about 32 ms a feed at 133,000 of them)."""
    select = COLLEAGUES_PER_STATUS.select.format(me="1", posts="IN (1, 2, 3)")
    connection = connections.get("default")
    if connection.capabilities.dialect == "postgres":
        async with in_transaction() as transaction:
            # A table this small is cheaper to read whole: forbid that, so the plan shows the index
            # the planner would take on a large one (the one-share index does not serve a post).
            await transaction.execute_script("SET LOCAL enable_seqscan = off")
            _, rows = await transaction.execute_query(f"EXPLAIN {select}")
        plan = "\n".join(row["QUERY PLAN"] for row in rows)
    else:
        _, rows = await connection.execute_query(f"EXPLAIN QUERY PLAN {select}")
        plan = "\n".join(row["detail"] for row in rows)
    assert "idx_shares_active_post" in plan, plan


# ---- the API ----------------------------------------------------------------------------------------


async def test_api_feed_answers_the_feed_document_with_every_security_header(
    client: httpx.AsyncClient, clock: SimulatedClock
) -> None:
    _, post = await factories.create_launched_campaign(clock)
    person, headers = await token_for(clock, "ambassador")
    await factories.create_account(clock, person, "linkedin")
    answer = await client.get("/api/v1/feed", headers=headers)
    assert answer.status_code == 200
    assert answer.headers["content-type"] == "application/json"
    expected = await feeds.build(clock, person)
    assert answer.json() == expected.model_dump(mode="json")
    assert [p["id"] for p in answer.json()["posts"]] == [post.id]
    other = await client.get("/api/v1/me", headers=headers)  # through every layer of the app
    for name in ("content-security-policy", "x-frame-options", "x-content-type-options", "referrer-policy",
                 "cross-origin-opener-policy", "permissions-policy"):
        assert answer.headers[name] == other.headers[name], name
    assert "set-cookie" not in answer.headers


async def test_api_feed_says_when_each_posts_window_opens_as_the_page_does(
    client: httpx.AsyncClient, clock: SimulatedClock
) -> None:
    # It is Monday 2 November, 08:00 UTC; one campaign is open, the other opens a week later at 09:00.
    _, open_now = await factories.create_launched_campaign(clock)
    _, upcoming = await factories.create_launched_campaign(clock, opens_in=timedelta(days=7, hours=1))
    _, headers = await token_for(clock, "ambassador")
    answer = await client.get("/api/v1/feed", headers=headers)
    opens = {post["id"]: post["opens_at"] for post in answer.json()["posts"]}
    assert datetime.fromisoformat(opens[upcoming.id]) == datetime(2026, 11, 9, 9, 0, tzinfo=UTC)
    assert datetime.fromisoformat(opens[open_now.id]) <= clock.now()
    schema = (await client.get("/api/openapi.json")).json()["components"]["schemas"]["FeedPost"]
    described = schema["properties"]["opens_at"]
    assert described["format"] == "date-time" and "opens_at" in schema["required"]
    assert "cannot be shared now" in described["description"]


async def test_api_feed_refuses_a_missing_or_unknown_token_and_roles_without_a_feed(
    client: httpx.AsyncClient, clock: SimulatedClock
) -> None:
    assert_error(await client.get("/api/v1/feed"), 401, "not_authenticated")
    assert_error(await client.get("/api/v1/feed", headers={"Authorization": "Bearer nope"}), 401,
                 "not_authenticated")
    _, editor = await token_for(clock, "editor")
    assert_error(await client.get("/api/v1/feed", headers=editor), 403, "forbidden")



async def test_api_auto_queues_moves_and_cancels_a_share(
    client: httpx.AsyncClient, clock: SimulatedClock
) -> None:
    _, post = await factories.create_launched_campaign(clock)
    person, headers = await token_for(clock, "ambassador", timezone="Europe/Berlin")
    account = await factories.create_account(clock, person, "linkedin")

    prefs = await client.get("/api/v1/me/sharing-preferences", headers=headers)
    assert prefs.json() == {"start": "08:00", "end": "18:00", "days": [0, 1, 2, 3, 4], "daily_cap": 3,
                            "timezone": "Europe/Berlin"}
    saved = await client.put("/api/v1/me/sharing-preferences", headers=headers, json={
        "start": "10:00", "end": "12:00", "days": [0, 2], "daily_cap": 2})
    assert saved.status_code == 200 and saved.json()["days"] == [0, 2]

    created = await client.post("/api/v1/shares", headers=headers, json={
        "post_id": post.id, "account_id": account.id, "text": "Why our new unit matters to me",
        "mode": "auto"})
    assert created.status_code == 201, created.text
    share = created.json()
    assert share["due_at"] == "2026-11-02T09:00:00Z"  # 10:00 in Berlin

    feed = (await client.get("/api/v1/feed", headers=headers)).json()
    assert feed["timezone"] == "Europe/Berlin" and feed["my_shares"][0]["id"] == share["id"]

    moved = await client.post(f"/api/v1/shares/{share['id']}/move", headers=headers,
                              json={"scheduled_at": "2026-11-04T10:30:00+01:00"})
    assert moved.status_code == 200 and moved.json()["due_at"] == "2026-11-04T09:30:00Z"
    bad = await client.post(f"/api/v1/shares/{share['id']}/move", headers=headers,
                            json={"scheduled_at": "2026-11-01T10:30:00+01:00"})
    assert_error(bad, 422, "invalid_input")
    assert_error(await client.post(f"/api/v1/shares/{share['id']}/move", headers=headers, json={}),
                 422, "invalid_input")
    assert (await client.post(f"/api/v1/shares/{share['id']}/cancel", headers=headers)).status_code == 200
    gone = await client.post(f"/api/v1/shares/{share['id']}/move", headers=headers, json={"auto": True})
    assert "can no longer be moved" in assert_error(gone, 409, "conflict")["message"]


async def test_api_refuses_bad_preferences_and_changes_nothing(
    client: httpx.AsyncClient, clock: SimulatedClock
) -> None:
    person, headers = await token_for(clock, "ambassador")
    for body, field in (
        ({"start": "18:00", "end": "09:00"}, "end"),
        ({"start": "9am"}, "start"),
        ({"days": []}, "days"),
        ({"timezone": "Mars/Olympus"}, "timezone"),
    ):
        response = await client.put("/api/v1/me/sharing-preferences", headers=headers, json=body)
        details = assert_error(response, 422, "invalid_input")["details"]
        # Named by the service ({"field": ...}) or, for a time not like 08:30, by the schema.
        assert details == {"field": field} or list(details) == [field], details
    assert_error(await client.put("/api/v1/me/sharing-preferences", headers=headers, json={"daily_cap": 0}),
                 422, "invalid_input")
    assert not await SharingPreference.exists(user_id=person.id)
    assert (await User.get(id=person.id)).timezone == "UTC"


async def test_api_nudges_a_copied_text_with_another_suggestion_until_confirmed(
    client: httpx.AsyncClient, clock: SimulatedClock
) -> None:
    _, post = await factories.create_launched_campaign(clock)
    popular, quiet = await MessageVariant.filter(post_id=post.id, network="linkedin").order_by("id")
    for _ in range(2):
        person, account = await factories.create_ambassador(clock)
        await create_share(clock, person, post_id=post.id, account_id=account.id, variant_id=popular.id)
    person, headers = await token_for(clock, "ambassador")
    account = await factories.create_account(clock, person, "linkedin")
    body = {"post_id": post.id, "account_id": account.id, "variant_id": popular.id}
    nudged = assert_error(await client.post("/api/v1/shares", headers=headers, json=body), 409, "too_similar")
    assert nudged["details"]["suggested_variant_id"] == quiet.id
    assert not await Share.exists(user_id=person.id)
    confirmed = await client.post("/api/v1/shares", headers=headers, json={**body, "confirm_similar": True})
    assert confirmed.status_code == 201


async def test_editor_features_a_post_through_the_api_and_an_ambassador_cannot(
    client: httpx.AsyncClient, clock: SimulatedClock
) -> None:
    _, post = await factories.create_launched_campaign(clock)
    _, editor = await token_for(clock, "editor")
    _, ambassador = await token_for(clock, "ambassador")
    assert_error(await client.post(f"/api/v1/posts/{post.id}/feature", headers=ambassador,
                                   json={"featured": True}), 403, "forbidden")
    assert not (await Post.get(id=post.id)).featured
    done = await client.post(f"/api/v1/posts/{post.id}/feature", headers=editor, json={"featured": True})
    assert done.status_code == 200 and done.json()["featured"] is True
    assert (await Post.get(id=post.id)).featured
    assert_error(await client.post("/api/v1/posts/999999/feature", headers=editor, json={"featured": True}),
                 404, "not_found")


# ---- the pages ----------------------------------------------------------------------------------------


async def test_ambassador_auto_queues_from_the_feed_and_moves_it_on_my_shares(
    client: httpx.AsyncClient, clock: SimulatedClock
) -> None:
    _, post = await factories.create_launched_campaign(clock)
    await shared_by_colleagues(clock, post, published=1, scheduled=0)
    ambassador, [account] = await ambassador_with(clock, "linkedin", timezone="Europe/Berlin")
    await sign_in(client, ambassador)
    feed = await client.get("/feed")
    assert "1 colleague shared this." in element(feed.text, f"post-{post.id}")
    response = await submit(client, "/feed", "/feed/share", {
        "post_id": str(post.id), "account_id": str(account.id), "text": "Our cardiac unit: my old ward!",
        "when": "auto"})
    assert response.status_code == 303
    share = await Share.get(user_id=ambassador.id)
    # 09:00 in Berlin is inside the hours; the colleague's share at that minute staggers it by two.
    assert share.due_at == datetime(2026, 11, 2, 8, 2, tzinfo=UTC)
    after = await client.get("/feed")
    assert "auto-queued for Mon 2 Nov 2026, 09:02 CET" in after.text

    mine = await client.get("/me/shares")
    row = element(mine.text, f"share-{share.id}")
    assert "queued" in row and "09:02 CET" in row
    moved = await submit(client, "/me/shares", f"/feed/shares/{share.id}/move",
                         {"scheduled_at": "2026-11-03T14:15", "how": "at", "back": "shares"})
    assert moved.status_code == 303 and moved.headers["location"] == "/me/shares"
    await share.refresh_from_db()
    assert share.due_at == datetime(2026, 11, 3, 13, 15, tzinfo=UTC)

    past = await submit(client, "/me/shares", f"/feed/shares/{share.id}/move",
                        {"scheduled_at": "2026-11-01T14:15", "how": "at", "back": "shares"})
    assert past.status_code == 422
    assert "already passed" in element(past.text, f"share-{share.id}")
    await share.refresh_from_db()
    assert share.due_at == datetime(2026, 11, 3, 13, 15, tzinfo=UTC)

    cancelled = await submit(client, "/me/shares", f"/feed/shares/{share.id}/cancel", {"back": "shares"})
    assert cancelled.status_code == 303 and cancelled.headers["location"] == "/me/shares"
    await share.refresh_from_db()
    assert share.status == ShareStatus.CANCELLED


async def test_auto_queue_without_a_slot_is_an_inline_error_on_the_post(
    client: httpx.AsyncClient, clock: SimulatedClock
) -> None:
    _, post = await factories.create_launched_campaign(clock, days=1)
    ambassador, [account] = await ambassador_with(clock, "linkedin")
    # The campaign runs Monday 08:00 to Tuesday 08:00; this person shares Wednesday to Sunday only.
    await SharingPreference.create(user_id=ambassador.id, days="23456", updated_at=clock.now())
    await sign_in(client, ambassador)
    response = await submit(client, "/feed", "/feed/share", {
        "post_id": str(post.id), "account_id": str(account.id), "text": "Mine", "when": "auto"})
    assert response.status_code == 409
    card = element(response.text, f"post-{post.id}")
    assert "none of your sharing hours" in card and 'value="auto" checked' in card
    assert await Share.all().count() == 0


async def test_feed_nudges_a_copied_suggestion_inline_and_confirming_shares_it(
    client: httpx.AsyncClient, clock: SimulatedClock
) -> None:
    _, post = await factories.create_launched_campaign(clock)
    popular, quiet = await MessageVariant.filter(post_id=post.id, network="linkedin").order_by("id")
    for _ in range(3):
        person, account = await factories.create_ambassador(clock)
        await create_share(clock, person, post_id=post.id, account_id=account.id, variant_id=popular.id)
    ambassador, [account] = await ambassador_with(clock, "linkedin")
    await sign_in(client, ambassador)
    form = {"post_id": str(post.id), "account_id": str(account.id), "variant_id": str(popular.id),
            "text": "", "when": "now"}
    nudged = await submit(client, "/feed", "/feed/share", form)
    assert nudged.status_code == 409
    card = element(nudged.text, f"post-{post.id}")
    assert "3 colleagues already shared nearly the same words" in card
    assert html.unescape(element(card, f"nudge-{post.id}")).count(quiet.text) == 1
    assert 'name="confirm_similar" value="1"> Share this message as it is</label>' in card
    assert not await Share.exists(user_id=ambassador.id)
    confirmed = await client.post("/feed/share", data={**form, "confirm_similar": "1",
                                                       "csrf_token": csrf_of(nudged.text)})
    assert confirmed.status_code == 303
    assert await Share.exists(user_id=ambassador.id, variant_id=popular.id)


async def test_live_counts_follow_colleagues_shares(client: httpx.AsyncClient, clock: SimulatedClock) -> None:
    _, post = await factories.create_launched_campaign(clock)
    ambassador, _ = await ambassador_with(clock, "linkedin")
    await sign_in(client, ambassador)
    nobody = {str(post.id): {"text": "No colleague has shared this yet."}}
    assert (await client.get("/feed/counts")).json() == nobody
    await shared_by_colleagues(clock, post, published=2, scheduled=1)
    assert (await client.get("/feed/counts")).json()[str(post.id)]["text"] == (
        "2 colleagues shared this, 1 has it scheduled.")


async def test_preferences_form_saves_and_refuses_bad_input_inline(
    client: httpx.AsyncClient, clock: SimulatedClock
) -> None:
    ambassador, _ = await ambassador_with(clock, "linkedin")
    await sign_in(client, ambassador)
    page = await client.get("/me/sharing-preferences")
    assert page.status_code == 200 and 'value="08:00"' in page.text
    bad = await submit(client, "/me/sharing-preferences", "/me/sharing-preferences",
                       {"start": "17:00", "end": "09:00", "days": "1", "daily_cap": "2", "timezone": "UTC"})
    assert bad.status_code == 422
    assert "must start before they end" in element(bad.text, "preferences")
    assert 'value="17:00"' in bad.text  # what was typed stays
    assert not await SharingPreference.exists(user_id=ambassador.id)
    page = await client.get("/me/sharing-preferences")
    good = await client.post("/me/sharing-preferences", data={
        "csrf_token": csrf_of(page.text), "start": "07:30", "end": "24:00", "days": ["5", "6"],
        "daily_cap": "4", "timezone": "Asia/Kolkata"})
    assert good.status_code == 303
    saved = await SharingPreference.get(user_id=ambassador.id)
    assert (saved.start_minute, saved.end_minute, saved.days, saved.daily_cap) == (450, 1440, "56", 4)
    assert (await User.get(id=ambassador.id)).timezone == "Asia/Kolkata"


async def test_editor_features_a_post_from_the_campaign_page(
    client: httpx.AsyncClient, clock: SimulatedClock
) -> None:
    editor = await factories.create_user(clock, "editor")
    campaign, post = await factories.create_launched_campaign(clock, editor=editor)
    await sign_in(client, editor)
    page = f"/studio/campaigns/{campaign.id}"
    response = await submit(client, page, f"/studio/posts/{post.id}/feature", {"featured": "1"})
    assert response.status_code == 303
    assert (await Post.get(id=post.id)).featured
    shown = await client.get(page)
    assert "Stop featuring" in element(shown.text, f"post-{post.id}")


async def test_feed_page_shows_correction_notices_only_to_those_who_shared_the_post(
    client: httpx.AsyncClient, clock: SimulatedClock
) -> None:
    editor = await factories.create_user(clock, "editor")
    reviewer = await factories.create_user(clock, "reviewer")
    _, post = await factories.create_launched_campaign(clock, editor, reviewer)
    variant = await MessageVariant.filter(post_id=post.id, network="linkedin").order_by("id").first()
    assert variant is not None
    sharer, account = await factories.create_ambassador(clock)
    share = await create_share(clock, sharer, post_id=post.id, account_id=account.id, variant_id=variant.id)
    await Share.filter(id=share.id).update(status=ShareStatus.PUBLISHED, external_url="https://li.example/p/9")
    correction = await campaigns.propose_correction(
        clock, editor, variant.id, text="Our new heart unit is open. #employee", reason="Heart, not cardiac.")
    await campaigns.review_correction(clock, reviewer, correction.id, approve=True)
    [notice] = await notices_for(sharer)
    bystander, _ = await factories.create_ambassador(clock)

    await sign_in(client, sharer)
    page = (await client.get("/feed")).text
    assert f'id="notice-{notice.id}"' in page and "Our new heart unit is open. #employee" in page
    await sign_in(client, bystander)
    assert 'id="corrections"' not in (await client.get("/feed")).text


async def test_a_post_not_yet_approved_is_answered_like_a_post_that_does_not_exist(
    client: httpx.AsyncClient, clock: SimulatedClock
) -> None:
    editor = await factories.create_user(clock, "editor")
    _, draft = await factories.create_campaign_with_post(clock, editor)
    in_review_campaign, in_review = await factories.create_campaign_with_post(clock, editor)
    pack = await in_review_campaign.packs.all().first()
    assert pack is not None
    await campaigns.submit_pack(clock, editor, pack.id)
    await Post.filter(id=in_review.id).update(expires_at=clock.now() - timedelta(hours=1))
    missing_id = max(draft.id, in_review.id) + 1
    person, headers = await token_for(clock, "ambassador")
    account = await factories.create_account(clock, person, "linkedin")

    answers = {}
    for post_id in (draft.id, in_review.id, missing_id):
        body = {"post_id": post_id, "account_id": account.id, "text": "Proud of this"}
        answer = await client.post("/api/v1/shares", headers=headers, json=body)
        error = assert_error(answer, 404, "not_found")
        answers[post_id] = error["message"].replace(str(post_id), "{id}")
    assert answers[draft.id] == answers[in_review.id] == answers[missing_id] == "There is no post {id}."
    await sign_in(client, person)
    page = await submit(client, "/feed", "/feed/share", {
        "post_id": str(draft.id), "account_id": str(account.id), "text": "Proud of this", "when": "now"})
    assert page.status_code == 404 and f"There is no post {draft.id}." in page.text
    assert await Share.all().count() == 0
