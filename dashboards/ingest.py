"""Writes a batch of metric snapshots: the raw rows, each post's latest figures, and daily rollups.

A batch goes in two statements (not one per snapshot), so ingestion keeps up with thousands of
posts; dashboards then read the rollups and never the raw snapshots.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from tortoise.transactions import in_transaction

from advocacy.users.models import User
from connectors.base import PostMetrics
from dashboards.models import Provenance, TrackedPost

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


SNAPSHOT_COLUMNS = ("share_id", "brand_post_id", "network", "captured_at", "impressions", "reach",
                    "reactions", "comments", "reshares", "clicks", "provenance")
ROLLUP_COLUMNS = ("day", "tracked_id", "campaign_id", "is_brand", "network", "user_id", "department",
                  "region", *ROLLED, "provenance")


def _insert(table: str, columns: tuple[str, ...], dialect: str) -> str:
    marks = ", ".join(f"${i + 1}" if dialect == "postgres" else "?" for i in range(len(columns)))
    return f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})"


def rollup_upsert(dialect: str) -> str:
    """Adds a day's gains to the post's rollup row, creating it on the day's first snapshot.

    A gain that is not reported (NULL) leaves the figure as it was; PostgreSQL and SQLite share the
    ON CONFLICT syntax.
    """
    updates = ", ".join(
        f"{c} = CASE WHEN excluded.{c} IS NULL THEN daily_rollups.{c}"
        f" ELSE COALESCE(daily_rollups.{c}, 0) + excluded.{c} END"
        for c in ROLLED
    )
    insert = _insert("daily_rollups", ROLLUP_COLUMNS, dialect)
    return f"{insert} ON CONFLICT (tracked_id, day) DO UPDATE SET {updates}, provenance = excluded.provenance"


async def record_snapshots(pairs: Sequence[tuple[TrackedPost, PostMetrics]]) -> int:
    """Store the snapshots of tracked posts (whose `account` is loaded) and roll them up by day.

    The tracked posts' latest figures are updated in memory; the caller saves them. This is the hot
    path of collection, so it writes through the ORM's own connection: the snapshots with COPY on
    PostgreSQL (executemany on SQLite), the rollups with one batched upsert.
    """
    if not pairs:
        return 0
    user_ids = {t.account.user_id for t, _ in pairs if t.share_id is not None}  # type: ignore[attr-defined]
    users = {u.id: u for u in await User.filter(id__in=sorted(user_ids))} if user_ids else {}
    snapshots: list[list[Any]] = []
    gains: dict[tuple[int, date], list[Any]] = {}
    for tracked, m in pairs:
        now = reading_of(m)
        snapshots.append([
            tracked.share_id, tracked.brand_post_id, tracked.network,  # type: ignore[attr-defined]
            m.captured_at, m.impressions, m.reach, m.reactions, m.comments, m.reshares, m.clicks,
            Provenance(m.provenance).value,
        ])
        key = (tracked.id, m.captured_at.date())
        row = gains.get(key)
        if row is None:
            is_brand = tracked.share_id is None  # type: ignore[attr-defined]
            user = None if is_brand else users.get(tracked.account.user_id)  # type: ignore[attr-defined]
            row = gains[key] = [
                key[1], tracked.id, tracked.campaign_id, is_brand, tracked.network,  # type: ignore[attr-defined]
                user.id if user else None, user.department if user else "", user.region if user else "",
                None, None, None, None, m.provenance,
            ]
        for index, name in enumerate(ROLLED):
            latest = f"latest_{name}"
            row[8 + index] = add_reported(row[8 + index], gain(getattr(tracked, latest), getattr(now, name)))
            if getattr(now, name) is not None:
                setattr(tracked, latest, getattr(now, name))
        row[-1] = m.provenance
        tracked.latest_provenance = m.provenance
    async with in_transaction() as connection:
        dialect = connection.capabilities.dialect
        if dialect == "postgres":
            # COPY under the ORM's own connection and transaction: the raw rows are most of the volume.
            async with connection.acquire_connection() as raw:
                await raw.copy_records_to_table(
                    "metric_snapshots", records=[tuple(row) for row in snapshots], columns=SNAPSHOT_COLUMNS)
        else:
            await connection.execute_many(_insert("metric_snapshots", SNAPSHOT_COLUMNS, dialect), snapshots)
        await connection.execute_many(rollup_upsert(dialect), list(gains.values()))
    return len(snapshots)
