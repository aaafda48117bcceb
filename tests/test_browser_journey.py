"""Journeys end to end in headless Chromium against the served app.

An ambassador's first day, in live mode: join through the invitation link (explicit consent) →
acknowledge the guidelines → connect X through the local platform's consent page (OAuth 2.0 with
PKCE) → auto-queue a post → cancel it. An ambassador's working day, on a phone and on a laptop: sign
in → the feed says when an upcoming campaign opens → share now → the worker publishes → My shares
shows the text, the link and the results → schedule another → move it → cancel it → My results shows
the person's rank → leave the programme and rejoin; every screen is read for what it says, and none
is wider than the phone. A leader's reading: the dashboard → the campaign list → a campaign's delivery
dashboard → its CSV, with what each screen says about units and labels.
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
from advocacy.accounts.networks import NetworkRegistry
from advocacy.clock import SimulatedClock, SystemClock
from advocacy.localtime import format_local, input_value
from advocacy.programme import guidelines
from advocacy.programme.invitations import Invitee, invite
from advocacy.programme.models import ConsentEvent
from advocacy.settings import Settings
from advocacy.shares.dispatch import ShareDispatcher
from advocacy.shares.models import Share, ShareEvent, ShareStatus
from advocacy.shares.service import create_share
from advocacy.users.models import User
from dashboards.collection.collect import MetricsCollector
from dashboards.reporting.summary import build_summary
from dashboards.reporting.valuation import add_cost
from scripts.screenshots import CHROMIUM, CHROMIUM_ARGS, VIEWPORT
from tests import factories
from tests.accounts.test_browser_accounts import served_live_app
from tests.fakes.x_server import FakeX
from tests.shares.test_browser_phone import PHONE
from tests.test_browser import (
    async_playwright,  # noqa: F401 (the fixture)
    chromium_on_app,  # noqa: F401 (the fixture)
    served_app,
    signed_in_page,
)
from tests.test_browser_accessibility import DESKTOP

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


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["390px", "1366px"])
async def test_an_ambassadors_day_from_the_feed_to_results_then_leaving_and_rejoining(
    async_playwright: Callable[[], Any],  # noqa: F811
    database: Settings,
    viewport: dict[str, int],
) -> None:
    wall = SystemClock()  # the served app runs on the wall clock
    _, post = await factories.create_launched_campaign(wall, days=21)
    _, other = await factories.create_launched_campaign(wall, days=21)
    upcoming_campaign, upcoming = await factories.create_launched_campaign(wall, opens_in=timedelta(days=3))
    ada = await factories.create_user(wall, "ambassador", name="Ada Ambassador", timezone="Europe/Berlin")
    await factories.create_account(wall, ada, "linkedin")
    # A colleague already on the leaderboard, with one published share and nothing measured yet.
    colleague, colleague_account = await factories.create_ambassador(wall, name="Cleo Colleague")
    earlier = await create_share(wall, colleague, post_id=other.id, account_id=colleague_account.id,
                                 text="Proud of our new cardiac unit, as a nurse here. #employee")
    await Share.filter(id=earlier.id).update(status=ShareStatus.PUBLISHED)
    # The worker side runs here, on a clock that can jump ahead so metrics come due at once.
    later = SimulatedClock(wall.now())
    networks = NetworkRegistry(database, later)

    async with chromium_on_app(async_playwright, database) as (base_url, browser):
        page = await signed_in_page(browser, base_url, ada.email, viewport=viewport,
                                    is_mobile=viewport == PHONE, has_touch=viewport == PHONE)
        problems: list[str] = []
        page.on("pageerror", lambda error: problems.append(str(error)))
        page.on("console", lambda message: problems.append(message.text)
                if "Content Security Policy" in message.text else None)
        widths: list[tuple[str, int]] = []  # each screen read, and how wide it was

        async def read(path: str | None = None) -> str:
            """Open `path` (or stay on the page reached), note how wide it is, and return what it says."""
            if path is not None:
                response = await page.goto(f"{base_url}{path}")
                assert response is not None and response.status == 200, path
            await page.wait_for_load_state()
            width = await page.evaluate("document.documentElement.scrollWidth")
            widths.append((page.url.removeprefix(base_url), width))
            return str(await page.inner_text("main"))

        # The feed: the upcoming campaign says when it opens, and offers no "now".
        assert page.url == f"{base_url}/feed"
        await read()
        opens = format_local(upcoming_campaign.starts_at, ada)
        assert await page.inner_text(f"#post-{upcoming.id} .opens") == (
            f"Opens {opens}. Schedule it for then or later, or auto-queue it.")
        assert await page.locator(f"#post-{upcoming.id} input[name=when][value=now]").count() == 0

        # Share now, inside the window: queued, going out in a moment.
        card = f"#post-{post.id}"
        assert await page.is_checked(f"{card} input[name=when][value=now]")
        await page.click(f"{card} form.share-form button[type=submit]")
        await page.wait_for_selector("p.notice")
        assert "Your LinkedIn share is queued and goes out in a moment (" in await read()
        shared = await Share.get(user_id=ada.id, post_id=post.id)
        assert "Scheduled for" in await page.inner_text(f"#my-share-{shared.id}")

        # The worker publishes it through the simulated network; the collector gathers a week of results.
        later.set(wall.now() + timedelta(minutes=1))
        assert (await ShareDispatcher(networks, later).run_until_idle()).published_ids == [shared.id]
        collector = MetricsCollector(networks, later)
        for _ in range(7):
            later.advance(timedelta(days=1))
            await collector.run_once()
        await shared.refresh_from_db()
        assert shared.status == ShareStatus.PUBLISHED and shared.external_url

        # My shares: the text, the link to the post and its results, each labelled simulated.
        await read("/me/shares")
        row = f"#share-{shared.id}"
        said = await page.inner_text(row)
        assert shared.text in said and "published" in said
        assert f"went out {format_local(shared.published_at, ada)}" in said
        link = page.locator(f"{row} a", has_text="See your post on LinkedIn")
        assert await link.get_attribute("href") == shared.external_url
        results = await page.inner_text(f"#results-{shared.id}")
        for label in ("Impressions", "Engagements", "Clicks on your link"):
            assert label in results
        assert "simulated" in results and "not reported" not in results

        # Schedule another post for a time of one's choosing.
        await read("/feed")
        chosen = (wall.now() + timedelta(days=2)).replace(second=0, microsecond=0)
        card = f"#post-{other.id}"
        await page.check(f"{card} input[name=when][value=later]")
        await page.fill(f"{card} input[name=scheduled_at]", input_value(chosen, ada))
        await page.click(f"{card} form.share-form button[type=submit]")
        await page.wait_for_selector("p.notice")
        assert f"Your LinkedIn share is scheduled for {format_local(chosen, ada)}." in await read()
        scheduled = await Share.get(user_id=ada.id, post_id=other.id)
        assert scheduled.due_at == chosen and scheduled.status == ShareStatus.QUEUED

        # Move it a day later, then cancel it, on My shares.
        await read("/me/shares")
        row = f"#share-{scheduled.id}"
        moved_to = chosen + timedelta(days=1)
        await page.fill(f"{row} input[name=scheduled_at]", input_value(moved_to, ada))
        await page.click(f"{row} button[name=how][value=at]")
        await page.wait_for_selector("p.notice")
        assert f"Your LinkedIn share now goes out {format_local(moved_to, ada)}." in await read()
        assert f"goes out {format_local(moved_to, ada)}" in await page.inner_text(f"{row} .due")
        await page.click(f"{row} form.cancel-form button[type=submit]")
        await page.wait_for_selector(f"{row} .status.cancelled")
        assert "Your LinkedIn share was cancelled; nothing was posted." in await read()
        await scheduled.refresh_from_db()
        assert scheduled.status == ShareStatus.CANCELLED and scheduled.due_at == moved_to

        # My results: the person's own place on the whole leaderboard, ahead of the colleague.
        await read("/me/results")
        assert await page.inner_text("#my-rank") == "You: #1 of 2"

        # Leave the programme (confirmed in a dialog), read the feed, then rejoin.
        dialogs: list[str] = []

        async def accept(dialog: Any) -> None:
            dialogs.append(dialog.message)
            await dialog.accept()

        page.on("dialog", accept)
        await read("/me/programme")
        await page.click("#leave")
        await page.wait_for_selector("p.notice")
        said = await read()
        assert dialogs and "Leave the programme now?" in dialogs[0]
        assert "You left the programme." in said and "Status: opted out" in said
        left = await read("/feed")
        assert "You left the ambassador programme on" in left and "To rejoin" in left
        await read("/me/programme")
        await page.check("#membership input[name=opt_in]")
        await page.click("#membership form button[type=submit]")
        await page.wait_for_selector("p.notice")
        said = await read()
        assert "Welcome back! Reconnect an account to share again." in said and "Status: opted in" in said
        assert problems == []
        await page.context.close()

    if viewport == PHONE:
        assert [(path, width) for path, width in widths if width > PHONE["width"]] == []
    assert {path for path, _ in widths} == {"/feed", "/me/shares", "/me/results", "/me/programme"}
    assert len(widths) == 14  # every screen the journey read, each after it changed
    assert (await User.get(id=ada.id)).opted_in_at is not None


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
