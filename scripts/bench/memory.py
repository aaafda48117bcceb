"""Peak memory of one `advocacy worker` process with 100,000 queued shares, on PostgreSQL.

    python -m scripts.bench.memory [--shares N] [--seconds S] [--json]

Queues the shares (sandbox connector, due now), starts the real `advocacy worker` command with a
short dispatch and collection interval, lets it run for a bounded time and reads its peak resident
set (VmHWM in /proc) while it dispatches, enrols the published shares for collection and collects.
Baseline: the peak of the same command over an empty queue for the same time, so the figure shows
what the queue adds. Goal: at most 250 MB. Needs ADVOCACY_BENCH_DATABASE_URL (emptied).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import signal
import subprocess
import sys
import time
from datetime import UTC, datetime

import asyncpg

from scripts.bench.dispatch import prepare
from scripts.bench.result import Measure, bench_database_url, report

GOAL_MB = 250.0


def peak_rss_mb(pid: int) -> float:
    """The process's peak resident set so far (VmHWM), in MB; 0 when it has gone."""
    try:
        with open(f"/proc/{pid}/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except FileNotFoundError:
        pass
    return 0.0


def run_worker(url: str, seconds: float) -> float:
    """Run `advocacy worker` for `seconds`, then stop it as an operator would (SIGTERM); its peak RSS."""
    env = {**os.environ, "ADVOCACY_DATABASE_URL": url, "ADVOCACY_NETWORK_MODE": "sandbox",
           "ADVOCACY_SANDBOX_DAILY_POST_LIMIT": "1000000", "ADVOCACY_DISPATCH_INTERVAL_SECONDS": "0.2",
           "ADVOCACY_COLLECT_INTERVAL_SECONDS": "5", "ADVOCACY_LOG_LEVEL": "WARNING"}
    process = subprocess.Popen([sys.executable, "-m", "advocacy.cli", "worker"], env=env,
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    peak = 0.0
    try:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline and process.poll() is None:
            peak = max(peak, peak_rss_mb(process.pid))
            time.sleep(0.2)
        peak = max(peak, peak_rss_mb(process.pid))
        if process.poll() is not None:
            raise RuntimeError(f"worker stopped early: {process.stderr.read().decode()[-2000:]}")  # type: ignore[union-attr]
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
    return peak


async def published(url: str) -> tuple[int, int]:
    conn = await asyncpg.connect(url.replace("postgres://", "postgresql://"))
    try:
        return (int(await conn.fetchval("SELECT count(*) FROM shares WHERE status = 'published'")),
                int(await conn.fetchval("SELECT count(*) FROM tracked_posts")))
    finally:
        await conn.close()


def measure(url: str, shares: int = 100_000, seconds: float = 60.0) -> list[Measure]:
    now = datetime.now(UTC)
    asyncio.run(prepare(url, 0, now))
    idle = run_worker(url, min(seconds, 15.0))
    asyncio.run(prepare(url, shares, now))
    busy = run_worker(url, seconds)
    done, tracked = asyncio.run(published(url))
    return [Measure(f"worker peak RSS, {shares:,} queued shares", busy, idle, "MB", GOAL_MB,
                    higher_is_better=False, goal_on_ours=True,
                    baseline_name="the same worker over an empty queue",
                    note=f"{seconds:.0f} s bounded run: {done:,} shares published, {tracked:,} enrolled for "
                         "collection")]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--shares", type=int, default=100_000)
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    report(measure(bench_database_url(), args.shares, args.seconds), args.json)


if __name__ == "__main__":
    main()
