"""The notification settings page in headless Chromium against the app served by uvicorn."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from advocacy.clock import SystemClock
from advocacy.notify.models import Frequency, NotificationPreference
from advocacy.notify.service import WebhookAddresses
from advocacy.settings import Settings
from scripts.screenshots import CHROMIUM, CHROMIUM_ARGS, sign_in
from tests import factories
from tests.test_browser import ARTIFACTS, async_playwright, served_app  # noqa: F401 (fixture)

pytestmark = pytest.mark.browser

SLACK = "https://1.1.1.1/services/T000/B000/XXXX"  # public, and resolves offline


async def test_person_chooses_a_channel_and_frequency_and_sees_a_bad_address_inline(
    async_playwright: Callable[[], Any], database: Settings  # noqa: F811
) -> None:
    wall = SystemClock()
    person = await factories.create_user(wall, "ambassador", name="Nia Nurse")
    async with served_app(database) as base_url, async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            page = await (await browser.new_context()).new_page()
            page.set_default_timeout(15_000)
            problems: list[str] = []
            page.on("pageerror", lambda error: problems.append(str(error)))
            page.on("console", lambda message: problems.append(message.text)
                    if "Content Security Policy" in message.text else None)
            await sign_in(page, base_url, person.email, factories.PASSWORD)
            await page.click("nav a[href='/me/notifications']")
            await page.wait_for_selector("#preferences")
            assert "No notices yet" in await page.inner_text("#no-notices")

            await page.check("input[name=frequency][value=weekly]")
            await page.fill("#slack_webhook_url", "http://127.0.0.1:9/hook")
            await page.click("#preferences button[type=submit]")
            error = page.locator("#slack_webhook_url-error")
            await error.wait_for()
            assert "points inside a private network" in await error.inner_text()
            assert await page.get_attribute("#slack_webhook_url", "aria-invalid") == "true"
            assert await page.input_value("#slack_webhook_url") == "http://127.0.0.1:9/hook"
            assert await page.is_checked("input[name=frequency][value=weekly]")
            assert not await NotificationPreference.exists(user_id=person.id)

            await page.fill("#slack_webhook_url", SLACK)
            await page.uncheck("input[name=email_enabled]")
            await page.click("#preferences button[type=submit]")
            await page.wait_for_selector("p.notice[role=status]")
            assert "saved" in await page.inner_text("p.notice[role=status]")
            assert await page.input_value("#slack_webhook_url") == SLACK
            assert await page.locator("#slack_webhook_url-error").count() == 0
            await page.screenshot(path=str(ARTIFACTS / "notifications.png"), full_page=True)
            preference = await NotificationPreference.get(user_id=person.id)
            assert (preference.frequency, preference.email_enabled) == (Frequency.WEEKLY, False)
            assert SLACK not in preference.slack_webhook_encrypted
            assert WebhookAddresses.of(database, preference).slack == SLACK
            assert problems == []
        finally:
            await browser.close()
