"""One-tap sharing in headless Chromium against the served app: a signed-out ambassador follows the
"Share on LinkedIn" link of a notification, signs in, lands on the confirmation, confirms, and the
same link then refuses a second use."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from advocacy.clock import SystemClock
from advocacy.settings import Settings
from advocacy.shares.models import Share, ShareStatus
from advocacy.shares.one_tap import post_actions
from scripts.screenshots import CHROMIUM, CHROMIUM_ARGS
from tests import factories
from tests.test_browser import async_playwright, served_app  # noqa: F401 (the fixture)

pytestmark = pytest.mark.browser


async def test_a_signed_out_ambassador_shares_from_a_notification_link_once(
    async_playwright: Callable[[], Any], database: Settings  # noqa: F811
) -> None:
    wall = SystemClock()  # the served app runs on the wall clock
    _, post = await factories.create_launched_campaign(wall, days=21)
    ambassador = await factories.create_user(wall, "ambassador")
    await factories.create_account(wall, ambassador, "linkedin")
    [offered] = await post_actions(database, wall, ambassador, [post.id])
    link = next(action.url for action in offered.actions if action.label == "Share on LinkedIn")
    path = link.removeprefix(database.public_base_url.rstrip("/"))

    # The served process signs and reads links with the same secret key as the test.
    same_key = {"ADVOCACY_SECRET_KEY": database.secret_key}
    async with served_app(database, lambda _: same_key) as base_url, async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            page = await (await browser.new_context()).new_page()
            page.set_default_timeout(15_000)
            await page.goto(base_url + path)
            assert page.url.split("?")[0] == f"{base_url}/login"
            await page.fill("input[name=email]", ambassador.email)
            await page.fill("input[name=password]", factories.PASSWORD)
            await page.click("form[action='/login'] button[type=submit]")
            await page.wait_for_selector("#one-tap form")
            assert page.url == base_url + path
            assert "Now: it goes out in a moment" in await page.inner_text("#one-tap")
            await page.click("#one-tap button[type=submit]")
            await page.wait_for_selector("#my-shares")
            assert "Queued: LinkedIn" in await page.inner_text("main")
            [share] = await Share.filter(user_id=ambassador.id)
            assert share.status == ShareStatus.QUEUED and share.network == "linkedin"

            await page.goto(base_url + path)
            assert "already used" in await page.inner_text("#one-tap")
            assert await Share.filter(user_id=ambassador.id).count() == 1
        finally:
            await browser.close()
