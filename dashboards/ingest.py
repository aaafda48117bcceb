"""Writes a batch of metric snapshots: the raw rows, each post's latest figures, daily rollups and totals.

A batch goes in one statement per table (not one per snapshot or per post), so ingestion keeps up
with thousands of posts; dashboards then read the rollups and totals, never the raw snapshots.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date
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
# PostgreSQL types of the rollup columns, for passing each column as one array.
ROLLUP_TYPES = ("date", "int", "int", "bool", "text", "int", "text", "text", "int", "int", "int", "int",
                "text")
LATEST_COLUMNS = ("id", *(f"latest_{name}" for name in ROLLED), "latest_provenance")
# The schedule the caller set on the posts goes in the same update, so a collected post's row is
# written once per collection.
SCHEDULE_COLUMNS = ("collections_done", "next_collect_at")
POST_COLUMNS = (*LATEST_COLUMNS, *SCHEDULE_COLUMNS)
POST_TYPES = ("int", "int", "int", "int", "int", "text", "int", "timestamptz")
TOTAL_KEY = ("day", "campaign_id", "published_on", "is_brand", "network", "department", "region",
             "provenance")
TOTAL_COLUMNS = (*TOTAL_KEY, *ROLLED)
TOTAL_TYPES = ("date", "int", "date", "bool", "text", "text", "text", "text", "bigint", "bigint", "bigint",
               "bigint")


def totals_from_rollups(dialect: str) -> str:
    """Fills the empty per-day programme totals from the per-post rollups, summed by slice.

    For an upgrade (migration 0014) and for generated benchmark data: the collector keeps them
    itself from then on. A rollup holds the provenance of its day's last snapshot, so each day's
    gains of a post count under that label here.
    """
    published_on = ("(t.published_at AT TIME ZONE 'UTC')::date" if dialect == "postgres"
                    else "date(t.published_at)")
    return (
        f"INSERT INTO daily_totals ({', '.join(TOTAL_COLUMNS)})"
        f" SELECT r.day, r.campaign_id, {published_on}, r.is_brand, r.network, r.department, r.region,"
        " r.provenance, SUM(r.impressions), SUM(r.reach), SUM(r.engagements), SUM(r.clicks)"
        " FROM daily_rollups r JOIN tracked_posts t ON t.id = r.tracked_id"
        f" GROUP BY r.day, r.campaign_id, {published_on}, r.is_brand, r.network, r.department, r.region,"
        " r.provenance"
    )


def _insert(table: str, columns: tuple[str, ...], dialect: str) -> str:
    marks = ", ".join(f"${i + 1}" if dialect == "postgres" else "?" for i in range(len(columns)))
    return f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})"


def _unnest(types: tuple[str, ...]) -> str:
    """`unnest($1::t1[], $2::t2[], ...)`: a whole batch as one parameter per column (PostgreSQL)."""
    return "unnest(" + ", ".join(f"${i + 1}::{t}[]" for i, t in enumerate(types)) + ")"


def _added(table: str, columns: tuple[str, ...]) -> str:
    # A gain that is not reported (NULL) leaves the figure as it was: not reported is not zero.
    return ", ".join(
        f"{c} = CASE WHEN excluded.{c} IS NULL THEN {table}.{c}"
        f" ELSE COALESCE({table}.{c}, 0) + excluded.{c} END"
        for c in columns
    )


def rollup_upsert(dialect: str) -> str:
    """Adds a day's gains to the posts' rollup rows, creating each on its day's first snapshot.

    On PostgreSQL the statement takes the whole batch as one array per column (one statement, one
    plan, instead of one execution per post and day); on SQLite it is run once per row.
    """
    if dialect == "postgres":
        insert = (f"INSERT INTO daily_rollups ({', '.join(ROLLUP_COLUMNS)})"
                  f" SELECT * FROM {_unnest(ROLLUP_TYPES)}")
    else:
        insert = _insert("daily_rollups", ROLLUP_COLUMNS, dialect)
    return (f"{insert} ON CONFLICT (tracked_id, day) DO UPDATE SET {_added('daily_rollups', ROLLED)},"
            " provenance = excluded.provenance")


def totals_upsert(dialect: str) -> str:
    """Adds a batch's gains, summed by slice, to the programme's per-day totals (as rollup_upsert)."""
    if dialect == "postgres":
        insert = (f"INSERT INTO daily_totals ({', '.join(TOTAL_COLUMNS)})"
                  f" SELECT * FROM {_unnest(TOTAL_TYPES)}")
    else:
        insert = _insert("daily_totals", TOTAL_COLUMNS, dialect)
    return f"{insert} ON CONFLICT ({', '.join(TOTAL_KEY)}) DO UPDATE SET {_added('daily_totals', ROLLED)}"


def latest_update(dialect: str) -> str:
    """Sets the posts' latest figures and schedule: one UPDATE ... FROM unnest on PostgreSQL, one
    per post on SQLite."""
    values = POST_COLUMNS[1:]
    if dialect == "postgres":
        sets = ", ".join(f"{c} = v.{c}" for c in values)
        return (f"UPDATE tracked_posts AS t SET {sets} FROM {_unnest(POST_TYPES)}"
                f" AS v({', '.join(POST_COLUMNS)}) WHERE t.id = v.id")
    return f"UPDATE tracked_posts SET {', '.join(f'{c} = ?' for c in values)} WHERE id = ?"


def _columns(rows: list[list[Any]], width: int) -> list[list[Any]]:
    return [[row[i] for row in rows] for i in range(width)]


async def record_snapshots(pairs: Sequence[tuple[TrackedPost, PostMetrics]]) -> int:
    """Store the snapshots of tracked posts (whose `account` is loaded) and roll them up by day.

    In one transaction: the raw snapshots, each post's latest figures (also set on the given
    objects) with the collection schedule the caller set on it (`collections_done`,
    `next_collect_at`), the daily rollups per post and the programme's daily totals per slice.
    This is the hot path of collection, so it writes through the ORM's own connection, a
    statement per table and batch on PostgreSQL: the snapshots with COPY, the rollups, totals and
    latest figures with arrays of the batch (executemany on SQLite).
    """
    if not pairs:
        return 0
    user_ids = {t.account.user_id for t, _ in pairs if t.share_id is not None}  # type: ignore[attr-defined]
    users = {u.id: u for u in await User.filter(id__in=sorted(user_ids))} if user_ids else {}
    snapshots: list[list[Any]] = []
    gains: dict[tuple[int, date], list[Any]] = {}
    totals: dict[tuple[Any, ...], list[int | None]] = {}
    # Each post's latest figures as the batch goes, kept apart from the ORM objects (whose attribute
    # writes cost several times a list's) and set on them once at the end.
    latest: dict[int, tuple[TrackedPost, list[Any]]] = {}
    for tracked, m in pairs:
        now = reading_of(m)
        provenance = Provenance(m.provenance).value
        snapshots.append([
            tracked.share_id, tracked.brand_post_id, tracked.network,  # type: ignore[attr-defined]
            m.captured_at, m.impressions, m.reach, m.reactions, m.comments, m.reshares, m.clicks, provenance,
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
        _, state = latest.setdefault(tracked.id, (tracked, [getattr(tracked, c) for c in LATEST_COLUMNS[1:]]))
        # The slice of the programme's totals: the rollup's own slice, the post's UTC publication
        # day (reports pick posts by publication) and the provenance of this snapshot.
        total_key = (key[1], tracked.campaign_id, tracked.published_at.astimezone(UTC).date(),  # type: ignore[attr-defined]
                     *row[3:5], *row[6:8], provenance)
        summed = totals.setdefault(total_key, [None, None, None, None])
        for index, value in enumerate((now.impressions, now.reach, now.engagements, now.clicks)):
            gained = gain(state[index], value)
            row[8 + index] = add_reported(row[8 + index], gained)
            summed[index] = add_reported(summed[index], gained)
            if value is not None:
                state[index] = value
        row[-1] = state[-1] = m.provenance
    figures = []
    for tracked, state in latest.values():
        for name, value in zip(LATEST_COLUMNS[1:], state, strict=True):
            if getattr(tracked, name) != value:
                setattr(tracked, name, value)
        figures.append([tracked.id, *state, *(getattr(tracked, c) for c in SCHEDULE_COLUMNS)])
    rollups = list(gains.values())
    # In key order, so concurrent collectors lock the shared total rows in the same order.
    summed_totals = [[*k, *v] for k, v in sorted(totals.items())]
    async with in_transaction() as connection:
        dialect = connection.capabilities.dialect
        if dialect == "postgres":
            # COPY under the ORM's own connection and transaction: the raw rows are most of the volume.
            async with connection.acquire_connection() as raw:
                await raw.copy_records_to_table(
                    "metric_snapshots", records=[tuple(row) for row in snapshots], columns=SNAPSHOT_COLUMNS)
            await connection.execute_query(rollup_upsert(dialect), _columns(rollups, len(ROLLUP_COLUMNS)))
            await connection.execute_query(totals_upsert(dialect),
                                           _columns(summed_totals, len(TOTAL_COLUMNS)))
            await connection.execute_query(latest_update(dialect), _columns(figures, len(POST_COLUMNS)))
        else:
            await connection.execute_many(_insert("metric_snapshots", SNAPSHOT_COLUMNS, dialect), snapshots)
            await connection.execute_many(rollup_upsert(dialect), rollups)
            await connection.execute_many(totals_upsert(dialect), summed_totals)
            await connection.execute_many(latest_update(dialect), [[*row[1:], row[0]] for row in figures])
    return len(snapshots)
