"""In headless Chromium: an admin creates a person on the people page, the person signs in, the admin
deactivates them and their open session ends, and the audit log shows each step; the page fits a
phone and axe-core finds nothing serious on it."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from advocacy.clock import SystemClock
from advocacy.settings import Settings
from advocacy.users.models import User
from scripts.screenshots import sign_in
from tests import factories
from tests.campaigns.test_browser_studio import AUDIT_ROWS
from tests.shares.test_browser_phone import PHONE
from tests.test_browser import ARTIFACTS, async_playwright, chromium_on_app, signed_in_page

pytestmark = pytest.mark.browser
__all__ = ["async_playwright"]  # the fixture, used by name below

NEW_PASSWORD = "harbour lantern seventeen"


async def test_admin_creates_and_deactivates_a_person_whose_session_ends_and_the_audit_shows_it(
    async_playwright: Callable[[], Any], database: Settings
) -> None:
    from axe_playwright_python.async_playwright import Axe  # bundles axe-core: nothing is downloaded

    wall = SystemClock()
    admin = await factories.create_user(wall, "admin", name="Ann Admin")
    ada, _ = await factories.create_ambassador(wall, "linkedin", name="Ada Ambassador")

    async with chromium_on_app(async_playwright, database) as (base_url, browser):
        ann = await signed_in_page(browser, base_url, admin.email)
        await ann.click("#main-nav a[href='/admin/users']")
        await ann.wait_for_url(f"{base_url}/admin/users")
        ada_row = await ann.inner_text(f"#person-{ada.id}")
        assert "opted in" in ada_row and "LinkedIn" in ada_row and "(connected)" in ada_row

        # A mistake first: it is said beside the form, and nothing is created.
        await ann.fill("#people-create input[name=name]", "Rita Reviewer")
        await ann.fill("#people-create input[name=email]", "rita@example.org")
        await ann.select_option("#people-create select[name=role]", "reviewer")
        await ann.fill("#people-create input[name=password]", "short")
        await ann.click("#people-create button[type=submit]")
        assert "at least 12 characters" in await ann.inner_text("#people-error")
        assert await ann.input_value("#people-create input[name=email]") == "rita@example.org"
        assert not await User.filter(email="rita@example.org").exists()

        await ann.fill("#people-create input[name=password]", NEW_PASSWORD)
        await ann.click("#people-create button[type=submit]")
        await ann.wait_for_selector("text=Rita Reviewer (reviewer) created")
        rita = await User.get(email="rita@example.org")
        row = f"#person-{rita.id}"
        assert "active" in await ann.inner_text(f"{row} .account-state")
        assert await ann.input_value(f"{row} select[name=role]") == "reviewer"

        # Rita signs in on her own browser and works.
        context = await browser.new_context()
        context.set_default_timeout(15_000)
        rita_page = await context.new_page()
        await sign_in(rita_page, base_url, rita.email, NEW_PASSWORD)
        assert rita_page.url == f"{base_url}/studio"

        await ann.click(f"{row} .deactivate-form button")
        await ann.wait_for_selector("text=Rita Reviewer is deactivated")
        assert await ann.inner_text(f"{row} .account-state") == "deactivated"
        assert await ann.locator(f"{row} .reactivate-form button").is_visible()

        # Her open session has ended: the next page sends her to sign in, and signing in is refused.
        await rita_page.goto(f"{base_url}/studio")
        assert rita_page.url.startswith(f"{base_url}/login")
        await rita_page.fill("input[name=email]", rita.email)
        await rita_page.fill("input[name=password]", NEW_PASSWORD)
        await rita_page.click("form[action='/login'] button[type=submit]")
        await rita_page.wait_for_load_state()
        assert "The email or password is not right." in await rita_page.inner_text("main")

        await ann.goto(f"{base_url}/admin/audit")
        rows = await ann.evaluate(AUDIT_ROWS)
        await ann.screenshot(path=str(ARTIFACTS / "audit-people.png"), full_page=True)

        # On a phone the people page and the audit log fit the screen, and axe finds nothing serious.
        phone = await signed_in_page(browser, base_url, admin.email, viewport=PHONE, is_mobile=True,
                                     has_touch=True)
        widths, serious = {}, {}
        for path in ("/admin/users", "/admin/audit"):
            response = await phone.goto(f"{base_url}{path}")
            assert response is not None and response.status == 200, path
            widths[path] = await phone.evaluate("document.documentElement.scrollWidth")
            results = await Axe().run(phone)
            serious[path] = sorted(f"{violation['id']}: {node['target']}"
                                   for violation in results.response["violations"]
                                   if violation["impact"] in ("serious", "critical")
                                   for node in violation["nodes"])
        await phone.goto(f"{base_url}/admin/users")
        await phone.screenshot(path=str(ARTIFACTS / "people-phone.png"), full_page=True)
    assert {path: width for path, width in widths.items() if width > 390} == {}
    assert serious == {"/admin/users": [], "/admin/audit": []}

    steps = [(who, what, target, details) for _, who, what, target, details, *_ in reversed(rows)
             if target == f"user:{rita.id}"]
    assert [(who, what) for who, what, _, _ in steps] == [
        (admin.email, "user.create"), (rita.email, "sign-in"), (admin.email, "user.deactivate")]
    created, _, deactivated = (details for *_, details in steps)
    assert "email: rita@example.org" in created and "role: reviewer" in created
    assert "active: yes → no" in deactivated
    # The refused first try left no trace but the error on the page.
    assert sum(1 for _, _, what, _, _, *_ in rows if what == "user.create") == 1
