"""Dispatch throughput on PostgreSQL with the sandbox connector, against baselines from the same run.

1. Our dispatcher (claim with FOR UPDATE SKIP LOCKED, publish through the sandbox, record the outcome
   and its history row) against a raw asyncpg loop that claims the same batches and updates each
   row (no ORM, no connector, no history): goal >= 0.25 of the raw rate.
2. Two worker processes against one on the same shares: goal >= 1.6x, and no share published twice.

    python -m scripts.bench.dispatch postgres://postgres@127.0.0.1:5432/advocacy_bench [--shares N]

The database named is emptied (its public schema is dropped). Figures are printed, never asserted.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import asyncpg

from advocacy import db
from advocacy.accounts.models import Network, SocialAccount
from advocacy.accounts.networks import NetworkRegistry
from advocacy.clock import SimulatedClock
from advocacy.settings import Settings
from advocacy.shares.dispatch import ShareDispatcher
from advocacy.shares.models import Share, ShareStatus
from advocacy.users.service import create_user, hash_password
from campaigns import service as campaigns
from campaigns.models import Post
from scripts.bench.database import empty_and_migrate
from scripts.bench.result import Measure, bench_database_url, report

ROOT = Path(__file__).resolve().parents[2]
NOW = datetime(2026, 11, 2, 8, 0, tzinfo=UTC)
BATCH = 100
ACCOUNTS = 200
WORKER = """
import asyncio, json, sys, time
from datetime import datetime
from advocacy import db
from advocacy.accounts.networks import NetworkRegistry
from advocacy.clock import SimulatedClock
from advocacy.settings import Settings
from advocacy.shares.dispatch import ShareDispatcher

async def main(url, moment, name):
    settings = Settings(env="test", database_url=url, sandbox_daily_post_limit=1_000_000)
    clock = SimulatedClock(datetime.fromisoformat(moment))
    await db.init_db(settings)
    worker = ShareDispatcher(NetworkRegistry(settings, clock), clock, batch_size=BATCH,
                             worker_name=name, use_skip_locked=True)
    started, cpu = time.time(), time.process_time()
    report = await worker.run_until_idle()
    finished, cpu = time.time(), time.process_time() - cpu
    await db.close_db()
    print(json.dumps({"published": report.published_ids, "started": started, "finished": finished,
                      "cpu": cpu}))

