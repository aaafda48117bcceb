"""Daily rollups kept by the collector agree with the raw snapshots they were built from."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta

from advocacy.clock import SimulatedClock
from advocacy.settings import Settings
from connectors.base import PostMetrics
from dashboards.ingest import record_snapshots
from dashboards.models import DailyRollup, MetricSnapshot, ParticipationDay, TrackedPost
from dashboards.report import campaign_report
from tests.test_reports import World


async def raw_daily_gains(metric: str) -> dict[tuple[date, bool], int]:
    """Per day and side (brand or not), what each post's cumulative figure gained, from raw snapshots."""
    last: dict[tuple[bool, int], int] = {}
    gains: dict[tuple[date, bool], int] = defaultdict(int)
    for snap in await MetricSnapshot.all().order_by("captured_at", "id"):
        value = getattr(snap, metric)
        if value is None:
            continue
        is_brand = snap.share_id is None  # type: ignore[attr-defined]
        key = (is_brand, snap.brand_post_id if is_brand else snap.share_id)  # type: ignore[attr-defined]
        gains[(snap.captured_at.date(), is_brand)] += value - last.get(key, 0)
        last[key] = value
    return dict(gains)


async def rollup_daily(metric: str) -> dict[tuple[date, bool], int]:
    sums: dict[tuple[date, bool], int] = defaultdict(int)
    for row in await DailyRollup.all():
        if getattr(row, metric) is not None:
            sums[(row.day, row.is_brand)] += getattr(row, metric)
    return dict(sums)


async def launched_world(database: Settings, clock: SimulatedClock) -> World:
    world = World(database, clock)
    _, post = await world.launch()
    await world.share(post, "linkedin", department="Nursing", region="North")
    await world.share(post, "x", department="Nursing", region="South")
    await world.share(post, "linkedin", department="Pharmacy", region="North")
    await world.collect_for(30)
    return world


async def test_rollups_equal_the_daily_gains_recomputed_from_raw_snapshots(
    database: Settings, clock: SimulatedClock
) -> None:
    await launched_world(database, clock)
    # Engagements are a sum of three raw columns: the department test below checks them.
    for metric in ("impressions", "reach", "clicks"):
        assert await rollup_daily(metric) == await raw_daily_gains(metric), metric
    assert await DailyRollup.all().count() > 3 * 5, "one row per post and collected day"


async def test_rollups_by_department_add_up_to_each_posts_latest_snapshot(
    database: Settings, clock: SimulatedClock
) -> None:
    await launched_world(database, clock)
    latest: dict[int, MetricSnapshot] = {}
    for snap in await MetricSnapshot.filter(share_id__not_isnull=True).order_by("captured_at", "id"):
        latest[snap.share_id] = snap  # type: ignore[attr-defined]
    tracked = {t.share_id: t for t in await TrackedPost.filter(share_id__not_isnull=True)  # type: ignore[attr-defined]
               .select_related("share__user")}
    expected: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for share_id, snap in latest.items():
        share = tracked[share_id].share
        assert share is not None
        department = share.user.department
        expected[department][0] += snap.impressions or 0
        expected[department][1] += (snap.reactions or 0) + (snap.comments or 0) + (snap.reshares or 0)
    rolled: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for row in await DailyRollup.filter(is_brand=False):
        rolled[row.department][0] += row.impressions or 0
        rolled[row.department][1] += row.engagements or 0
    assert dict(rolled) == dict(expected)
    assert set(rolled) == {"Nursing", "Pharmacy"}


async def test_report_daily_series_matches_the_raw_snapshots(
    database: Settings, clock: SimulatedClock
) -> None:
    await launched_world(database, clock)
    report = await campaign_report(None)
    raw = await raw_daily_gains("impressions")
    assert report.daily == [
        (day, raw.get((day, False), 0), raw.get((day, True), 0))
        for day in sorted({day for day, _ in raw})
    ]


async def test_a_snapshot_without_a_figure_leaves_it_not_reported(
    database: Settings, clock: SimulatedClock
) -> None:
    world = World(database, clock)
    _, post = await world.launch()
    share = await world.share(post, "linkedin", department="Nursing")
    await world.collector.enrol_new_posts()
    tracked = await TrackedPost.get(share_id=share.id).select_related("account")
    clock.advance(timedelta(hours=2))
    reading = PostMetrics(tracked.external_id, clock.now(), impressions=None, reach=None, reactions=4,
                          comments=1, reshares=None, clicks=None, provenance="measured")
    assert await record_snapshots([(tracked, reading)]) == 1
    row = await DailyRollup.get(tracked_id=tracked.id)
    assert (row.impressions, row.engagements, row.clicks) == (None, 5, None)
    assert (row.department, row.network, row.is_brand) == ("Nursing", "linkedin", False)


async def test_recording_snapshots_stores_each_posts_latest_figures(
    database: Settings, clock: SimulatedClock
) -> None:
    world = World(database, clock)
    _, post = await world.launch()
    share = await world.share(post, "linkedin", department="Nursing")
    await world.collector.enrol_new_posts()
    tracked = await TrackedPost.get(share_id=share.id).select_related("account")
    clock.advance(timedelta(hours=2))
    first = PostMetrics(tracked.external_id, clock.now(), impressions=100, reach=None, reactions=4,
                        comments=1, reshares=None, clicks=3, provenance="measured")
    clock.advance(timedelta(hours=1))
    second = PostMetrics(tracked.external_id, clock.now(), impressions=150, reach=None, reactions=None,
                         comments=None, reshares=None, clicks=None, provenance="estimated")
    assert await record_snapshots([(tracked, first), (tracked, second)]) == 2
    stored = await TrackedPost.get(id=tracked.id)
    # A figure the later snapshot does not report keeps its last reported value.
    assert (stored.latest_impressions, stored.latest_reach, stored.latest_engagements,
            stored.latest_clicks, stored.latest_provenance) == (150, None, 5, 3, "estimated")
    row = await DailyRollup.get(tracked_id=tracked.id)
    assert (row.impressions, row.reach, row.engagements, row.clicks) == (150, None, 5, 3)


async def test_participation_is_recorded_per_day_and_kept(database: Settings, clock: SimulatedClock) -> None:
    world = World(database, clock)
    _, post = await world.launch()
    await world.share(post, "linkedin")
    await world.collector.run_once()
    first_day = clock.now().date()
    clock.advance(timedelta(days=1))
    await world.share(post, "x")
    await world.collector.run_once()
    days = {d.day: (d.invited, d.opted_in, d.sharing) for d in await ParticipationDay.all()}
    assert days[first_day] == (1, 1, 1), "yesterday is not recomputed against today's headcount"
    assert days[first_day + timedelta(days=1)] == (2, 2, 2)
