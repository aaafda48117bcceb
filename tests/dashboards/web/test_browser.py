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

            titles = await drawn(page, f"{base}/dashboard?campaign_id={campaign.id}", 6)
            for title in ("Impressions per day", "Earned media value", "Participation over time",
                          "by region"):
                assert any(title in t for t in titles), (title, titles)
            top = await page.inner_text("#table-top-posts")
            assert "Top posts by ambassador impressions" in top and top.count(post.title) == 1, top
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


# Each legend's box against every text of its figure: tick labels, axis titles and the title.
LEGEND_OVERLAPS = """() => {
  const boxes = (root, selector) => Array.from(root.querySelectorAll(selector))
    .map(e => e.getBoundingClientRect()).filter(r => r.width > 0 && r.height > 0);
  const meet = (a, b) => a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom;
  const found = [];
  for (const figure of document.querySelectorAll('.figure')) {
    const texts = boxes(figure, '.xtick text, .ytick text, .g-xtitle text, .g-ytitle text, .gtitle');
    if (boxes(figure, '.legend .traces').some(l => texts.some(t => meet(l, t)))) found.push(figure.id);
  }
  return found;
}"""


async def test_no_legend_overlaps_the_labels_of_its_chart_at_either_width(
    async_playwright: Callable[[], Any], database: Settings  # noqa: F811
) -> None:
    wall = SystemClock()
    await factories.create_brand_channels(wall)
    campaign, posts = await factories.create_launched_campaign_with_posts(wall, 3)
    for n, post in enumerate(posts):
        # Long titles are slanted under the per-post chart, down towards where a legend could be.
        post.title = f"Research {n}: faster stroke treatment with the new mobile CT unit across the region"
        await post.save()
    ambassador, account = await factories.create_ambassador(wall, "linkedin", name="Ada Ambassador")
    leader = await factories.create_user(wall, "leader")
    later = SimulatedClock(wall.now())
    for post in posts:
        await factories.publish_and_measure(database, later, campaign, post, ambassador, account, days=2)

    async with served_app(database) as base, async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            for viewport in (VIEWPORT, {"width": 390, "height": 844}):
                page = await (await browser.new_context(viewport=viewport)).new_page()
                page.set_default_timeout(30_000)
                await sign_in(page, base, leader.email, factories.PASSWORD)
                for url, figures in ((f"/dashboard?campaign_id={campaign.id}", 6),
                                     (f"/dashboard/campaigns/{campaign.id}", 5)):
                    await drawn(page, base + url, figures)
                    assert await page.evaluate(LEGEND_OVERLAPS) == [], (viewport, url)
                    width = await page.evaluate("document.documentElement.scrollWidth")
                    assert width <= viewport["width"], (viewport, url, width)
        finally:
            await browser.close()
