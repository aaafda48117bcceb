"""Leadership dashboard over millions of metric snapshots against a raw aggregate over the snapshots.

    python -m scripts.bench.dashboard [--snapshots N] [--runs R] [--reuse | --rebuild-rollups] [--json]

Needs PostgreSQL: ADVOCACY_BENCH_DATABASE_URL (a database this script empties). The data are made on
the server (generate_series, INSERT ... SELECT), not through the ORM: ambassadors, their published
shares, one tracked post per share and seven snapshots per post at the collector's own offsets
(dashboards.collection.collect.SNAPSHOT_OFFSETS). The daily rollups, each post's latest figures and the
programme's daily totals are then built the way the collector maintains them (dashboards.collection.ingest): a
day's rollup holds what each cumulative figure gained since the post's previous snapshot, the post
keeps its last reported figures, and a day's total sums the rollups of its slice.

--reuse measures what a previous run left; --rebuild-rollups keeps its snapshots, migrates the database
and rebuilds the rollups, latest figures and totals from them (after a schema change, without
generating them again).

Ours: the leadership dashboard's data path (dashboards.reporting.leadership.leadership) for the whole
programme and all time, the widest view, computed afresh (the figure cache is emptied before each run);
then the same call answered from the cache. Baseline: the best plain SQL over the raw snapshot table for
the same numbers, one statement per figure group: the latest figures per post with DISTINCT ON, totals by
network, department and channel, and the new impressions per day by window functions. Goal: ours <= 0.1
of its time.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import time
from datetime import UTC, datetime, timedelta

import asyncpg
from tortoise import Tortoise

from advocacy import db
from advocacy.clock import SimulatedClock
from advocacy.settings import Settings
from dashboards.collection.collect import SNAPSHOT_OFFSETS
from dashboards.collection.ingest import totals_from_rollups
from dashboards.web.cache import FigureCache
from dashboards.web.pages import figure_specs
from scripts.bench.database import empty_and_migrate
from scripts.bench.result import Measure, bench_database_url, report

GOAL = 0.1
AMBASSADORS = 2000
DEPARTMENTS = ("Nursing", "Cardiology", "Oncology", "Pediatrics", "Emergency", "Radiology", "Surgery",
               "Pharmacy", "Research", "Administration")
REGIONS = ("North", "South", "East", "West", "Central")
START = datetime(2025, 11, 1, tzinfo=UTC)
DAYS = 365  # shares are published over a year, so snapshots span thirteen months
CAMPAIGNS = 12

RAW_TOTALS = """
WITH latest AS (
    SELECT DISTINCT ON (share_id, brand_post_id) share_id, brand_post_id, network, impressions, reach,
           reactions + comments + reshares AS engagements, clicks, provenance
    FROM metric_snapshots ORDER BY share_id, brand_post_id, captured_at DESC
)
SELECT l.network, l.share_id IS NULL AS is_brand, u.department, u.region, count(*) AS posts,
       sum(l.impressions) AS impressions, sum(l.reach) AS reach, sum(l.engagements) AS engagements,
       sum(l.clicks) AS clicks, array_agg(DISTINCT l.provenance) AS provenances
FROM latest l LEFT JOIN shares s ON s.id = l.share_id LEFT JOIN users u ON u.id = s.user_id
GROUP BY 1, 2, 3, 4
"""
RAW_DAILY = """
SELECT captured_at::date AS day, share_id IS NULL AS is_brand,
       sum(impressions - coalesce(previous, 0)) AS impressions
