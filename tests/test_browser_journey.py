"""Journeys end to end in headless Chromium against the served app.

An ambassador's first day, in live mode: join through the invitation link (explicit consent) →
acknowledge the guidelines → connect X through the local platform's consent page (OAuth 2.0 with
PKCE) → auto-queue a post → cancel it. A leader's reading: the dashboard → the campaign list → a
campaign's delivery dashboard → its CSV, with what each screen says about units and labels.
"""

from __future__ import annotations

import asyncio
import csv
import io
import re
from collections.abc import Callable
from datetime import timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from advocacy.accounts.models import SocialAccount
from advocacy.clock import SimulatedClock, SystemClock
from advocacy.programme import guidelines
from advocacy.programme.invitations import Invitee, invite
from advocacy.programme.models import ConsentEvent
from advocacy.settings import Settings
from advocacy.shares.models import Share, ShareEvent, ShareStatus
from advocacy.users.models import User
from dashboards.reporting.summary import build_summary
from dashboards.reporting.valuation import add_cost
from scripts.screenshots import CHROMIUM, CHROMIUM_ARGS, VIEWPORT
from tests import factories
from tests.accounts.test_browser_accounts import served_live_app
from tests.fakes.x_server import FakeX
from tests.test_browser import (
    async_playwright,  # noqa: F401 (the fixture)
    served_app,
    signed_in_page,
)

pytestmark = pytest.mark.browser
ZONE = "America/Chicago"


async def test_join_acknowledge_connect_auto_queue_and_cancel_in_the_browser(
    async_playwright: Callable[[], Any],  # noqa: F811
    database: Settings,
    fake_x: tuple[FakeX, str],
) -> None:
    state, x_url = fake_x
    x_user, _ = state.add_user("first_day_nurse", followers=812)
    state.consent_user = x_user.id
    wall = SystemClock()  # the server runs on the wall clock
    admin = await factories.create_user(wall, "admin")
    await guidelines.publish_version(wall, admin, title="Social media guidelines",
                                     body="1. Say that you work here.\n2. Never share patient details.")
    _, post = await factories.create_launched_campaign(wall, days=21)
    invited, token = await invite(wall, database, admin, Invitee(email="dana@example.org", name="Dana Day",
                                                                 department="Nursing", timezone=ZONE))

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

                # Join: explicit consent, own password.
                await page.goto(f"{base_url}/join/{token}")
                assert not await page.is_checked("input[name=opt_in]")
                await page.fill("input[name=password]", "dana's own passphrase")
                await page.fill("input[name=password_again]", "dana's own passphrase")
                await page.check("input[name=opt_in]")
                await page.click("form button[type=submit]")

                # Acknowledge the guidelines; the sharing gate lifts.
                await page.wait_for_url(f"{base_url}/guidelines")
                assert "Never share patient details" in await page.inner_text("#guidelines")
                await page.click("#acknowledge button[type=submit]")
                await page.wait_for_url(f"{base_url}/feed")
                assert await page.locator("#sharing-blockers").count() == 0

                # Connect X through the platform's consent page.
                await page.click("#manage-accounts")
                await page.click("#connect-x")
                await page.wait_for_url(f"{x_url}/i/oauth2/authorize*")
                await page.click("#approve")
                await page.wait_for_url(f"{base_url}/accounts")
                assert "first_day_nurse" in await page.inner_text("#account-list")

                # Auto-queue the post from the feed, with the X account.
                await page.goto(f"{base_url}/feed")
                card = f"#post-{post.id}"
                account = await SocialAccount.get(user_id=invited.id)
                await page.select_option(f"{card} select[name=account_id]", str(account.id))
                await page.check(f"{card} input[name=when][value=auto]")
                await page.click(f"{card} form.share-form button[type=submit]")
                await page.wait_for_selector("#my-shares .status.queued")
                share = await Share.get(user_id=invited.id)
                assert share.network == "x" and share.status == ShareStatus.QUEUED
                # Placed inside the default sharing hours in the person's zone (weekdays 08:00-18:00).
                local = share.due_at.astimezone(ZoneInfo(ZONE))
                assert local.weekday() < 5 and 8 <= local.hour < 18

                # Cancel it before it goes out.
                await page.click("a[href='/me/shares']")
                row = f"#share-{share.id}"
                await page.click(f"{row} form.cancel-form button[type=submit]")
                await page.wait_for_selector(f"{row} .status.cancelled")
                assert problems == []
            finally:
                await browser.close()
    finally:
        state.consent_user = None

    await share.refresh_from_db()
    assert share.status == ShareStatus.CANCELLED
    assert await ShareEvent.filter(share_id=share.id).order_by("id").values_list("to_status", flat=True) == [
        "queued", "cancelled"]
    # Nothing reached the platform.
    assert [t for t in state.tweets.values() if t.author_id == x_user.id] == []
    person = await User.get(id=invited.id)
    assert person.opted_in_at is not None
    assert await ConsentEvent.filter(user_id=invited.id).values_list("action", flat=True) == ["opt_in"]
    assert account.followers == 812 and account.access_token_encrypted is not None


