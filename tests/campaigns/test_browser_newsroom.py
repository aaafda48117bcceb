"""In headless Chromium: an editor subscribes the newsroom's feed, the worker's newsroom job runs, and the
newsroom's item is a draft post of the chosen pack in the studio, with its link preview; a failing feed
shows its error. The page fits a phone's width and axe-core finds nothing serious on it."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from advocacy.accounts.networks import NetworkRegistry
from advocacy.clock import SystemClock
from advocacy.scheduler import build_scheduler
from advocacy.settings import Settings
from campaigns.models import ContentPack, Post
from scripts.screenshots import CHROMIUM, CHROMIUM_ARGS
from tests import factories
from tests.campaigns.test_newsroom import newsroom, newsroom_server  # noqa: F401 (fixtures)
from tests.fakes.newsroom_server import FakeNewsroom
from tests.shares.test_browser_phone import PHONE
from tests.test_browser import ARTIFACTS, async_playwright, served_app, signed_in_page  # noqa: F401

pytestmark = pytest.mark.browser

DESKTOP = {"width": 1366, "height": 900}
PRIVATE_ALLOWED = {"ADVOCACY_LINK_PREVIEW_PRIVATE_ADDRESSES": "true"}


async def test_an_editor_subscribes_a_feed_and_its_item_is_a_draft_post_in_the_studio(
    async_playwright: Callable[[], Any], database: Settings, newsroom: FakeNewsroom  # noqa: F811
) -> None:
    from axe_playwright_python.async_playwright import Axe  # bundles axe-core: nothing is downloaded

    wall = SystemClock()
    editor = await factories.create_user(wall, "editor", name="Eve Editor")
    campaign, _ = await factories.create_campaign_with_post(wall, editor)
    pack = await ContentPack.get(campaign_id=campaign.id)
    worker_settings = database.model_copy(update={"link_preview_private_addresses": True})

    async with served_app(database, lambda _: PRIVATE_ALLOWED) as base_url, async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            page = await signed_in_page(browser, base_url, editor.email, viewport=DESKTOP)
            await page.goto(f"{base_url}/studio")
            await page.click("text=Newsroom feeds")
            await page.wait_for_selector("#subscribe")

            # A bad address comes back inline, with what was typed, and nothing is listed.
            await page.fill("#subscribe input[name=url]", "newsroom.example.org/rss")
            await page.evaluate("document.querySelector('#subscribe input[name=url]').type = 'text'")
            await page.click("#subscribe button[type=submit]")
            error = await page.inner_text("#subscribe-error")
            assert error == "The feed address must be a full http(s) address."
            assert await page.input_value("#subscribe input[name=url]") == "newsroom.example.org/rss"
            assert "No feed is subscribed." in await page.inner_text("#feeds")

            for path in ("/rss.xml", "/error.xml"):
                await page.fill("#subscribe input[name=url]", f"{newsroom.base_url}{path}")
                await page.select_option("#subscribe select[name=pack_id]", str(pack.id))
                await page.click("#subscribe button[type=submit]")
                await page.wait_for_selector(f"text=Subscribed to {newsroom.base_url}{path}.")
            unread = "Not read yet: the worker reads it within a minute."
            assert (await page.inner_text("#feeds")).count(unread) == 2

            # The worker's own job, as `advocacy worker` registers it.
            networks = NetworkRegistry(worker_settings, wall)
            try:
                job = build_scheduler(worker_settings, wall, networks).get_job("newsroom")
                await job.func()
            finally:
                await networks.close()

            await page.reload()
            feeds = await page.inner_text("#feeds")
            assert "Northbrook newsroom" in feeds and "2 items imported" in feeds
            assert "The feed answered HTTP 500." in feeds and "(1 failed read in a row)" in feeds
            items = await page.inner_text("#items")
            assert "A new heart unit opens" in items and "Flu clinics this weekend" in items
            await page.screenshot(path=str(ARTIFACTS / "newsroom.png"), full_page=True)

            heart = await Post.get(pack_id=pack.id, title="A new heart unit opens")
            await page.click(f"#items a[href$='#post-{heart.id}']")
            await page.wait_for_selector(f"#post-{heart.id}")
            article = await page.inner_text(f"#post-{heart.id}")
            assert article.startswith("A new heart unit opens")
            assert f"{newsroom.base_url}/news/heart-unit" in article
            assert "Twelve beds on the third floor. (Open Graph)" in article
            assert "No suggested message yet: add one before the pack is submitted." in article
            assert (await page.inner_text(f"#pack-{pack.id} h2 .status")).strip() == "draft"

            found = {}
            for viewport in (PHONE, DESKTOP):
                await page.set_viewport_size(viewport)
                await page.goto(f"{base_url}/studio/newsroom")
                width = await page.evaluate("document.documentElement.scrollWidth")
                assert width <= viewport["width"], f"{width} px wide at {viewport['width']} px"
                results = await Axe().run(page)
                serious = sorted(f"{violation['id']}: {node['target']}"
                                 for violation in results.response["violations"]
                                 if violation["impact"] in ("serious", "critical")
                                 for node in violation["nodes"])
                if serious:
                    found[viewport["width"]] = serious
            await page.screenshot(path=str(ARTIFACTS / "newsroom-desktop.png"), full_page=True)
            assert found == {}
        finally:
            await browser.close()
