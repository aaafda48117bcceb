"""The background work of the service: APScheduler wakes the dispatcher, the metrics collector and
the content expiry.

The database row is the truth; these jobs only decide when to look. Each job reads what is due,
so any number of worker processes can run side by side (claims are atomic, see ShareDispatcher).
"""

from __future__ import annotations

import logging
import os
import socket
from datetime import UTC

from apscheduler.schedulers.asyncio import AsyncIOScheduler

from advocacy.accounts.networks import NetworkRegistry
from advocacy.clock import Clock
from advocacy.settings import Settings
from advocacy.shares.dispatch import ShareDispatcher
from campaigns.service import expire_content
from dashboards.collect import MetricsCollector

log = logging.getLogger(__name__)


def build_dispatcher(settings: Settings, clock: Clock, networks: NetworkRegistry) -> ShareDispatcher:
    return ShareDispatcher(
        networks,
        clock,
        batch_size=settings.dispatch_batch_size,
        lease_seconds=settings.dispatch_lease_seconds,
        max_attempts=settings.dispatch_max_attempts,
        worker_name=f"{socket.gethostname()}:{os.getpid()}",
        use_skip_locked=settings.is_postgres,
    )


def build_scheduler(settings: Settings, clock: Clock, networks: NetworkRegistry) -> AsyncIOScheduler:
    """A scheduler with the dispatch and collection jobs, not yet started."""
    dispatcher = build_dispatcher(settings, clock, networks)
    collector = MetricsCollector(networks, clock)

    async def dispatch() -> None:
        report = await dispatcher.run_once()
        if report.claimed or report.unconfirmed:
            log.info(
                "dispatch: claimed %d, published %d, requeued %d, failed %d, unconfirmed %d",
                report.claimed, report.published, report.requeued, report.failed, report.unconfirmed,
            )

    async def collect() -> None:
        report = await collector.run_once()
        if report.snapshots or report.errors:
            log.info("collect: %d snapshots, %d errors", report.snapshots, report.errors)

    async def expire() -> None:
        packs, shares = await expire_content(clock)
        if packs or shares:
            log.info("expire: %d packs expired, %d queued shares cancelled", packs, shares)

    # The default misfire grace of 1 s silently drops runs that wake late under load: keep them,
    # coalesced into one, and never run two copies of a job in one process.
    scheduler = AsyncIOScheduler(
        timezone=UTC,
        job_defaults={"misfire_grace_time": None, "coalesce": True, "max_instances": 1},
    )
    scheduler.add_job(dispatch, "interval", seconds=settings.dispatch_interval_seconds, id="dispatch")
    scheduler.add_job(collect, "interval", seconds=settings.collect_interval_seconds, id="collect")
    scheduler.add_job(expire, "interval", seconds=settings.expire_interval_seconds, id="expire")
    return scheduler
