"""The ambassador feed (signed in, 20 posts, PostgreSQL) against plain implementations of the same work.

    python -m scripts.bench.feed [--seconds S] [--rounds R] [--json]

Seeds through the project's own services and test factories (a launched campaign of 20 posts, an
opted-in ambassador with a connected LinkedIn account, an API token), serves the app under uvicorn
and loads `/feed` with the ambassador's session cookie and `/api/v1/feed` with the token.

Baselines, each under the same uvicorn settings and measured in turns with ours:
- the page: a bare Starlette app (`page_app` below) that reads the person, their accounts and the
  posts with their suggestions with raw asyncpg on every request, and renders the same template
  (`feed.html` with its 20 `feed_card.html` cards, the same Jinja2 environment), with no sign-in,
  session, guard, colleagues' counts or shares. Goal: at least 0.5 of its requests per second.
- the API: a bare Starlette app that reads one row by primary key with raw asyncpg
  (`scripts.bench.bare:pk_app`). Goal: at least 0.4 of its requests per second.
Needs ADVOCACY_BENCH_DATABASE_URL (emptied). Only the URLs and the factories are used, so the
benchmark follows the feed as it changes.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import asyncpg
import httpx
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse
from starlette.routing import Route
from tortoise import Tortoise, connections

from advocacy import db
from advocacy.clock import SimulatedClock
from advocacy.settings import Settings, get_settings
from advocacy.templating import environment
from advocacy.users.service import issue_api_token
from scripts.bench.result import LoadRun, Measure, bench_database_url, client_bound, report
from scripts.bench.serving import requests_per_second, served
from tests import factories
from tests.test_pages import csrf_of

PAGE_GOAL = 0.5
API_GOAL = 0.4
POSTS = 20

PERSON = "SELECT id, name, role, timezone FROM users WHERE id = $1"
ACCOUNTS = ("SELECT id, network, handle, followers, status FROM social_accounts"
            " WHERE user_id = $1 ORDER BY network, id")
POSTS_WITH_SUGGESTIONS = (
    "SELECT p.id, p.title, p.url, p.featured, c.name AS campaign, v.id AS variant_id, v.network, v.text"
    " FROM posts p JOIN content_packs k ON k.id = p.pack_id JOIN campaigns c ON c.id = k.campaign_id"
    " JOIN message_variants v ON v.post_id = p.id"
    " WHERE k.status = 'approved' AND c.status = 'launched' AND c.ends_at > now()"
    " ORDER BY p.featured DESC, p.created_at DESC, p.id DESC, v.id"
)
NETWORKS = {"linkedin": "LinkedIn", "x": "X"}
TOKEN = "t" * 32  # as long as a session's form token


def _network_name(network: str) -> str:
    return NETWORKS.get(network, network)


# Plain values with attributes, as the application gives the template (a dict would make every
# `card.post.title` fail as an attribute first, and cost the baseline an exception each).
@dataclass(slots=True)
class Role:
    value: str


@dataclass(slots=True)
class Person:
    name: str
    role: Role


@dataclass(slots=True)
class Account:
    id: int
    network: str
    handle: str
    followers: int | None
    status: str


@dataclass(slots=True)
class Suggestion:
    id: int
    text: str


@dataclass(slots=True)
class PostRow:
    id: int
    title: str
    url: str
    featured: bool
    campaign: str


@dataclass(slots=True)
class Form:
    account_id: str
    variant_id: str
    scheduled_at: str
    text: str = ""
    when: str = "now"


@dataclass(slots=True)
class Card:
    post: PostRow
    open_accounts: list[Account]
    form: Form
    variants_by_network: list[tuple[str, list[Suggestion]]] = field(default_factory=list)
    counts: str = "No colleague has shared this yet."
    mine: list[Any] = field(default_factory=list)
    error: str | None = None
    nudge: None = None
    opens: str | None = None
    written_for: list[str] = field(default_factory=list)


def _cards(rows: list[Any], connected: list[Account], scheduled_at: str) -> list[Card]:
    """The cards `feed_card.html` renders, from the rows (one per post and suggestion)."""
    cards: dict[int, tuple[Card, dict[str, list[Suggestion]]]] = {}
    networks = {account.network for account in connected}
    first = connected[0] if connected else None
    for row in rows:
        found = cards.get(row["id"])
        if found is None:
            post = PostRow(row["id"], row["title"], row["url"], row["featured"], row["campaign"])
            form = Form(str(first.id) if first else "", "", scheduled_at)
            found = cards[row["id"]] = (Card(post, connected, form), {})
        card, suggestions = found
        if row["network"] in networks or not networks:
            suggestions.setdefault(row["network"], []).append(Suggestion(row["variant_id"], row["text"]))
            if first and row["network"] == first.network and not card.form.variant_id:
                card.form.variant_id = str(row["variant_id"])
    for card, suggestions in cards.values():
        card.variants_by_network = sorted(suggestions.items())
    return [card for card, _ in cards.values()]


def _page_app() -> Starlette:
    """The page's baseline: Starlette, raw asyncpg reads on every request and the same template."""
    pool: list[asyncpg.Pool] = []
    organization = get_settings().organization_name

    async def keep_as_is(connection: asyncpg.Connection) -> None:
        return None  # as the application's pool does (`advocacy.db.SessionlessConnection`)

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        url = os.environ["ADVOCACY_BENCH_DATABASE_URL"].replace("postgres://", "postgresql://")
        pool.append(await asyncpg.create_pool(url, min_size=2, max_size=10, reset=keep_as_is))
        yield
        await pool[0].close()

    async def page(request: Request) -> HTMLResponse:
        user_id = int(request.query_params.get("id", "0"))
        person = await pool[0].fetchrow(PERSON, user_id)
        if person is None:
            return HTMLResponse("No such person.", status_code=404)
        accounts = [Account(row["id"], row["network"], row["handle"], row["followers"], row["status"])
                    for row in await pool[0].fetch(ACCOUNTS, user_id)]
        rows = await pool[0].fetch(POSTS_WITH_SUGGESTIONS)
        zone = person["timezone"] or "UTC"
        now = datetime.now(ZoneInfo(zone))
        later = (now + timedelta(hours=1)).replace(second=0, microsecond=0)
        later += timedelta(minutes=-later.minute % 15)
        connected = [account for account in accounts if account.status == "connected"]
        html = environment.get_template("feed.html").render(
            request=request, user=Person(person["name"], Role(person["role"])),
            csrf_token=TOKEN, organization=organization, notice=None,
            cards=_cards(list(rows), connected, later.strftime("%Y-%m-%dT%H:%M")), accounts=accounts,
            connected=connected, shares=[], share_errors={}, page_error=None, zone=zone,
            network_name=_network_name, can_share=True, sharing_blockers=[],
            now_input=now.strftime("%Y-%m-%dT%H:%M"), back="feed", correction_notices=[],
        )
        return HTMLResponse(html)

    return Starlette(routes=[Route("/", page)], lifespan=lifespan)