FROM (
    SELECT share_id, brand_post_id, captured_at, impressions,
           lag(impressions) OVER (PARTITION BY share_id, brand_post_id ORDER BY captured_at) AS previous
    FROM metric_snapshots
) AS gains
GROUP BY 1, 2 ORDER BY 1
"""


def offsets_sql() -> str:
    intervals = ", ".join(f"interval '{int(o.total_seconds())} seconds'" for o in SNAPSHOT_OFFSETS)
    return f"ARRAY[{intervals}]"


async def generate(url: str, snapshots: int) -> dict[str, float]:
    """Empty the database, migrate it and fill it; returns how long each step took."""
    await empty_and_migrate(Settings(database_url=url))
    return await fill(url, snapshots)


async def fill(url: str, snapshots: int) -> dict[str, float]:
    """Fill a migrated, empty PostgreSQL database with about `snapshots` snapshots and what derives
    from them; returns how long each step took and how many snapshots were made."""
    posts = max(1, snapshots // len(SNAPSHOT_OFFSETS))
    # One share per person, post and network (the shares' unique index): consecutive shares go to
    # distinct ambassadors, so each run of AMBASSADORS shares of a campaign takes a post of its own.
    per_campaign = posts // AMBASSADORS + 1
    timings: dict[str, float] = {}
    conn = await asyncpg.connect(url.replace("postgres://", "postgresql://"))
    try:
        async def step(name: str, sql: str, *args: object) -> None:
            started = time.perf_counter()
            await conn.execute(sql, *args)
            timings[name] = time.perf_counter() - started

        await step("users", f"""
            INSERT INTO users (email, name, role, password_hash, department, region, timezone, opted_in_at,
                               is_active, created_at, manager_email)
            SELECT 'a' || n || '@bench.example.org', 'Ambassador ' || n, 'ambassador', 'x',
                   (ARRAY{list(DEPARTMENTS)!r})[1 + n % {len(DEPARTMENTS)}],
                   (ARRAY{list(REGIONS)!r})[1 + (n / 7) % {len(REGIONS)}], 'UTC', $1, true, $1, ''
            FROM generate_series(1, {AMBASSADORS}) AS n""", START)
        await step("accounts", """
            INSERT INTO social_accounts (network, handle, external_id, followers, is_brand, status,
                                         connected_at, user_id, parked_reason, status_reason)
            SELECT CASE WHEN id % 3 = 0 THEN 'x' ELSE 'linkedin' END, 'h' || id, 'ext' || id, 200 + id % 900,
                   false, 'connected', $1, id, '', ''
            FROM users""", START)
        await step("campaigns", f"""
            INSERT INTO campaigns (name, slug, description, starts_at, ends_at, status, created_at,
                                   created_by_id)
            SELECT 'Campaign ' || n, 'campaign-' || n, '', $1 + (n - 1) * interval '1 month',
                   $1 + n * interval '1 month', 'launched', $1, 1
            FROM generate_series(1, {CAMPAIGNS}) AS n;
            INSERT INTO content_packs (campaign_id, title, status, review_note, created_at, author_id)
            SELECT id, 'Pack ' || id, 'approved', '', $1, 1 FROM campaigns;
            INSERT INTO posts (id, pack_id, title, url, created_at, brand_ref_linkedin, brand_ref_x,
                               link_description, link_image, link_title, media_url, featured)
            SELECT (id - 1) * {per_campaign} + k, id, 'Post ' || k || ' of pack ' || id,
                   'https://example.org/' || id || '/' || k, $1, '', '', '', '', '', '', false
            FROM content_packs CROSS JOIN generate_series(1, {per_campaign}) AS k;
            SELECT setval(pg_get_serial_sequence('posts', 'id'), (SELECT max(id) FROM posts))""".replace(
            "$1", "'" + START.isoformat() + "'::timestamptz"))
        await step("shares", f"""
            INSERT INTO shares (network, text, status, due_at, attempts, external_id, published_at,
                                last_error, created_at, updated_at, account_id, post_id, user_id,
                                needs_reconcile)
            SELECT a.network, 'Bench share ' || n, 'published', t, 1, 'x' || n, t, '', t, t, a.id,
                   ((n % {DAYS}) / 31 % {CAMPAIGNS}) * {per_campaign} + 1 + n / {AMBASSADORS}, a.user_id,
                   false
            FROM generate_series(1, {posts}) AS n
            CROSS JOIN LATERAL (SELECT $1::timestamptz + ((n % {DAYS}) * interval '1 day')
                                + ((n::bigint * 7919) % 86400) * interval '1 second' AS t) AS moment
            JOIN social_accounts a ON a.id = 1 + (n * 31) % {AMBASSADORS}""", START)
        await step("tracked posts", """
            INSERT INTO tracked_posts (network, external_id, published_at, collections_done, account_id,
                                       campaign_id, share_id)
            SELECT s.network, s.external_id, s.published_at, 7, s.account_id, p.pack_id, s.id
            FROM shares s JOIN posts p ON p.id = s.post_id""")
        # The months' partitions first, as the collector makes them ahead of time (PostgreSQL).
        await step("partitions", f"""
            SELECT metric_snapshots_month(m::date)
            FROM generate_series($1::date, $1::date + {DAYS + 60}, interval '1 month') AS m""", START.date())
        # Cumulative figures that grow with each snapshot; X reports no reach, as on the real platform.
        await step("snapshots", f"""
            INSERT INTO metric_snapshots (share_id, network, captured_at, impressions, reach, reactions,
                                          comments, reshares, clicks, provenance)
            SELECT t.share_id, t.network, t.published_at + o.offset_at, (50 + t.id % 400) * o.k,
                   CASE WHEN t.network = 'x' THEN NULL ELSE (40 + t.id % 300) * o.k END,
                   (t.id % 13) * o.k, (t.id % 5) * o.k, (t.id % 3) * o.k, (t.id % 11) * o.k, 'simulated'
            FROM tracked_posts t
            CROSS JOIN unnest({offsets_sql()}) WITH ORDINALITY AS o(offset_at, k)""")
        await derive(conn, timings)
        timings["snapshots_made"] = float(await conn.fetchval("SELECT count(*) FROM metric_snapshots"))
    finally:
        await conn.close()
    return timings


async def timed(conn: asyncpg.Connection, timings: dict[str, float], name: str, sql: str,
                *args: object) -> None:
    started = time.perf_counter()
    await conn.execute(sql, *args)
    timings[name] = time.perf_counter() - started


async def derive(conn: asyncpg.Connection, timings: dict[str, float]) -> None:
    """What the collector keeps beside the snapshots, rebuilt from them: rollups, latest figures and
    the programme's daily totals."""
    await conn.execute("TRUNCATE daily_rollups, daily_totals RESTART IDENTITY")
    # The collector's rollups: per post and day, what each figure gained since the previous snapshot.
    await timed(conn, timings, "daily rollups", """
        INSERT INTO daily_rollups (day, tracked_id, campaign_id, is_brand, network, user_id, department,
                                   region, impressions, reach, engagements, clicks, provenance)
        SELECT g.captured_at::date, t.id, t.campaign_id, false, t.network, u.id, u.department, u.region,
               sum(g.impressions), sum(g.reach), sum(g.engagements), sum(g.clicks), 'simulated'
        FROM (
            SELECT share_id, captured_at,
                   impressions - coalesce(lag(impressions) OVER w, 0) AS impressions,
                   reach - coalesce(lag(reach) OVER w, 0) AS reach,
                   (reactions + comments + reshares)
                     - coalesce(lag(reactions + comments + reshares) OVER w, 0) AS engagements,
                   clicks - coalesce(lag(clicks) OVER w, 0) AS clicks
            FROM metric_snapshots WINDOW w AS (PARTITION BY share_id ORDER BY captured_at)
        ) AS g
        JOIN tracked_posts t ON t.share_id = g.share_id
        JOIN shares s ON s.id = t.share_id JOIN users u ON u.id = s.user_id
        GROUP BY g.captured_at::date, t.id, u.id""")
    await timed(conn, timings, "latest figures", """
        UPDATE tracked_posts t SET latest_impressions = l.impressions, latest_reach = l.reach,
               latest_engagements = l.reactions + l.comments + l.reshares, latest_clicks = l.clicks,
               latest_provenance = l.provenance
        FROM (SELECT DISTINCT ON (share_id) * FROM metric_snapshots ORDER BY share_id, captured_at DESC) l
        WHERE l.share_id = t.share_id""")
    # The programme's per-day totals by slice, summed from the rollups as the upgrade fills them;
    # every rollup here is simulated, so the collector would have summed the same gains.
    await timed(conn, timings, "daily totals", totals_from_rollups("postgres"))
    await timed(conn, timings, "analyze", "VACUUM ANALYZE")


