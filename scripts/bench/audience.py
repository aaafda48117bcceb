"""A campaign's audience (segments resolved in one query) against counting the programme's members.

    python -m scripts.bench.audience [people] [rounds]

Needs PostgreSQL: ADVOCACY_BENCH_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/advocacy_bench),
a database this script empties. The baseline is the plainest audience there is, every opted-in
ambassador; the figures are the ratio of our query's time to it, without segments and with two
(an "all of" department+region segment and an "any of" region+group segment).
"""

from __future__ import annotations

import asyncio
import sys
import time
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime

from tortoise import connections

from advocacy import db
from advocacy.clock import SimulatedClock
from advocacy.programme import segments, targeting
from advocacy.settings import Settings
from advocacy.users.models import Role, User
from campaigns.models import Campaign
from scripts.bench.database import empty_and_migrate
from scripts.bench.result import bench_database_url


async def best_of(rounds: int, step: Callable[[], Awaitable[object]]) -> float:
    best = float("inf")
    for _ in range(rounds):
        started = time.perf_counter()
        await step()
        best = min(best, time.perf_counter() - started)
    return best


async def fill(people: int) -> tuple[User, Campaign, list[int]]:
    """`people` people (one in ten never opted in, twenty departments, six regions, a group of one
    in fifty), a campaign and two segments, with the ORM open on an empty PostgreSQL database;
    returns the admin, the campaign and the segments' ids."""
    conn = connections.get("default")
    await conn.execute_script(f"""
      INSERT INTO users (email, name, role, password_hash, department, region, timezone, opted_in_at,
                         is_active, created_at, manager_email)
      SELECT 'p' || g || '@bench.example', 'P' || g, 'ambassador', '!', 'Dept' || (g % 20),
             'Region' || (g % 6), 'UTC', CASE WHEN g % 10 = 0 THEN NULL ELSE now() END, true, now(), ''
      FROM generate_series(1, {people}) g;
      INSERT INTO person_groups (name, created_at) VALUES ('Committee', now());
      INSERT INTO group_members (group_id, user_id) SELECT 1, id FROM users WHERE id % 50 = 0;
    """)
    clock = SimulatedClock(datetime.now(UTC))
    admin = await User.create(email="admin@bench.example", name="Admin", role=Role.ADMIN,
                              password_hash="!", created_at=clock.now())
    campaign = await Campaign.create(name="Bench", slug="bench", starts_at=clock.now(),
                                     ends_at=clock.now(), created_by=admin, created_at=clock.now())
    both = await segments.save_segment(clock, admin, name="Dept3 in Region1", match="all",
                                       conditions=[("department", "Dept3"), ("region", "Region1")])
    either = await segments.save_segment(clock, admin, name="Region2 or committee", match="any",
                                         conditions=[("region", "Region2"), ("group", "1")])
    await conn.execute_script("ANALYZE;")
    return admin, campaign, [both.id, either.id]


async def main(people: int, rounds: int) -> None:
    settings = Settings(env="test", secret_key="bench-secret-key" * 3, database_url=bench_database_url())
    await empty_and_migrate(settings)
    await db.init_db(settings)
    admin, campaign, segment_ids = await fill(people)
    try:
        clock = SimulatedClock(datetime.now(UTC))
        baseline = await best_of(rounds, targeting.programme_members().count)
        members = await targeting.programme_members().count()
        print(f"{people:,} people, {members:,} opted in; "
              f"baseline (count the members): {baseline * 1000:.1f} ms")
        for label, ids in (("no segments", []), ("two segments", segment_ids)):
            await segments.set_campaign_segments(clock, admin, campaign.id, ids)
            reached = await targeting.audience_of(campaign).count()
            ours = await best_of(rounds, targeting.audience_of(campaign).count)
            print(f"{label}: audience {reached:,}; {ours * 1000:.1f} ms = "
                  f"{ours / baseline:.1f}x the baseline")
    finally:
        await db.close_db()


if __name__ == "__main__":
    asyncio.run(main(int(sys.argv[1]) if len(sys.argv) > 1 else 100_000,
                     int(sys.argv[2]) if len(sys.argv) > 2 else 5))
