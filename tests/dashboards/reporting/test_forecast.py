"""Forecast of reach and clicks from earlier campaigns, and forecast vs actual."""

from __future__ import annotations

from datetime import timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from advocacy.clock import SimulatedClock
from advocacy.settings import Settings
from connectors.sandbox import SandboxParameters, post_outlook
from dashboards.reporting.campaign import campaign_tables
from dashboards.reporting.forecast import PARTICIPATION, PastCampaign, forecast, sandbox_forecast
from tests import factories
from tests.dashboards.reporting.test_report import World

past = st.builds(PastCampaign, st.integers(0, 500), st.integers(0, 2000), st.integers(0, 10**6),
                 st.integers(0, 10**4))


@given(st.lists(past, min_size=1, max_size=10), st.integers(0, 1000))
def test_the_forecast_range_is_ordered(history: list[PastCampaign], opted_in: int) -> None:
    result = forecast(history, opted_in)
    if result is None:
        assert all(c.opted_in == 0 or c.shares == 0 for c in history)
        return
    for r in (result.shares, result.reach, result.clicks):
        assert 0 <= r.low <= r.expected + 1e-9 and r.expected <= r.high + 1e-9


def test_no_earlier_campaign_means_no_forecast() -> None:
    assert forecast([], 100) is None
    assert forecast([PastCampaign(opted_in=10, shares=0, reach=0, clicks=0)], 100) is None


def test_one_earlier_campaign_scales_with_todays_ambassadors() -> None:
    result = forecast([PastCampaign(opted_in=10, shares=5, reach=1000, clicks=20)], opted_in=20)
    assert result is not None
    assert (result.shares.expected, result.reach.expected, result.clicks.expected) == (10, 2000, 40)
    assert result.reach.low == result.reach.high == 2000


async def test_a_later_campaign_is_forecast_from_the_earlier_one_and_shows_its_actual(
    database: Settings, clock: SimulatedClock
) -> None:
    world = World(database, clock)
    first, post = await world.launch()
    await world.share(post, "linkedin")
    await world.collect_for(3)
    modelled = await campaign_tables(first)
    assert modelled["forecast"].provenance == "simulated"
    assert "from the sandbox model, no history yet" in modelled["forecast"].subtitle

    clock.advance(timedelta(days=1))
    second, _ = await factories.create_launched_campaign(clock)
    tables = await campaign_tables(second)
    rows = {row[0]: row for row in tables["forecast"].rows}
    assert tables["forecast"].provenance == "estimated"
    assert rows["shares"][1:4] == (1, 1, 1) and rows["shares"][4] == 0, "one ambassador, one share each"
    assert rows["reach"][2] > 0 and rows["reach"][4] is None, "nothing published yet: no actual"


@given(st.lists(st.integers(0, 10**6), min_size=1, max_size=30), st.integers(1, 20))
def test_the_sandbox_forecast_range_is_ordered(followers: list[int], posts: int) -> None:
    result = sandbox_forecast(SandboxParameters(), followers, posts)
    assert result is not None and result.based_on == 0
    for r in (result.shares, result.reach, result.clicks):
        assert 0 <= r.low <= r.expected + 1e-9 and r.expected <= r.high + 1e-9


def test_sandbox_forecast_applies_the_models_ranges_to_the_followers() -> None:
    parameters = SandboxParameters()
    result = sandbox_forecast(parameters, [1000, 3000], posts=2)
    assert result is not None
    possible = 2 * 2
    assert result.shares.expected == possible * PARTICIPATION.expected
    # Highest reach: every share at the top of the reach fraction and virality ranges, 80 % unique.
    top = (1000 + 3000) / 2 * parameters.person_reach_fraction[1] * parameters.virality[1] * 0.8
    assert abs(result.reach.high - possible * PARTICIPATION.high * top) < 1e-6
    outlook = post_outlook(parameters, 1000)
    assert outlook.clicks[0] == pytest.approx(1000 * 0.20 * 0.8 * parameters.person_click_rate[0])


def test_no_ambassador_or_no_post_means_no_sandbox_forecast() -> None:
    assert sandbox_forecast(SandboxParameters(), [], 3) is None
    assert sandbox_forecast(SandboxParameters(), [500], 0) is None


async def test_first_campaign_is_forecast_from_the_sandbox_model_of_its_ambassadors(
    database: Settings, clock: SimulatedClock
) -> None:
    await factories.create_ambassador(clock, "linkedin")
    await factories.create_ambassador(clock, "x")
    campaign, _ = await factories.create_launched_campaign(clock)
    table = (await campaign_tables(campaign))["forecast"]
    rows = {row[0]: row for row in table.rows}
    assert table.provenance == "simulated"
    assert table.subtitle.startswith("from the sandbox model, no history yet")
    assert rows["shares"][1:4] == (round(2 * 0.14), round(2 * 0.30), round(2 * 0.60))
    assert 0 < rows["reach"][1] <= rows["reach"][2] <= rows["reach"][3]
    assert rows["clicks"][3] > 0 and rows["reach"][4] is None
