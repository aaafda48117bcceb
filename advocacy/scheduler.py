"""The background work of the service: APScheduler wakes the dispatcher, the metrics collector, the
brand posts of campaigns whose start has come, the content expiry (with the used one-tap share links
past theirs), the token health check, the notification delivery, the weekly digests, the newsroom feeds
and the deletion of link visitors' hashes once their day's count is final.

The database row is the truth; these jobs only decide when to look. Each job reads what is due,
so any number of worker processes can run side by side (claims are atomic, see ShareDispatcher).
"""

from __future__ import annotations

import asyncio
import logging
import os
import socket
from collections.abc import Awaitable, Callable
from datetime import UTC
from typing import Any

from apscheduler.schedulers.asyncio import AsyncIOScheduler

from advocacy.accounts.health import TokenHealth
from advocacy.accounts.networks import NetworkRegistry
from advocacy.clock import Clock
from advocacy.links.service import forget_old_visitors
from advocacy.notify.delivery import NotificationDeliverer
from advocacy.notify.service import organisation_channels
from advocacy.settings import Settings
from advocacy.shares.dispatch import ShareDispatcher
from advocacy.shares.one_tap import actions_provider, forget_used_links
from campaigns.announce import send_posts_digests
from campaigns.brand import BrandPublisher
from campaigns.newsroom.importing import NewsroomImporter
from campaigns.service import expire_content
from dashboards.collection.collect import MetricsCollector
from dashboards.reporting.weekly_mail import send_leadership_summaries

log = logging.getLogger(__name__)


class WorkerScheduler(AsyncIOScheduler):
    """APScheduler's asyncio scheduler that lets the runs in flight finish when the process stops.

    APScheduler's own shutdown cancels a coroutine job where it stands: a share cut off between the
    platform's answer and its database row waits out its lease and is reconciled later. `stop`
    starts no new run and gives the current ones a grace period to finish first.
    """

    def __init__(self, **options: Any) -> None:
        super().__init__(**options)
        self._running: set[asyncio.Task[Any]] = set()

    def add_tracked_job(self, job: Callable[[], Awaitable[None]], trigger: str, **options: Any) -> None:
        async def run() -> None:
            task = asyncio.current_task()
            if task is None:  # not under APScheduler's executor, which runs each run as a task
                await job()
                return
            self._running.add(task)
            try:
                await job()
            finally:
                self._running.discard(task)

        run.__name__ = run.__qualname__ = job.__name__  # the job's own name in APScheduler's logs
        self.add_job(run, trigger, **options)

    async def stop(self, grace_seconds: float) -> None:
        """No new run; the runs in flight get `grace_seconds` to finish; then the scheduler stops.

        What is still running after the grace period is cancelled, and its claimed rows stay under
        their leases until a worker takes them over.
        """
        self.pause()
        if self._running:
            _, late = await asyncio.wait(set(self._running), timeout=grace_seconds)
            if late:
                log.warning("stopping with %d job run(s) still in flight after %.0f s; their leases "
                            "hand them to the next worker", len(late), grace_seconds)
        self.shutdown(wait=False)
        await asyncio.sleep(0)  # APScheduler stops on the event loop's next turn


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


def build_scheduler(settings: Settings, clock: Clock, networks: NetworkRegistry) -> WorkerScheduler:
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

    brand = BrandPublisher(networks, clock)

    async def brand_posts() -> None:
        published = await brand.publish_due()
        if published:
            log.info("brand posts: %d published for campaigns that started", published)

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
        links = await forget_used_links(clock.now())
        if links:
            log.info("expire: %d used one-tap links past their expiry forgotten", links)

    # The process's one HTTP client (the registry's, closed with it at shutdown), not one per run.
    deliverer = NotificationDeliverer(
        settings, clock, networks.http, worker_name=f"{socket.gethostname()}:{os.getpid()}",
        use_skip_locked=settings.is_postgres, post_actions=actions_provider(settings, clock),
    )

    async def deliver_notifications() -> None:
        report = await deliverer.run_once()
        if report.claimed or report.unconfirmed:
            log.info("notify: claimed %d, sent %d, retrying %d, failed %d, unconfirmed %d, skipped %d",
                     report.claimed, report.sent, report.retrying, report.failed, report.unconfirmed,
                     report.skipped)

    async def digests() -> None:
        posts = await send_posts_digests(clock, organisation=organisation_channels(settings))
        leaders = await send_leadership_summaries(clock, settings)
        if posts or leaders:
            log.info("digests: %d new-posts digests, %d leadership summaries queued", posts, leaders)

    async def forget_visitors() -> None:
        removed = await forget_old_visitors(clock)
        if removed:
            log.info("links: %d visitor hashes of past days deleted with their salts", removed)

    newsroom = NewsroomImporter(settings, clock, networks.http)

    async def newsroom_feeds() -> None:
        report = await newsroom.run_once()
        if report.feeds_read or report.failed:
            log.info("newsroom: %d feeds read (%d unchanged), %d failed, %d new items",
                     report.feeds_read, report.unchanged, report.failed, report.imported)

    # The default misfire grace of 1 s silently drops runs that wake late under load: keep them,
    # coalesced into one, and never run two copies of a job in one process.
    scheduler = WorkerScheduler(
        timezone=UTC,
        job_defaults={"misfire_grace_time": None, "coalesce": True, "max_instances": 1},
    )
    scheduler.add_tracked_job(dispatch, "interval", seconds=settings.dispatch_interval_seconds, id="dispatch")
    scheduler.add_tracked_job(collect, "interval", seconds=settings.collect_interval_seconds, id="collect")
    scheduler.add_tracked_job(brand_posts, "interval", seconds=settings.brand_publish_interval_seconds,
                              id="brand-posts")
    scheduler.add_tracked_job(expire, "interval", seconds=settings.expire_interval_seconds, id="expire")
    scheduler.add_tracked_job(
        token_health, "interval", seconds=settings.token_health_interval_seconds, id="token-health"
    )
    scheduler.add_tracked_job(digests, "interval", seconds=settings.digest_interval_seconds, id="digests")
    scheduler.add_tracked_job(forget_visitors, "interval", hours=1, id="forget-visitors")
    # Each feed says when it is due (its poll interval or its backoff): the job only looks every minute.
    scheduler.add_tracked_job(newsroom_feeds, "interval", seconds=60, id="newsroom")
    if settings.notify_send:
        # Off (the demo): notices stay in-app and wait in the outbox; nothing leaves the machine.
        scheduler.add_tracked_job(deliver_notifications, "interval", seconds=settings.notify_interval_seconds,
                          id="notify")
    return scheduler