page_app = _page_app()


async def seed(url: str) -> tuple[int, str, str, str]:
    """(ambassador id, email, password, API token) after emptying and migrating the database."""
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
        return user.id, user.email, factories.PASSWORD, await issue_api_token(clock, user, "bench")
    finally:
        await Tortoise.close_connections()


def session_cookie(base: str, email: str, password: str) -> tuple[str, int]:
    """The signed-in session's cookie header, and the size of the feed page it gets."""
    with httpx.Client(base_url=base, follow_redirects=False) as http:
        form = http.get("/login")
        answer = http.post("/login", data={"email": email, "password": password,
                                           "csrf_token": csrf_of(form.text)})
        if answer.status_code != 303:
            raise RuntimeError(f"sign-in refused ({answer.status_code}): {answer.text[:300]}")
        feed = http.get("/feed")
        check_page(feed, "the feed")
        return "; ".join(f"{name}={value}" for name, value in http.cookies.items()), len(feed.content)


def check_page(page: httpx.Response, what: str) -> None:
    if page.status_code != 200 or page.text.count('class="share-form"') < POSTS:
        raise RuntimeError(f"{what} did not show the {POSTS} posts with their forms ({page.status_code})")


def measure(url: str, seconds: float = 3, rounds: int = 3) -> list[Measure]:
    user_id, email, password, token = asyncio.run(seed(url))
    env = {"ADVOCACY_DATABASE_URL": url, "ADVOCACY_ENV": "development", "ADVOCACY_BENCH_DATABASE_URL": url}
    bare: list[LoadRun] = []
    plain_page: list[LoadRun] = []
    page: list[LoadRun] = []
    api: list[LoadRun] = []
    with (served("scripts.bench.bare:pk_app", env) as bare_base,
          served("scripts.bench.feed:page_app", env) as page_base,
          served("advocacy.asgi:app", env) as base):
        cookie, size = session_cookie(base, email, password)
        plain = httpx.get(f"{page_base}/?id={user_id}")
        check_page(plain, "the baseline page")
        signed_in = {"Cookie": cookie}
        bearer = {"Authorization": f"Bearer {token}"}
        for _ in range(rounds):  # in turns, so a busy moment on the machine hits all alike
            bare.append(requests_per_second(f"{bare_base}/?id=1", seconds))
            plain_page.append(requests_per_second(f"{page_base}/?id={user_id}", seconds))
            page.append(requests_per_second(f"{base}/feed", seconds, headers=signed_in))
            api.append(requests_per_second(f"{base}/api/v1/feed", seconds, headers=bearer))
    note = f"{bare[0].tool}, {rounds} rounds of {seconds:g} s, medians, {POSTS} posts, signed in"

    def median(runs: list[LoadRun]) -> float:
        return statistics.median(run.rate for run in runs)

    return [
        Measure("ambassador feed page (rps)", median(page), median(plain_page), "req/s", PAGE_GOAL,
                baseline_name="Starlette + raw asyncpg reads + Jinja2, same template, no sign-in",
                note=f"{note}; pages of {size:,} and {len(plain.content):,} bytes",
                client_bound=client_bound(plain_page + page)),
        Measure("ambassador feed API (rps)", median(api), median(bare), "req/s", API_GOAL,
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
