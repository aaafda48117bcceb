"""The programme in a real headless Chromium: invite → join → acknowledge → share, then leave.

The admin invites through the page; the email arrives at an SMTP server the test runs; the invitee
opens the link, must tick the consent box, acknowledges the guidelines, sees the sharing gate lift
and shares; then leaves the programme with one confirmed click and the waiting share is cancelled.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest

from advocacy.accounts.models import SocialAccount
from advocacy.clock import SystemClock
from advocacy.programme import guidelines
from advocacy.programme.models import ConsentEvent
from advocacy.settings import Settings
from advocacy.shares.models import Share, ShareStatus
from advocacy.users.models import User
from scripts.screenshots import CHROMIUM, CHROMIUM_ARGS, sign_in
from tests import factories
from tests.test_browser import async_playwright, served_app  # noqa: F401  (fixture)
from tests.users.test_password_reset import Inbox, inbox  # noqa: F401  (the SMTP server fixture)

pytestmark = pytest.mark.browser
JOIN_PATH = re.compile(r"/join/[A-Za-z0-9_-]+")


async def test_invite_join_acknowledge_share_and_leave_in_the_browser(
    async_playwright: Callable[[], Any],  # noqa: F811
    database: Settings,
    inbox: tuple[Inbox, int],  # noqa: F811
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    wall = SystemClock()  # the server runs on the wall clock
    admin = await factories.create_user(wall, "admin", name="Ada Admin")
    await guidelines.publish_version(wall, admin, title="Social media guidelines",
                                     body="1. Write in the first person.\n2. Never share patient details.")
    _, post = await factories.create_launched_campaign(wall)
    monkeypatch.setenv("ADVOCACY_SMTP_HOST", "127.0.0.1")
    monkeypatch.setenv("ADVOCACY_SMTP_PORT", str(inbox[1]))

    async with served_app(database) as base_url, async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            problems: list[str] = []
            admin_page = await (await browser.new_context()).new_page()
            admin_page.set_default_timeout(15_000)
            admin_page.on("pageerror", lambda error: problems.append(str(error)))
            await sign_in(admin_page, base_url, admin.email, factories.PASSWORD)
            await admin_page.goto(f"{base_url}/programme")
            assert "No one here yet" in await admin_page.inner_text("#members")
            await admin_page.fill("#invite input[name=email]", "rosa@example.org")
            await admin_page.fill("#invite input[name=name]", "Rosa Ruiz")
            await admin_page.fill("#invite input[name=department]", "Oncology")
            await admin_page.fill("#invite input[name=timezone]", "America/Chicago")
            await admin_page.click("#invite button[type=submit]")
            await admin_page.wait_for_selector(".notice")
            assert "rosa@example.org is invited: the email is in the outbox" in await admin_page.inner_text(
                ".notice")
            assert "invited" in await admin_page.inner_text("#members")

            # No worker sends the email here: the admin hands the join link over another way.
            await admin_page.click("#members button:has-text('Get a join link')")
            await admin_page.click("#join-link button[data-copy]")
            # The clipboard answers asynchronously; the button says how it went once it has.
            await admin_page.wait_for_function(
                "document.querySelector('#join-link button[data-copy]').textContent !== 'Copy'")
            copied = await admin_page.input_value("#join-link-value")
            assert await admin_page.inner_text("#join-link button[data-copy]") in (
                "Copied", "Selected: press Ctrl+C")
            found = JOIN_PATH.search(copied)
            assert found is not None and inbox[0].messages == []

            person_page = await (await browser.new_context()).new_page()
            person_page.set_default_timeout(15_000)
            person_page.on("pageerror", lambda error: problems.append(str(error)))
            await person_page.goto(base_url + found.group(0))
            assert not await person_page.is_checked("input[name=opt_in]")
            await person_page.fill("input[name=password]", "rosa's own password")
            await person_page.fill("input[name=password_again]", "rosa's own password")
            await person_page.click("form button[type=submit]")
            await person_page.wait_for_selector("p.error")
            assert "tick the box" in await person_page.inner_text("p.error")
            assert (await User.get(email="rosa@example.org")).opted_in_at is None

            await person_page.fill("input[name=password]", "rosa's own password")
            await person_page.fill("input[name=password_again]", "rosa's own password")
            await person_page.check("input[name=opt_in]")
            await person_page.click("form button[type=submit]")
            await person_page.wait_for_url(f"{base_url}/guidelines")
            rosa = await User.get(email="rosa@example.org")
            assert rosa.opted_in_at is not None
            await factories.create_account(wall, rosa, "linkedin")

            await person_page.goto(f"{base_url}/feed")
            blockers = await person_page.inner_text("#sharing-blockers")
            assert "acknowledge the social media guidelines, version 1" in blockers
            assert await person_page.locator(f"#post-{post.id} form.share-form").count() == 0
            await person_page.click("#sharing-blockers a[href='/guidelines']")
            assert "Never share patient details" in await person_page.inner_text("#guidelines")
            await person_page.click("#acknowledge button[type=submit]")
            await person_page.wait_for_url(f"{base_url}/feed")
            assert await person_page.locator("#sharing-blockers").count() == 0
            await person_page.click(f"#post-{post.id} input[name=when][value=later]")
            await person_page.click(f"#post-{post.id} form.share-form button[type=submit]")
            await person_page.wait_for_selector("#my-shares .status.queued")
            share = await Share.get(user_id=rosa.id)

            # Leaving: one click, confirmed in a dialog, effective at once.
            await person_page.goto(f"{base_url}/me/programme")
            dialogs: list[str] = []

            async def accept(dialog: Any) -> None:
                dialogs.append(dialog.message)
                await dialog.accept()

            person_page.on("dialog", accept)
            await person_page.click("#leave")
            await person_page.wait_for_selector(".notice")
            assert dialogs and "Leave the programme now?" in dialogs[0]
            assert "opted out" in await person_page.inner_text("#membership")
            await share.refresh_from_db()
            assert share.status == ShareStatus.CANCELLED
            assert (await SocialAccount.get(user_id=rosa.id)).status == "disconnected"
            events = ConsentEvent.filter(user_id=rosa.id).order_by("id")
            assert list(await events.values_list("action", flat=True)) == ["opt_in", "opt_out"]
            assert problems == []
        finally:
            await browser.close()
