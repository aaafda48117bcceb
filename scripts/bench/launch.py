"""Campaign launch for 100,000 targeted ambassadors against raw asyncpg executemany of the same rows.

    python -m scripts.bench.launch [--people N] [--rounds R] [--database-url URL] [--json]

Needs PostgreSQL: --database-url or ADVOCACY_BENCH_DATABASE_URL, a database this script empties.
It fills the programme with N opted-in ambassadors in the campaign's target segment (a tenth more
who are outside it or never opted in), with a mix of time zones, channels and frequencies, then
launches the campaign through the real launch call (campaigns.service.launch_campaign). Launching
plans no shares (ambassadors pick or auto-queue them), so the rows a launch writes are the notices
and their deliveries. The baseline inserts exactly the rows our launch wrote, computed beforehand,
with one asyncpg executemany per table in one transaction: the least any launch must do. Ours and
the baseline run in turns, round by round, so a busy moment on the machine hits both.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import time
from datetime import UTC, datetime, timedelta

import asyncpg
from tortoise import connections

from advocacy import db
from advocacy.clock import SimulatedClock
from advocacy.notify.models import Delivery, Notification
from advocacy.programme import segments
from advocacy.settings import Settings
from advocacy.users.models import User
from advocacy.users.service import create_user, hash_password
from campaigns import service as campaigns
from scripts.bench.database import empty_and_migrate
from scripts.bench.result import Measure, bench_database_url, report

GOAL = 0.5
# Monday 06:00 UTC: the daily digest is due later today in Berlin and New York, tomorrow in Kolkata.
NOW = datetime(2026, 11, 2, 6, 0, tzinfo=UTC)
NOTICE_COLUMNS = ("id", "user_id", "kind", "subject", "body", "link", "dedupe_key", "created_at", "post_ids")
DELIVERY_COLUMNS = ("notification_id", "user_id", "channel", "status", "in_digest", "due_at", "attempts",
                    "last_error", "created_at", "updated_at")


def settings_for(url: str) -> Settings:
    return Settings(env="test", database_url=url)


async def prepare(url: str, people: int) -> tuple[User, int]:
    """Empty the database and fill it (see `fill_programme`); the ORM is left open."""
    settings = settings_for(url)
    await empty_and_migrate(settings)
    await db.init_db(settings)
    return await fill_programme(people)


async def fill_programme(people: int) -> tuple[User, int]:
    """A campaign targeting `people` opted-in nurses, and a tenth more people outside its audience
    (the ORM open on an empty PostgreSQL database); returns the editor and the campaign to launch."""
    clock = SimulatedClock(NOW)
    password_hash = hash_password("bench password")
    editor = await create_user(clock, email="editor@bench.example.org", role="editor", password="x",
                               password_hash=password_hash)
    reviewer = await create_user(clock, email="reviewer@bench.example.org", role="reviewer", password="x",
                                 password_hash=password_hash)
    campaign = await campaigns.create_campaign(clock, editor, name="Flu season", starts_at=NOW,
                                               ends_at=NOW + timedelta(days=14),
                                               description="Get your flu shot at any of our clinics.")
    pack = await campaign.packs.all().first()
    assert pack is not None
    await campaigns.add_post(clock, editor, pack.id, title="Flu clinics", url="https://example.org/flu",
                             messages={"linkedin": ["Our flu clinics are open #employee"]})
    await campaigns.submit_pack(clock, editor, pack.id)
    await campaigns.review_pack(clock, reviewer, pack.id, approve=True)
    nursing = await segments.save_segment(clock, editor, name="Nursing", match="any",
                                          conditions=[("department", "Nursing")])
    await segments.set_campaign_segments(clock, editor, campaign.id, [nursing.id])
    others = max(people // 10, 1)
    # The targeted people first, then a tenth more outside the audience, in turn: pharmacists
    # (another department), nurses who opted out, nurses who never opted in, nurses who left
    # (inactive). Three time zones in turn.
    await connections.get("default").execute_script(f"""
      INSERT INTO users (email, name, role, password_hash, department, region, timezone, opted_in_at,
                         opted_out_at, is_active, created_at, manager_email)
      SELECT 'p' || g || '@bench.example.org', 'Person ' || g, 'ambassador', '!',
             CASE WHEN g > {people} AND g % 4 = 0 THEN 'Pharmacy' ELSE 'Nursing' END, 'North',
             (ARRAY['Europe/Berlin', 'America/New_York', 'Asia/Kolkata'])[g % 3 + 1],
             CASE WHEN g > {people} AND g % 4 IN (1, 2) THEN NULL ELSE now() END,
             CASE WHEN g > {people} AND g % 4 = 1 THEN now() END,
             NOT (g > {people} AND g % 4 = 3), now(), ''
      FROM generate_series(1, {people + others}) g;
    """)
    # Preferences of the ones who changed them (the rest get the daily email digest): a quarter
    # immediate, a quarter weekly, one in twenty off; one in ten has a Slack webhook, one in
    # twenty-five a Teams one and no email.
    await connections.get("default").execute_script("""
      INSERT INTO notification_preferences (user_id, email_enabled, slack_webhook_encrypted,
                                            teams_webhook_encrypted, frequency, updated_at)
      SELECT id, id % 25 <> 7, CASE WHEN id % 10 = 5 THEN 'bench-slack' ELSE '' END,
             CASE WHEN id % 25 = 7 THEN 'bench-teams' ELSE '' END,
             CASE WHEN id % 20 = 3 THEN 'off' WHEN id % 4 = 1 THEN 'immediate'
                  WHEN id % 4 = 2 THEN 'weekly' ELSE 'daily' END, now()
      FROM users WHERE role = 'ambassador' AND (id % 4 IN (1, 2) OR id % 10 = 5 OR id % 25 = 7
                                               OR id % 20 = 3);
      ANALYZE;
    """)
    return editor, campaign.id


async def reset(raw: asyncpg.Connection, campaign_id: int) -> None:
    """Back to before the launch: no notices, the campaign a draft again."""
    await raw.execute("TRUNCATE notification_deliveries, notifications")
    await raw.execute("UPDATE campaigns SET status = 'draft', launched_at = NULL WHERE id = $1", campaign_id)


async def launch(editor: User, campaign_id: int) -> tuple[float, int, int]:
    """Our launch: (seconds, notices, deliveries)."""
    clock = SimulatedClock(NOW)
    started = time.perf_counter()
    await campaigns.launch_campaign(clock, editor, campaign_id)
    elapsed = time.perf_counter() - started
    return elapsed, await Notification.all().count(), await Delivery.all().count()


async def written(raw: asyncpg.Connection) -> tuple[list[asyncpg.Record], list[asyncpg.Record]]:
    """The rows our launch wrote, for the baseline to write again."""
    return (await raw.fetch(f"SELECT {', '.join(NOTICE_COLUMNS)} FROM notifications ORDER BY id"),
            await raw.fetch(f"SELECT {', '.join(DELIVERY_COLUMNS)} FROM notification_deliveries ORDER BY id"))


def insert(table: str, columns: tuple[str, ...]) -> str:
    marks = ", ".join(f"${i + 1}" for i in range(len(columns)))
    return f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})"


async def raw_baseline(raw: asyncpg.Connection, notices: list[asyncpg.Record],
                       deliveries: list[asyncpg.Record]) -> float:
    """The same rows, already computed, in one transaction: one executemany per table."""
    started = time.perf_counter()
    async with raw.transaction():
        await raw.executemany(insert("notifications", NOTICE_COLUMNS), notices)
        await raw.executemany(insert("notification_deliveries", DELIVERY_COLUMNS), deliveries)
    return time.perf_counter() - started


async def measure(url: str, people: int = 100_000, rounds: int = 3) -> list[Measure]:
    editor, campaign_id = await prepare(url, people)
    raw = await asyncpg.connect(url.replace("postgres://", "postgresql://", 1))
    ours_rows, ours_time, raw_rows, raw_time = 0, 0.0, 0, 0.0
    launches: list[float] = []
    notices: list[asyncpg.Record] = []
    deliveries: list[asyncpg.Record] = []
    try:
        for _ in range(rounds):
            await reset(raw, campaign_id)
            elapsed, notice_count, delivery_count = await launch(editor, campaign_id)
            if notice_count != people:
                raise RuntimeError(f"the launch notified {notice_count:,} people, not the {people:,} "
                                   "targeted")
            launches.append(elapsed)
            ours_rows += notice_count + delivery_count
            ours_time += elapsed
            if not notices:
                notices, deliveries = await written(raw)
            await reset(raw, campaign_id)
            raw_time += await raw_baseline(raw, notices, deliveries)
            raw_rows += len(notices) + len(deliveries)
    finally:
        await raw.close()
        await db.close_db()
    ours_rate, raw_rate = ours_rows / ours_time, raw_rows / raw_time
    return [Measure(f"campaign launch, {people:,} targeted ambassadors -> notices + deliveries",
                    ours_rate, raw_rate, "rows/s", GOAL,
                    baseline_name="raw asyncpg executemany of the same rows",
                    note=f"{len(notices):,} notices and {len(deliveries):,} deliveries per launch, "
                         f"{rounds} rounds; the launch call took {min(launches):.2f} s at best, "
                         f"{statistics.median(launches):.2f} s median; PostgreSQL",
                    extra={"launch_seconds_best": min(launches),
                           "launch_seconds_median": statistics.median(launches),
                           "notices": float(len(notices)), "deliveries": float(len(deliveries))})]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--people", type=int, default=100_000, help="targeted opted-in ambassadors")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--database-url", default=bench_database_url(),
                        help="a PostgreSQL database that may be emptied")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    report(asyncio.run(measure(args.database_url, args.people, args.rounds)), args.json)


if __name__ == "__main__":
    main()
