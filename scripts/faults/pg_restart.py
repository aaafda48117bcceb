"""PostgreSQL restarted in the middle of a dispatch run: the workers recover alone, nothing lost or doubled.

    python -m scripts.faults.pg_restart --restart [--shares 2000] [--workers 2] [--minutes 5]

This restarts the machine's PostgreSQL server (every database on it): run it on a machine of your own,
never while other people's tests use that server. Without --restart it runs the same dispatch with no
restart, as a dry run of the checks.

Real `advocacy worker` processes in live mode publish to the fake LinkedIn server (one platform shared
by every process, as in production) from the database named by ADVOCACY_BENCH_DATABASE_URL (emptied).
When about a third of the shares are published, PostgreSQL is restarted with
`pg_ctlcluster --skip-systemctl-redirect <version> main restart`. Nobody touches the workers: they must
reconnect by themselves. The run ends when every share is published (the ones in flight during the
restart are reconciled with the platform first) or the time is up. Checks: every share published, each
on the platform exactly once and under its recorded id, one `published` event per share, the workers
still running. Exit status 1 on any failure.
"""

from __future__ import annotations

import argparse
import asyncio
import subprocess
import sys
import time
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path

from tortoise import Tortoise, connections

from advocacy import db
from advocacy.accounts.networks import NetworkRegistry
from advocacy.clock import SimulatedClock
from advocacy.settings import Settings
from advocacy.shares.models import Share, ShareEvent, ShareStatus
from scripts.bench.result import bench_database_url
from tests import factories
from tests.fakes import linkedin_server
from tests.fakes.serving import serve
from tests.shares.test_live_dispatch import connected_ambassador, share_everything
from tests.shares.test_worker_kill import start_worker, worker_environment

POSTS = 10
LEASE_SECONDS = 15


def restart_postgresql() -> None:
    version = sorted(p.name for p in Path("/etc/postgresql").iterdir())[-1]
    subprocess.run(["pg_ctlcluster", "--skip-systemctl-redirect", version, "main", "restart"], check=True)
    for _ in range(60):
        if subprocess.run(["pg_isready", "-q", "-h", "127.0.0.1"]).returncode == 0:
            return
        time.sleep(0.5)
    raise RuntimeError("PostgreSQL did not come back")


async def counts() -> Counter[str]:
    """Shares by status, read on a fresh connection each time (the old ones die with the restart)."""
    for _ in range(60):
        try:
            return Counter(str(s) for s in await Share.all().values_list("status", flat=True))
        except Exception:  # noqa: BLE001 - the server is restarting under us; try again shortly
            await connections.close_all(discard=True)
            await asyncio.sleep(0.5)
    raise RuntimeError("the database stayed unreachable")


async def run(url: str, shares: int, workers: int, minutes: float, restart: bool) -> bool:
    settings = Settings(env="test", database_url=url, secret_key="fault-run-secret-key" * 2)
    await db.init_db(settings)
    await connections.get("default").execute_script("DROP SCHEMA public CASCADE; CREATE SCHEMA public;")
    await Tortoise.close_connections()
    await db.migrate(settings)
    await db.init_db(settings)
    fake = linkedin_server.FakeLinkedIn()
    fake.posts_per_day = POSTS + 1
    with serve(linkedin_server.build_app(fake)) as linkedin_url:
        clock = SimulatedClock(datetime.now(UTC) - timedelta(minutes=5))  # due now on the workers' wall clock
        registry = NetworkRegistry(settings, clock)
        _, posts = await factories.create_launched_campaign_with_posts(clock, POSTS, days=2)
        made: list[Share] = []
        for _ in range(max(1, shares // POSTS)):
            account = await connected_ambassador(clock, registry, "linkedin", fake)
            made += await share_everything(clock, account, posts)
        await registry.close()
        fake.create_delay_seconds = 0.01  # a platform that takes a moment, so batches are in flight
        environment = {**worker_environment(settings, linkedin_url), "PYTHONPATH": str(Path.cwd()),
                       "ADVOCACY_DISPATCH_LEASE_SECONDS": str(LEASE_SECONDS)}
        processes = [await start_worker(environment) for _ in range(workers)]
        started = time.monotonic()
        restarted_at: float | None = None
        try:
            while time.monotonic() - started < 60 * minutes:
                status = await counts()
                print(f"{time.monotonic() - started:6.1f} s  {dict(status)}", flush=True)
                if status[ShareStatus.PUBLISHED] == len(made):
                    break
                if restart and restarted_at is None and status[ShareStatus.PUBLISHED] >= len(made) / 3:
                    print("restarting PostgreSQL ...", flush=True)
                    await asyncio.to_thread(restart_postgresql)
                    restarted_at = time.monotonic()
                    print(f"PostgreSQL is back after {restarted_at - started:.1f} s", flush=True)
                await asyncio.sleep(2)  # polling real processes
            alive = [p.returncode is None for p in processes]
        finally:
            for process in processes:
                if process.returncode is None:
                    process.terminate()
            for process in processes:
                await process.wait()
    await connections.close_all(discard=True)
    await db.init_db(settings)
    ok = True
    final = await counts()
    if final[ShareStatus.PUBLISHED] != len(made):
        print(f"NOT all published: {dict(final)}")
        ok = False
    doubled = [s.id for s in await Share.all() if len(fake.posts_with(s.text)) > 1]
    wrong = [s.id for s in await Share.filter(status=ShareStatus.PUBLISHED)
             if [p.urn for p in fake.posts_with(s.text)] != [s.external_id]]
    events = Counter(
        await ShareEvent.filter(to_status=ShareStatus.PUBLISHED).values_list("share_id", flat=True))
    if doubled or wrong or any(n != 1 for n in events.values()):
        print(f"posted twice: {doubled[:10]}; not matching the platform: {wrong[:10]}; "
              f"events: {[k for k, n in events.items() if n != 1][:10]}")
        ok = False
    if not all(alive):
        print(f"a worker stopped: {alive}")
        ok = False
    reconciled = await ShareEvent.filter(to_status=ShareStatus.UNCONFIRMED).count()
    await Tortoise.close_connections()
    print(f"{len(made):,} shares, {workers} workers, restart: {'yes' if restart else 'no'}; "
          f"{reconciled} outcomes reconciled; {'PASSED' if ok else 'FAILED'}")
    return ok


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--restart", action="store_true", help="really restart PostgreSQL mid-run")
    parser.add_argument("--shares", type=int, default=2000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--minutes", type=float, default=5.0, help="upper bound of the run")
    args = parser.parse_args()
    sys.exit(0 if asyncio.run(run(bench_database_url(), args.shares, args.workers, args.minutes,
                                  args.restart)) else 1)


if __name__ == "__main__":
    main()