async def test_leader_goes_from_the_dashboard_to_a_campaigns_delivery_and_downloads_its_csv(
    async_playwright: Callable[[], Any],  # noqa: F811
    database: Settings,
) -> None:
    wall = SystemClock()
    await factories.create_brand_channels(wall)
    campaign, post = await factories.create_launched_campaign(wall)
    ambassador, account = await factories.create_ambassador(wall, "linkedin")
    leader = await factories.create_user(wall, "leader")
    await add_cost(wall, amount=Decimal("50"), currency="USD", expected_currency="USD",
                   period_start=(wall.now() - timedelta(days=2)).date(),
                   period_end=(wall.now() + timedelta(days=14)).date(), campaign_id=campaign.id, actor=leader)
    later = SimulatedClock(wall.now())
    await factories.publish_and_measure(database, later, campaign, post, ambassador, account)
    summary = await build_summary(wall, database, campaign.id)
    assert summary.cost is not None and summary.emv > 0

    async with served_app(database) as base, async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            page = await signed_in_page(browser, base, leader.email, viewport=VIEWPORT, accept_downloads=True)
            problems: list[str] = []
            page.on("pageerror", lambda error: problems.append(str(error)))
            assert page.url == f"{base}/dashboard"

            # The dashboard: every campaign listed, the programme's figures in one unit each.
            campaigns = await page.inner_text("#campaign-list")
            assert campaign.name in campaigns and "launched" in campaigns
            amplification = (await page.inner_text("#kpi-amplification .value")).strip()
            assert re.fullmatch(r"[\d,]+\.\dx", amplification), amplification
            clicks = await page.inner_text("#kpi-clicks")
            assert "larger of the platform's count" in clicks and "what EMV values" in clicks
            assert await page.locator(".kpi .label", has_text="lick").count() == 1, "one click total"
            assert "entered" in await page.inner_text("#kpi-cost .provenance")
            roi = await page.inner_text("#kpi-roi")
            assert f"Each 1 USD spent returned {summary.emv / summary.cost:,.2f} USD" in roi, roi

            # The campaign list → this campaign's delivery dashboard.
            await page.click(f"#campaign-list a:has-text('Delivery of {campaign.name}')")
            await page.wait_for_url(f"{base}/dashboard/campaigns/{campaign.id}")
            assert campaign.name in await page.inner_text("h1")
            await page.wait_for_function("document.querySelectorAll('.figure .main-svg').length >= 5")
            method = await page.inner_text("#method-forecast")
            assert "1 chance to share its 1 post" in method and "participation is assumed" in method, method
            assert "no published share has been changed" in await page.inner_text("#readback-summary")

            # The forecast's table as CSV.
            async with page.expect_download() as downloading:
                await page.click(f"a[href='/dashboard/campaigns/{campaign.id}/forecast.csv']")
            download = await downloading.value
            assert download.suggested_filename == "forecast.csv"
            saved = Path(str(await download.path()))
            rows = list(csv.reader(io.StringIO(await asyncio.to_thread(saved.read_text))))
            assert rows[0] == ["figure", "low", "expected", "high", "actual"]
            shares = next(row for row in rows if row[0] == "shares")
            assert int(shares[1]) <= int(shares[2]) <= int(shares[3]) and shares[4] == "1"

            # And back to this campaign's results, with their ROI sentence.
            await page.click(f"a[href='/dashboard?campaign_id={campaign.id}']")
            await page.wait_for_url(f"{base}/dashboard?campaign_id={campaign.id}")
            assert campaign.name in await page.inner_text("h1")
            assert "Each 1 USD spent returned" in await page.inner_text("#kpi-roi")
            assert problems == []
        finally:
            await browser.close()
