"""The schedule heat map and ambassador points, recomputed from the raw snapshots and our records."""

from __future__ import annotations

from collections import defaultdict
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import httpx
from hypothesis import given
from hypothesis import strategies as st

from advocacy.clock import SimulatedClock
from advocacy.links.models import LinkClickDay
from advocacy.settings import Settings
from advocacy.shares.models import Share, ShareStatus
from campaigns.models import Campaign
from dashboards.models import MetricSnapshot
from dashboards.reporting.ambassador import leaderboard, set_hidden
from dashboards.reporting.campaign import campaign_tables
from dashboards.reporting.figures import figures_of
from dashboards.reporting.points import CURRENT_RULE, POINTS_RULES, tallies
from dashboards.reporting.schedule import WEEKDAYS, PublishedShare, heat_map_table
from tests import factories
from tests.dashboards.reporting.test_campaign_and_ambassador import campaign_with_shares
from tests.test_pages import element, sign_in

ZONE = "America/Chicago"


async def latest_raw_snapshots() -> dict[int, MetricSnapshot]:
    latest: dict[int, MetricSnapshot] = {}
    for snap in await MetricSnapshot.filter(share_id__not_isnull=True).order_by("captured_at", "id"):
        latest[snap.share_id] = snap  # type: ignore[attr-defined]
    return latest


def engagements_of(snap: MetricSnapshot) -> int | None:
    parts = [v for v in (snap.reactions, snap.comments, snap.reshares) if v is not None]
    return sum(parts) if parts else None


async def test_heat_map_equals_a_recount_from_raw_snapshots_in_the_organisation_zone(
    database: Settings, clock: SimulatedClock
) -> None:
    world, campaign_id, _ = await campaign_with_shares(database, clock)
    _, post = await world.launch()  # a second campaign: its shares must not count
    clock.advance(timedelta(hours=9))
    await world.share(post, "x")
    table = (await campaign_tables(await Campaign.get(id=campaign_id), ZONE))["schedule"]

    latest = await latest_raw_snapshots()
    cells: dict[tuple[str, int], list[int]] = defaultdict(lambda: [0, 0, 0])
    for share in await Share.filter(post__pack__campaign_id=campaign_id, status=ShareStatus.PUBLISHED):
        assert share.published_at is not None
        local = share.published_at.astimezone(ZoneInfo(ZONE))
        cell = cells[(WEEKDAYS[local.weekday()], local.hour)]
        cell[0] += 1
        snap = latest.get(share.id)
        if snap is not None and snap.impressions is not None and engagements_of(snap) is not None:
            cell[1] += snap.impressions
            cell[2] += engagements_of(snap) or 0
    expected = sorted(
        (day, hour, n, round(eng / imp * 100, 2) if imp else None)
        for (day, hour), (n, imp, eng) in cells.items()
    )
    assert sorted(table.rows) == expected
    assert sum(row[2] for row in table.rows) == 3
    assert table.provenance == "simulated" and ZONE in table.title
    # START is Monday 08:00 UTC: 02:00 in Chicago.
    assert {(row[0], row[1]) for row in table.rows} == {("Mon", 2)}


Item = tuple[int, int | None, int | None]


@given(st.lists(st.tuples(st.integers(0, 10**6), st.integers(0, 10**4) | st.none(),
                          st.integers(0, 500) | st.none()), max_size=40))
def test_heat_map_counts_every_share_once_and_pairs_rates(items: list[Item]) -> None:
    start = datetime(2026, 11, 2, tzinfo=UTC)
    shares = [PublishedShare(start + timedelta(minutes=m), imp, eng, "measured") for m, imp, eng in items]
    table = heat_map_table(shares, "Europe/Paris")
    assert sum(row[2] for row in table.rows) == len(shares)
    rated = [(imp, eng) for _, imp, eng in items if imp is not None and eng is not None]
    if not any(imp for imp, _ in rated):
        assert all(row[3] is None for row in table.rows)