async def rederive(url: str) -> dict[str, float]:
    """Migrate a database a previous run filled and rebuild what derives from its snapshots."""
    settings = Settings(database_url=url)
    await db.migrate(settings)
    timings: dict[str, float] = {}
    conn = await asyncpg.connect(url.replace("postgres://", "postgresql://"))
    try:
        await derive(conn, timings)
        timings["snapshots_made"] = float(await conn.fetchval("SELECT count(*) FROM metric_snapshots"))
    finally:
        await conn.close()
    return timings


async def raw_aggregate(url: str) -> float:
    conn = await asyncpg.connect(url.replace("postgres://", "postgresql://"))
    try:
        started = time.perf_counter()
        await conn.fetch(RAW_TOTALS)
        await conn.fetch(RAW_DAILY)
        return time.perf_counter() - started
    finally:
        await conn.close()


async def ours(url: str) -> tuple[float, float, float]:
    """Seconds of the leadership data path computed afresh and from the figure cache, and of building
    the page's Plotly figures from those data (the page's own work on top of its data)."""
    settings = Settings(database_url=url)
    clock = SimulatedClock(START + timedelta(days=DAYS + 40))
    await db.init_db(settings)
    try:
        cache = FigureCache(seconds=60)  # new and empty: the first call computes
        started = time.perf_counter()
        await cache.leadership(clock, settings, None, None, None)
        fresh = time.perf_counter() - started
        started = time.perf_counter()
        data = await cache.leadership(clock, settings, None, None, None)
        warm = time.perf_counter() - started
        started = time.perf_counter()
        figure_specs(data.tables)
        return fresh, warm, time.perf_counter() - started
    finally:
        await Tortoise.close_connections()


