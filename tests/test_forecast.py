"""Forecast of reach and clicks from earlier campaigns, and forecast vs actual."""

from __future__ import annotations

from datetime import timedelta

from hypothesis import given
from hypothesis import strategies as st

from advocacy.clock import SimulatedClock
from advocacy.settings import Settings
from dashboards.forecast import PastCampaign, forecast
from dashboards.views import campaign_tables
from tests import factories
from tests.test_reports import World

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
    empty = await campaign_tables(first)
    assert empty["forecast"].rows == [] and "no earlier campaign" in empty["forecast"].subtitle

    clock.advance(timedelta(days=1))
    second, _ = await factories.create_launched_campaign(clock)
    tables = await campaign_tables(second)
    rows = {row[0]: row for row in tables["forecast"].rows}
    assert tables["forecast"].provenance == "estimated"
    assert rows["shares"][1:4] == (1, 1, 1) and rows["shares"][4] == 0, "one ambassador, one share each"
    assert rows["reach"][2] > 0 and rows["reach"][4] is None, "nothing published yet: no actual"
