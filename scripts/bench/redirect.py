"""Short-link redirect throughput against a bare Starlette JSON endpoint under the same uvicorn.

    python -m scripts.bench.redirect [seconds per run] [rounds]

Loopback only. The redirect does the real work: slug lookup (cached after the first hit), the
click counted in memory, a 302. Goal: at least 0.6 of the bare endpoint's requests per second.
"""

from __future__ import annotations

import asyncio
import statistics
import sys
import tempfile
from datetime import UTC, datetime

from tortoise import Tortoise

from advocacy import db
from advocacy.links.models import LinkClickDay, ShortLink
from advocacy.settings import Settings
from scripts.bench.result import LoadRun, Measure, client_bound, report
from scripts.bench.serving import requests_per_second, served

GOAL = 0.6


async def make_link() -> str:
    """The short link the benchmark follows (the ORM open on a migrated database); its slug."""
    link = await ShortLink.create(slug="benchSlug123", target_url="https://example.org/?utm_source=x",
                                  created_at=datetime.now(UTC))
    return link.slug


async def prepare(settings: Settings) -> str:
    await db.migrate(settings)
    await db.init_db(settings)
    try:
        return await make_link()
    finally:
        await Tortoise.close_connections()


async def clicks_written(settings: Settings) -> int:
    await db.init_db(settings)
    try:
        return sum(day.clicks + day.bot_clicks for day in await LinkClickDay.all())
    finally:
        await Tortoise.close_connections()


def measure(seconds: int = 3, rounds: int = 3) -> list[Measure]:
    directory = tempfile.mkdtemp(prefix="advocacy-bench-")
    settings = Settings(database_url=f"sqlite://{directory}/bench.sqlite3")
    slug = asyncio.run(prepare(settings))
    env = {"ADVOCACY_DATABASE_URL": settings.database_url, "ADVOCACY_ENV": "development"}
    bare: list[LoadRun] = []
    floor: list[LoadRun] = []
    ours: list[LoadRun] = []
    # Both servers up at once and measured in turns, so a busy moment on the machine hits both alike.
    with served("scripts.bench.bare:app") as bare_base, served("advocacy.asgi:app", env) as base:
        for _ in range(rounds):
            bare.append(requests_per_second(bare_base + "/", seconds))
            # Our app's cheapest route: what the middleware stack alone costs.
            floor.append(requests_per_second(f"{base}/healthz", seconds))
            ours.append(requests_per_second(f"{base}/l/{slug}", seconds))
    counted = asyncio.run(clicks_written(settings))
    b, f, o = (statistics.median(run.rate for run in runs) for runs in (bare, floor, ours))
    rounds_text = ", ".join(f"{x.rate / y.rate:.2f}" for x, y in zip(ours, bare, strict=True))
    return [Measure(
        "click redirect (rps)", o, b, "req/s", GOAL, baseline_name="bare Starlette JSON, same uvicorn",
        note=f"{bare[0].tool}, {rounds} rounds of {seconds} s, medians; per round {rounds_text}; our "
             f"/healthz {f:,.0f} req/s; {counted:,} clicks written at shutdown",
        extra={"healthz": f, "clicks_written": counted}, client_bound=client_bound(bare + ours))]


def main() -> None:
    seconds = int(sys.argv[1]) if len(sys.argv) > 1 else 3
    rounds = int(sys.argv[2]) if len(sys.argv) > 2 else 3
    report(measure(seconds, rounds), "--json" in sys.argv)


if __name__ == "__main__":
    main()
