"""Forecast of a campaign from its own audience, posts and networks and the history's rates, vs actual."""

from __future__ import annotations

from datetime import timedelta

import httpx
import pytest
from hypothesis import given
from hypothesis import strategies as st

from advocacy.clock import SimulatedClock
from advocacy.programme import segments
from advocacy.settings import Settings
from campaigns.models import Campaign
from connectors.sandbox import SandboxParameters, post_outlook
from dashboards.reporting.campaign import campaign_tables
from dashboards.reporting.forecast import PARTICIPATION, PastCampaign, forecast, sandbox_forecast, wilson
from tests import factories
from tests.dashboards.reporting.test_report import World
from tests.test_pages import element, sign_in

past = st.builds(PastCampaign, st.integers(0, 500), st.integers(0, 2000), st.integers(0, 10**6),
                 st.integers(0, 10**6), st.integers(0, 10**4))


@given(st.lists(past, min_size=1, max_size=10), st.integers(0, 1000), st.floats(0, 10**5))
def test_the_forecast_range_is_ordered(history: list[PastCampaign], chances: int, followers: float) -> None:
    result = forecast(history, chances, followers)
    if result is None:
        assert all(c.chances == 0 or c.shares == 0 for c in history)
        return
    for r in (result.shares, result.reach, result.clicks, result.participation):
        assert 0 <= r.low <= r.expected * (1 + 1e-9) and r.expected <= r.high * (1 + 1e-9) + 1e-9


def test_no_earlier_campaign_means_no_forecast_from_history() -> None:
    assert forecast([], 100, 500) is None
    assert forecast([PastCampaign(chances=10, shares=0, followers=0, reach=0, clicks=0)], 100, 500) is None


ONE_CAMPAIGN = [PastCampaign(chances=100, shares=40, followers=40 * 500, reach=4000, clicks=80)]


def test_one_earlier_campaign_gives_a_real_range_not_a_copy_of_its_actuals() -> None:
    result = forecast(ONE_CAMPAIGN, chances=10, followers_per_chance=500)
    assert result is not None
    for r in (result.shares, result.reach, result.clicks):
        assert r.low < r.expected < r.high
    # 40 % of 10 chances, each share reaching 0.2 of 500 followers, 2 % of them clicking.
    assert result.shares.expected == pytest.approx(4)
    assert result.reach.expected == pytest.approx(4 * 500 * 0.2)
    assert result.clicks.expected == pytest.approx(4 * 500 * 0.2 * 0.02)
    assert (result.participation.low, result.participation.high) == pytest.approx(wilson(40, 100))
    assert result.shares.expected != ONE_CAMPAIGN[0].shares


def test_the_forecast_scales_with_chances_and_followers() -> None:
    small = forecast(ONE_CAMPAIGN, chances=10, followers_per_chance=500)
    more_chances = forecast(ONE_CAMPAIGN, chances=30, followers_per_chance=500)
    bigger_accounts = forecast(ONE_CAMPAIGN, chances=10, followers_per_chance=2000)
    assert small and more_chances and bigger_accounts
    assert more_chances.shares.expected == pytest.approx(3 * small.shares.expected)
    assert more_chances.reach.expected == pytest.approx(3 * small.reach.expected)
    assert bigger_accounts.shares.expected == pytest.approx(small.shares.expected)
    assert bigger_accounts.reach.expected == pytest.approx(4 * small.reach.expected)


def test_the_wilson_interval_holds_the_proportion_and_stays_in_bounds() -> None:
    low, high = wilson(40, 100)
    assert 0.30 < low < 0.40 < high < 0.50
    assert wilson(0, 10)[0] == 0 and wilson(10, 10)[1] == 1


@given(st.integers(0, 5000), st.floats(0, 10**6))
def test_the_sandbox_forecast_range_is_ordered(chances: int, followers: float) -> None:
    result = sandbox_forecast(SandboxParameters(), chances, followers)
    if chances == 0:
        assert result is None
        return
    assert result is not None and result.based_on == 0
    for r in (result.shares, result.reach, result.clicks):
        assert 0 <= r.low <= r.expected <= r.high


def test_sandbox_forecast_applies_the_models_ranges_to_the_followers() -> None:
    parameters = SandboxParameters()
    result = sandbox_forecast(parameters, 4, 2000)
    assert result is not None
    assert result.shares.expected == 4 * PARTICIPATION.expected
    # Highest reach: every share at the top of the reach fraction and virality ranges, 80 % unique.
    top = 2000 * parameters.person_reach_fraction[1] * parameters.virality[1] * 0.8
    assert abs(result.reach.high - 4 * PARTICIPATION.high * top) < 1e-6
    outlook = post_outlook(parameters, 1000)
    assert outlook.clicks[0] == pytest.approx(1000 * 0.20 * 0.8 * parameters.person_click_rate[0])