def test_heat_map_figure_colours_by_engagement_rate_and_labels_counts_and_kind() -> None:
    monday_9 = datetime(2026, 11, 2, 8, tzinfo=UTC)  # 09:00 in Paris
    shares = [PublishedShare(monday_9, 1000, 50, "measured"), PublishedShare(monday_9, 1000, 30, "simulated"),
              PublishedShare(monday_9 + timedelta(days=2, hours=5), None, None, None)]
    table = heat_map_table(shares, "Europe/Paris")
    assert table.rows == [("Mon", 9, 2, 4.0), ("Wed", 14, 1, None)]
    figure = figures_of({"schedule": table})["schedule"]
    heat = figure.data[0]
    assert heat.type == "heatmap" and heat.z[0][9] == 4.0 and heat.text[0][9] == "2"
    assert heat.colorbar.title.text == "engagement rate (%)"
    assert "(simulated)" in figure.layout.title.text and "Europe/Paris" in figure.layout.title.text
    counts_only = figures_of({"schedule": heat_map_table(shares[2:], "UTC")})["schedule"]
    assert counts_only.data[0].colorbar.title.text == "shares"


async def test_points_equal_a_recount_from_raw_snapshots_clicks_and_shares(
    database: Settings, clock: SimulatedClock
) -> None:
    _, _, people = await campaign_with_shares(database, clock)
    latest = await latest_raw_snapshots()
    done = await tallies()
    for person in people:
        shares = await Share.filter(user_id=person.id, status=ShareStatus.PUBLISHED)
        engagements = sum(engagements_of(latest[s.id]) or 0 for s in shares if s.id in latest)
        clicks = sum(d.unique_visitors for d in await LinkClickDay.filter(link__share__user_id=person.id))
        expected = (CURRENT_RULE.per_share * len(shares) + CURRENT_RULE.per_click * clicks
                    + CURRENT_RULE.per_engagement * engagements)
        assert CURRENT_RULE.apply(done[person.id]) == expected, person.name
        assert done[person.id].engagements == engagements > 0
    assert done[people[0].id].clicks == 1


def test_points_rules_are_versioned_and_the_current_one_is_the_last() -> None:
    assert [r.version for r in POINTS_RULES] == sorted({r.version for r in POINTS_RULES})
    assert CURRENT_RULE is POINTS_RULES[-1]
    assert f"v{CURRENT_RULE.version}" in CURRENT_RULE.describe()


async def test_leaderboard_ranks_by_points_respects_hiding_and_the_switch(
    database: Settings, clock: SimulatedClock
) -> None:
    _, _, people = await campaign_with_shares(database, clock)
    done = await tallies()
    board = await leaderboard("individual", people[0])
    assert [s.points for s in board] == sorted((s.points for s in board), reverse=True)
    assert {s.name: s.points for s in board}[people[1].name] == CURRENT_RULE.apply(done[people[1].id])
    await set_hidden(clock, people[1], True)
    assert people[1].name not in {s.name for s in await leaderboard("individual", people[0])}
    teams = {s.name: s.points for s in await leaderboard("team", people[0])}
    assert teams["Nursing"] == sum(CURRENT_RULE.apply(done[p.id]) for p in people[:2]), "hidden still counts"
    assert await leaderboard("off", people[0]) == []


async def test_my_results_show_my_points_with_the_rule(
    database: Settings, clock: SimulatedClock, client: httpx.AsyncClient
) -> None:
    _, _, people = await campaign_with_shares(database, clock)
    me = people[0]
    mine = CURRENT_RULE.apply((await tallies([me.id]))[me.id])
    await sign_in(client, me)
    page = await client.get("/me/results")
    assert f"{mine:,}" in element(page.text, "kpi-my-points")
    assert CURRENT_RULE.describe() in element(page.text, "points-rule")
    assert f"{mine:,}" in element(page.text, "points-total")


async def test_a_new_ambassador_sees_zero_points_and_the_rule(
    database: Settings, clock: SimulatedClock, client: httpx.AsyncClient
) -> None:
    newcomer, _ = await factories.create_ambassador(clock, "x")
    await sign_in(client, newcomer)
    page = await client.get("/me/results")
    assert page.status_code == 200
    assert ">0<" in element(page.text, "points-total")
    assert "none reported yet" in element(page.text, "points")
