"""The ambassador feed (signed in, 20 posts, PostgreSQL) against Starlette + one raw asyncpg read.

    python -m scripts.bench.feed [--seconds S] [--rounds R] [--json]

Seeds through the project's own services and test factories (a launched campaign of 20 posts, an
opted-in ambassador with a connected LinkedIn account, an API token), serves the app under uvicorn
and loads `/feed` with the ambassador's session cookie and `/api/v1/feed` with the token. Baseline:
a bare Starlette app that reads one row by primary key with raw asyncpg per request, under the same
uvicorn settings. Goal: at least 0.4 of its requests per second. Needs ADVOCACY_BENCH_DATABASE_URL
(emptied). Only the URLs and the factories are used, so the benchmark follows the feed as it changes.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
from datetime import UTC, datetime

import httpx
from tortoise import Tortoise, connections

from advocacy import db
from advocacy.clock import SimulatedClock
from advocacy.settings import Settings
from advocacy.users.service import issue_api_token
from scripts.bench.result import LoadRun, Measure, bench_database_url, client_bound, report
from scripts.bench.serving import requests_per_second, served
from tests import factories
from tests.test_pages import csrf_of

GOAL = 0.4
POSTS = 20


async def seed(url: str) -> tuple[str, str, str]:
    """(ambassador email, password, API token) after emptying and migrating the database."""
    settings = Settings(database_url=url)
    await db.init_db(settings)
    await connections.get("default").execute_script("DROP SCHEMA public CASCADE; CREATE SCHEMA public;")
    await Tortoise.close_connections()
    await db.migrate(settings)
    await db.init_db(settings)
    try:
        clock = SimulatedClock(datetime.now(UTC))
        await factories.create_launched_campaign_with_posts(clock, POSTS)
        user, _ = await factories.create_ambassador(clock, "linkedin")
        return user.email, factories.PASSWORD, await issue_api_token(clock, user, "bench")
    finally:
        await Tortoise.close_connections()


def session_cookie(base: str, email: str, password: str) -> str:
    with httpx.Client(base_url=base, follow_redirects=False) as http:
        form = http.get("/login")
        answer = http.post("/login", data={"email": email, "password": password,
                                           "csrf_token": csrf_of(form.text)})
        if answer.status_code != 303:
            raise RuntimeError(f"sign-in refused ({answer.status_code}): {answer.text[:300]}")
        feed = http.get("/feed")
        if feed.status_code != 200 or feed.text.count("Story ") < POSTS:
            raise RuntimeError(f"the feed did not show the {POSTS} posts ({feed.status_code})")
        return "; ".join(f"{name}={value}" for name, value in http.cookies.items())


def measure(url: str, seconds: float = 3, rounds: int = 3) -> list[Measure]:
    email, password, token = asyncio.run(seed(url))
    env = {"ADVOCACY_DATABASE_URL": url, "ADVOCACY_ENV": "development", "ADVOCACY_BENCH_DATABASE_URL": url}
    bare: list[LoadRun] = []
    page: list[LoadRun] = []
    api: list[LoadRun] = []
    with served("scripts.bench.bare:pk_app", env) as bare_base, served("advocacy.asgi:app", env) as base:
        cookie = {"Cookie": session_cookie(base, email, password)}
        bearer = {"Authorization": f"Bearer {token}"}
        for _ in range(rounds):  # in turns, so a busy moment on the machine hits all alike
            bare.append(requests_per_second(f"{bare_base}/?id=1", seconds))
            page.append(requests_per_second(f"{base}/feed", seconds, headers=cookie))
            api.append(requests_per_second(f"{base}/api/v1/feed", seconds, headers=bearer))
    b = statistics.median(run.rate for run in bare)
    note = f"{bare[0].tool}, {rounds} rounds of {seconds:g} s, medians, {POSTS} posts, signed in"
    return [
        Measure("ambassador feed page (rps)", statistics.median(run.rate for run in page), b, "req/s", GOAL,
                baseline_name="Starlette + raw asyncpg primary-key read", note=note,
                client_bound=client_bound(bare + page)),
        Measure("ambassador feed API (rps)", statistics.median(run.rate for run in api), b, "req/s", GOAL,
                baseline_name="Starlette + raw asyncpg primary-key read", note=note,
                client_bound=client_bound(bare + api)),
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=float, default=3)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    report(measure(bench_database_url(), args.seconds, args.rounds), args.json)


if __name__ == "__main__":
    main()
