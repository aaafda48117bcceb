"""A suggestion's whole path in headless Chromium against the served app: an ambassador on a phone
suggests a link from the feed (one that is no web page first, refused inline), an editor makes a post of it
from the page's preview, submits the pack, a reviewer approves it, the editor launches the campaign,
and the ambassador finds the post in the feed, the notice, and the credit in their points; a second
suggestion is declined with a note the ambassador reads."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest

from advocacy.clock import SystemClock
from advocacy.settings import Settings
from advocacy.suggestions.models import Suggestion
from campaigns import service as campaigns
from campaigns.models import ContentPack, Post
from scripts.screenshots import CHROMIUM, CHROMIUM_ARGS
from tests import factories
from tests.campaigns.test_link_preview import site  # noqa: F401 (the page server fixture)
from tests.shares.test_browser_phone import PHONE
from tests.test_browser import async_playwright, served_app, signed_in_page  # noqa: F401 (the fixture)
from tests.test_browser_accessibility import DESKTOP

pytestmark = pytest.mark.browser

MESSAGE = "Proud of the team opening our heart unit. #employee"


async def width_and_axe(page: Any) -> tuple[int, list[str]]:
    """How wide the page is drawn, and what axe-core finds serious or critical on it."""
    from axe_playwright_python.async_playwright import Axe  # bundles axe-core: nothing is downloaded

    results = await Axe().run(page)
    serious = sorted(f"{v['id']}: {node['target']}" for v in results.response["violations"]
                     if v["impact"] in ("serious", "critical") for node in v["nodes"])
    return await page.evaluate("document.documentElement.scrollWidth"), serious


async def test_a_suggestion_travels_from_an_ambassador_to_the_feed(
    async_playwright: Callable[[], Any], database: Settings, site: str  # noqa: F811
) -> None:
    wall = SystemClock()  # the served app runs on the wall clock
    ambassador = await factories.create_user(wall, "ambassador", name="Ada Ambassador")
    await factories.create_account(wall, ambassador, "linkedin")
    editor = await factories.create_user(wall, "editor", name="Eve Editor")
    reviewer = await factories.create_user(wall, "reviewer", name="Rita Reviewer")
    campaign = await campaigns.create_campaign(wall, editor, name="Heart month", starts_at=wall.now(),
                                               ends_at=wall.now() + timedelta(days=14))
    pack = await ContentPack.get(campaign_id=campaign.id)
    # The page is served on 127.0.0.1, a private address: allowed for this run only.
    private_ok = {"ADVOCACY_LINK_PREVIEW_PRIVATE_ADDRESSES": "true"}

    async with served_app(database, lambda _: private_ok) as base, async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            phone = await signed_in_page(browser, base, ambassador.email, viewport=PHONE)
            await phone.goto(f"{base}/feed")
            form = phone.locator("#suggest form")
            # An address the browser takes for a URL, but no web page (private ones: tests/suggestions).
            await form.locator("input[name=url]").fill("ftp://files.example.org/report.pdf")
            await form.locator("textarea[name=note]").fill("The annual report")
            await form.locator("button[type=submit]").click()
            await phone.wait_for_selector("#suggest-error")
            assert "The link must be a full http(s) address." in await phone.inner_text("#suggest-error")
            assert await phone.locator("#suggest textarea[name=note]").input_value() == "The annual report"
            assert await Suggestion.all().count() == 0
            assert await width_and_axe(phone) == (PHONE["width"], [])

            for url, note in ((f"{site}/story", "Our nurses are in it."), (f"{site}/plain", "Old news?")):
                await phone.locator("#suggest input[name=url]").fill(url)
                await phone.locator("#suggest textarea[name=note]").fill(note)
                await phone.locator("#suggest textarea[name=message]").fill(MESSAGE)
                await phone.locator("#suggest button[type=submit]").click()
                await phone.wait_for_selector("p.notice")
                assert "your suggestion is with the communications team" in await phone.inner_text("p.notice")
            story, plain = await Suggestion.all().order_by("id")

            desk = await signed_in_page(browser, base, editor.email, viewport=DESKTOP)
            await desk.goto(f"{base}/studio")
            await desk.click("#suggestions-link a")
            waiting = await desk.inner_text("#suggestions-waiting")
            assert "Waiting for you (2)" in waiting and "Ada Ambassador" in waiting
            assert "Our nurses are in it." in await desk.inner_text(f"#suggestion-{story.id}")
            await desk.click(f"#suggestion-{story.id} a[href='/studio/suggestions/{story.id}']")
            assert "Ada Ambassador suggests a link" in await desk.inner_text("h1")
            preview = await desk.inner_text("#suggestion-preview")
            assert "A new heart unit" in preview and "Opening on the 3rd floor." in preview
            assert await desk.input_value("#suggestion-accept input[name=title]") == "A new heart unit"
            assert await desk.input_value("#suggestion-accept textarea[name=messages_linkedin]") == MESSAGE
            await desk.click("#suggestion-accept button[type=submit]")
            await desk.wait_for_selector("p.notice")
            assert "“A new heart unit” is a post of the pack now; Ada Ambassador was told." in (
                await desk.inner_text("p.notice"))
            [post] = await Post.filter(pack_id=pack.id)
            assert post.link_description == "Opening on the 3rd floor."
            assert "A new heart unit" in await desk.inner_text(f"#pack-{pack.id}")

            await desk.goto(f"{base}/studio/suggestions/{plain.id}")
            declining = desk.locator("#suggestion-decline textarea[name=note]")
            await declining.fill("We shared this one last month.")
            await desk.click("#suggestion-decline button[type=submit]")
            await desk.wait_for_selector("#suggestions-decided")
            assert "Waiting for you (0)" in await desk.inner_text("#suggestions-waiting")
            decided = await desk.inner_text("#suggestions-decided")
            assert "Declined: We shared this one last month." in decided and "(draft)" in decided

            # A phone-wide look at the editor's inbox and a suggestion: nothing wider, nothing serious.
            await desk.set_viewport_size(PHONE)
            assert await width_and_axe(desk) == (PHONE["width"], [])
            await desk.goto(f"{base}/studio/suggestions/{story.id}")
            assert "Made a post by Eve Editor" in await desk.inner_text("#suggestion-status")
            assert await width_and_axe(desk) == (PHONE["width"], [])
            await desk.set_viewport_size(DESKTOP)

            await desk.goto(f"{base}/studio/campaigns/{campaign.id}")
            await desk.click(f"#pack-{pack.id} form.submit-pack button[type=submit]")
            await desk.wait_for_selector("p.notice")
            assert "is with the reviewers now" in await desk.inner_text("p.notice")

            review = await signed_in_page(browser, base, reviewer.email, viewport=DESKTOP)
            await review.goto(f"{base}/studio/campaigns/{campaign.id}")
            await review.click(f"#pack-{pack.id} details.history summary")
            history = await review.inner_text(f"#pack-{pack.id} details.history")
            accepted = f"Eve Editor · suggestion accepted: From an ambassador's suggestion ({story.id})"
            assert accepted in history
            await review.click(f"#pack-{pack.id} form.review button[value=approve]")
            await review.wait_for_selector("p.notice")
            assert "is approved and can be launched" in await review.inner_text("p.notice")

            await desk.goto(f"{base}/studio/campaigns/{campaign.id}/launch")
            await desk.click("#launch-confirm button[type=submit]")
            await desk.wait_for_selector("p.notice")

            await phone.goto(f"{base}/feed")
            assert "A new heart unit" in await phone.inner_text(f"#post-{post.id}")
            await phone.goto(f"{base}/me/notifications")
            notices = await phone.inner_text("main")
            assert "Your suggestion is becoming a post: A new heart unit" in notices
            assert "Your suggestion was declined" in notices
            assert "Eve Editor's note: We shared this one last month." in notices
            await phone.goto(f"{base}/me/suggestions")
            became = await phone.inner_text(f"#suggestion-{story.id}")
            assert "Became the post “A new heart unit” (Eve Editor): published, it counts" in became
            assert "Declined by Eve Editor" in await phone.inner_text(f"#suggestion-{plain.id}")
            await phone.goto(f"{base}/me/results")
            credited = await phone.inner_text("#points-suggestions")
            assert "Links I suggested that became published posts" in credited
            assert credited.split()[-3:] == ["1", "5", "5"], credited
        finally:
            await browser.close()
