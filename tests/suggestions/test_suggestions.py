"""Ambassadors' suggestions: proposing a link (form and API), the editors' inbox, making a post of it
from the page's own preview (checked and reviewed as usual) or declining it, the ambassador told
either way, and the credit once the post is published."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import timedelta
from typing import Any

import httpx
import pytest
from asgi_lifespan import LifespanManager

from advocacy.audit.models import AuditEntry
from advocacy.clock import SimulatedClock
from advocacy.errors import Conflict, Forbidden, NotFound, TooManyAttempts
from advocacy.localtime import format_local
from advocacy.notify.models import Channel, Delivery, Notification
from advocacy.settings import Settings
from advocacy.suggestions import service
from advocacy.suggestions.models import Suggestion, SuggestionStatus
from advocacy.users.models import User
from advocacy.users.service import create_personal_token
from campaigns import service as campaigns
from campaigns.models import Campaign, ContentPack, PackStatus, Post, Revision
from dashboards.reporting.points import CURRENT_RULE, POINTS_RULES, Tally, tallies
from tests import factories
from tests.campaigns.test_link_preview import site  # noqa: F401 (the page server fixture)
from tests.campaigns.test_post_edits import PATIENT
from tests.test_api import bearer, token_for
from tests.test_pages import csrf_of, element, sign_in, submit

NOTE = "Our nurses are in it: worth a share."
MESSAGE = "Proud of our heart unit team. #employee"


@pytest.fixture
def open_settings(database: Settings) -> Settings:
    """The test page is served on 127.0.0.1: a private address, allowed here only."""
    return database.model_copy(update={"link_preview_private_addresses": True})


@pytest.fixture
async def web(open_settings: Settings, clock: SimulatedClock) -> AsyncIterator[httpx.AsyncClient]:
    from advocacy.app import create_app

    async with LifespanManager(create_app(open_settings, clock)) as manager:
        transport = httpx.ASGITransport(app=manager.app, raise_app_exceptions=False)
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as http:
            yield http


async def draft_pack(clock: SimulatedClock, editor: User) -> ContentPack:
    campaign = await campaigns.create_campaign(
        clock, editor, name="Heart month", starts_at=clock.now(), ends_at=clock.now() + timedelta(days=14))
    pack = await ContentPack.get(campaign_id=campaign.id)
    return pack


async def suggested(clock: SimulatedClock, person: User, url: str, **kwargs: Any) -> Suggestion:
    return await service.suggest(clock, person, url=url, note=NOTE, message=MESSAGE, per_day=5,
                                 allow_private=True, **kwargs)


async def test_an_ambassador_suggests_from_the_feed_and_the_editors_find_it_in_their_inbox(
    web: httpx.AsyncClient, clock: SimulatedClock, site: str  # noqa: F811
) -> None:
    ambassador = await factories.create_user(clock, "ambassador", name="Ada Ambassador",
                                             department="Cardiology")
    editor = await factories.create_user(clock, "editor")
    await sign_in(web, ambassador)
    feed = await web.get("/feed")
    assert "Suggest something to share" in element(feed.text, "suggest")

    sent = await submit(web, "/feed", "/feed/suggestions",
                        {"url": f"{site}/story", "note": NOTE, "message": MESSAGE})
    assert sent.status_code == 303 and sent.headers["location"] == "/feed"
    assert "your suggestion is with the communications team" in (await web.get("/feed")).text
    [row] = await Suggestion.all()
    assert (row.user_id, row.url, row.note, row.message, row.status) == (
        ambassador.id, f"{site}/story", NOTE, MESSAGE, SuggestionStatus.OPEN)

    await sign_in(web, editor)
    assert 'href="/studio/suggestions"' in (await web.get("/studio")).text
    inbox = await web.get("/studio/suggestions")
    waiting = element(inbox.text, "suggestions-waiting")
    assert "Waiting for you (1)" in waiting
    listed = element(inbox.text, f"suggestion-{row.id}")
    assert "Ada Ambassador" in listed and "Cardiology" in listed and NOTE in listed
    assert format_local(clock.now(), editor) in listed


@pytest.mark.parametrize(("url", "note", "message", "said"), [
    ("not a link", "", "", "The link must be a full http(s) address."),
    ("ftp://example.org/file", "", "", "The link must be a full http(s) address."),
    ("http://10.0.0.8/wiki", "", "", "points inside a private network"),
    ("http://127.0.0.1:8000/admin", "", "", "points inside a private network"),
    ("https://example.org/" + "a" * 2000, "", "", "The link is 2,020 characters long; the limit is 2,000."),
    ("https://example.org/news", "n" * 1001, "", "The note is 1,001 characters long; the limit is 1,000."),
    ("https://example.org/news", "", "m" * 3001, "The message is 3,001 characters long; the limit is 3,000."),
    ("", "", "", "Paste the link you suggest."),
])
async def test_a_bad_suggestion_is_refused_with_its_reason_and_nothing_is_saved(
    client: httpx.AsyncClient, clock: SimulatedClock, url: str, note: str, message: str, said: str
) -> None:
    ambassador, headers = await token_for(clock, "ambassador")
    await sign_in(client, ambassador)
    page = await submit(client, "/feed", "/feed/suggestions", {"url": url, "note": note, "message": message})
    assert page.status_code == 422
    assert said in element(page.text, "suggest-error")
    form = element(page.text, "suggest")
    assert note in form and message in form, "what was typed comes back"
    api = await client.post("/api/v1/suggestions", headers=headers, json={"url": url, "note": note,
                                                                           "message": message})
    error = api.json()["error"]
    # A link not of the form the API document states is refused by the parser, naming the field.
    assert api.status_code == 422 and (said in error["message"] or list(error["details"]) == ["url"])
    assert await Suggestion.all().count() == 0


async def test_one_person_cannot_flood_the_inbox(
    database: Settings, clock: SimulatedClock, client: httpx.AsyncClient
) -> None:
    ambassador = await factories.create_user(clock, "ambassador")
    _, token = await create_personal_token(clock, ambassador, "suggestions")  # lasts the whole day
    headers = bearer(token)
    colleague = await factories.create_user(clock, "ambassador")
    assert database.suggestions_per_day == 5
    for n in range(5):
        made = await client.post("/api/v1/suggestions", headers=headers, json={"url": f"https://example.org/{n}"})
        assert made.status_code == 201, made.text
        clock.advance(timedelta(hours=1))
    flood = await client.post("/api/v1/suggestions", headers=headers, json={"url": "https://example.org/6"})
    assert flood.status_code == 429
    assert "you can suggest again from 2026-11-03 08:00 UTC" in flood.json()["error"]["message"]
    await sign_in(client, ambassador)
    page = await submit(client, "/feed", "/feed/suggestions", {"url": "https://example.org/6"})
    assert page.status_code == 429
    assert "5 suggestions in the last 24 hours" in element(page.text, "suggest-error")
    assert await Suggestion.filter(user_id=ambassador.id).count() == 5
    assert await suggested(clock, colleague, "https://example.org/6"), "the cap is per person"

    clock.set(clock.now().replace(day=3, hour=8))  # 24 hours after the first one
    again = await client.post("/api/v1/suggestions", headers=headers, json={"url": "https://example.org/6"})
    assert again.status_code == 201


async def test_many_suggestions_at_the_same_moment_never_pass_the_cap(
    database: Settings, clock: SimulatedClock
) -> None:
    ambassador = await factories.create_user(clock, "ambassador")
    results = await asyncio.gather(*(
        service.suggest(clock, ambassador, url=f"https://example.org/{n}", per_day=3) for n in range(8)
    ), return_exceptions=True)
    assert sum(isinstance(r, Suggestion) for r in results) == 3
    assert all(isinstance(r, Suggestion | TooManyAttempts) for r in results), results
    assert await Suggestion.all().count() == 3


async def test_the_same_link_waiting_already_is_refused(database: Settings, clock: SimulatedClock) -> None:
    ambassador = await factories.create_user(clock, "ambassador")
    await suggested(clock, ambassador, "https://example.org/news")
    with pytest.raises(Conflict, match="already suggested this link"):
        await suggested(clock, ambassador, "https://example.org/news")
    assert await Suggestion.all().count() == 1


async def test_only_ambassadors_of_the_programme_suggest(
    database: Settings, clock: SimulatedClock, client: httpx.AsyncClient
) -> None:
    invited = await factories.create_user(clock, "ambassador", opted_in=False)
    with pytest.raises(Forbidden, match="Only ambassadors of the programme"):
        await suggested(clock, invited, "https://example.org/news")
    await sign_in(client, invited)
    assert 'id="suggest"' not in (await client.get("/feed")).text
    _, editor = await token_for(clock, "editor")
    refused = await client.post("/api/v1/suggestions", headers=editor, json={"url": "https://example.org/x"})
    assert refused.status_code == 403
    admin = await factories.create_user(clock, "admin")
    await sign_in(client, admin)
    assert 'id="suggest"' not in (await client.get("/feed")).text
    assert await Suggestion.all().count() == 0


async def test_an_editor_makes_a_post_from_the_pages_preview_and_the_ambassador_is_told(
    web: httpx.AsyncClient, clock: SimulatedClock, site: str  # noqa: F811
) -> None:
    ambassador = await factories.create_user(clock, "ambassador", name="Ada Ambassador")
    editor = await factories.create_user(clock, "editor", name="Eve Editor")
    pack = await draft_pack(clock, editor)
    suggestion = await suggested(clock, ambassador, f"{site}/story")
    await sign_in(web, editor)
    page = await web.get(f"/studio/suggestions/{suggestion.id}")
    assert "Ada Ambassador suggests a link" in page.text
    assert "A new heart unit" in element(page.text, "suggestion-preview")
    assert "Opening on the 3rd floor." in element(page.text, "suggestion-preview")
    form = element(page.text, "suggestion-accept")
    assert 'name="title" value="A new heart unit"' in form
    assert MESSAGE in form and "Heart month: Heart month" in form

    made = await web.post(f"/studio/suggestions/{suggestion.id}/accept", data={
        "csrf_token": csrf_of(page.text), "pack_id": str(pack.id), "title": "A new heart unit",
        "messages_linkedin": MESSAGE, "messages_x": ""})
    assert made.status_code == 303
    assert made.headers["location"] == f"/studio/campaigns/{pack.campaign_id}#pack-{pack.id}"
    [post] = await Post.filter(pack_id=pack.id)
    assert (post.url, post.title, post.link_title, post.link_description) == (
        f"{site}/story", "A new heart unit", "A new heart unit", "Opening on the 3rd floor.")
    assert post.link_image == f"{site}/img/unit.jpg"
    await suggestion.refresh_from_db()
    assert suggestion.status == SuggestionStatus.ACCEPTED and suggestion.post_id == post.id
    assert suggestion.decided_by_id == editor.id
    await pack.refresh_from_db()
    assert pack.status == PackStatus.DRAFT, "never approved by itself"
    revision = await Revision.get(pack_id=pack.id, action="suggestion_accepted")
    assert revision.detail == (
        f"From an ambassador's suggestion ({suggestion.id}) of {site}/story. Their note: {NOTE}")
    assert "Ada" not in revision.detail, "kept as written: no name a de-identification would miss"

    [notice] = await Notification.filter(user_id=ambassador.id)
    assert notice.kind == "suggestion_accepted"
    assert notice.subject == "Your suggestion is becoming a post: A new heart unit"
    assert "Eve Editor made a post of the link you suggested" in notice.body
    assert notice.link == "/me/suggestions"
    assert [d.channel for d in await Delivery.filter(notification_id=notice.id)] == [Channel.EMAIL]
    campaign_page = await web.get(f"/studio/campaigns/{pack.campaign_id}")
    assert "A new heart unit" in campaign_page.text
    decided = element((await web.get("/studio/suggestions")).text, "suggestions-decided")
    assert "Post “A new heart unit” in" in decided and "(draft)" in decided

    await sign_in(web, ambassador)
    inbox = await web.get("/me/notifications")
    assert "Your suggestion is becoming a post: A new heart unit" in inbox.text


async def test_a_post_the_compliance_check_blocks_leaves_the_suggestion_waiting(
    web: httpx.AsyncClient, clock: SimulatedClock, site: str  # noqa: F811
) -> None:
    ambassador = await factories.create_user(clock, "ambassador")
    editor = await factories.create_user(clock, "editor")
    pack = await draft_pack(clock, editor)
    suggestion = await suggested(clock, ambassador, f"{site}/story")
    await sign_in(web, editor)
    blocked = await submit(web, f"/studio/suggestions/{suggestion.id}",
                           f"/studio/suggestions/{suggestion.id}/accept",
                           {"pack_id": str(pack.id), "title": "A new heart unit",
                            "messages_linkedin": PATIENT})
    assert blocked.status_code == 422
    assert "the compliance check blocks it" in element(blocked.text, "suggestion-accept")
    assert PATIENT.replace("'", "&#39;") in element(blocked.text, "suggestion-accept"), "the words come back"
    no_pack = await submit(web, f"/studio/suggestions/{suggestion.id}",
                           f"/studio/suggestions/{suggestion.id}/accept",
                           {"pack_id": "", "title": "A new heart unit", "messages_linkedin": MESSAGE})
    assert no_pack.status_code == 422 and "Choose the content pack." in no_pack.text
    await suggestion.refresh_from_db()
    assert suggestion.status == SuggestionStatus.OPEN and suggestion.post_id is None
    assert await Post.all().count() == 0
    assert await Notification.filter(user_id=ambassador.id).count() == 0


async def test_declining_needs_a_note_the_ambassador_reads_and_decides_once(
    web: httpx.AsyncClient, clock: SimulatedClock, site: str  # noqa: F811
) -> None:
    ambassador = await factories.create_user(clock, "ambassador")
    editor = await factories.create_user(clock, "editor", name="Eve Editor")
    pack = await draft_pack(clock, editor)
    suggestion = await suggested(clock, ambassador, f"{site}/story")
    await sign_in(web, editor)
    path = f"/studio/suggestions/{suggestion.id}"
    silent = await submit(web, path, f"{path}/decline", {"note": "  "})
    assert silent.status_code == 422
    assert "Say why, for the ambassador who suggested it." in element(silent.text, "suggestion-decline")
    assert await Notification.all().count() == 0

    declined = await submit(web, path, f"{path}/decline", {"note": "We covered this story last week."})
    assert declined.status_code == 303 and declined.headers["location"] == "/studio/suggestions"
    await suggestion.refresh_from_db()
    assert suggestion.status == SuggestionStatus.DECLINED
    assert suggestion.decision_note == "We covered this story last week."
    [notice] = await Notification.filter(user_id=ambassador.id)
    assert (notice.kind, notice.subject) == ("suggestion_declined", "Your suggestion was declined")
    assert "Eve Editor's note: We covered this story last week." in notice.body
    assert notice.link == "/me/suggestions"
    shown = await web.get(path)
    assert "Declined by Eve Editor" in element(shown.text, "suggestion-status")
    assert 'id="suggestion-accept"' not in shown.text

    for _ in range(3):  # a decision repeated, or changed afterwards, changes nothing
        again = await web.post(f"{path}/decline", data={"csrf_token": csrf_of(shown.text), "note": "Again"})
        assert again.status_code == 409 and "already declined" in again.text
        accepted = await web.post(f"{path}/accept", data={"csrf_token": csrf_of(shown.text),
                                                         "pack_id": str(pack.id), "title": "T",
                                                         "messages_linkedin": MESSAGE})
        assert accepted.status_code == 409
    assert await Notification.filter(user_id=ambassador.id).count() == 1
    assert await Post.all().count() == 0
    # The decision is in the audit log once, with the editor's note; the refused repeats are not.
    [entry] = await AuditEntry.filter(action__startswith="suggestion.")
    assert (entry.actor_id, entry.action, entry.target) == (
        editor.id, "suggestion.declined", f"suggestion:{suggestion.id}")
    assert entry.details == {"url": f"{site}/story", "note": "We covered this story last week."}


async def test_editors_decide_through_the_api_too(
    web: httpx.AsyncClient, clock: SimulatedClock, site: str  # noqa: F811
) -> None:
    ambassador, as_ambassador = await token_for(clock, "ambassador")
    editor, as_editor = await token_for(clock, "editor")
    pack = await draft_pack(clock, editor)
    made = await web.post("/api/v1/suggestions", headers=as_ambassador,
                          json={"url": f"{site}/story", "note": NOTE, "message": MESSAGE})
    assert made.status_code == 201
    body = made.json()
    assert (body["status"], body["note"], body["post_id"]) == ("open", NOTE, None)
    other = await web.post("/api/v1/suggestions", headers=as_ambassador, json={"url": f"{site}/plain"})
    assert (await web.get("/api/v1/suggestions", headers=as_ambassador)).status_code == 403
    listed = await web.get("/api/v1/suggestions", headers=as_editor)
    assert [s["id"] for s in listed.json()] == [body["id"], other.json()["id"]]

    accepted = await web.post(f"/api/v1/suggestions/{body['id']}/accept", headers=as_editor,
                              json={"pack_id": pack.id, "messages": {"linkedin": [MESSAGE]}})
    assert accepted.status_code == 200, accepted.text
    post = await Post.get(id=accepted.json()["post_id"])
    assert post.title == "A new heart unit", "the page's own title when none is given"
    repeated = await web.post(f"/api/v1/suggestions/{body['id']}/accept", headers=as_editor,
                              json={"pack_id": pack.id, "messages": {"linkedin": [MESSAGE]}})
    assert repeated.status_code == 409 and await Post.all().count() == 1

    unsaid = await web.post(f"/api/v1/suggestions/{other.json()['id']}/decline", headers=as_editor,
                            json={"note": ""})
    assert unsaid.status_code == 422
    declined = await web.post(f"/api/v1/suggestions/{other.json()['id']}/decline", headers=as_editor,
                              json={"note": "Not for now."})
    assert declined.json()["status"] == "declined" and declined.json()["decision_note"] == "Not for now."
    assert (await web.post("/api/v1/suggestions/999/decline", headers=as_editor,
                           json={"note": "x"})).status_code == 404
    assert (await web.get("/api/v1/suggestions", headers=as_editor)).json() == []
    kinds = await Notification.filter(user_id=ambassador.id).order_by("id").values_list("kind", flat=True)
    assert kinds == ["suggestion_accepted", "suggestion_declined"]


async def test_two_editors_at_the_same_moment_make_one_post(
    database: Settings, clock: SimulatedClock
) -> None:
    ambassador = await factories.create_user(clock, "ambassador")
    editors = [await factories.create_user(clock, "editor") for _ in range(2)]
    pack = await draft_pack(clock, editors[0])
    suggestion = await suggested(clock, ambassador, "https://example.org/news")
    results = await asyncio.gather(*(
        service.accept(clock, editor, suggestion.id, pack_id=pack.id, title="News",
                       messages={"linkedin": [MESSAGE]}) for editor in editors
    ), return_exceptions=True)
    assert sorted(type(r).__name__ for r in results) == ["Conflict", "Suggestion"]
    assert await Post.all().count() == 1
    assert await Notification.filter(user_id=ambassador.id).count() == 1
    # One decision audited, by the editor whose post it became (the other's transaction rolled back).
    [entry] = await AuditEntry.filter(action="suggestion.accepted")
    post = await Post.get()
    assert entry.target == f"suggestion:{suggestion.id}"
    assert entry.actor_id == (await Revision.filter(post_id=post.id).first()).author_id


async def test_the_ambassador_gets_credit_once_the_post_is_published(
    database: Settings, clock: SimulatedClock
) -> None:
    ambassador = await factories.create_user(clock, "ambassador")
    editor = await factories.create_user(clock, "editor")
    reviewer = await factories.create_user(clock, "reviewer")
    pack = await draft_pack(clock, editor)
    suggestion = await suggested(clock, ambassador, "https://example.org/news")
    await service.accept(clock, editor, suggestion.id, pack_id=pack.id, title="News",
                         messages={"linkedin": [MESSAGE]})

    async def credit() -> int:
        return (await tallies([ambassador.id])).get(ambassador.id, Tally()).suggestions

    assert await credit() == 0, "accepted is not published"
    await campaigns.submit_pack(clock, editor, pack.id)
    await campaigns.review_pack(clock, reviewer, pack.id, approve=True)
    assert await credit() == 0, "approved, but its campaign is not launched"
    await campaigns.launch_campaign(clock, editor, pack.campaign_id)
    assert await credit() == 1
    with pytest.raises(Conflict):
        await service.accept(clock, editor, suggestion.id, pack_id=pack.id, title="News",
                             messages={"linkedin": [MESSAGE]})
    assert await credit() == 1
    assert CURRENT_RULE.apply(Tally(suggestions=1)) == CURRENT_RULE.per_suggestion > 0
    await campaigns.archive_pack(clock, editor, pack.id)
    assert await credit() == 1, "published once, credited for good"
    assert (await tallies()).get(editor.id) is None


def test_points_rule_v3_credits_suggestions_and_earlier_rules_stay_as_they_were() -> None:
    v1, v2, v3 = POINTS_RULES
    assert (v3.version, CURRENT_RULE) == (3, v3)
    assert v1.per_suggestion == v2.per_suggestion == 0
    assert "suggested" not in v2.describe()
    assert "5 per link you suggested that became a published post" in v3.describe()
    both = Tally(shares=2, clicks=3, engagements=4, suggestions=1)
    assert v2.apply(both) == 20 + 6 + 4 and v3.apply(both) == 20 + 6 + 4 + 5


async def test_no_suggestion_for_a_missing_pack_or_by_someone_not_an_editor(
    database: Settings, clock: SimulatedClock
) -> None:
    ambassador = await factories.create_user(clock, "ambassador")
    reviewer = await factories.create_user(clock, "reviewer")
    editor = await factories.create_user(clock, "editor")
    suggestion = await suggested(clock, ambassador, "https://example.org/news")
    with pytest.raises(Forbidden):
        await service.decline(clock, reviewer, suggestion.id, note="No")
    with pytest.raises(NotFound, match="There is no content pack 4242"):
        await service.accept(clock, editor, suggestion.id, pack_id=4242, title="News",
                             messages={"linkedin": [MESSAGE]})
    launched, _ = await factories.create_launched_campaign(clock, editor)
    approved = await ContentPack.get(campaign_id=launched.id)
    with pytest.raises(Conflict, match="only while the pack is a draft"):
        await service.accept(clock, editor, suggestion.id, pack_id=approved.id, title="News",
                             messages={"linkedin": [MESSAGE]})
    await suggestion.refresh_from_db()
    assert suggestion.status == SuggestionStatus.OPEN and await Campaign.all().count() == 1


async def test_an_ambassador_sees_what_became_of_their_own_suggestions(
    database: Settings, clock: SimulatedClock, client: httpx.AsyncClient
) -> None:
    ambassador, headers = await token_for(clock, "ambassador")
    someone = await factories.create_user(clock, "ambassador")
    editor = await factories.create_user(clock, "editor", name="Eve Editor")
    reviewer = await factories.create_user(clock, "reviewer")
    pack = await draft_pack(clock, editor)
    taken = await suggested(clock, ambassador, "https://example.org/taken")
    clock.advance(timedelta(minutes=1))
    refused = await suggested(clock, ambassador, "https://example.org/refused")
    clock.advance(timedelta(minutes=1))
    waiting = await suggested(clock, ambassador, "https://example.org/waiting")
    await suggested(clock, someone, "https://example.org/not-mine")
    await service.accept(clock, editor, taken.id, pack_id=pack.id, title="Taken",
                         messages={"linkedin": [MESSAGE]})
    await service.decline(clock, editor, refused.id, note="Too old.")

    await sign_in(client, ambassador)
    assert 'href="/me/suggestions"' in element((await client.get("/feed")).text, "suggest")
    page = (await client.get("/me/suggestions")).text
    assert "Waiting for the editors" in element(page, f"suggestion-{waiting.id}")
    assert "Declined by Eve Editor: Too old." in element(page, f"suggestion-{refused.id}")
    became = element(page, f"suggestion-{taken.id}")
    assert "Became the post “Taken” (Eve Editor): not published yet" in became
    assert "not-mine" not in page
    await campaigns.submit_pack(clock, editor, pack.id)
    await campaigns.review_pack(clock, reviewer, pack.id, approve=True)
    await campaigns.launch_campaign(clock, editor, pack.campaign_id)
    page = (await client.get("/me/suggestions")).text
    assert "published, it counts towards your points" in element(page, f"suggestion-{taken.id}")

    mine = await client.get("/api/v1/me/suggestions", headers=headers)
    assert [(s["id"], s["status"]) for s in mine.json()] == [
        (waiting.id, "open"), (refused.id, "declined"), (taken.id, "accepted")]
