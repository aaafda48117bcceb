"""Collects metrics of published shares and brand posts on a decaying schedule."""

from __future__ import annotations

import logging
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta

from tortoise.transactions import in_transaction

from advocacy.accounts.networks import NetworkRegistry
from advocacy.clock import Clock
from advocacy.shares.models import Share, ShareStatus
from campaigns.models import BrandPost
from connectors.base import ConnectorError
from dashboards.models import MetricSnapshot, Provenance, TrackedPost

log = logging.getLogger(__name__)

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


@dataclass
class CollectionReport:
    enrolled: int = 0
    snapshots: int = 0
    errors: int = 0


class MetricsCollector:
    """Enrols newly published posts, then takes the snapshots that are due."""

    def __init__(self, networks: NetworkRegistry, clock: Clock, *, batch_size: int = 500) -> None:
        self.networks = networks
        self.clock = clock
        self.batch_size = batch_size

    async def enrol_new_posts(self) -> int:
        shares = await Share.filter(
            status=ShareStatus.PUBLISHED, tracking=None, published_at__not_isnull=True
        ).select_related("post__pack")
        brand_posts = await BrandPost.filter(tracking=None).select_related("post__pack")
        rows = [
            TrackedPost(
                share_id=share.id,
                account_id=share.account_id,  # type: ignore[attr-defined]
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
        due = (
            await TrackedPost.filter(next_collect_at__lte=now)
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
            async with in_transaction():
                for tracked in posts:
                    m = found.get(tracked.external_id)
                    tracked.collections_done += 1
                    tracked.next_collect_at = _next_collection(tracked.published_at, now)
                    if m is not None:
                        engagements = _sum_known(m.reactions, m.comments, m.reshares)
                        await MetricSnapshot.create(
                            share_id=tracked.share_id,  # type: ignore[attr-defined]
                            brand_post_id=tracked.brand_post_id,  # type: ignore[attr-defined]
                            network=tracked.network,
                            captured_at=m.captured_at,
                            impressions=m.impressions,
                            reach=m.reach,
                            reactions=m.reactions,
                            comments=m.comments,
                            reshares=m.reshares,
                            clicks=m.clicks,
                            provenance=Provenance(m.provenance),
                        )
                        tracked.latest_impressions = m.impressions
                        tracked.latest_reach = m.reach
                        tracked.latest_engagements = engagements
                        tracked.latest_clicks = m.clicks
                        tracked.latest_provenance = m.provenance
                        report.snapshots += 1
                    await tracked.save()
        return report


def _next_collection(published_at: datetime, now: datetime) -> datetime | None:
    # The next offset still ahead: a collector that wakes late (a worker down for a day) takes
    # one snapshot now instead of a burst of identical catch-up ones.
    return next(
        (published_at + offset for offset in SNAPSHOT_OFFSETS if published_at + offset > now), None
    )


def _sum_known(*values: int | None) -> int | None:
    known = [v for v in values if v is not None]
    return sum(known) if known else None