async def forecast_rows(campaign: Campaign) -> dict[str, tuple[object, ...]]:
    return {row[0]: row for row in (await campaign_tables(campaign))["forecast"].rows}


async def test_first_campaign_is_forecast_from_the_sandbox_model_of_its_own_audience(
    database: Settings, clock: SimulatedClock
) -> None:
    await factories.create_ambassador(clock, "linkedin")
    await factories.create_ambassador(clock, "x")
    campaign, _ = await factories.create_launched_campaign(clock)  # one post, LinkedIn and X messages
    table = (await campaign_tables(campaign))["forecast"]
    rows = {row[0]: row for row in table.rows}
    assert table.provenance == "simulated"
    assert table.subtitle.startswith("from the sandbox model, no history yet: 2 chances to share")
    assert "participation is assumed: 14% (low), 30% (expected) and 60% (high)" in table.method
    assert "2 opted-in ambassadors this campaign targets, with 2 connected accounts" in table.method
    assert rows["shares"][1:4] == (round(2 * 0.14), round(2 * 0.30), round(2 * 0.60))
    assert 0 < rows["reach"][1] < rows["reach"][2] < rows["reach"][3]
    assert rows["clicks"][3] > 0 and rows["reach"][4] is None


async def test_the_forecast_scales_with_the_campaigns_audience_and_posts(
    database: Settings, clock: SimulatedClock
) -> None:
    for _ in range(3):
        await factories.create_ambassador(clock, "linkedin", department="Nursing")
    await factories.create_ambassador(clock, "linkedin", department="Pharmacy")
    everyone, _ = await factories.create_launched_campaign_with_posts(clock, 1)
    two_posts, _ = await factories.create_launched_campaign_with_posts(clock, 2)
    nursing, _ = await factories.create_launched_campaign_with_posts(clock, 1)
    admin = await factories.create_user(clock, "admin")
    nurses = await segments.save_segment(clock, admin, name="Nurses", match="all",
                                         conditions=[("department", "Nursing")])
    await segments.set_campaign_segments(clock, admin, nursing.id, [nurses.id])

    base, double, fewer = [await forecast_rows(c) for c in (everyone, two_posts, nursing)]
    assert base["shares"][2] == round(4 * PARTICIPATION.expected)
    assert double["shares"][2] == round(8 * PARTICIPATION.expected), "twice the posts"
    assert fewer["shares"][2] == round(3 * PARTICIPATION.expected), "three of the four ambassadors"
    assert double["reach"][2] == pytest.approx(2 * base["reach"][2], abs=1)


async def test_a_later_campaign_is_forecast_from_its_own_audience_and_the_earlier_ones_rates(
    database: Settings, clock: SimulatedClock
) -> None:
    world = World(database, clock)
    first, post = await world.launch()
    for network in ("linkedin", "x", "linkedin"):
        await world.share(post, network)  # three ambassadors; everyone took their chance
    for _ in range(3):
        await factories.create_ambassador(clock, "linkedin")  # three more who did not share
    await world.collect_for(3)

    clock.advance(timedelta(days=1))
    second, _ = await factories.create_launched_campaign_with_posts(clock, 2)
    table = (await campaign_tables(second))["forecast"]
    rows = {row[0]: row for row in table.rows}
    assert table.provenance == "estimated"
    assert table.subtitle.startswith("from 1 earlier campaign and this campaign's 12 chances to share")
    # Three of six chances were taken before: half of this campaign's 12, within a real range.
    assert rows["shares"][1] < rows["shares"][2] == 6 < rows["shares"][3]
    assert rows["reach"][1] < rows["reach"][2] < rows["reach"][3]
    assert rows["shares"][4] == 0 and rows["reach"][4] is None, "nothing published yet: no actual"
    assert "In 1 earlier campaign, 50.0% of the chances were taken" in table.method


async def test_the_campaign_dashboard_states_the_forecast_method(
    database: Settings, clock: SimulatedClock, client: httpx.AsyncClient
) -> None:
    await factories.create_ambassador(clock, "linkedin")
    campaign, _ = await factories.create_launched_campaign(clock)
    await sign_in(client, await factories.create_user(clock, "leader"))
    page = await client.get(f"/dashboard/campaigns/{campaign.id}")
    method = element(page.text, "method-forecast")
    assert "1 chance to share its 1 post" in method and "participation is assumed" in method
