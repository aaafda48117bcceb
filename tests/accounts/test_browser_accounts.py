"""The accounts page in headless Chromium: an ambassador connects X through the local platform's
consent page (OAuth 2.0 with PKCE, the real redirects) and sees the account listed, then
disconnects it after confirming."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractAsyncContextManager
from typing import Any

import pytest

from advocacy.accounts.models import SocialAccount
from advocacy.audit.models import AuditEntry
from advocacy.clock import SystemClock
from advocacy.settings import Settings
from scripts.screenshots import CHROMIUM, CHROMIUM_ARGS, sign_in
from tests import factories
from tests.fakes.x_server import FakeX
from tests.test_browser import ARTIFACTS, async_playwright, served_app

pytestmark = pytest.mark.browser
__all__ = ["async_playwright"]  # the fixture, shared with the other browser tests


def served_live_app(settings: Settings, x_url: str) -> AbstractAsyncContextManager[str]:
    """The app under uvicorn in its own process, in live mode against the local X."""
    return served_app(settings, lambda base_url: {
        "ADVOCACY_NETWORK_MODE": "live", "ADVOCACY_PUBLIC_BASE_URL": base_url,
        "ADVOCACY_X_CLIENT_ID": "browser-client", "ADVOCACY_X_CLIENT_SECRET": "browser-secret",
        "ADVOCACY_X_API_BASE_URL": x_url, "ADVOCACY_X_AUTHORIZE_URL": f"{x_url}/i/oauth2/authorize",
        "ADVOCACY_X_TOKEN_URL": f"{x_url}/2/oauth2/token",
        "ADVOCACY_X_REVOKE_URL": f"{x_url}/2/oauth2/revoke",
    })


async def test_ambassador_connects_x_through_the_consent_page_and_sees_it_listed(
    async_playwright: Callable[[], Any], database: Settings, fake_x: tuple[FakeX, str],
) -> None:
    state, x_url = fake_x
    x_user, _ = state.add_user("browser_nurse", followers=4321)
    state.consent_user = x_user.id
    ambassador = await factories.create_user(SystemClock(), "ambassador", name="Bea Browser")

    try:
        async with served_live_app(database, x_url) as base_url, async_playwright() as playwright:
            browser = await playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
            try:
                page = await (await browser.new_context()).new_page()
                page.set_default_timeout(15_000)
                problems: list[str] = []
                page.on("pageerror", lambda error: problems.append(str(error)))
                page.on("console", lambda message: problems.append(message.text)
                        if "Content Security Policy" in message.text else None)
                await sign_in(page, base_url, ambassador.email, factories.PASSWORD)
                await page.click("#manage-accounts")  # from the feed's "Your accounts"
                assert page.url == f"{base_url}/accounts"
                assert "You have no connected account yet" in await page.inner_text("#accounts")

                await page.click("#connect-x")
                await page.wait_for_url(f"{x_url}/i/oauth2/authorize*")
                await page.click("#approve")
                await page.wait_for_url(f"{base_url}/accounts")
                table = await page.inner_text("#account-list")
                assert "browser_nurse" in table and "4,321" in table and "Connected" in table
                assert "Your X account browser_nurse is connected" in await page.inner_text("main")
                await page.screenshot(path=str(ARTIFACTS / "accounts.png"), full_page=True)

                account = await SocialAccount.get(user_id=ambassador.id)
                await page.click(f"#disconnect-{account.id}")
                await page.wait_for_selector(f"#confirm-{account.id}")
                await page.click(f"#disconnect-confirm-{account.id}")
                await page.wait_for_url(f"{base_url}/accounts")
                assert "Disconnected" in await page.inner_text(f"#account-{account.id}")
                assert problems == []
            finally:
                await browser.close()
    finally:
        state.consent_user = None
    await account.refresh_from_db()
    assert account.status == "disconnected" and account.access_token_encrypted is None
    assert (await AuditEntry.get(action="account.disconnect")).details["revocation"] == "revoked"
