"""Each dashboard in a real headless Chromium: the figures draw and say where their numbers come from."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from advocacy.clock import SimulatedClock, SystemClock
from advocacy.settings import Settings
from scripts.screenshots import CHROMIUM, CHROMIUM_ARGS, VIEWPORT, sign_in
from tests import factories
from tests.test_browser import async_playwright, served_app  # noqa: F401  (the fixture is used by name)

pytestmark = pytest.mark.browser


async def drawn(page: Any, url: str, figures: int) -> list[str]:
    """Open a dashboard, wait until `figures` Plotly figures are drawn, and return their titles."""
    problems: list[str] = []
    page.on("pageerror", lambda error: problems.append(str(error)))
    await page.goto(url)
    await page.wait_for_function(f"document.querySelectorAll('.figure .main-svg').length >= {figures}")
    # SVG text has no innerText: read textContent.
    titles: list[str] = await page.locator(".figure .gtitle").evaluate_all(
        "els => els.map(e => e.textContent)")
    assert problems == [], problems
    # Plotly puts zero-width spaces around a <sup> part.
    return [title.replace("\u200b", "") for title in titles]


async def test_every_dashboard_draws_its_figures_with_their_labels(
    async_playwright: Callable[[], Any], database: Settings  # noqa: F811
) -> None:
    wall = SystemClock()
    await factories.create_brand_channels(wall)
    campaign, post = await factories.create_launched_campaign(wall)
    ambassador, account = await factories.create_ambassador(wall, "linkedin", name="Ada Ambassador")
    leader = await factories.create_user(wall, "leader", name="Lee Leader")
    later = SimulatedClock(wall.now())
    await factories.publish_and_measure(database, later, campaign, post, ambassador, account)

    async with served_app(database) as base, async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            page = await (await browser.new_context(viewport=VIEWPORT)).new_page()
            page.set_default_timeout(30_000)
            await sign_in(page, base, leader.email, factories.PASSWORD)

            titles = await drawn(page, f"{base}/dashboard?campaign_id={campaign.id}", 7)
            for title in ("Impressions per day", "Earned media value", "Participation over time",
                          "Top ambassador posts", "by region"):
                assert any(title in t for t in titles), (title, titles)
            assert all("(simulated)" in t or "(measured)" in t for t in titles), titles
            assert "EMV formula v1" in await page.inner_text("#emv-formula")
            assert "simulated" in await page.inner_text("#kpi-emv")

            titles = await drawn(page, f"{base}/dashboard/campaigns/{campaign.id}", 5)
            assert any("Delivery funnel" in t and "(measured)" in t for t in titles), titles
            assert any("brand post" in t for t in titles), titles
            # The schedule heat map: drawn as a heat map, in the organisation's zone, with its kind.
            heat = [t for t in titles if "When shares were published" in t]
            assert heat and "(simulated)" in heat[0] and "UTC" in heat[0], titles
            assert "colour: engagement rate" in heat[0], heat
            assert await page.locator("#figure-schedule .heatmaplayer").count() == 1
            assert await page.locator("#figure-schedule .colorbar").count() == 1
            assert any("Post-publication check" in t and "(measured)" in t for t in titles), titles
            assert "no published share has been changed" in await page.inner_text("#readback-summary")
            assert any("sandbox model, no history yet" in t for t in titles), titles

            await page.goto(f"{base}/dashboard/weekly")
            assert "Earned media value" in await page.inner_text("#weekly")

            mine = await (await browser.new_context(viewport=VIEWPORT)).new_page()
            mine.set_default_timeout(30_000)
            await sign_in(mine, base, ambassador.email, factories.PASSWORD)
            titles = await drawn(mine, f"{base}/me/results", 1)
            assert any("My impressions per day (simulated)" in t for t in titles), titles
            assert "Ada Ambassador" in await mine.inner_text("#leaderboard")
            # Points: the tile, the rule with its version, and the points column of the leaderboard.
            rule = await mine.inner_text("#points-rule")
            assert "Points rule v3" in rule and "per share published" in rule, rule
            assert "per link you suggested that became a published post" in rule, rule
            assert "Links I suggested that became published posts" in await mine.inner_text("#points")
            total = await mine.inner_text("#points-total")
            assert int(total.replace(",", "")) >= 10, "one published share is worth 10 points"
            assert total in await mine.inner_text("#kpi-my-points")
            assert "Points" in await mine.inner_text("#leaderboard")
        finally:
            await browser.close()
