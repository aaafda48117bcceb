"""The pages in a real headless Chromium against the app served by uvicorn: share, then see figures.

Drives Debian's /usr/bin/chromium through playwright's async API (the tests run inside an asyncio
loop); it never downloads a browser. The screenshot lands in test-artifacts/ (git-ignored).
"""

from __future__ import annotations

import asyncio
import os
import socket
import sys
import tempfile
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from datetime import timedelta
from pathlib import Path
from typing import IO, Any

import httpx
import pytest

from advocacy.accounts.networks import NetworkRegistry
from advocacy.clock import SimulatedClock, SystemClock
from advocacy.settings import Settings
from advocacy.shares.dispatch import ShareDispatcher
from advocacy.shares.models import Share, ShareStatus
from campaigns.brand import BrandPublisher
from dashboards.collection.collect import MetricsCollector
from scripts.screenshots import CHROMIUM, CHROMIUM_ARGS, VIEWPORT, sign_in
from tests import factories

pytestmark = pytest.mark.browser

REPO = Path(__file__).resolve().parent.parent
ARTIFACTS = REPO / "test-artifacts"
STARTUP_SECONDS = 20.0


@pytest.fixture
def async_playwright() -> Callable[[], Any]:
    """playwright's async entry point, or a skip saying what is missing."""
    if not CHROMIUM.exists():
        pytest.skip("Debian chromium not installed at /usr/bin/chromium")
    try:
        from playwright.async_api import async_playwright
    except ImportError:
        pytest.skip("the playwright package is not installed")
    ARTIFACTS.mkdir(exist_ok=True)
    return async_playwright


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@asynccontextmanager
async def served_app(
    settings: Settings, more_env: Callable[[str], dict[str, str]] | None = None
) -> AsyncIterator[str]:
    """The real app under uvicorn in its own process, on the test database; yields its base URL.
    `more_env` gives further settings for that base URL (e.g. live mode against local fakes)."""
    port = free_port()
    base_url = f"http://127.0.0.1:{port}"
    env = {**os.environ, "ADVOCACY_DATABASE_URL": settings.database_url, "ADVOCACY_ENV": "development",
           **(more_env(base_url) if more_env else {})}
    # A file, not a pipe: nobody reads the log while the test runs, and a full pipe would stall uvicorn.
    with tempfile.TemporaryFile() as log:
        process = await asyncio.create_subprocess_exec(
            # Through the `advocacy serve` command, so the test serves exactly what production runs.
            sys.executable, "-m", "advocacy.cli", "serve", "--port", str(port),
            "--host", "127.0.0.1", cwd=REPO, env=env, stdout=log, stderr=log,
        )
        try:
            await wait_until_healthy(base_url, process, log)
            yield base_url
        finally:
            if process.returncode is None:
                process.terminate()
                try:
                    await asyncio.wait_for(process.wait(), timeout=10)
                except TimeoutError:
                    process.kill()
                    await process.wait()


@asynccontextmanager
async def chromium_on_app(
    async_playwright: Callable[[], Any], settings: Settings
) -> AsyncIterator[tuple[str, Any]]:
    """The served app and a headless Chromium beside it; yields the app's base URL and the browser."""
    async with served_app(settings) as base_url, async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield base_url, browser
        finally:
            await browser.close()


async def signed_in_page(browser: Any, base_url: str, email: str, **context_options: Any) -> Any:
    """A page in a fresh context (its own cookies), signed in through the form as `email`."""
    context = await browser.new_context(**context_options)
    context.set_default_timeout(15_000)
    page = await context.new_page()
    await sign_in(page, base_url, email, factories.PASSWORD)
    return page


