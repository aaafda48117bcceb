"""The worker's scheduler: a stop lets the runs in flight finish, within a grace period."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

from advocacy.scheduler import WorkerScheduler


async def test_a_stopping_worker_lets_the_run_in_flight_finish() -> None:
    scheduler = WorkerScheduler(timezone=UTC)
    started, finished = asyncio.Event(), []

    async def publish() -> None:
        started.set()
        await asyncio.sleep(0.2)  # the platform takes its time to answer
        finished.append("published")

    scheduler.add_tracked_job(publish, "interval", seconds=60, next_run_time=None, id="publish")
    scheduler.start()
    scheduler.modify_job("publish", next_run_time=datetime.now(UTC))
    await asyncio.wait_for(started.wait(), timeout=5)

    await scheduler.stop(grace_seconds=5)
    assert finished == ["published"]
    assert not scheduler.running


async def test_a_run_that_outlasts_the_grace_period_is_cut_off_and_the_stop_returns() -> None:
    scheduler = WorkerScheduler(timezone=UTC)
    started, outcome = asyncio.Event(), []

    async def hang() -> None:
        started.set()
        try:
            await asyncio.Event().wait()
        except asyncio.CancelledError:
            outcome.append("cancelled")
            raise

    scheduler.add_tracked_job(hang, "interval", seconds=60, next_run_time=None, id="hang")
    scheduler.start()
    scheduler.modify_job("hang", next_run_time=datetime.now(UTC))
    await asyncio.wait_for(started.wait(), timeout=5)

    await asyncio.wait_for(scheduler.stop(grace_seconds=0.1), timeout=5)
    await asyncio.sleep(0)  # the cancellation reaches the task
    assert outcome == ["cancelled"]


async def test_no_run_starts_once_the_stop_began() -> None:
    scheduler = WorkerScheduler(timezone=UTC)
    runs: list[int] = []
    started = asyncio.Event()

    async def tick() -> None:
        runs.append(1)
        started.set()

    scheduler.add_tracked_job(tick, "interval", seconds=0.05, id="tick")
    scheduler.start()
    await asyncio.wait_for(started.wait(), timeout=5)
    await scheduler.stop(grace_seconds=1)
    seen = len(runs)
    await asyncio.sleep(0.2)
    assert len(runs) == seen
