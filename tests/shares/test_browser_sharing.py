"""The ambassador's sharing flow in headless Chromium against the served app: auto-queue a post from
the feed, find it scheduled under My shares, move it, cancel it."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from advocacy.clock import SystemClock
from advocacy.localtime import input_value
from advocacy.settings import Settings
from advocacy.shares.models import Share, ShareStatus
from scripts.screenshots import CHROMIUM, CHROMIUM_ARGS, sign_in
from tests import factories
from tests.test_browser import async_playwright, served_app  # noqa: F401 (the fixture)

pytestmark = pytest.mark.browser


async def test_ambassador_auto_queues_moves_and_cancels_a_share_in_the_browser(
    async_playwright: Callable[[], Any], database: Settings  # noqa: F811
) -> None:
    # The server runs on the wall clock, so the campaign window must contain the real now.
    wall = SystemClock()
    _, post = await factories.create_launched_campaign(wall, days=21)
    ambassador = await factories.create_user(wall, "ambassador", name="Ada Ambassador",
                                             timezone="Europe/Berlin")
    await factories.create_account(wall, ambassador, "linkedin")

    async with served_app(database) as base_url, async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            page = await (await browser.new_context()).new_page()
            page.set_default_timeout(15_000)
            problems: list[str] = []
            page.on("pageerror", lambda error: problems.append(str(error)))
            page.on("console", lambda message: problems.append(message.text)
                    if "Content Security Policy" in message.text else None)
            await sign_in(page, base_url, ambassador.email, factories.PASSWORD)
            assert page.url == f"{base_url}/feed"

            card = f"#post-{post.id}"
            await page.check(f"{card} input[name=when][value=auto]")
            await page.click(f"{card} form.share-form button[type=submit]")
            await page.wait_for_selector("#my-shares .status.queued")
            assert "auto-queued for" in await page.inner_text("main")
            share = await Share.get(user_id=ambassador.id)
            assert share.status == ShareStatus.QUEUED
            # Inside the default sharing hours in Berlin: weekdays 08:00 to 18:00.
            local = share.due_at.astimezone(ZoneInfo("Europe/Berlin"))
            assert local.weekday() < 5 and 8 <= local.hour < 18

            await page.click("a[href='/me/shares']")
            row = f"#share-{share.id}"
            await page.wait_for_selector(f"{row} .status.queued")
            later = (share.due_at + timedelta(days=2)).replace(hour=9, minute=45, second=0, microsecond=0)
            await page.fill(f"{row} input[name=scheduled_at]", input_value(later, ambassador))
            await page.click(f"{row} button[name=how][value=at]")
            await page.wait_for_selector("text=share now goes out")
            await share.refresh_from_db()
            assert share.due_at == later and share.status == ShareStatus.QUEUED
            assert input_value(later, ambassador)[-5:] in await page.inner_text(f"{row} .due")

            await page.click(f"{row} form.cancel-form button[type=submit]")
            await page.wait_for_selector(f"{row} .status.cancelled")
            await share.refresh_from_db()
            assert share.status == ShareStatus.CANCELLED
            assert problems == []
        finally:
            await browser.close()