async def wait_until_healthy(base_url: str, process: asyncio.subprocess.Process, log: IO[bytes]) -> None:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + STARTUP_SECONDS
    async with httpx.AsyncClient(timeout=2) as http:
        while loop.time() < deadline:
            if process.returncode is not None:
                log.seek(0)
                raise AssertionError(f"uvicorn exited with {process.returncode}:\n{log.read().decode()}")
            try:
                if (await http.get(f"{base_url}/healthz")).status_code == 200:
                    return
            except httpx.TransportError:
                pass
            await asyncio.sleep(0.1)  # polling a process that is starting up; there is no clock to drive
    log.seek(0)
    raise AssertionError(f"uvicorn not healthy after {STARTUP_SECONDS} s:\n{log.read().decode()}")


async def test_ambassador_shares_and_leader_sees_the_figures_drawn(
    async_playwright: Callable[[], Any], database: Settings
) -> None:
    # The server runs on the wall clock, so the campaign window must contain the real now.
    wall = SystemClock()
    await factories.create_brand_channels(wall)
    campaign, post = await factories.create_launched_campaign(wall)
    ambassador = await factories.create_user(wall, "ambassador", name="Ada Ambassador")
    await factories.create_account(wall, ambassador, "linkedin")
    leader = await factories.create_user(wall, "leader", name="Lee Leader")
    # The worker side runs here, on a clock that can jump ahead so metrics come due at once.
    later = SimulatedClock(wall.now())
    networks = NetworkRegistry(database, later)
    assert await BrandPublisher(networks, later).publish_campaign(campaign.id) == 2

    async with served_app(database) as base_url, async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            ambassador_page = await (await browser.new_context()).new_page()
            ambassador_page.set_default_timeout(15_000)
            # Content-Security-Policy violations are reported as console errors naming the policy
            # (the browser's own request for /favicon.ico, a 404, is also a console error).
            ambassador_problems: list[str] = []
            ambassador_page.on("pageerror", lambda error: ambassador_problems.append(str(error)))
            ambassador_page.on("console", lambda message: ambassador_problems.append(message.text)
                               if "Content Security Policy" in message.text else None)
            await sign_in(ambassador_page, base_url, ambassador.email, factories.PASSWORD)
            assert ambassador_page.url == f"{base_url}/feed"
            await ambassador_page.click(f"#post-{post.id} form.share-form button[type=submit]")
            await ambassador_page.wait_for_selector("#my-shares .status.queued")
            assert post.title in await ambassador_page.inner_text("#my-shares")
            assert "queued and goes out in a moment" in await ambassador_page.inner_text("main")
            assert ambassador_problems == []

            share = await Share.get(user_id=ambassador.id)
            later.set(wall.now() + timedelta(minutes=1))
            assert (await ShareDispatcher(networks, later).run_until_idle()).published_ids == [share.id]
            collector = MetricsCollector(networks, later)
            for _ in range(7):
                later.advance(timedelta(days=1))
                await collector.run_once()
            await share.refresh_from_db()
            assert share.status == ShareStatus.PUBLISHED

            leader_page = await (await browser.new_context(viewport=VIEWPORT)).new_page()
            leader_page.set_default_timeout(30_000)
            problems: list[str] = []
            leader_page.on("pageerror", lambda error: problems.append(str(error)))
            leader_page.on(
                "console", lambda message: problems.append(message.text) if message.type == "error" else None
            )
            await sign_in(leader_page, base_url, leader.email, factories.PASSWORD)
            assert leader_page.url == f"{base_url}/dashboard"
            await leader_page.wait_for_selector(".figure .main-svg")
            await leader_page.wait_for_function(
                "document.querySelectorAll('.figure .main-svg').length >= 3"
            )
            assert await leader_page.locator(".figure .main-svg").count() >= 3
            assert await leader_page.locator("#figure-daily-impressions .main-svg").count() >= 1
            shares_tile = leader_page.locator("#kpi-shares .value")
            assert await shares_tile.is_visible() and (await shares_tile.inner_text()).strip() == "1"
            assert "simulated" in await leader_page.inner_text("#kpi-impressions")
            await leader_page.screenshot(path=str(ARTIFACTS / "dashboard.png"), full_page=True)
            assert problems == []
        finally:
            await browser.close()
