"""Installable on a phone's home screen, checked in headless Chromium as an installability audit would: the
manifest is fetched and says what to install, the service worker controls the site and answers a lost
connection with the offline page."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from advocacy.clock import SystemClock
from advocacy.settings import Settings
from tests import factories
from tests.shares.test_browser_phone import PHONE
from tests.test_browser import async_playwright, chromium_on_app, signed_in_page  # noqa: F401 (the fixture)

pytestmark = pytest.mark.browser

# Each icon as the browser decodes it: its declared size against the picture's own.
ICON_SIZE = """src => new Promise((resolve, reject) => {
  const image = new Image();
  image.onload = () => resolve(`${image.naturalWidth}x${image.naturalHeight}`);
  image.onerror = () => reject(new Error(`icon ${src} did not load`));
  image.src = src;
})"""


async def test_the_app_installs_with_a_manifest_and_a_service_worker_that_shows_an_offline_page(
    async_playwright: Callable[[], Any], database: Settings  # noqa: F811
) -> None:
    ambassador = await factories.create_user(SystemClock(), "ambassador", name="Ines Installer")

    async with chromium_on_app(async_playwright, database) as (base_url, browser):
        page = await signed_in_page(browser, base_url, ambassador.email, viewport=PHONE, is_mobile=True,
                                    has_touch=True)
        context = page.context
        await page.goto(f"{base_url}/feed")

        href = await page.locator("link[rel=manifest]").get_attribute("href")
        assert href is not None
        manifest = await page.evaluate("href => fetch(href).then(response => response.json())", href)
        assert manifest["name"] == "Northbrook Health advocacy"
        assert manifest["short_name"] == "Advocacy"
        assert manifest["start_url"] == "/feed" and manifest["display"] == "standalone"
        theme = await page.locator("meta[name=theme-color]").get_attribute("content")
        assert manifest["theme_color"] == theme and theme is not None
        png_sizes = {icon["sizes"] for icon in manifest["icons"] if icon["type"] == "image/png"}
        assert {"192x192", "512x512"} <= png_sizes
        for icon in manifest["icons"]:
            if icon["type"] == "image/png":
                assert await page.evaluate(ICON_SIZE, icon["src"]) == icon["sizes"]

        registration = await page.evaluate(
            "navigator.serviceWorker.ready.then(r => [r.scope, r.active.scriptURL])")
        assert registration == [f"{base_url}/", f"{base_url}/sw.js"]
        await page.reload()  # now under the worker's control
        assert await page.evaluate("!!navigator.serviceWorker.controller")

        await context.set_offline(True)
        await page.goto(f"{base_url}/me/shares")
        assert await page.inner_text("h1") == "You are offline"
        background = await page.evaluate("getComputedStyle(document.body).backgroundColor")
        assert background == "rgb(245, 247, 249)"  # the kept style sheet, not a bare page
        await context.set_offline(False)
        await page.goto(f"{base_url}/me/shares")
        assert await page.inner_text("h1") != "You are offline"
