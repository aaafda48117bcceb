"""Monthly partitions of the snapshot table on PostgreSQL: made ahead by the collector, and a row of
an old month moved out of the default partition when its month is made."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from tortoise import connections

from advocacy.clock import SimulatedClock
from advocacy.settings import Settings
from dashboards.collection.partitions import ensure_partitions, months_from
from dashboards.models import MetricSnapshot, TrackedPost
from tests.dashboards.reporting.test_report import World


def test_months_from_crosses_the_year() -> None:
    assert months_from(date(2026, 11, 20), 3) == [date(2026, 11, 1), date(2026, 12, 1), date(2027, 1, 1)]


async def partition_of(snapshot_id: int) -> str:
    rows = await connections.get("default").execute_query_dict(
        "SELECT tableoid::regclass::text AS name FROM metric_snapshots WHERE id = $1", [snapshot_id])
    return str(rows[0]["name"])


async def test_old_month_rows_move_from_the_default_partition_to_their_month(
    database: Settings, clock: SimulatedClock
) -> None:
    connection = connections.get("default")
    if connection.capabilities.dialect != "postgres":
        pytest.skip("partitions exist on PostgreSQL only")
    world = World(database, clock)
    _, post = await world.launch()
    share = await world.share(post, "linkedin")
    old = await MetricSnapshot.create(share=share, network="linkedin", impressions=10, provenance="simulated",
                                      captured_at=datetime(2019, 3, 5, tzinfo=UTC))
    assert await partition_of(old.id) == "metric_snapshots_default"

    await ensure_partitions(connection, datetime(2019, 3, 1, tzinfo=UTC), ahead=1)

    assert await partition_of(old.id) == "metric_snapshots_2019_03"
    assert (await MetricSnapshot.get(id=old.id)).impressions == 10
    fresh = await MetricSnapshot.create(share=share, network="linkedin", provenance="simulated",
                                        captured_at=datetime(2019, 4, 30, 23, tzinfo=UTC))
    assert await partition_of(fresh.id) == "metric_snapshots_2019_04"
    assert await MetricSnapshot.filter(share=share).count() == 2


async def test_the_collector_makes_this_and_the_coming_months_partitions(
    database: Settings, clock: SimulatedClock
) -> None:
    connection = connections.get("default")
    if connection.capabilities.dialect != "postgres":
        pytest.skip("partitions exist on PostgreSQL only")
    world = World(database, clock)
    _, post = await world.launch()
    await world.share(post, "linkedin")
    await world.collect_for(1)
    now = clock.now()
    names = {row["name"] for row in await connection.execute_query_dict(
        "SELECT inhrelid::regclass::text AS name FROM pg_inherits"
        " WHERE inhparent = 'metric_snapshots'::regclass")}
    assert {f"metric_snapshots_{m:%Y_%m}" for m in months_from(now.date(), 3)} <= names
    tracked = await TrackedPost.get(share_id__not_isnull=True)
    snapshots = await MetricSnapshot.filter(share_id=tracked.share_id)  # type: ignore[attr-defined]
    assert snapshots
    assert "metric_snapshots_default" not in [await partition_of(s.id) for s in snapshots]
