"""In headless Chromium: the studio's messages sit tight, with no empty band under each one."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from advocacy.clock import SystemClock
from advocacy.settings import Settings
from scripts.screenshots import CHROMIUM, CHROMIUM_ARGS, sign_in
from tests import factories
from tests.test_browser import ARTIFACTS, async_playwright, served_app

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
