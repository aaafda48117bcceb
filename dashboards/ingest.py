"""Writes a batch of metric snapshots: the raw rows, each post's latest figures, and daily rollups.

All of a batch goes in a handful of statements (not one per snapshot), so ingestion keeps up with
thousands of posts; dashboards then read the rollups and never the raw snapshots.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from tortoise.transactions import in_transaction

from advocacy.users.models import User
from connectors.base import PostMetrics
from dashboards.models import DailyRollup, MetricSnapshot, Provenance, TrackedPost

ROLLED = ("impressions", "reach", "engagements", "clicks")


@dataclass(frozen=True)
class Reading:
    """One snapshot's figures as the rollups and the latest-figure columns see them."""

    impressions: int | None
    reach: int | None
    engagements: int | None
    clicks: int | None


def reading_of(m: PostMetrics) -> Reading:
    parts = [v for v in (m.reactions, m.comments, m.reshares) if v is not None]
    return Reading(m.impressions, m.reach, sum(parts) if parts else None, m.clicks)


def gain(previous: int | None, current: int | None) -> int | None:
    """What a cumulative figure gained since the previous snapshot; None if it is not reported now."""
    if current is None:
        return None
    return current - (previous or 0)


def add_reported(total: int | None, value: int | None) -> int | None:
    if value is None:
        return total
    return value if total is None else total + value


async def record_snapshots(pairs: Sequence[tuple[TrackedPost, PostMetrics]]) -> int:
    """Store the snapshots of tracked posts (whose `account` is loaded) and roll them up by day."""
    if not pairs:
        return 0
    user_ids = {t.account.user_id for t, _ in pairs if t.share_id is not None}  # type: ignore[attr-defined]
    users = {u.id: u for u in await User.filter(id__in=sorted(user_ids))} if user_ids else {}
    days = sorted({m.captured_at.date() for _, m in pairs})
    async with in_transaction():
        existing: dict[tuple[int, date], DailyRollup] = {
            (r.tracked_id, r.day): r  # type: ignore[attr-defined]
            for r in await DailyRollup.filter(tracked_id__in=[t.id for t, _ in pairs], day__in=days)
        }
        created: dict[tuple[int, date], DailyRollup] = {}
        snapshots = []
        for tracked, m in pairs:
            now = reading_of(m)
            snapshots.append(MetricSnapshot(
                share_id=tracked.share_id,  # type: ignore[attr-defined]
                brand_post_id=tracked.brand_post_id,  # type: ignore[attr-defined]
                network=tracked.network, captured_at=m.captured_at, impressions=m.impressions,
                reach=m.reach, reactions=m.reactions, comments=m.comments, reshares=m.reshares,
                clicks=m.clicks, provenance=Provenance(m.provenance),
            ))
            key = (tracked.id, m.captured_at.date())
            rollup = existing.get(key) or created.get(key)
            if rollup is None:
                is_brand = tracked.share_id is None  # type: ignore[attr-defined]
                user = None if is_brand else users.get(tracked.account.user_id)  # type: ignore[attr-defined]
                rollup = created[key] = DailyRollup(
                    day=key[1], tracked_id=tracked.id, campaign_id=tracked.campaign_id,  # type: ignore[attr-defined]
                    is_brand=is_brand, network=tracked.network, user_id=user.id if user else None,
                    department=user.department if user else "", region=user.region if user else "",
                    provenance=m.provenance,
                )
            for name in ROLLED:
                latest = f"latest_{name}"
                setattr(rollup, name, add_reported(getattr(rollup, name),
                                                   gain(getattr(tracked, latest), getattr(now, name))))
                if getattr(now, name) is not None:
                    setattr(tracked, latest, getattr(now, name))
            rollup.provenance = m.provenance
            tracked.latest_provenance = m.provenance
        await MetricSnapshot.bulk_create(snapshots)
        if created:
            await DailyRollup.bulk_create(list(created.values()))
        if existing:
            await DailyRollup.bulk_update(list(existing.values()), fields=[*ROLLED, "provenance"])
    return len(snapshots)
