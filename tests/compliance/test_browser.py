"""In headless Chromium: an editor's message is refused with its findings marked, fixed, submitted
and approved by a reviewer; an admin edits the compliance policy with its live try box."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest

from advocacy.clock import SystemClock
from advocacy.compliance.models import PolicyVersion
from advocacy.settings import Settings
from campaigns import service as campaigns
from campaigns.models import ContentPack, MessageVariant, PackStatus, Post
from scripts.screenshots import CHROMIUM, CHROMIUM_ARGS, sign_in
from tests import factories
from tests.test_browser import ARTIFACTS, async_playwright, served_app

pytestmark = pytest.mark.browser
__all__ = ["async_playwright"]  # the fixture, used by name below


async def test_submit_see_findings_fix_and_approve(
    async_playwright: Callable[[], Any], database: Settings
) -> None:
    wall = SystemClock()
    editor = await factories.create_user(wall, "editor", name="Eve Editor")
    reviewer = await factories.create_user(wall, "reviewer", name="Rita Reviewer")
    campaign = await campaigns.create_campaign(
        wall, editor, name="Surgery week", starts_at=wall.now(), ends_at=wall.now() + timedelta(days=7)
    )
    pack = await ContentPack.get(campaign_id=campaign.id)
    page_path = f"/studio/campaigns/{campaign.id}"

    async with served_app(database) as base_url, async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            page = await (await browser.new_context()).new_page()
            page.set_default_timeout(15_000)
            await sign_in(page, base_url, editor.email, factories.PASSWORD)
            await page.goto(base_url + page_path)
            form = page.locator(f"#pack-{pack.id} form.add-post")
            await form.locator("input[name=title]").fill("A year of surgery")
            await form.locator("input[name=url]").fill("https://example.org/surgery")
            await form.locator("textarea[name=messages_linkedin]").fill(
                "I'm proud: patient Maria Lopez went home after her surgery. #employee"
            )
            # While typing, the same engine marks the words and counts the characters.
            live = form.locator(".live-check mark.finding.block")
            await live.first.wait_for()
            assert await live.first.inner_text() == "Maria Lopez"
            assert "/3000" in await form.locator(".live-check").first.inner_text()
            await form.locator("button[type=submit]").click()

            marked = page.locator(f"#pack-{pack.id} mark.finding.block")
            await marked.first.wait_for()
            assert await marked.first.inner_text() == "Maria Lopez"
            assert "Patient name (blocks)" in await page.inner_text(f"#pack-{pack.id}")
            await page.screenshot(path=str(ARTIFACTS / "studio-findings.png"), full_page=True)
            assert await Post.filter(pack_id=pack.id).count() == 0

            form = page.locator(f"#pack-{pack.id} form.add-post")
            await form.locator("textarea[name=messages_linkedin]").fill(
                "I'm proud of our surgical team and a year of safe operations. #employee"
            )
            await form.locator("button[type=submit]").click()
            await page.wait_for_selector(f"#pack-{pack.id} article.post")
            await page.locator(f"#pack-{pack.id} form.submit-pack button[type=submit]").click()
            await page.wait_for_selector(f"#pack-{pack.id} .status.in_review")

            review = await (await browser.new_context()).new_page()
            review.set_default_timeout(15_000)
            await sign_in(review, base_url, reviewer.email, factories.PASSWORD)
            await review.goto(base_url + page_path)
            assert await review.locator(f"#pack-{pack.id} mark.finding.block").count() == 0
            await review.locator(f"#pack-{pack.id} form.review button[value=approve]").click()
            await review.wait_for_selector(f"#pack-{pack.id} .status.approved")
        finally:
            await browser.close()
    assert (await ContentPack.get(id=pack.id)).status == PackStatus.APPROVED


async def test_submission_refused_by_a_stricter_policy_is_fixed_in_place_and_approved(
    async_playwright: Callable[[], Any], database: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    wall = SystemClock()
    editor = await factories.create_user(wall, "editor")
    reviewer = await factories.create_user(wall, "reviewer")
    campaign, post = await factories.create_campaign_with_post(
        wall, editor, messages={"x": ["I'm proud of Project Falcon, our new cardiac unit. #employee"]}
    )
    pack = await ContentPack.get(campaign_id=campaign.id)
    variant = await MessageVariant.get(post_id=post.id)
    # The organisation has since put the project's code name on its blocked list.
    monkeypatch.setenv("ADVOCACY_COMPLIANCE_BLOCKED_TERMS", "Project Falcon|confidential")
    page_path = f"/studio/campaigns/{campaign.id}"

    async with served_app(database) as base_url, async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            page = await (await browser.new_context()).new_page()
            page.set_default_timeout(15_000)
            await sign_in(page, base_url, editor.email, factories.PASSWORD)
            await page.goto(base_url + page_path)
            await page.locator(f"#pack-{pack.id} form.submit-pack button[type=submit]").click()

            await page.wait_for_selector(f"#pack-{pack.id} .error")
            assert "“Project Falcon”" in await page.inner_text(f"#pack-{pack.id} .error")
            message = page.locator(f"#variant-{variant.id}")
            assert await message.locator("mark.finding.block").inner_text() == "Project Falcon"
            assert "Confidential term (blocks)" in await message.inner_text()
            assert await page.locator(f"#pack-{pack.id} .status.draft").count() == 1

            edit = message.locator("form.edit-message")
            await edit.locator("textarea[name=text]").fill("I'm proud of our new cardiac unit. #employee")
            await edit.locator("button[type=submit]").click()
            await page.wait_for_selector(f"#variant-{variant.id}:not(:has(mark.finding.block))")
            await page.locator(f"#pack-{pack.id} form.submit-pack button[type=submit]").click()
            await page.wait_for_selector(f"#pack-{pack.id} .status.in_review")

            review = await (await browser.new_context()).new_page()
            review.set_default_timeout(15_000)
            await sign_in(review, base_url, reviewer.email, factories.PASSWORD)
            await review.goto(base_url + page_path)
            await review.locator(f"#pack-{pack.id} form.review button[value=approve]").click()
            await review.wait_for_selector(f"#pack-{pack.id} .status.approved")
        finally:
            await browser.close()
    assert (await MessageVariant.get(id=variant.id)).text == "I'm proud of our new cardiac unit. #employee"


async def test_admin_allows_a_number_sees_the_try_box_follow_live_and_saves_a_version(
    async_playwright: Callable[[], Any], database: Settings
) -> None:
    wall = SystemClock()
    admin = await factories.create_user(wall, "admin", name="Ada Admin")
    text = "Book at our Lakeside clinic on 312-555-0148. I work at Northbrook Health and I'm proud."

    async with served_app(database) as base_url, async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            page = await (await browser.new_context()).new_page()
            page.set_default_timeout(15_000)
            await sign_in(page, base_url, admin.email, factories.PASSWORD)
            await page.goto(base_url + "/admin/compliance")
            await page.get_by_label("Text to check").fill(text)
            flagged = page.locator("#try-result mark.finding.block")
            await flagged.wait_for()
            assert await flagged.inner_text() == "312-555-0148"
            assert "Phone number (block)" in await page.inner_text("#try-result")

            # The number goes on the allowed list: the box stops flagging it as the admin types.
            await page.get_by_label("Allowed phone numbers").fill("(312) 555-0148")
            await page.wait_for_selector("#try-result .verdict.ok")
            assert await page.locator("#try-result mark.finding").count() == 0
            await page.screenshot(path=str(ARTIFACTS / "compliance-policy.png"), full_page=True)

            await page.get_by_label("Note").fill("The Lakeside clinic line is public.")
            await page.get_by_role("button", name="Save as version 1").click()
            entry = page.locator("#version-1")
            await entry.wait_for()
            history = await entry.inner_text()
            assert "Ada Admin" in history and "The Lakeside clinic line is public." in history
            assert "Allowed phone numbers: added “(312) 555-0148”" in history
            assert "Version 1 is in use" in await page.inner_text("main")
        finally:
            await browser.close()
    assert await PolicyVersion.all().count() == 1


async def test_the_policy_page_fits_a_phone_and_shows_where_focus_is(
    async_playwright: Callable[[], Any], database: Settings
) -> None:
    admin = await factories.create_user(SystemClock(), "admin")
    async with served_app(database) as base_url, async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            context = await browser.new_context(viewport={"width": 390, "height": 844})
            page = await context.new_page()
            page.set_default_timeout(15_000)
            await sign_in(page, base_url, admin.email, factories.PASSWORD)
            await page.goto(base_url + "/admin/compliance")
            widths = await page.evaluate(
                "[document.documentElement.scrollWidth, document.documentElement.clientWidth]")
            assert widths[0] <= widths[1], f"the page scrolls sideways at 390 px: {widths}"
            await page.screenshot(path=str(ARTIFACTS / "compliance-policy-phone.png"), full_page=True)
            # Every field is named by its label, and the focused one is outlined.
            unlabelled = await page.evaluate(
                "[...document.querySelectorAll('#policy-form textarea, #policy-form select, "
                "#policy-form input:not([type=hidden])')]"
                ".filter((el) => !el.labels || el.labels.length === 0).map((el) => el.name)")
            assert unlabelled == []
            await page.get_by_label("Allowed phone numbers").focus()
            outline = await page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
            assert outline not in ("", "none")
        finally:
            await browser.close()
