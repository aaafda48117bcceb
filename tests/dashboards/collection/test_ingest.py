"""Daily rollups kept by the collector agree with the raw snapshots they were built from."""

from __future__ import annotations

from collections import defaultdict
from datetime import UTC, date, datetime, time, timedelta

import pytest
from tortoise import connections
from tortoise.exceptions import IntegrityError

from advocacy.clock import SimulatedClock
from advocacy.settings import Settings
from connectors.base import PostMetrics
from dashboards.collection.ingest import ROLLED, ROW_TYPES, record_snapshots, totals_from_rollups
from dashboards.models import DailyRollup, DailyTotal, MetricSnapshot, ParticipationDay, TrackedPost
from dashboards.reporting.report import campaign_report
from tests.conftest import START
from tests.dashboards.reporting.test_report import World


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


def _add(total: int | None, value: int | None) -> int | None:
    return total if value is None else (value if total is None else total + value)


async def rollups_by_slice() -> dict[tuple[object, ...], list[int | None]]:
    """The per-post rollups summed by the slices of the daily totals, not reported kept as None."""
    published = {t.id: t.published_at.astimezone(UTC).date() for t in await TrackedPost.all()}
    sums: dict[tuple[object, ...], list[int | None]] = defaultdict(lambda: [None, None, None, None])
    for row in await DailyRollup.all():
        key = (row.day, row.campaign_id, published[row.tracked_id], row.is_brand,  # type: ignore[attr-defined]
               row.network, row.department, row.region)
        for index, name in enumerate(ROLLED):
            sums[key][index] = _add(sums[key][index], getattr(row, name))
    return dict(sums)


async def totals_by_slice() -> dict[tuple[object, ...], list[int | None]]:
    sums: dict[tuple[object, ...], list[int | None]] = defaultdict(lambda: [None, None, None, None])
    for row in await DailyTotal.all():
        key = (row.day, row.campaign_id, row.published_on, row.is_brand, row.network,  # type: ignore[attr-defined]
               row.department, row.region)
        for index, name in enumerate(ROLLED):
            sums[key][index] = _add(sums[key][index], getattr(row, name))
    return dict(sums)


async def test_daily_totals_equal_the_sums_of_the_rollups_after_batches_and_a_day_collected_again(
    database: Settings, clock: SimulatedClock
) -> None:
    await launched_world(database, clock)
    # The same day's figures again, in two more batches: the second reports no impressions and
    # nothing for X, so a not-reported figure must add nothing to the totals either.
    tracked = await TrackedPost.all().select_related("account").order_by("id")
    for step, impressions in ((1, 10_000), (2, None)):
        clock.advance(timedelta(minutes=30))
        await record_snapshots([
            (t, PostMetrics(t.external_id, clock.now(), impressions=impressions if impressions is None
                            else impressions * step + t.id, reach=None, reactions=50 * step, comments=step,
                            reshares=None, clicks=None if t.network == "x" else 20 * step,
                            provenance="measured"))
            for t in tracked
        ])
    totals = await totals_by_slice()
    assert totals == await rollups_by_slice()
    assert len(totals) > 10, "a slice per day, side, network, department and region"
    assert any(figures[1] is None for figures in totals.values()), "X reports no reach: not zero"
    assert await DailyTotal.filter(provenance="measured").exists()
    report = await campaign_report(None)
    raw = await raw_daily_gains("impressions")
    assert report.daily == [(day, raw.get((day, False), 0), raw.get((day, True), 0))
                            for day in sorted({day for day, _ in raw})]


async def test_totals_filled_from_the_rollups_on_upgrade_equal_those_the_collector_kept(
    database: Settings, clock: SimulatedClock
) -> None:
    await launched_world(database, clock)
    kept = await totals_by_slice()
    await DailyTotal.all().delete()
    connection = connections.get("default")
    await connection.execute_script(totals_from_rollups(connection.capabilities.dialect))
    assert await totals_by_slice() == kept
    assert kept


async def test_a_window_cutting_through_a_day_reads_the_rollups_with_the_same_figures(
    database: Settings, clock: SimulatedClock
) -> None:
    await launched_world(database, clock)
    midnight = datetime.combine(START.date(), time(), UTC)
    by_totals = await campaign_report(None, midnight, midnight + timedelta(days=2))
    by_rollups = await campaign_report(None, midnight, midnight + timedelta(days=2) - timedelta(seconds=1))
    # No post was published in that last second, so the two windows hold the same posts.
    assert by_totals.daily == by_rollups.daily and by_totals.by_region == by_rollups.by_region
    assert by_totals.daily


async def test_a_post_the_platform_returns_nothing_for_still_moves_on_in_the_schedule(
    database: Settings, clock: SimulatedClock
) -> None:
    world = World(database, clock)
    _, post = await world.launch()
    first = await world.share(post, "linkedin", department="Nursing")
    second = await world.share(post, "linkedin", department="Pharmacy")
    await world.collector.enrol_new_posts()
    # An id the platform never issued: the fetch returns metrics for the other post only.
    await TrackedPost.filter(share_id=second.id).update(external_id="linkedin-unknown")
    clock.advance(timedelta(hours=2))
    await world.collector.run_once()
    collected = await TrackedPost.get(share_id=first.id)
    missed = await TrackedPost.get(share_id=second.id)
    assert collected.collections_done == missed.collections_done == 1
    assert collected.next_collect_at == missed.next_collect_at
    assert collected.next_collect_at is not None and collected.next_collect_at > clock.now()
    assert collected.latest_impressions is not None and missed.latest_impressions is None
    assert await MetricSnapshot.filter(share_id=second.id).count() == 0


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


async def test_the_batch_row_types_are_the_columns_the_collector_sends(
    database: Settings, clock: SimulatedClock
) -> None:
    if not database.is_postgres:
        pytest.skip("the row types exist on PostgreSQL only (SQLite writes row by row)")
    rows = await connections.get("default").execute_query_dict(
        "SELECT t.typname AS name, a.attname AS column FROM pg_type t"
        " JOIN pg_attribute a ON a.attrelid = t.typrelid AND a.attnum > 0 AND NOT a.attisdropped"
        " WHERE t.typname = ANY($1::text[]) ORDER BY t.typname, a.attnum", [list(ROW_TYPES)])
    made: dict[str, tuple[str, ...]] = defaultdict(tuple)
    for row in rows:
        made[row["name"]] += (row["column"],)
    assert made == ROW_TYPES


async def counts_of_every_table_written() -> tuple[int, int, int, int]:
    return (await MetricSnapshot.all().count(), await DailyRollup.all().count(),
            await DailyTotal.all().count(), await TrackedPost.filter(latest_impressions=777).count())


async def test_a_batch_that_fails_part_way_writes_nothing(database: Settings, clock: SimulatedClock) -> None:
    await launched_world(database, clock)
    before = await counts_of_every_table_written()
    tracked = await TrackedPost.all().select_related("account").order_by("id")
    # The last post claims a campaign that does not exist: its rollup is refused by the database
    # after the snapshots and the other posts' rows have gone in.
    tracked[-1].campaign_id = 10_000_000  # type: ignore[attr-defined]
    clock.advance(timedelta(days=2))
    with pytest.raises(IntegrityError):
        await record_snapshots([
            (t, PostMetrics(t.external_id, clock.now(), impressions=777, reach=None, reactions=1, comments=0,
                            reshares=0, clicks=1, provenance="measured"))
            for t in tracked
        ])
    assert await counts_of_every_table_written() == before
