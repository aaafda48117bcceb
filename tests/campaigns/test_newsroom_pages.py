"""The newsroom page, driven through its forms: inline errors that save nothing, each feed's state
(not read yet, read, failing with its error and next try) and the items with the draft posts they became."""

from __future__ import annotations

import html
import re
from collections.abc import AsyncIterator
from datetime import timedelta

import httpx
import pytest
from asgi_lifespan import LifespanManager

from advocacy.audit.models import AuditEntry
from advocacy.clock import SimulatedClock
from advocacy.settings import Settings
from campaigns import service as campaigns
from campaigns.models import ContentPack, Post
from campaigns.newsroom.importing import NewsroomImporter
from campaigns.newsroom.models import NewsroomFeed, NewsroomItem
from tests import factories
from tests.campaigns.test_newsroom import local, newsroom, newsroom_server  # noqa: F401 (fixtures)
from tests.fakes.newsroom_server import FakeNewsroom
from tests.test_pages import element, sign_in, submit


@pytest.fixture
async def web(local: Settings, clock: SimulatedClock) -> AsyncIterator[httpx.AsyncClient]:  # noqa: F811
    """The app of a service whose newsroom is on this machine."""
    from advocacy.app import create_app

    async with LifespanManager(create_app(local, clock)) as manager:
        transport = httpx.ASGITransport(app=manager.app, raise_app_exceptions=False)
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
            yield client


def text_of(markup: str) -> str:
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", markup)).split())


async def test_a_bad_address_comes_back_inline_with_what_was_typed_and_saves_nothing(
    web: httpx.AsyncClient, clock: SimulatedClock
) -> None:
    editor = await factories.create_user(clock, "editor")
    campaign, _ = await factories.create_campaign_with_post(clock, editor)
    pack = await ContentPack.get(campaign_id=campaign.id)
    await sign_in(web, editor)

    refused = await submit(web, "/studio/newsroom", "/studio/newsroom/feeds",
                           {"url": "news.example.org/rss", "pack_id": str(pack.id)})
    tampered = await submit(web, "/studio/newsroom", "/studio/newsroom/feeds",
                            {"url": "https://example.org/rss", "pack_id": "first"})

    assert refused.status_code == 422
    subscribe = element(refused.text, "subscribe")
    assert "The feed address must be a full http(s) address." in text_of(subscribe)
    assert 'value="news.example.org/rss"' in subscribe
    assert tampered.status_code == 422
    assert "The content pack 'first' is not a valid choice." in text_of(element(tampered.text, "subscribe"))
    assert not await NewsroomFeed.exists()
    assert not await AuditEntry.filter(action="newsroom.subscribe").exists()


async def test_the_page_shows_each_feed_state_and_the_draft_posts_its_items_became(
    web: httpx.AsyncClient, local: Settings, clock: SimulatedClock, newsroom: FakeNewsroom  # noqa: F811
) -> None:
    editor = await factories.create_user(clock, "editor", timezone="UTC")
    campaign, _ = await factories.create_campaign_with_post(clock, editor)
    pack = await ContentPack.get(campaign_id=campaign.id)
    await sign_in(web, editor)
    for path in ("/rss.xml", "/error.xml"):
        saved = await submit(web, "/studio/newsroom", "/studio/newsroom/feeds",
                             {"url": f"{newsroom.base_url}{path}", "pack_id": str(pack.id)})
        assert saved.status_code == 303
    rss, failing = await NewsroomFeed.all().order_by("id")

    before = (await web.get("/studio/newsroom")).text
    assert "Not read yet: the worker reads it within a minute." in text_of(element(before, f"feed-{rss.id}"))

    async with httpx.AsyncClient() as http:
        await NewsroomImporter(local, clock, http).run_once()
    page = (await web.get("/studio/newsroom")).text

    good = text_of(element(page, f"feed-{rss.id}"))
    assert "Northbrook newsroom" in good and "2 items imported" in good
    assert "Read Mon 2 Nov 2026, 08:00 UTC; next read Mon 2 Nov 2026, 08:15 UTC." in good
    bad = text_of(element(page, f"feed-{failing.id}"))
    assert ("Failing since Mon 2 Nov 2026, 08:00 UTC (1 failed read in a row): The feed answered HTTP 500. "
            "Next try Mon 2 Nov 2026, 08:01 UTC.") in bad
    items = text_of(element(page, "items"))
    assert ("A new heart unit opens Northbrook newsroom · found Mon 2 Nov 2026, 08:00 UTC "
            f"draft post in {pack.title}") in items

    clock.advance(timedelta(minutes=1))
    unsubscribed = await submit(web, "/studio/newsroom",
                                f"/studio/newsroom/feeds/{failing.id}/unsubscribe", {})
    assert unsubscribed.status_code == 303
    assert f'id="feed-{failing.id}"' not in (await web.get("/studio/newsroom")).text


async def test_an_item_that_waits_is_filed_into_a_draft_pack_from_the_page(
    web: httpx.AsyncClient, local: Settings, clock: SimulatedClock, newsroom: FakeNewsroom  # noqa: F811
) -> None:
    editor = await factories.create_user(clock, "editor", timezone="UTC")
    reviewed, _ = await factories.create_campaign_with_post(clock, editor)
    in_review = await ContentPack.get(campaign_id=reviewed.id)
    drafting, _ = await factories.create_campaign_with_post(clock, editor)
    draft = await ContentPack.get(campaign_id=drafting.id)
    await sign_in(web, editor)
    await submit(web, "/studio/newsroom", "/studio/newsroom/feeds",
                 {"url": f"{newsroom.base_url}/rss.xml", "pack_id": str(in_review.id)})
    await campaigns.submit_pack(clock, editor, in_review.id)
    async with httpx.AsyncClient() as http:
        await NewsroomImporter(local, clock, http).run_once()
    heart = await NewsroomItem.get(title="A new heart unit opens")

    page = (await web.get("/studio/newsroom")).text
    waiting = text_of(element(page, f"item-{heart.id}"))
    assert "waiting its feed's pack was no longer a draft. File into" in waiting
    refused = await submit(web, "/studio/newsroom", f"/studio/newsroom/items/{heart.id}/file",
                           {"pack_id": str(in_review.id)})
    assert refused.status_code == 422
    assert "is in review: choose a pack in draft" in text_of(element(refused.text, f"item-{heart.id}"))
    assert await NewsroomItem.filter(id=heart.id, filed_at__isnull=True).exists()

    filed = await submit(web, "/studio/newsroom", f"/studio/newsroom/items/{heart.id}/file",
                         {"pack_id": str(draft.id)})

    assert filed.status_code == 303
    post = await Post.get(pack_id=draft.id, title="A new heart unit opens")
    assert post.link_description == "Twelve beds on the third floor. (Open Graph)"
    after = text_of(element((await web.get("/studio/newsroom")).text, f"item-{heart.id}"))
    assert after.endswith(f"draft post in {draft.title}")
