"""The ambassador's pages on a phone, in headless Chromium at 390 px: nothing is wider than the screen,
the menu folds behind a button, stacked tables label each cell, and each role's menu holds only what
that person can use."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from advocacy.clock import SystemClock
from advocacy.settings import Settings
from advocacy.shares.service import create_share
from tests import factories
from tests.test_browser import async_playwright, chromium_on_app, signed_in_page  # noqa: F401 (the fixture)

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}
# The label a stacked table's cell shows before its content (its column's header), as Chromium drew it.
SHOWN_LABEL = """cell => {
  const before = getComputedStyle(cell, "::before");
  return before.display === "none" || before.content === "none" ? "" : before.content
    .replace(/attr\\(data-label\\)/, JSON.stringify(cell.dataset.label)).replace(/"\\s*"/g, "").slice(1, -1);
}"""
AMBASSADOR_PAGES = ["/feed", "/me/shares", "/me/results", "/accounts", "/guidelines", "/training",
                    "/me/programme", "/me/notifications", "/me/sharing-preferences", "/me/profile",
                    "/me/suggestions"]


async def test_no_ambassador_page_is_wider_than_a_phone_and_the_menu_folds(
    async_playwright: Callable[[], Any], database: Settings  # noqa: F811
) -> None:
    wall = SystemClock()  # the served app runs on the wall clock
    _, post = await factories.create_launched_campaign(wall, days=21)
    ambassador = await factories.create_user(wall, "ambassador", name="Ada Ambassador",
                                             timezone="Europe/Berlin")
    account = await factories.create_account(wall, ambassador, "linkedin")
    share = await create_share(wall, ambassador, post_id=post.id, account_id=account.id,
                               text="Proud of our new unit", mode="auto")

    async with chromium_on_app(async_playwright, database) as (base_url, browser):
        page = await signed_in_page(browser, base_url, ambassador.email, viewport=PHONE, is_mobile=True,
                                    has_touch=True)
        widths = {}
        for path in AMBASSADOR_PAGES:
            response = await page.goto(f"{base_url}{path}")
            assert response is not None and response.status == 200, path
            widths[path] = await page.evaluate("document.documentElement.scrollWidth")
        assert {path: width for path, width in widths.items() if width > 390} == {}

        await page.goto(f"{base_url}/feed")
        # The stacked table hides its header row, so each cell says its column itself.
        assert not await page.locator("#my-shares thead").is_visible()
        due = page.locator(f"#share-{share.id} td.due")
        assert await due.evaluate(SHOWN_LABEL) == "Goes out (Europe/Berlin): "
        toggle = page.locator("header.top button.menu-toggle")
        assert await toggle.is_visible() and await toggle.get_attribute("aria-expanded") == "false"
        assert not await page.locator("#main-nav a[href='/me/shares']").is_visible()
        await toggle.click()
        assert await toggle.get_attribute("aria-expanded") == "true"
        await page.locator("#main-nav a[href='/me/shares']").click()
        await page.wait_for_url(f"{base_url}/me/shares")
        assert "Proud of our new unit" in await page.inner_text(f"#share-{share.id}")
        menu = await page.inner_text("#main-nav")
        assert "API tokens" not in menu
        sign_out = await page.locator("header.top .logout button").bounding_box()
        assert sign_out is not None and sign_out["x"] + sign_out["width"] <= 390
