"""Posts' pictures: the Open Graph image of the post's link, fetched once when the editor adds the post,
kept in the database and served by the service itself with cache headers, shown on feed cards with
their alt text; a picture that cannot be kept leaves the post without one and never stops it."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from typing import Any

import httpx
import pytest
from asgi_lifespan import LifespanManager

from advocacy.app import create_app
from advocacy.clock import SimulatedClock, SystemClock
from advocacy.settings import Settings
from campaigns import service as campaigns
from campaigns.link_preview import fetch_link_image, fetch_link_preview
from campaigns.models import ContentPack, Post, PostImage
from tests import factories
from tests.campaigns.test_link_preview import ASKED, PICTURE, site  # noqa: F401 (the fixture)
from tests.shares.test_browser_phone import PHONE
from tests.test_api import token_for
from tests.test_browser import async_playwright, chromium_on_app, signed_in_page  # noqa: F401 (the fixture)
from tests.test_pages import element, sign_in, submit

ALT = "Nurses at the new ward's desk"


@pytest.fixture
async def studio(database: Settings, clock: SimulatedClock) -> AsyncIterator[httpx.AsyncClient]:
    """The app allowed to fetch previews from the local site (a private address), pictures up to 10 kB."""
    settings = database.model_copy(update={"link_preview_private_addresses": True,
                                           "link_image_max_bytes": 10_000})
    async with LifespanManager(create_app(settings, clock)) as manager:
        transport = httpx.ASGITransport(app=manager.app, raise_app_exceptions=False)
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as http:
            yield http


async def add_post_with_preview(
    studio: httpx.AsyncClient, clock: SimulatedClock, url: str
) -> tuple[ContentPack, httpx.Response]:
    """An editor adds a post for `url` to a draft pack, asking for the link preview."""
    editor = await factories.create_user(clock, "editor")
    campaign, _ = await factories.create_campaign_with_post(clock, editor)
    pack = await ContentPack.get(campaign_id=campaign.id)
    await sign_in(studio, editor)
    response = await submit(studio, f"/studio/campaigns/{campaign.id}", f"/studio/packs/{pack.id}/posts", {
        "title": "Our new ward", "url": url, "messages_linkedin": "Come and see our new ward. #employee",
        "fetch_preview": "yes",
    })
    return pack, response


async def test_a_new_posts_picture_is_kept_and_the_feed_shows_it_from_this_service(
    studio: httpx.AsyncClient, clock: SimulatedClock, site: str  # noqa: F811
) -> None:
    pack, response = await add_post_with_preview(studio, clock, f"{site}/with-picture")
    assert response.status_code == 303
    post = await Post.get(pack_id=pack.id, title="Our new ward")
    kept = await PostImage.get(post_id=post.id)
    assert (kept.data, kept.content_type, kept.alt) == (PICTURE, "image/png", ALT)
    assert kept.source_url == f"{site}/img/ward.png"
    assert ASKED == ["/with-picture", "/img/ward.png"]
    reviewer = await factories.create_user(clock, "reviewer")
    editor = await pack.author
    await campaigns.submit_pack(clock, editor, pack.id)
    await campaigns.review_pack(clock, reviewer, pack.id, approve=True)
    await campaigns.launch_campaign(clock, editor, pack.campaign_id)

    ambassador, headers = await token_for(clock, "ambassador")
    await sign_in(studio, ambassador)
    card = element((await studio.get("/feed")).text, f"post-{post.id}")
    address = f"/media/images/{kept.digest}"
    escaped = ALT.replace("'", "&#39;")
    assert f'<img class="post-image" src="{address}" alt="{escaped}"' in card
    picture = await studio.get(address)
    assert picture.status_code == 200 and picture.content == PICTURE
    assert picture.headers["content-type"] == "image/png"
    assert picture.headers["cache-control"] == "private, max-age=31536000, immutable"
    again = await studio.get(address, headers={"If-None-Match": picture.headers["etag"]})
    assert again.status_code == 304 and again.content == b""
    api = await studio.get("/api/v1/feed", headers=headers)
    [listed] = [p for p in api.json()["posts"] if p["id"] == post.id]
    assert (listed["image_url"], listed["image_alt"]) == (address, ALT)
    # Fetched once, when the post was added: the feed and the picture never reached the other site.
    assert ASKED == ["/with-picture", "/img/ward.png"]


@pytest.mark.parametrize(("page", "note"), [
    ("/with-big-picture", "No picture: The picture is larger than 10,000 bytes."),
    ("/with-lost-picture", "No picture: The page answered 404."),
])
async def test_a_picture_that_cannot_be_kept_leaves_the_post_without_one_and_says_why(
    studio: httpx.AsyncClient, clock: SimulatedClock, site: str, page: str, note: str  # noqa: F811
) -> None:
    pack, response = await add_post_with_preview(studio, clock, f"{site}{page}")
    assert response.status_code == 303
    post = await Post.get(pack_id=pack.id, title="Our new ward")
    assert post.link_title != "" and not await PostImage.filter(post_id=post.id).exists()
    shown = (await studio.get(response.headers["location"])).text
    assert note in shown
    assert "<img" not in element(shown, f"pack-{pack.id}")


async def test_an_unknown_picture_is_missing_and_signed_out_people_are_sent_to_sign_in(
    client: httpx.AsyncClient, clock: SimulatedClock
) -> None:
    unknown = "/media/images/" + "0" * 64
    assert (await client.get(unknown)).status_code == 303
    await sign_in(client, await factories.create_user(clock, "ambassador"))
    assert (await client.get(unknown)).status_code == 404
    assert (await client.get("/media/images/not-a-digest")).status_code == 404


@pytest.mark.browser
async def test_the_feed_card_shows_the_kept_picture_from_this_service_with_its_alt_text_in_chromium(
    async_playwright: Callable[[], Any], database: Settings, site: str  # noqa: F811
) -> None:
    wall = SystemClock()  # the served app runs on the wall clock
    async with httpx.AsyncClient() as http:
        preview = await fetch_link_preview(http, f"{site}/with-picture", allow_private=True)
        picture = await fetch_link_image(http, preview.image, max_bytes=10_000, allow_private=True)
    _, post = await factories.create_launched_campaign(wall, link_preview=preview.as_dict(),
                                                       link_image=picture)
    ambassador = await factories.create_user(wall, "ambassador")

    async with chromium_on_app(async_playwright, database) as (base_url, browser):
        page = await signed_in_page(browser, base_url, ambassador.email, viewport=PHONE)
        await page.goto(f"{base_url}/feed")
        image = page.locator(f"#post-{post.id} img.post-image")
        await image.wait_for()
        loaded = await image.evaluate("""img => img.decode().then(() => ({
            origin: new URL(img.currentSrc).origin, width: img.naturalWidth, alt: img.alt,
            right: img.getBoundingClientRect().right}))""")
    assert loaded["origin"] == base_url and loaded["width"] == 64
    assert loaded["alt"] == ALT and loaded["right"] <= PHONE["width"]
    assert ASKED == ["/with-picture", "/img/ward.png"]  # the browser never asked the other site
