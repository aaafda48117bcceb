"""Every benchmark's seeder, at a tiny size, so a seeder the schema has outgrown fails the suite.

Benchmarks are never part of pass or fail: these tests check the data each one starts from, not
speed. Each benchmark empties and migrates its database (`scripts.bench.database`), then fills it;
the fill runs here on the suite's own emptied database. Fills written in PostgreSQL's SQL are
skipped on SQLite.
"""

from __future__ import annotations

from datetime import UTC, datetime

import httpx
import pytest
from tortoise import Tortoise, connections

from advocacy.links.models import ShortLink
from advocacy.settings import Settings
from advocacy.shares.models import Share, ShareStatus
from advocacy.users.models import User
from dashboards.models import TrackedPost
from scripts.bench import (
    audience,
    compliance,
    dashboard,
    dispatch,
    feed,
    ingest,
    launch,
    plotly_load,
    redirect,
)


@pytest.fixture
def on_postgres(database: Settings) -> Settings:
    if not database.is_postgres:
        pytest.skip("the benchmark's data are made with PostgreSQL's SQL (generate_series, asyncpg)")
    return database


async def count(sql: str) -> int:
    rows = await connections.get("default").execute_query_dict(sql)
    return int(next(iter(rows[0].values())))


async def test_redirect_seeder_makes_the_short_link(database: Settings) -> None:
    slug = await redirect.make_link()
    assert await ShortLink.filter(slug=slug).exists()


async def test_plotly_load_benchmark_fetches_every_asset_of_a_chart_page(client: httpx.AsyncClient) -> None:
    compressed = await plotly_load.first_load(client, plotly_load.BROWSER_ENCODINGS)
    raw = await plotly_load.first_load(client, plotly_load.UNCOMPRESSED)
    assert compressed.bytes == raw.bytes == raw.wire_bytes > 4_000_000
    assert compressed.wire_bytes < plotly_load.BYTES_GOAL


def test_compliance_benchmark_reads_its_corpus() -> None:
    checks, memory = compliance.measure(seconds=0.01)
    assert checks.ours > 0 and checks.baseline > 0
    assert "texts" in checks.note
    assert memory.ours > memory.baseline > 0  # resident memory after loading the engine, and before


async def test_ingest_seeder_tracks_the_posts(database: Settings) -> None:
    tracked = await ingest.track_posts(3)
    assert [post.external_id for post in tracked] == ["p0", "p1", "p2"]
    assert all(post.account.network == "linkedin" for post in tracked)
    assert await TrackedPost.all().count() == 3


async def test_dispatch_seeder_queues_one_share_per_person_and_post(database: Settings) -> None:
    await dispatch.queue_shares(5, datetime(2026, 11, 2, 8, 0, tzinfo=UTC), accounts=2)
    shares = await Share.filter(status=ShareStatus.QUEUED)
    assert len(shares) == 5
    # The unique index allows one share per person, post and network: two people take three posts.
    assert len({(s.user_id, s.post_id) for s in shares}) == 5  # type: ignore[attr-defined]


async def test_launch_seeder_fills_the_programme(on_postgres: Settings) -> None:
    editor, campaign_id = await launch.fill_programme(20)
    assert editor.role == "editor" and campaign_id
    # The twenty targeted, a tenth more outside the audience, the editor and the reviewer.
    assert await User.all().count() == 20 + 2 + 2


async def test_audience_seeder_fills_people_and_segments(on_postgres: Settings) -> None:
    _, campaign, segment_ids = await audience.fill(50)
    assert campaign.id and len(segment_ids) == 2
    assert await count("SELECT count(*) FROM users WHERE role = 'ambassador'") == 50
    assert await count("SELECT count(*) FROM group_members") == 1


async def test_dashboard_seeder_makes_snapshots_and_what_derives_from_them(on_postgres: Settings) -> None:
    timings = await dashboard.fill(on_postgres.database_url, 70)
    assert timings["snapshots_made"] == 70
    assert await count("SELECT count(*) FROM daily_rollups") > 0
    assert await count("SELECT count(*) FROM daily_totals") > 0
    assert await count("SELECT count(*) FROM tracked_posts WHERE latest_impressions > 0") == 10


async def test_feed_seeder_signs_up_an_ambassador_with_a_token(on_postgres: Settings) -> None:
    # The feed benchmark empties and migrates the database itself; it leaves it migrated.
    await Tortoise.close_connections()
    user_id, email, password, token = await feed.seed(on_postgres.database_url)
    assert user_id > 0 and email and password and token
