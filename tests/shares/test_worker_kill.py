"""Worker processes killed with SIGKILL in the middle of a batch lose nothing and post nothing twice.

Real `advocacy worker` processes in live mode publish to the fake LinkedIn server (one platform
shared by every process, as in production) on PostgreSQL. Two are killed mid-batch, one after the
other; a third expires their leases, reconciles the shares they left behind and finishes the rest.
"""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from advocacy.accounts.networks import NetworkRegistry
from advocacy.clock import SimulatedClock
from advocacy.settings import Settings
from advocacy.shares.models import Share, ShareEvent, ShareStatus
from tests import factories
from tests.fakes.linkedin_server import FakeLinkedIn
from tests.shares.test_live_dispatch import connected_ambassador, share_everything

pytestmark = pytest.mark.postgres
ROOT = Path(__file__).resolve().parents[2]
LEASE_SECONDS = 10


def worker_environment(settings: Settings, linkedin_url: str) -> dict[str, str]:
    return {
        **os.environ, "PYTHONPATH": str(ROOT), "ADVOCACY_ENV": "test",
        "ADVOCACY_DATABASE_URL": settings.database_url, "ADVOCACY_SECRET_KEY": settings.secret_key,
        "ADVOCACY_NETWORK_MODE": "live", "ADVOCACY_LINKEDIN_API_BASE_URL": linkedin_url,
        "ADVOCACY_DISPATCH_INTERVAL_SECONDS": "0.2", "ADVOCACY_DISPATCH_BATCH_SIZE": "40",
        "ADVOCACY_DISPATCH_LEASE_SECONDS": str(LEASE_SECONDS), "ADVOCACY_COLLECT_INTERVAL_SECONDS": "3600",
        "ADVOCACY_CONNECTOR_TIMEOUT_SECONDS": "5",
    }


async def start_worker(environment: dict[str, str]) -> asyncio.subprocess.Process:
    return await asyncio.create_subprocess_exec(
        sys.executable, "-m", "advocacy.cli", "worker", cwd=ROOT, env=environment,
        stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.DEVNULL,
    )


async def wait_for(condition, seconds: float) -> None:  # type: ignore[no-untyped-def]
    deadline = asyncio.get_running_loop().time() + seconds
    while not await condition():
        assert asyncio.get_running_loop().time() < deadline, "timed out waiting for the workers"
        await asyncio.sleep(0.1)  # polling real processes, not a unit test's clock


async def test_worker_processes_killed_twice_mid_batch_lose_nothing_and_duplicate_nothing(
    database: Settings, fake_linkedin: tuple[FakeLinkedIn, str]
) -> None:
    if not database.is_postgres:
        pytest.skip("needs PostgreSQL: worker processes share one database")
    fake, url = fake_linkedin
    # The workers run on the wall clock: make everything due now.
    clock = SimulatedClock(datetime.now(UTC) - timedelta(minutes=5))
    registry = NetworkRegistry(database, clock)
    _, posts = await factories.create_launched_campaign_with_posts(clock, 10, days=1)
    shares: list[Share] = []
    for _ in range(20):
        account = await connected_ambassador(clock, registry, "linkedin", fake)
        shares += await share_everything(clock, account, posts)
    fake.create_delay_seconds = 0.02
    environment = worker_environment(database, url)

    left_in_flight = 0
    for kill in (1, 2):
        doomed = await start_worker(environment)
        try:
            before = await Share.filter(status=ShareStatus.PUBLISHED).count()

            async def progressed(before: int = before) -> bool:
                return await Share.filter(status=ShareStatus.PUBLISHED).count() >= before + 20
            await wait_for(progressed, 30)
            doomed.send_signal(signal.SIGKILL)
            await doomed.wait()
        finally:
            if doomed.returncode is None:
                doomed.kill()
        in_flight = await Share.filter(status=ShareStatus.PUBLISHING).count()
        assert in_flight > left_in_flight, f"kill {kill} landed mid-batch"
        left_in_flight = in_flight
    assert await Share.filter(status__in=(ShareStatus.QUEUED,)).exists(), "work was left to finish"

    survivor = await start_worker(environment)
    try:
        async def settled() -> bool:
            return await Share.filter(status=ShareStatus.PUBLISHED).count() == len(shares)
        await wait_for(settled, LEASE_SECONDS + 60)
    finally:
        survivor.send_signal(signal.SIGTERM)
        await survivor.wait()
        fake.create_delay_seconds = 0

    for share in await Share.all():
        [on_platform] = fake.posts_with(share.text)
        assert share.external_id == on_platform.urn
    published = Counter(
        await ShareEvent.filter(to_status=ShareStatus.PUBLISHED).values_list("share_id", flat=True)
    )
    assert set(published.values()) == {1}
    reconciled = await ShareEvent.filter(to_status=ShareStatus.UNCONFIRMED).count()
    assert reconciled == left_in_flight