asyncio.run(main(*sys.argv[1:]))
""".replace("BATCH", str(BATCH))


def settings_for(url: str) -> Settings:
    return Settings(env="test", database_url=url, sandbox_daily_post_limit=1_000_000)


async def prepare(url: str, shares: int, now: datetime = NOW) -> None:
    """Empty the database, then queue `shares` shares due at `now` (see `queue_shares`)."""
    settings = settings_for(url)
    await empty_and_migrate(settings)
    await db.init_db(settings)
    try:
        await queue_shares(shares, now)
    finally:
        await db.close_db()


async def queue_shares(shares: int, now: datetime, accounts: int = ACCOUNTS) -> None:
    """`shares` shares due at `now` of one approved two-week campaign, spread over `accounts`
    ambassadors (the ORM open on an empty database)."""
    clock = SimulatedClock(now)
    password_hash = hash_password("bench password")
    editor = await create_user(clock, email="editor@bench.example.org", role="editor", password="x",
                               password_hash=password_hash)
    reviewer = await create_user(clock, email="reviewer@bench.example.org", role="reviewer", password="x",
                                 password_hash=password_hash)
    campaign = await campaigns.create_campaign(clock, editor, name="Bench", starts_at=now,
                                               ends_at=now + timedelta(days=14))
    pack = await campaign.packs.all().first()
    assert pack is not None
    post = await campaigns.add_post(clock, editor, pack.id, title="Bench", url="https://example.org/b",
                                    messages={"linkedin": ["Bench post"]})
    await campaigns.submit_pack(clock, editor, pack.id)
    await campaigns.review_pack(clock, reviewer, pack.id, approve=True)
    made: list[SocialAccount] = []
    for n in range(accounts):
        user = await create_user(clock, email=f"a{n}@bench.example.org", role="ambassador", password="x",
                                 password_hash=password_hash, opted_in=True)
        made.append(await SocialAccount.create(user=user, network=Network.LINKEDIN, handle=f"a{n}",
                                               external_id=f"bench{n}", followers=500, connected_at=now))
    # A person shares a post once per network (a unique index says so), so there are as many copies
    # of the approved post as each account has shares to make.
    copies = -(-shares // accounts)
    await Post.bulk_create([Post(pack_id=pack.id, title=f"Bench {n}", url=post.url, created_at=now)
                            for n in range(1, copies)], batch_size=1000)
    post_ids = [p.id for p in await Post.filter(pack_id=pack.id).order_by("id")]
    await Share.bulk_create([
        Share(user_id=made[i % accounts].user_id, account_id=made[i % accounts].id,  # type: ignore[attr-defined]
              post_id=post_ids[i // accounts], network="linkedin", text=f"Bench share {i}",
              status=ShareStatus.QUEUED, due_at=now, created_at=now, updated_at=now)
        for i in range(shares)
    ], batch_size=1000)


async def requeue(url: str) -> None:
    conn = await asyncpg.connect(url)
    try:
        await conn.execute(
            "UPDATE shares SET status='queued', lease_owner=NULL, lease_until=NULL, attempts=0, "
            "external_id=NULL, external_url=NULL, published_at=NULL, due_at=$1", NOW)
        await conn.execute("TRUNCATE share_events")
    finally:
        await conn.close()


async def ours(url: str) -> float:
    settings = settings_for(url)
    await db.init_db(settings)
    clock = SimulatedClock(NOW)
    worker = ShareDispatcher(NetworkRegistry(settings, clock), clock, batch_size=BATCH,
                             worker_name="bench", use_skip_locked=True)
    started = time.perf_counter()
    report = await worker.run_until_idle()
    elapsed = time.perf_counter() - started
    await db.close_db()
    return report.published / elapsed


async def raw_baseline(url: str) -> float:
    """The least any dispatcher must do: claim a batch atomically, then mark each row published."""
    conn = await asyncpg.connect(url)
    done = 0
    started = time.perf_counter()
    try:
        while True:
            async with conn.transaction():
                ids = await conn.fetch(
                    "UPDATE shares SET status='publishing', lease_owner='raw', lease_until=$1, "
                    "attempts=attempts+1 WHERE id IN (SELECT id FROM shares WHERE status='queued' "
                    "AND due_at <= $2 ORDER BY due_at, id LIMIT $3 FOR UPDATE SKIP LOCKED) RETURNING id",
                    NOW + timedelta(minutes=5), NOW, BATCH)
            if not ids:
                break
            for row in ids:
                await conn.execute(
                    "UPDATE shares SET status='published', external_id=$2, lease_owner=NULL, "
                    "lease_until=NULL, published_at=$3 WHERE id=$1 AND lease_owner='raw'",
                    row["id"], f"raw-{row['id']}", NOW)
                done += 1
    finally:
        await conn.close()
    return done / (time.perf_counter() - started)


async def processes(url: str, count: int) -> tuple[float, int, int, float]:
    """Shares per second of `count` worker processes together: (rate, published, duplicates, busy), where
    busy is the CPU time the workers used over the wall time of the run (1.0 = one core kept busy)."""
    async def run(name: str) -> dict[str, Any]:
        process = await asyncio.create_subprocess_exec(
            sys.executable, "-c", WORKER, url, NOW.isoformat(), name, cwd=ROOT,
            stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
        out, err = await process.communicate()
        if process.returncode != 0:
            raise RuntimeError(err.decode()[-2000:])
        return json.loads(out.decode().strip().splitlines()[-1])  # type: ignore[no-any-return]

    results = await asyncio.gather(*(run(f"p{i}") for i in range(count)))
    # From the first process starting to dispatch to the last one finishing: interpreter start-up
    # and imports are left out, as they are for the in-process measures.
    elapsed = max(r["finished"] for r in results) - min(r["started"] for r in results)
    published = [share_id for result in results for share_id in result["published"]]
    conn = await asyncpg.connect(url)
    try:
        twice = await conn.fetchval(
            "SELECT count(*) FROM (SELECT share_id FROM share_events WHERE to_status='published' "
            "GROUP BY share_id HAVING count(*) > 1) AS d")
    finally:
        await conn.close()
    busy = sum(float(r["cpu"]) for r in results) / float(elapsed)
    duplicates = int(twice) + len(published) - len(set(published))
    return len(published) / float(elapsed), len(published), duplicates, busy


async def measure(url: str, shares: int = 5000) -> list[Measure]:
    await prepare(url, shares)
    ours_rate = await ours(url)
    await requeue(url)
    raw_rate = await raw_baseline(url)
    await requeue(url)
    one_rate, one_count, one_twice, one_busy = await processes(url, 1)
    await requeue(url)
    two_rate, two_count, two_twice, two_busy = await processes(url, 2)
    return [
        Measure("dispatch, one worker, sandbox, PostgreSQL", ours_rate, raw_rate, "shares/s", 0.25,
                baseline_name="raw asyncpg claim+update loop",
                note=f"{shares:,} shares over {ACCOUNTS} accounts"),
        Measure("dispatch, two worker processes vs one", two_rate, one_rate, "shares/s", 1.6,
                baseline_name="one worker process",
                note=f"one: {one_count:,} published, two: {two_count:,} published; "
                     f"duplicates {one_twice + two_twice}; worker CPU per wall second: one {one_busy:.2f}, "
                     f"two {two_busy:.2f} (of {os.cpu_count()} cores, shared with PostgreSQL)",
                extra={"duplicates": one_twice + two_twice, "one_busy": one_busy, "two_busy": two_busy}),
    ]


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("database_url", nargs="?", default=bench_database_url(),
                        help="a PostgreSQL database that may be emptied")
    parser.add_argument("--shares", type=int, default=5000)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    report(asyncio.run(measure(args.database_url, args.shares)), args.json)


if __name__ == "__main__":
    main()
