"""Collects metrics of published shares and brand posts on a decaying schedule."""

from __future__ import annotations

import logging
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta

from tortoise import get_connection
from tortoise.transactions import in_transaction

from advocacy.accounts.models import AppParking, ParkingKind
from advocacy.accounts.networks import NetworkRegistry
from advocacy.clock import Clock
from advocacy.shares.models import Share, ShareStatus
from advocacy.shares.readback import ReadbackChecker
from advocacy.users.models import Role, User
from campaigns.models import BrandPost
from connectors.base import ConnectorError
from dashboards.collection.ingest import record_snapshots
from dashboards.collection.partitions import ensure_partitions
from dashboards.models import ParticipationDay, TrackedPost

log = logging.getLogger(__name__)

OPERATOR_KINDS = (ParkingKind.CREDITS, ParkingKind.RETIRED_VERSION)

# Fresh posts change fast and old ones slowly, so snapshots thin out with age.
SNAPSHOT_OFFSETS = (
    timedelta(hours=1),
    timedelta(hours=6),
    timedelta(hours=24),
    timedelta(days=3),
    timedelta(days=7),
    timedelta(days=14),
    timedelta(days=28),
)


ACTIVE_WINDOW = timedelta(days=30)


@dataclass
class CollectionReport:
    enrolled: int = 0
    snapshots: int = 0
    errors: int = 0
    read_back: int = 0
    flagged: int = 0


class MetricsCollector:
    """Enrols newly published posts, then takes the snapshots that are due.

    Each run also reads shares back from their platform (the post-publication check): every share
    published since the last run, and again each share whose snapshot was due.
    """

    def __init__(self, networks: NetworkRegistry, clock: Clock, *, batch_size: int = 500) -> None:
        self.networks = networks
        self.clock = clock
        self.batch_size = batch_size
        self.readback = ReadbackChecker(networks, clock)

    async def enrol_new_posts(self) -> int:
        shares = await Share.filter(
            status=ShareStatus.PUBLISHED, tracking=None, published_at__not_isnull=True
        ).select_related("post__pack")
        brand_posts = await BrandPost.filter(tracking=None).select_related("post__pack")
        rows = [
            TrackedPost(
                share_id=share.id,
                account_id=share.account_id,
                campaign_id=share.post.pack.campaign_id,
                network=share.network,
                external_id=share.external_id,
                published_at=share.published_at,
                next_collect_at=share.published_at + SNAPSHOT_OFFSETS[0],
            )
            for share in shares
            if share.published_at is not None
        ] + [
            TrackedPost(
                brand_post_id=brand.id,
                account_id=brand.account_id,  # type: ignore[attr-defined]
                campaign_id=brand.post.pack.campaign_id,
                network=brand.network,
                external_id=brand.external_id,
                published_at=brand.published_at,
                next_collect_at=brand.published_at + SNAPSHOT_OFFSETS[0],
            )
            for brand in brand_posts
        ]
        if rows:
            await TrackedPost.bulk_create(rows)
        return len(rows)

    async def run_once(self) -> CollectionReport:
        report = CollectionReport(enrolled=await self.enrol_new_posts())
        now = self.clock.now()
        await ensure_partitions(get_connection("default"), now)
        # A network on hold until an operator acts (a retired API version, credits used up) would
        # refuse every read too: its posts stay due, without a call or a warning each pass.
        held = await AppParking.filter(kind__in=OPERATOR_KINDS).values_list("network", flat=True)
        # Shares never read back yet: the check right after publication.
        to_read = {share.id for share in await Share.filter(
            status=ShareStatus.PUBLISHED, external_id__not_isnull=True, readbacks__id__isnull=True,
        ).exclude(network__in=held).limit(self.batch_size).only("id")}
        due = (
            await TrackedPost.filter(next_collect_at__lte=now).exclude(network__in=held)
            .select_related("account")
            .order_by("next_collect_at")
            .limit(self.batch_size)
        )
        by_account: dict[int, list[TrackedPost]] = defaultdict(list)
        for tracked in due:
            by_account[tracked.account.id].append(tracked)
        for posts in by_account.values():
            account = posts[0].account
            try:
                metrics = await self.networks.connector(posts[0].network).fetch_metrics(
                    await self.networks.account_ref(account), [p.external_id for p in posts]
                )
            except ConnectorError as error:
                # One account failing never stops the others; the posts stay due for next time.
                log.warning("metrics of account %s not collected: %s", account.id, error.message)
                report.errors += 1
                continue
            found = {m.external_id: m for m in metrics}
            pairs = [(t, found[t.external_id]) for t in posts if t.external_id in found]
            to_read.update(t.share_id for t in posts if t.share_id is not None)  # type: ignore[attr-defined]
            for tracked in posts:
                tracked.collections_done += 1
                tracked.next_collect_at = _next_collection(tracked.published_at, now)
            async with in_transaction():
                # record_snapshots stores the collected posts' latest figures and schedule in one
                # update; the posts the platform returned nothing for still move on in the schedule.
                report.snapshots += await record_snapshots(pairs)
                collected = {t.id for t, _ in pairs}
                missed = [t for t in posts if t.id not in collected]
                if missed:
                    await TrackedPost.bulk_update(missed, fields=["collections_done", "next_collect_at"])
        if to_read:
            checked = await self.readback.check(sorted(to_read))
            report.read_back, report.flagged = checked.checked, checked.flagged + checked.deleted
        await record_participation(now)
        return report


def _next_collection(published_at: datetime, now: datetime) -> datetime | None:
    # The next offset still ahead: a collector that wakes late (a worker down for a day) takes
    # one snapshot now instead of a burst of identical catch-up ones.
    return next(
        (published_at + offset for offset in SNAPSHOT_OFFSETS if published_at + offset > now), None
    )


async def record_participation(now: datetime) -> None:
    """Today's invited, opted-in and sharing ambassadors; earlier days stay as they were recorded."""
    invited = await User.filter(role=Role.AMBASSADOR, is_active=True).count()
    opted_in = await User.filter(role=Role.AMBASSADOR, is_active=True, opted_in_at__not_isnull=True).count()
    # Sharing: published at least once in the last 30 days, the window most programmes report.
    sharing = len(set(await Share.filter(
        status=ShareStatus.PUBLISHED, published_at__gt=now - ACTIVE_WINDOW, published_at__lte=now
    ).values_list("user_id", flat=True)))
    await ParticipationDay.update_or_create(
        day=now.date(), defaults={"invited": invited, "opted_in": opted_in, "sharing": sharing}
    )
