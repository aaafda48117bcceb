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
from scripts.bench.result import Measure, report
from scripts.bench.serving import requests_per_second, served

GOAL = 0.6


async def prepare(settings: Settings) -> str:
    await db.migrate(settings)
    await db.init_db(settings)
    try:
        link = await ShortLink.create(slug="benchSlug123", target_url="https://example.org/?utm_source=x",
                                      created_at=datetime.now(UTC))
        return link.slug
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
    bare: list[float] = []
    floor: list[float] = []
    ours: list[float] = []
    tool = ""
    # Both servers up at once and measured in turns, so a busy moment on the machine hits both alike.
    with served("scripts.bench.bare:app") as bare_base, served("advocacy.asgi:app", env) as base:
        for _ in range(rounds):
            rate, tool = requests_per_second(bare_base + "/", seconds)
            bare.append(rate)
            # Our app's cheapest route: what the middleware stack alone costs.
            floor.append(requests_per_second(f"{base}/healthz", seconds)[0])
            ours.append(requests_per_second(f"{base}/l/{slug}", seconds)[0])
    counted = asyncio.run(clicks_written(settings))
    b, f, o = statistics.median(bare), statistics.median(floor), statistics.median(ours)
    rounds_text = ", ".join(f"{x / y:.2f}" for x, y in zip(ours, bare, strict=True))
    return [Measure(
        "click redirect (rps)", o, b, "req/s", GOAL, baseline_name="bare Starlette JSON, same uvicorn",
        note=f"{tool}, {rounds} rounds of {seconds} s, medians; per round {rounds_text}; our /healthz "
             f"{f:,.0f} req/s; {counted:,} clicks written at shutdown",
        extra={"healthz": f, "clicks_written": counted})]


def main() -> None:
    seconds = int(sys.argv[1]) if len(sys.argv) > 1 else 3
    rounds = int(sys.argv[2]) if len(sys.argv) > 2 else 3
    report(measure(seconds, rounds), "--json" in sys.argv)


if __name__ == "__main__":
    main()
