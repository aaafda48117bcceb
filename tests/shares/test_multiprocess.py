"""The deployment layout on one machine: 2 web processes and 2 `advocacy worker` processes, one PostgreSQL.

Real uvicorn processes serve the app and real worker processes publish, in live mode, to the fake
LinkedIn server (one platform for every process, as in production). A campaign's shares are
dispatched by both workers while their short links are followed through both web processes. Each
share must be on the platform exactly once, and every click must be counted, whichever process
took it. 300 shares by default (CI); ADVOCACY_TEST_MULTIPROCESS_SHARES=5000 for the full run.
"""

from __future__ import annotations

import asyncio
import os
import signal
import sys
import time
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest

from advocacy.accounts.networks import NetworkRegistry
from advocacy.clock import SimulatedClock
from advocacy.links.models import LinkClickDay, ShortLink
from advocacy.links.service import LinkMaker
from advocacy.settings import Settings
from advocacy.shares.models import Share, ShareEvent, ShareStatus
from advocacy.shares.service import create_share
from scripts.bench.serving import free_port
from tests import factories
from tests.fakes.linkedin_server import FakeLinkedIn
from tests.shares.test_live_dispatch import connected_ambassador
from tests.shares.test_worker_kill import ROOT, start_worker, wait_for, worker_environment

pytestmark = pytest.mark.postgres
SHARES = int(os.environ.get("ADVOCACY_TEST_MULTIPROCESS_SHARES", "300"))
POSTS = 10  # each ambassador shares every post once
BROWSER = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Safari/537.36"


async def start_web(environment: dict[str, str], port: int, log: Path) -> asyncio.subprocess.Process:
    with log.open("wb") as errors:  # kept for a failing run to show
        return await asyncio.create_subprocess_exec(
            sys.executable, "-m", "uvicorn", "advocacy.asgi:app", "--host", "127.0.0.1", "--port", str(port),
            "--no-access-log", "--log-level", "warning", cwd=ROOT, env=environment,
            stdout=asyncio.subprocess.DEVNULL, stderr=errors,
        )


async def until_up(base: str, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds  # a loaded machine can take a while to import the app
    async with httpx.AsyncClient(base_url=base) as http:
        while time.monotonic() < deadline:
            try:
                if (await http.get("/healthz")).status_code == 200:
                    return
            except httpx.TransportError:
                pass
            await asyncio.sleep(0.1)  # a real process starting, not a unit test's clock
    raise AssertionError(f"{base} did not start")


async def follow_links(bases: list[str], slugs: list[str]) -> int:
    """Follow link i (1 + i % 3) times, alternating between the web processes; the clicks made."""
    made = 0
    limit = asyncio.Semaphore(16)

    async def click(http: httpx.AsyncClient, slug: str, n: int) -> None:
        nonlocal made
        async with limit:
            answer = await http.get(f"{bases[n % len(bases)]}/l/{slug}",
                                    headers={"User-Agent": f"{BROWSER} n{n}"})
        assert answer.status_code == 302, (slug, answer.status_code)
        made += 1

    async with httpx.AsyncClient(follow_redirects=False, timeout=30) as http:
        await asyncio.gather(*(click(http, slug, i + k) for i, slug in enumerate(slugs)
                               for k in range(1 + i % 3)))
    return made


async def test_two_web_and_two_worker_processes_publish_each_share_once_and_count_every_click(
    database: Settings, fake_linkedin: tuple[FakeLinkedIn, str], tmp_path: Path
) -> None:
    if not database.is_postgres:
        pytest.skip("needs PostgreSQL: the processes share one database")
    fake, url = fake_linkedin
    clock = SimulatedClock(datetime.now(UTC) - timedelta(minutes=5))  # the processes run on the wall clock
    registry = NetworkRegistry(database, clock)
    _, posts = await factories.create_launched_campaign_with_posts(clock, POSTS, days=2)
    links = LinkMaker.from_settings(database)
    shares: list[Share] = []
    for _ in range(max(1, SHARES // POSTS)):
        account = await connected_ambassador(clock, registry, "linkedin", fake)
        owner = await account.user
        shares += [await create_share(clock, owner, post_id=post.id, account_id=account.id, links=links,
                                      text=f"{post.title} (shared) #proud by {owner.name}") for post in posts]
    await registry.close()
    slugs = list(await ShortLink.filter(share_id__in=[s.id for s in shares]).values_list("slug", flat=True))
    assert len(slugs) == len(shares)

    environment = {**worker_environment(database, url), "ADVOCACY_CLICK_FLUSH_SECONDS": "0.5",
                   "ADVOCACY_DISPATCH_BATCH_SIZE": "50"}
    ports = [free_port(), free_port()]
    bases = [f"http://127.0.0.1:{port}" for port in ports]
    processes = [await start_web(environment, port, tmp_path / f"web-{port}.log") for port in ports]
    processes += [await start_worker(environment), await start_worker(environment)]
    try:
        started = time.monotonic()
        for base in bases:
            await until_up(base)
        up = time.monotonic()
        clicks = await follow_links(bases, slugs)  # while the workers publish
        clicked = time.monotonic()

        async def settled() -> bool:
            return await Share.filter(status=ShareStatus.PUBLISHED).count() == len(shares)
        await wait_for(settled, 30 + len(shares) / 20)
        print(f"up {up - started:.1f} s, {clicks} clicks in {clicked - up:.1f} s, "
              f"all published after {time.monotonic() - up:.1f} s")
    finally:
        # SIGTERM as a process manager stops them: the web processes write their last clicks.
        for process in processes:
            if process.returncode is None:
                process.send_signal(signal.SIGTERM)
        for process in processes:
            try:
                await asyncio.wait_for(process.wait(), 30)
            except TimeoutError:
                process.kill()
    # uvicorn re-raises the SIGTERM it handled once it has shut down cleanly: -15 is a clean stop.
    assert all(p.returncode in (0, -signal.SIGTERM) for p in processes), [p.returncode for p in processes]

    for share in await Share.all():
        [on_platform] = fake.posts_with(share.text)
        assert share.external_id == on_platform.urn
    published = Counter(
        await ShareEvent.filter(to_status=ShareStatus.PUBLISHED).values_list("share_id", flat=True)
    )
    assert set(published) == {s.id for s in shares} and set(published.values()) == {1}
    workers = set(await Share.all().values_list("lease_owner", flat=True)) - {None}
    assert not workers, "no share is left leased"
    counted = await LinkClickDay.all().values_list("link__slug", "clicks", "bot_clicks")
    per_link = Counter[str]()
    for slug, people, bots in counted:
        assert bots == 0
        per_link[slug] += people
    expected = Counter({slug: 1 + i % 3 for i, slug in enumerate(slugs)})
    short = {slug: (expected[slug], per_link[slug]) for slug in expected if per_link[slug] != expected[slug]}
    assert sum(per_link.values()) == clicks, (len(short), list(short.items())[:20])
    assert per_link == Counter({slug: 1 + i % 3 for i, slug in enumerate(slugs)})