async def existing(url: str) -> dict[str, float]:
    conn = await asyncpg.connect(url.replace("postgres://", "postgresql://"))
    try:
        return {"snapshots_made": float(await conn.fetchval("SELECT count(*) FROM metric_snapshots"))}
    finally:
        await conn.close()


async def measure(url: str, snapshots: int = 10_000_000, runs: int = 3, reuse: bool = False,
                  rebuild: bool = False) -> list[Measure]:
    if reuse:
        timings = await existing(url)
    elif rebuild:
        timings = await rederive(url)
    else:
        timings = await generate(url, snapshots)
    made = int(timings.pop("snapshots_made"))
    fresh: list[float] = []
    warm: list[float] = []
    figures: list[float] = []
    raw: list[float] = []
    for _ in range(runs):  # in turns, so a busy moment on the machine hits both alike
        f, w, g = await ours(url)
        fresh.append(f)
        warm.append(w)
        figures.append(g)
        raw.append(await raw_aggregate(url))
    r, f, w = statistics.median(raw), statistics.median(fresh), statistics.median(warm)
    made_in = ", ".join(f"{name} {seconds:.1f} s" for name, seconds in timings.items())
    return [
        Measure(f"leadership dashboard data, {made:,} snapshots, computed", f, r, "s", GOAL,
                higher_is_better=False, baseline_name="plain SQL aggregate over the raw snapshots",
                note=f"medians of {runs} runs; the page's figures take {statistics.median(figures):.2f} s "
                     f"more; generated in: {made_in or 'an earlier run'}"),
        Measure(f"leadership dashboard data, {made:,} snapshots, from cache", w, r, "s", GOAL,
                higher_is_better=False, baseline_name="plain SQL aggregate over the raw snapshots",
                note="the same call again within the cache's lifetime"),
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--snapshots", type=int, default=10_000_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--reuse", action="store_true", help="measure the data a previous run left")
    parser.add_argument("--rebuild-rollups", action="store_true",
                        help="keep a previous run's snapshots; migrate and rebuild rollups, latest figures "
                             "and daily totals from them")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    report(asyncio.run(measure(bench_database_url(), args.snapshots, args.runs, args.reuse,
                               args.rebuild_rollups)), args.json)


if __name__ == "__main__":
    main()
