"""The background work of the service: APScheduler wakes the dispatcher, the metrics collector, the
content expiry, the token health check, the notification delivery, the weekly digests and the
deletion of link visitors' hashes once their day's count is final.

The database row is the truth; these jobs only decide when to look. Each job reads what is due,
so any number of worker processes can run side by side (claims are atomic, see ShareDispatcher).
"""

from __future__ import annotations

import logging
import os
import socket
from datetime import UTC

from apscheduler.schedulers.asyncio import AsyncIOScheduler

from advocacy.accounts.health import TokenHealth
from advocacy.accounts.networks import NetworkRegistry
from advocacy.clock import Clock
from advocacy.links.service import forget_old_visitors
from advocacy.notify.delivery import NotificationDeliverer
from advocacy.settings import Settings
from advocacy.shares.dispatch import ShareDispatcher
from campaigns.announce import send_posts_digests
from campaigns.service import expire_content
from dashboards.collection.collect import MetricsCollector
from dashboards.reporting.weekly_mail import send_leadership_summaries

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

    health = TokenHealth(settings, networks, clock)

    async def token_health() -> None:
        report = await health.run_once()
        if report.refreshed or report.reminded or report.needs_reconnect or report.errors:
            log.info(
                "token health: %d refreshed, %d reminded, %d need reconnecting, %d errors",
                report.refreshed, report.reminded, len(report.needs_reconnect), report.errors,
            )

    async def expire() -> None:
        packs, shares = await expire_content(clock)
        if packs or shares:
            log.info("expire: %d packs expired, %d queued shares cancelled", packs, shares)

    # The process's one HTTP client (the registry's, closed with it at shutdown), not one per run.
    deliverer = NotificationDeliverer(
        settings, clock, networks.http, worker_name=f"{socket.gethostname()}:{os.getpid()}",
        use_skip_locked=settings.is_postgres,
    )

    async def deliver_notifications() -> None:
        report = await deliverer.run_once()
        if report.claimed or report.unconfirmed:
            log.info("notify: claimed %d, sent %d, retrying %d, failed %d, unconfirmed %d, skipped %d",
                     report.claimed, report.sent, report.retrying, report.failed, report.unconfirmed,
                     report.skipped)

    async def digests() -> None:
        posts = await send_posts_digests(clock)
        leaders = await send_leadership_summaries(clock, settings)
        if posts or leaders:
            log.info("digests: %d new-posts digests, %d leadership summaries queued", posts, leaders)

    async def forget_visitors() -> None:
        removed = await forget_old_visitors(clock)
        if removed:
            log.info("links: %d visitor hashes of past days deleted with their salts", removed)

    # The default misfire grace of 1 s silently drops runs that wake late under load: keep them,
    # coalesced into one, and never run two copies of a job in one process.
    scheduler = AsyncIOScheduler(
        timezone=UTC,
        job_defaults={"misfire_grace_time": None, "coalesce": True, "max_instances": 1},
    )
    scheduler.add_job(dispatch, "interval", seconds=settings.dispatch_interval_seconds, id="dispatch")
    scheduler.add_job(collect, "interval", seconds=settings.collect_interval_seconds, id="collect")
    scheduler.add_job(expire, "interval", seconds=settings.expire_interval_seconds, id="expire")
    scheduler.add_job(
        token_health, "interval", seconds=settings.token_health_interval_seconds, id="token-health"
    )
    scheduler.add_job(digests, "interval", seconds=settings.digest_interval_seconds, id="digests")
    scheduler.add_job(forget_visitors, "interval", hours=1, id="forget-visitors")
    if settings.notify_send:
        # Off (the demo): notices stay in-app and wait in the outbox; nothing leaves the machine.
        scheduler.add_job(deliver_notifications, "interval", seconds=settings.notify_interval_seconds,
                          id="notify")
    return scheduler
