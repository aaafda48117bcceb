"""Accessibility in headless Chromium: a skip link first in the tab order, a visible focus ring, text and
buttons at 4.5:1 contrast, a favicon, and axe-core's checks on every ambassador page at two widths."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import httpx
import pytest

from advocacy.clock import SystemClock
from advocacy.settings import Settings
from advocacy.shares.service import create_share
from tests import factories
from tests.shares.test_browser_phone import AMBASSADOR_PAGES, PHONE
from tests.test_browser import async_playwright, chromium_on_app, signed_in_page  # noqa: F401 (the fixture)

pytestmark = pytest.mark.browser

DESKTOP = {"width": 1366, "height": 900}
# Each element's text colour against the nearest opaque background behind it, as the browser drew them.
COLOURS = """el => {
  const rgb = value => value.match(/[\\d.]+/g).map(Number);
  let back = el;
  while (back && rgb(getComputedStyle(back).backgroundColor)[3] === 0) back = back.parentElement;
  return [rgb(getComputedStyle(el).color), rgb(getComputedStyle(back || document.body).backgroundColor)];
}"""


def contrast(first: list[float], second: list[float]) -> float:
    """The WCAG contrast ratio of two sRGB colours given as 0-255 channels."""
    def luminance(colour: list[float]) -> float:
        channels = (v / 255 for v in colour[:3])
        linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
        return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]
    light, dark = sorted((luminance(first), luminance(second)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


async def test_a_keyboard_user_skips_to_the_content_sees_the_focus_and_reads_every_button(
    async_playwright: Callable[[], Any], database: Settings  # noqa: F811
) -> None:
    wall = SystemClock()
    await factories.create_launched_campaign(wall, days=21)
    ambassador = await factories.create_user(wall, "ambassador", name="Ada Ambassador")

    async with chromium_on_app(async_playwright, database) as (base_url, browser):
        page = await signed_in_page(browser, base_url, ambassador.email, viewport=DESKTOP)
        await page.goto(f"{base_url}/feed")

        await page.keyboard.press("Tab")
        focused = page.locator(":focus")
        assert await focused.inner_text() == "Skip to main content"
        box = await focused.bounding_box()
        assert box is not None and box["y"] >= 0  # on screen once focused
        outline = await focused.evaluate(
            "el => [getComputedStyle(el).outlineStyle, getComputedStyle(el).outlineWidth]")
        assert outline[0] != "none" and float(outline[1].removesuffix("px")) >= 2
        await page.keyboard.press("Enter")
        assert await page.evaluate("document.activeElement.tagName") == "MAIN"
        await page.keyboard.press("Tab")  # the next stop is inside the content, past the menu
        assert await page.evaluate("!!document.activeElement.closest('main')")

        ratios = {}
        for name, selector in [("Sign out", "header.top .logout button"), ("menu link", "#main-nav a"),
                               ("muted text", ".who")]:
            text, back = await page.locator(selector).first.evaluate(COLOURS)
            ratios[name] = round(contrast(text, back), 2)
        assert {name: ratio for name, ratio in ratios.items() if ratio < 4.5} == {}

        icon = await page.locator("link[rel=icon]").get_attribute("href")
        assert icon is not None
        async with httpx.AsyncClient(base_url=base_url) as http:
            for path in (icon, "/favicon.ico"):
                response = await http.get(path)
                assert response.status_code == 200, path
                assert response.headers["content-type"].startswith("image/"), path


async def test_axe_finds_nothing_serious_on_any_ambassador_page_on_a_phone_or_a_laptop(
    async_playwright: Callable[[], Any], database: Settings  # noqa: F811
) -> None:
    from axe_playwright_python.async_playwright import Axe  # bundles axe-core: nothing is downloaded

    wall = SystemClock()
    _, post = await factories.create_launched_campaign(wall, days=21)
    ambassador = await factories.create_user(wall, "ambassador", name="Ada Ambassador")
    account = await factories.create_account(wall, ambassador, "linkedin")
    await create_share(wall, ambassador, post_id=post.id, account_id=account.id,
                       text="Proud of our new unit", mode="auto")

    async with chromium_on_app(async_playwright, database) as (base_url, browser):
        found = {}
        for viewport in (PHONE, DESKTOP):
            page = await signed_in_page(browser, base_url, ambassador.email, viewport=viewport)
            # and the page the service worker shows when there is no connection
            for path in [*AMBASSADOR_PAGES, "/static/offline.html"]:
                response = await page.goto(f"{base_url}{path}")
                assert response is not None and response.status == 200, path
                results = await Axe().run(page)
                serious = sorted(
                    f"{violation['id']}: {node['target']}"
                    for violation in results.response["violations"]
                    if violation["impact"] in ("serious", "critical") for node in violation["nodes"]
                )
                if serious:
                    found[f"{viewport['width']} px {path}"] = serious
            await page.context.close()
        assert found == {}
