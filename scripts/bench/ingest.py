"""Snapshot ingestion (raw rows, latest figures, daily rollups and totals) against raw asyncpg executemany.

    python -m scripts.bench.ingest [posts] [rounds]

Needs PostgreSQL: ADVOCACY_BENCH_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/advocacy_bench),
a database this script empties. Our path writes more than the baseline (it also keeps each post's
latest figures and collection schedule, its daily rollup and the programme's daily totals), which is
the point: the goal is at least 0.5 of the raw rate. As in the collector, every round moves each post
on in its schedule, so the post's row changes an indexed column each time. A raw COPY of the same
rows is measured in the same turns and shown in the note.
"""

from __future__ import annotations

import asyncio
import sys
import time
from datetime import UTC, datetime, timedelta

import asyncpg
from tortoise import Tortoise

from advocacy import db
from advocacy.accounts.models import SocialAccount
from advocacy.settings import Settings
from advocacy.users.models import User
from campaigns.models import Campaign
from connectors.base import PostMetrics
from dashboards.collection.ingest import record_snapshots
from dashboards.models import MetricSnapshot, TrackedPost
from scripts.bench.database import empty_and_migrate
from scripts.bench.result import Measure, bench_database_url, report

GOAL = 0.5
BATCH = 500  # what one collector round hands to record_snapshots per account batch
COPY_COLUMNS = ("network", "captured_at", "impressions", "reach", "reactions", "comments", "reshares",
                "clicks", "provenance")


def metrics_for(tracked: list[TrackedPost], at: datetime, step: int) -> list[PostMetrics]:
    return [
        PostMetrics(t.external_id, at, impressions=100 * step + i % 97, reach=80 * step, reactions=step,
                    comments=i % 3, reshares=i % 2, clicks=step + i % 5, provenance="simulated")
        for i, t in enumerate(tracked)
    ]


NOW = datetime(2026, 11, 1, tzinfo=UTC)


async def track_posts(posts: int) -> list[TrackedPost]:
    """`posts` posts of one account enrolled for collection (the ORM open on an empty database)."""
    user = await User.create(email="bench@example.org", name="Bench", role="ambassador", password_hash="x",
                             department="Nursing", region="North", created_at=NOW)
    account = await SocialAccount.create(user=user, network="linkedin", external_id="bench", handle="bench",
                                         status="connected", connected_at=NOW)
    campaign = await Campaign.create(name="Bench", slug="bench", starts_at=NOW,
                                     ends_at=NOW + timedelta(days=30), created_by=user, created_at=NOW)
    await TrackedPost.bulk_create([
        TrackedPost(account=account, campaign=campaign, network="linkedin", external_id=f"p{i}",
                    published_at=NOW)
        for i in range(posts)
    ], batch_size=1000)
    return await TrackedPost.all().select_related("account").order_by("id")


async def measure(url: str, posts: int = 5000, rounds: int = 4) -> list[Measure]:
    settings = Settings(database_url=url)
    await empty_and_migrate(settings)
    await db.init_db(settings)
    tracked = await track_posts(posts)
    ours_rows, ours_time, raw_rows, raw_time, copy_rows, copy_time = 0, 0.0, 0, 0.0, 0, 0.0
    raw = await asyncpg.connect(url.replace("postgres://", "postgresql://"))
    try:
        # Ours and the baseline in turns, round by round, so a busy moment on the machine hits both.
        for step in range(1, rounds + 1):
            at = NOW + timedelta(hours=6 * step)
            readings = metrics_for(tracked, at, step)
            for post in tracked:  # the collector moves each collected post on in its schedule
                post.collections_done = step
                post.next_collect_at = at + timedelta(hours=6)
            started = time.perf_counter()
            for i in range(0, len(tracked), BATCH):
                ours_rows += await record_snapshots(list(zip(tracked[i:i + BATCH], readings[i:i + BATCH],
                                                             strict=True)))
            ours_time += time.perf_counter() - started

            rows = [("linkedin", at, m.impressions, m.reach, m.reactions, m.comments, m.reshares, m.clicks,
                     "simulated") for m in readings]
            started = time.perf_counter()
            for i in range(0, len(rows), BATCH):
                await raw.executemany(
                    "INSERT INTO metric_snapshots (network, captured_at, impressions, reach, reactions,"
                    " comments, reshares, clicks, provenance) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
                    rows[i:i + BATCH],
                )
                raw_rows += len(rows[i:i + BATCH])
            raw_time += time.perf_counter() - started

            # COPY of the same rows, which our path uses for the snapshots: shown beside the goal's
            # baseline so the ratio can be read against the fastest plain insert too.
            started = time.perf_counter()
            for i in range(0, len(rows), BATCH):
                await raw.copy_records_to_table("metric_snapshots", records=rows[i:i + BATCH],
                                                columns=COPY_COLUMNS)
                copy_rows += len(rows[i:i + BATCH])
            copy_time += time.perf_counter() - started
    finally:
        await raw.close()
    assert await MetricSnapshot.all().count() == ours_rows + raw_rows + copy_rows
    await Tortoise.close_connections()

    ours_rate, raw_rate, copy_rate = ours_rows / ours_time, raw_rows / raw_time, copy_rows / copy_time
    return [Measure("snapshot ingestion (rows + latest + daily rollups and totals)", ours_rate, raw_rate,
                    "rows/s", GOAL, baseline_name="raw asyncpg executemany of the snapshot rows",
                    note=f"{posts:,} posts x {rounds} rounds, batches of {BATCH}, PostgreSQL; "
                         f"raw COPY of the same rows {copy_rate:,.0f} rows/s "
                         f"(ours / COPY {ours_rate / copy_rate:.2f})",
                    extra={"copy_rows_per_second": copy_rate})]


def main() -> None:
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    posts = int(args[0]) if args else 5000
    rounds = int(args[1]) if len(args) > 1 else 4
    report(asyncio.run(measure(bench_database_url(), posts, rounds)), "--json" in sys.argv)


if __name__ == "__main__":
    main()
