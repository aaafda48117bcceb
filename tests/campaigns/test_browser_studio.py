"""In headless Chromium: the studio's messages sit tight, with no empty band under each one; an
editor and a reviewer take a pack from draft to launch, and the admin reads every step in the
audit log."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest

from advocacy.clock import SystemClock
from advocacy.localtime import format_local
from advocacy.settings import Settings
from campaigns import service
from campaigns.models import BrandPost, ContentPack
from scripts.screenshots import CHROMIUM, CHROMIUM_ARGS, sign_in
from tests import factories
from tests.test_browser import ARTIFACTS, async_playwright, served_app, signed_in_page

pytestmark = pytest.mark.browser
__all__ = ["async_playwright"]  # the fixture, used by name below

# The tallest empty band inside each message's item: between two of its visible lines of text, or
# under the last one, in CSS pixels.
EMPTY_BANDS = """() => [...document.querySelectorAll("li[id^=variant-]")].map(item => {
  const lines = [];
  const walker = document.createTreeWalker(item, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const shown = node.parentElement.checkVisibility({contentVisibilityAuto: true, opacityProperty: true,
                                                      visibilityProperty: true});
    if (!node.textContent.trim() || !shown || node.parentElement.closest("textarea")) continue;
    // Only the words: the white space around them is what is measured.
    const text = node.textContent, range = document.createRange();
    range.setStart(node, text.search(/\S/));
    range.setEnd(node, text.trimEnd().length);
    for (const rect of range.getClientRects()) lines.push([rect.top, rect.bottom]);
  }
  lines.sort((a, b) => a[0] - b[0]);
  let band = 0, reached = lines[0][1];
  for (const [top, bottom] of lines) {
    band = Math.max(band, top - reached);
    reached = Math.max(reached, bottom);
  }
  return Math.round(Math.max(band, item.getBoundingClientRect().bottom - reached));
})"""

# The audit page's rows as they read: when, who, what, target, details (one line a field), address.
AUDIT_ROWS = """() => [...document.querySelectorAll("#audit-entries tbody tr")]
  .map(row => [...row.cells].map(cell => cell.innerText.trim()))"""


async def test_no_empty_band_under_the_studio_messages(
    async_playwright: Callable[[], Any], database: Settings
) -> None:
    wall = SystemClock()
    editor = await factories.create_user(wall, "editor")
    campaign, _ = await factories.create_campaign_with_post(wall, editor)

    async with served_app(database) as base_url, async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            page = await (await browser.new_context()).new_page()
            page.set_default_timeout(15_000)
            await sign_in(page, base_url, editor.email, factories.PASSWORD)
            await page.goto(f"{base_url}/studio/campaigns/{campaign.id}")
            gaps = await page.evaluate(EMPTY_BANDS)
            await page.screenshot(path=str(ARTIFACTS / "studio-messages.png"), full_page=True)
        finally:
            await browser.close()
    assert len(gaps) == 3  # two LinkedIn messages and one X message, each with its Edit control
    assert max(gaps) < 20, f"empty space under the messages (px): {gaps}"


async def test_edit_review_send_back_fix_approve_and_launch_before_the_start_every_step_audited(
    async_playwright: Callable[[], Any], database: Settings
) -> None:
    wall = SystemClock()
    await factories.create_brand_channels(wall)
    await factories.create_user(wall, "ambassador")
    editor = await factories.create_user(wall, "editor", name="Eve Editor")
    reviewer = await factories.create_user(wall, "reviewer", name="Rita Reviewer")
    admin = await factories.create_user(wall, "admin", name="Ann Admin")
    campaign = await service.create_campaign(
        wall, editor, name="Flu season", starts_at=wall.now() + timedelta(days=2),
        ends_at=wall.now() + timedelta(days=16))
    pack = await ContentPack.get(campaign_id=campaign.id)
    post = await service.add_post(wall, editor, pack.id, title="Flu jabs are open",
                                  url="https://example.org/flu",
                                  messages={"linkedin": ["I got my flu jab today. #employee"]})
    path = f"/studio/campaigns/{campaign.id}"
    at_pack = f"#pack-{pack.id}"

    async with served_app(database) as base_url, async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            eve = await (await browser.new_context()).new_page()
            rita = await (await browser.new_context()).new_page()
            for page, person in ((eve, editor), (rita, reviewer)):
                page.set_default_timeout(15_000)
                await sign_in(page, base_url, person.email, factories.PASSWORD)
                await page.goto(base_url + path)
            await eve.click(f"{at_pack} form.submit-pack button[type=submit]")
            await eve.wait_for_selector(f"{at_pack} .status.in_review")

            await rita.goto(f"{base_url}/me/notifications")
            assert "To review: Flu season" in await rita.inner_text("#notices")
            await rita.goto(base_url + path)
            await rita.fill(f"{at_pack} form.review textarea[name=note]", "Add an X message")
            await rita.click(f"{at_pack} form.review button[value=changes]")
            await rita.wait_for_selector(f"{at_pack} .status.changes_requested")

            await eve.goto(f"{base_url}/studio")
            assert "changes requested" in await eve.inner_text("#campaigns")
            await eve.goto(base_url + path)
            add = f"#post-{post.id} form.add-message"
            await eve.click(f"#post-{post.id} details.add-message summary")
            await eve.select_option(f"{add} select[name=network]", "x")
            await eve.fill(f"{add} textarea[name=text]", "Flu jabs: done #employee")
            await eve.click(f"{add} button[type=submit]")
            await eve.wait_for_selector("text=The X message is added.")
            await eve.click(f"{at_pack} form.submit-pack button[type=submit]")
            await eve.wait_for_selector(f"{at_pack} .status.in_review")

            await rita.goto(base_url + path)
            assert "Flu jabs: done #employee" in await rita.inner_text(f"#since-review-{pack.id}")
            await rita.click(f"{at_pack} form.review button[value=approve]")
            await rita.wait_for_selector(f"{at_pack} .status.approved")

            await eve.goto(base_url + path)
            await eve.click("#campaign .launch button[type=submit]")
            await eve.wait_for_selector("#launch-confirm")
            assert "1 opted-in ambassador" in await eve.inner_text("#launch-audience")
            assert "at the start" in await eve.inner_text("#launch-brand")
            await eve.screenshot(path=str(ARTIFACTS / "studio-launch-confirm.png"), full_page=True)
            await eve.click("#launch-confirm button[type=submit]")
            await eve.wait_for_selector("#campaign .status.scheduled")
            starts = f"starts {format_local(campaign.starts_at, editor)}"
            assert await eve.inner_text("#campaign .status.scheduled") == starts
            await eve.goto(f"{base_url}/studio")
            assert starts in await eve.inner_text("#campaigns")

            # The admin reads each step of it in the audit log: who, what, and what changed.
            ann = await signed_in_page(browser, base_url, admin.email)
            await ann.goto(f"{base_url}/admin/audit")
            rows = await ann.evaluate(AUDIT_ROWS)
            await ann.screenshot(path=str(ARTIFACTS / "audit-content-decisions.png"), full_page=True)
        finally:
            await browser.close()
    assert await BrandPost.all().count() == 0  # nothing on the brand channels before the start
    # Oldest first: (who, what, details) of every step, from the set-up to the launch.
    steps = [(who, what, details) for _, who, what, _, details, *_ in reversed(rows)
             if what.startswith(("campaign.", "pack.", "post.", "message."))]
    assert [(who, what) for who, what, _ in steps] == [
        (editor.email, "campaign.create"), (editor.email, "post.add"),
        (editor.email, "pack.submit"), (reviewer.email, "pack.changes"), (editor.email, "message.add"),
        (editor.email, "pack.submit"), (reviewer.email, "pack.approve"), (editor.email, "campaign.launch"),
    ]
    details = dict((what, text) for _, what, text in steps)
    assert "status: in review → changes requested" in details["pack.changes"]
    assert "note: Add an X message" in details["pack.changes"]
    assert "message: Flu jabs: done #employee" in details["message.add"]
    assert "status: in review → approved" in details["pack.approve"]
    assert "status: draft → launched" in details["campaign.launch"]
