"""Tracking links: one per share, UTM targets, the redirect, and first-party click counts."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import httpx
from asgi_lifespan import LifespanManager
from hypothesis import given
from hypothesis import strategies as st
from starlette.responses import RedirectResponse
from tortoise import connections

from advocacy import db
from advocacy.accounts.networks import NetworkRegistry
from advocacy.app import create_app
from advocacy.clock import SimulatedClock
from advocacy.headers import security_headers
from advocacy.links.models import LinkClickDay, LinkVisitor, ShortLink, VisitorSalt
from advocacy.links.service import (
    ClickBuffer,
    ClickFlusher,
    DailySalts,
    LinkMaker,
    forget_old_visitors,
    is_automated,
    tracking_target,
)
from advocacy.scheduler import build_scheduler
from advocacy.settings import Settings
from advocacy.shares.models import Share
from advocacy.shares.service import create_share
from dashboards.reporting.points import CURRENT_RULE, Tally, tallies
from dashboards.reporting.summary import build_summary
from tests import factories
from tests.users.test_sessions import assert_security_headers

TEMPLATE = Settings().link_utm_template
BROWSER = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 Chrome/126.0 Safari/537.36"


async def shared_link(settings: Settings, clock: SimulatedClock) -> tuple[Share, ShortLink]:
    campaign, post = await factories.create_launched_campaign(clock)
    ambassador, account = await factories.create_ambassador(clock, "x")
    share = await create_share(clock, ambassador, post_id=post.id, account_id=account.id,
                               text="Worth a read #employee", links=LinkMaker.from_settings(settings))
    return share, await ShortLink.get(share_id=share.id)


def test_tracking_target_adds_the_utm_parameters() -> None:
    target = tracking_target("https://example.org/news?id=4", TEMPLATE, network="linkedin",
                             campaign="autumn", share_id=17)
    query = parse_qs(urlsplit(target).query)
    assert target.startswith("https://example.org/news?")
    assert query == {"id": ["4"], "utm_source": ["linkedin"], "utm_medium": ["advocacy"],
                     "utm_campaign": ["autumn"], "utm_content": ["17"]}


def test_tracking_target_keeps_utm_parameters_the_post_already_has() -> None:
    target = tracking_target("https://example.org/?utm_campaign=spring", TEMPLATE, network="x",
                             campaign="autumn", share_id=1)
    assert parse_qs(urlsplit(target).query)["utm_campaign"] == ["spring"]


@given(
    path=st.text(alphabet="abcdefghij/-", max_size=20),
    share_id=st.integers(min_value=1, max_value=2**31 - 1),
)
def test_tracking_target_never_changes_where_the_link_goes(path: str, share_id: int) -> None:
    url = f"https://example.org/{path}"
    target = urlsplit(tracking_target(url, TEMPLATE, network="x", campaign="c", share_id=share_id))
    original = urlsplit(url)
    assert (target.scheme, target.netloc, target.path) == (original.scheme, original.netloc, original.path)


async def test_share_text_carries_its_own_short_link(database: Settings, clock: SimulatedClock) -> None:
    share, link = await shared_link(database, clock)
    campaign = await factories.Campaign.get(packs__posts__shares__id=share.id)  # type: ignore[attr-defined]
    assert share.text == f"Worth a read #employee\n\n{database.public_base_url}/l/{link.slug}"
    assert len(link.slug) <= 16
    query = parse_qs(urlsplit(link.target_url).query)
    assert query["utm_source"] == ["x"] and query["utm_medium"] == ["advocacy"]
    assert query["utm_campaign"] == [campaign.slug] and query["utm_content"] == [str(share.id)]


async def test_every_share_gets_a_different_slug(database: Settings, clock: SimulatedClock) -> None:
    campaign, posts = await factories.create_launched_campaign_with_posts(clock, 3)
    ambassador, account = await factories.create_ambassador(clock, "linkedin")
    for post in posts:
        await create_share(clock, ambassador, post_id=post.id, account_id=account.id,
                           text="Read this", links=LinkMaker.from_settings(database))
    slugs = await ShortLink.all().values_list("slug", flat=True)
    assert len(set(slugs)) == 3


async def test_redirect_goes_to_the_registered_target(
    database: Settings, clock: SimulatedClock, client: httpx.AsyncClient
) -> None:
    _, link = await shared_link(database, clock)
    response = await client.get(f"/l/{link.slug}", headers={"user-agent": BROWSER})
    assert response.status_code == 302
    assert response.headers["location"] == link.target_url
    assert response.headers["cache-control"] == "no-store"
    # Answered before the session and routing layers, yet with every security header (its own
    # referrer policy winning) and no cookie.
    page = await client.get("/login")
    assert response.headers["referrer-policy"] == "no-referrer"
    for name in set(security_headers(hsts=False)) - {"Referrer-Policy"}:
        assert response.headers[name] == page.headers[name], name
    assert "set-cookie" not in response.headers and "server" not in response.headers
    missing = await client.get("/l/nosuchslug", headers={"user-agent": BROWSER})
    assert missing.status_code == 404 and missing.headers["x-frame-options"] == "DENY"


async def test_the_redirect_quotes_a_target_as_starlette_does(
    database: Settings, clock: SimulatedClock, client: httpx.AsyncClient
) -> None:
    # The fast path writes its own Location header; it must match what the routed redirect sends.
    target = "https://example.org/nouvelles/été 2026?utm_source=x&q=a b#part"
    link = await ShortLink.create(slug="quoteTest01", target_url=target, created_at=clock.now())
    response = await client.get(f"/l/{link.slug}", headers={"user-agent": BROWSER})
    assert response.status_code == 302
    assert response.headers["location"] == RedirectResponse(target).headers["location"]
    assert " " not in response.headers["location"] and response.content == b""


async def test_unknown_slug_is_a_plain_404(
    database: Settings, clock: SimulatedClock, client: httpx.AsyncClient
) -> None:
    _, link = await shared_link(database, clock)
    near_miss = link.slug[:-1] + ("A" if link.slug[-1] != "A" else "B")
    for slug in (near_miss, "x" * 40, "evil.example"):
        response = await client.get(f"/l/{slug}", headers={"user-agent": BROWSER})
        assert response.status_code == 404, slug
        assert "location" not in response.headers
        assert "Link not found" in response.text
    # A slug with a slash in it matches no link route at all: still a 404, never a redirect.
    response = await client.get("/l/https:%2F%2Fevil.example", headers={"user-agent": BROWSER})
    assert response.status_code == 404 and "location" not in response.headers


async def test_a_failure_on_the_redirect_path_is_the_error_page_with_security_headers(
    database: Settings, clock: SimulatedClock, client: httpx.AsyncClient
) -> None:
    _, link = await shared_link(database, clock)
    connection = connections.get("default")
    # The links' table gone for a moment, as if the database broke mid-click: a real failure.
    await connection.execute_script("ALTER TABLE short_links RENAME TO short_links_away")
    try:
        response = await client.get(f"/l/{link.slug}", headers={"user-agent": BROWSER})
    finally:
        await connection.execute_script("ALTER TABLE short_links_away RENAME TO short_links")
    assert response.status_code == 500 and "location" not in response.headers
    assert "Something went wrong on our side" in response.text
    assert_security_headers(response)
    assert (await client.get(f"/l/{link.slug}", headers={"user-agent": BROWSER})).status_code == 302


async def count_clicks(
    settings: Settings, clock: SimulatedClock, requests: list[tuple[str, str]], address: str = "127.0.0.1"
) -> None:
    """Serve the app with a flush interval far beyond the test, send the requests from `address`,
    stop it."""
    app = create_app(settings.model_copy(update={"click_flush_seconds": 3600}), clock)
    async with LifespanManager(app) as manager:
        transport = httpx.ASGITransport(app=manager.app, client=(address, 123))
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as http:
            for method, path_and_agent in requests:
                path, agent = path_and_agent.split(" ", 1)
                response = await http.request(method, path, headers={"user-agent": agent})
                assert response.status_code == 302
    # The app's shutdown closed the ORM; open it again to read what was written.
    await db.init_db(settings)


async def test_clicks_buffered_in_memory_are_written_on_a_graceful_shutdown(
    database: Settings, clock: SimulatedClock
) -> None:
    _, link = await shared_link(database, clock)
    await count_clicks(database, clock, [("GET", f"/l/{link.slug} {BROWSER}")] * 25)
    day = await LinkClickDay.get(link_id=link.id)
    # One visitor: three clicks count, the other 22 are a burst counted apart; none is lost.
    assert (day.day, day.clicks, day.unique_visitors, day.bot_clicks) == (clock.now().date(), 3, 1, 22)


async def test_bots_and_link_previews_are_counted_apart(database: Settings, clock: SimulatedClock) -> None:
    _, link = await shared_link(database, clock)
    path = f"/l/{link.slug}"
    await count_clicks(database, clock, [
        ("GET", f"{path} {BROWSER}"),
        ("GET", f"{path} LinkedInBot/1.0 (compatible; Mozilla/5.0; Apache-HttpClient +http://www.linkedin.com)"),
        ("GET", f"{path} Twitterbot/1.0"),
        ("GET", f"{path} facebookexternalhit/1.1"),
        ("HEAD", f"{path} {BROWSER}"),
    ])
    day = await LinkClickDay.get(link_id=link.id)
    assert (day.clicks, day.bot_clicks) == (1, 4)


async def test_unique_visitors_are_counted_per_day_without_keeping_addresses(
    database: Settings, clock: SimulatedClock
) -> None:
    _, link = await shared_link(database, clock)
    path = f"/l/{link.slug}"
    await count_clicks(database, clock, [("GET", f"{path} {BROWSER}"), ("GET", f"{path} {BROWSER}")])
    await count_clicks(database, clock, [("GET", f"{path} {BROWSER}")], address="192.0.2.7")
    clock.advance(timedelta(days=1))
    await count_clicks(database, clock, [("GET", f"{path} {BROWSER}")])
    days = await LinkClickDay.filter(link_id=link.id).order_by("day")
    assert [(d.clicks, d.unique_visitors) for d in days] == [(2 + 1, 2), (1, 1)]
    visitors = await LinkVisitor.filter(link_id=link.id).values_list("visitor", flat=True)
    assert len(visitors) == 3
    # Only a salted hash is kept: nothing about the address, and the same person differs by day.
    assert all(len(v) == 32 and "127.0.0.1" not in v for v in visitors)
    assert len(set(visitors)) == 3


async def test_one_address_with_a_new_browser_name_each_time_is_one_visitor_and_moves_no_figure(
    database: Settings, clock: SimulatedClock
) -> None:
    share, link = await shared_link(database, clock)
    before_points = CURRENT_RULE.apply((await tallies([share.user_id])).get(share.user_id, Tally()))  # type: ignore[attr-defined]
    before = await build_summary(clock, database)
    await count_clicks(database, clock, [("GET", f"/l/{link.slug} {BROWSER.replace('126', str(n))}")
                                         for n in range(200)])
    day = await LinkClickDay.get(link_id=link.id)
    assert (day.unique_visitors, day.clicks, day.bot_clicks) == (1, 3, 197)
    points = CURRENT_RULE.apply((await tallies([share.user_id]))[share.user_id])  # type: ignore[attr-defined]
    assert points - before_points == CURRENT_RULE.per_click
    after = await build_summary(clock, database)
    one_click = after.formula.rates[share.network].cpc
    assert 0 < after.emv - before.emv <= one_click
    assert "197 automated" in after.figure("link_clicks").note


async def test_the_addresses_of_one_ipv6_network_are_one_visitor(
    database: Settings, clock: SimulatedClock
) -> None:
    # A connection holds a whole /64: rotating through it is one visitor, as one IPv4 address is.
    _, link = await shared_link(database, clock)
    for address in ("2001:db8:1:2::1", "2001:db8:1:2:ffff::9", "2001:db8:1:3::1",
                    "::ffff:192.0.2.7", "192.0.2.7"):
        await count_clicks(database, clock, [("GET", f"/l/{link.slug} {BROWSER}")], address=address)
    day = await LinkClickDay.get(link_id=link.id)
    assert (day.unique_visitors, day.clicks) == (3, 5)


async def test_the_cap_per_visitor_holds_across_web_processes(
    database: Settings, clock: SimulatedClock
) -> None:
    _, link = await shared_link(database, clock)
    for _ in range(2):  # two apps, each with its own memory, like two web processes
        await count_clicks(database, clock, [("GET", f"/l/{link.slug} {BROWSER}")] * 2)
    day = await LinkClickDay.get(link_id=link.id)
    assert (day.clicks, day.unique_visitors, day.bot_clicks) == (3, 1, 1)


async def test_the_same_visitor_through_two_web_processes_counts_once_a_day(
    database: Settings, clock: SimulatedClock
) -> None:
    # Each count_clicks is a separate app with its own memory, like two web processes.
    _, link = await shared_link(database, clock)
    await count_clicks(database, clock, [("GET", f"/l/{link.slug} {BROWSER}")])
    await count_clicks(database, clock, [("GET", f"/l/{link.slug} {BROWSER}")])
    day = await LinkClickDay.get(link_id=link.id)
    assert (day.clicks, day.unique_visitors) == (2, 1)


async def test_each_day_has_one_random_salt_for_every_process(
    database: Settings, clock: SimulatedClock
) -> None:
    today, tomorrow = clock.now().date(), clock.now().date() + timedelta(days=1)
    first, second = DailySalts(), DailySalts()
    assert await first.of(today) == await second.of(today)
    assert await first.of(tomorrow) != await first.of(today)
    assert len(await first.of(today)) == 64 and await VisitorSalt.all().count() == 2


async def test_visitor_hashes_and_salts_go_once_the_day_is_final_and_the_counts_stay(
    database: Settings, clock: SimulatedClock
) -> None:
    _, link = await shared_link(database, clock)
    clicked_on = clock.now().date()
    await count_clicks(database, clock, [("GET", f"/l/{link.slug} {BROWSER}")] * 2)
    clock.advance(timedelta(days=1))
    # The next day a delayed flush may still need them.
    assert await forget_old_visitors(clock) == 0
    assert await LinkVisitor.filter(day=clicked_on).count() == 1
    clock.advance(timedelta(days=1))
    assert await forget_old_visitors(clock) == 1
    assert not await LinkVisitor.filter(day=clicked_on).exists()
    assert not await VisitorSalt.filter(day=clicked_on).exists()
    day = await LinkClickDay.get(link_id=link.id, day=clicked_on)
    assert (day.clicks, day.unique_visitors) == (2, 1)
    # A flush arriving even later adds its clicks and never lowers the final unique count.
    buffer = ClickBuffer()
    buffer.record(link.id, clicked_on, "d" * 32, automated=False)
    await buffer.flush()
    day = await LinkClickDay.get(link_id=link.id, day=clicked_on)
    assert (day.clicks, day.unique_visitors) == (3, 1)


def test_the_worker_deletes_past_visitors_every_hour(database: Settings, clock: SimulatedClock) -> None:
    job = build_scheduler(database, clock, NetworkRegistry(database, clock)).get_job("forget-visitors")
    assert job is not None and job.trigger.interval.total_seconds() == 3600


async def test_flushes_add_to_the_day_already_written(database: Settings, clock: SimulatedClock) -> None:
    _, link = await shared_link(database, clock)
    buffer = ClickBuffer()
    today = clock.now().date()
    buffer.record(link.id, today, "a" * 32, automated=False)
    buffer.record(link.id, today, "b" * 32, automated=True)
    assert await buffer.flush() == 2
    buffer.record(link.id, today, "a" * 32, automated=False)
    buffer.record(link.id, today, "c" * 32, automated=False)
    assert buffer.pending == 2
    assert await buffer.flush() == 2 and buffer.pending == 0
    day = await LinkClickDay.get(link_id=link.id)
    assert (day.clicks, day.unique_visitors, day.bot_clicks) == (3, 2, 1)


async def test_a_stop_during_a_timed_flush_loses_no_click(database: Settings, clock: SimulatedClock) -> None:
    """A process told to stop stops its flush timer; a timed flush under way then still writes its clicks."""
    _, link = await shared_link(database, clock)
    buffer = ClickBuffer()
    flusher = ClickFlusher(buffer, interval_seconds=0.001)
    today = clock.now().date()
    for visitor in "abc":
        buffer.record(link.id, today, visitor * 32, automated=False)
    flusher.start()
    for _ in range(10_000):  # until the timed flush has taken the clicks and is writing them
        if buffer.pending == 0:
            break
        await asyncio.sleep(0)
    assert buffer.pending == 0
    await flusher.stop()
    day = await LinkClickDay.get(link_id=link.id)
    assert (day.clicks, day.unique_visitors) == (3, 3)


def test_people_are_not_taken_for_bots() -> None:
    assert not is_automated(BROWSER, "GET")
    assert is_automated("", "GET") and is_automated(BROWSER, "HEAD")
    assert is_automated("Slackbot-LinkExpanding 1.0 (+https://api.slack.com/robots)", "GET")
