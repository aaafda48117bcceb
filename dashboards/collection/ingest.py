"""Writes a batch of metric snapshots: the raw rows, each post's latest figures, daily rollups and totals.

A batch goes in one statement on PostgreSQL (not one per snapshot or per post, nor one per table),
so ingestion keeps up with thousands of posts; dashboards then read the rollups and totals, never
the raw snapshots.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date
from typing import Any

from tortoise import get_connection
from tortoise.transactions import in_transaction

from advocacy.users.models import User
from connectors.base import PostMetrics
from dashboards.models import Provenance, TrackedPost

ROLLED = ("impressions", "reach", "engagements", "clicks")


PROVENANCES = frozenset(p.value for p in Provenance)

SNAPSHOT_COLUMNS = ("share_id", "brand_post_id", "network", "captured_at", "impressions", "reach",
                    "reactions", "comments", "reshares", "clicks", "provenance")
ROLLUP_COLUMNS = ("day", "tracked_id", "campaign_id", "is_brand", "network", "user_id", "department",
                  "region", *ROLLED, "provenance")
LATEST_COLUMNS = ("id", *(f"latest_{name}" for name in ROLLED), "latest_provenance")
# The schedule the caller set on the posts goes in the same update, so a collected post's row is
# written once per collection.
SCHEDULE_COLUMNS = ("collections_done", "next_collect_at")
POST_COLUMNS = (*LATEST_COLUMNS, *SCHEDULE_COLUMNS)
TOTAL_KEY = ("day", "campaign_id", "published_on", "is_brand", "network", "department", "region",
             "provenance")
TOTAL_COLUMNS = (*TOTAL_KEY, *ROLLED)
# PostgreSQL's row type for each table's part of a batch (migration 0015), in the columns' order.
ROW_TYPES = {"ingest_snapshot": SNAPSHOT_COLUMNS, "ingest_rollup": ROLLUP_COLUMNS,
             "ingest_total": TOTAL_COLUMNS, "ingest_post": POST_COLUMNS}


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


def _added(table: str, columns: tuple[str, ...]) -> str:
    # A gain that is not reported (NULL) leaves the figure as it was: not reported is not zero.
    return ", ".join(
        f"{c} = CASE WHEN excluded.{c} IS NULL THEN {table}.{c}"
        f" ELSE COALESCE({table}.{c}, 0) + excluded.{c} END"
        for c in columns
    )


def _rows(row_type: str, number: int | None) -> str:
    """Where a statement's rows come from: parameter `$number`, an array of `row_type`, on
    PostgreSQL; one row of `?` marks per execution on SQLite (number None)."""
    columns = ROW_TYPES[row_type]
    if number is None:
        return f"VALUES ({', '.join('?' for _ in columns)})"
    return f"SELECT {', '.join(columns)} FROM unnest(${number}::{row_type}[])"


def snapshot_insert(number: int | None = None) -> str:
    return f"INSERT INTO metric_snapshots ({', '.join(SNAPSHOT_COLUMNS)}) {_rows('ingest_snapshot', number)}"


def rollup_upsert(number: int | None = None) -> str:
    """Adds a day's gains to the posts' rollup rows, creating each on its day's first snapshot."""
    return (f"INSERT INTO daily_rollups ({', '.join(ROLLUP_COLUMNS)}) {_rows('ingest_rollup', number)}"
            f" ON CONFLICT (tracked_id, day) DO UPDATE SET {_added('daily_rollups', ROLLED)},"
            " provenance = excluded.provenance")


def totals_upsert(number: int | None = None) -> str:
    """Adds a batch's gains, summed by slice, to the programme's per-day totals (as rollup_upsert)."""
    return (f"INSERT INTO daily_totals ({', '.join(TOTAL_COLUMNS)}) {_rows('ingest_total', number)}"
            f" ON CONFLICT ({', '.join(TOTAL_KEY)}) DO UPDATE SET {_added('daily_totals', ROLLED)}")


def latest_update(number: int | None = None) -> str:
    """Sets the posts' latest figures and schedule (on SQLite, one post per execution, id last)."""
    values = POST_COLUMNS[1:]
    if number is None:
        return f"UPDATE tracked_posts SET {', '.join(f'{c} = ?' for c in values)} WHERE id = ?"
    return (f"UPDATE tracked_posts AS t SET {', '.join(f'{c} = v.{c}' for c in values)}"
            f" FROM ({_rows('ingest_post', number)}) AS v WHERE t.id = v.id")


def batch_write() -> str:
    """The whole batch as one PostgreSQL statement: the raw snapshots, the rollups, the totals and
    the posts' latest figures, each table's part as one array of rows ($1 to $4).

    One statement is one round trip and, outside a transaction, its own: the data-modifying `WITH`
    parts stand or fall together, so no BEGIN and COMMIT go around it. Arrays of rows rather than
    an array per column because the driver checks every element of an array parameter in Python:
    32 column arrays of a 500-row batch took about half as long to encode as the statement took
    to run; an array of rows goes through the driver's record encoder, about three times faster.
    """
    return (f"WITH snapshots AS ({snapshot_insert(1)}), rollups AS ({rollup_upsert(2)}),"
            f" totals AS ({totals_upsert(3)}) {latest_update(4)}")


_BATCH_WRITE = batch_write()
# SQLite's four statements, each run once per row.
_ROW_BY_ROW = (snapshot_insert(), rollup_upsert(), totals_upsert(), latest_update())


async def record_snapshots(pairs: Sequence[tuple[TrackedPost, PostMetrics]]) -> int:
    """Store the snapshots of tracked posts (whose `account` is loaded) and roll them up by day.

    In one transaction: the raw snapshots, each post's latest figures (also set on the given
    objects) with the collection schedule the caller set on it (`collections_done`,
    `next_collect_at`), the daily rollups per post and the programme's daily totals per slice.
    This is the hot path of collection, so it writes through the ORM's own connection (the
    caller's transaction, if there is one): on PostgreSQL the whole batch in one statement
    (`batch_write`), on SQLite a statement per table run once per row.
    """
    if not pairs:
        return 0
    user_ids = {t.account.user_id for t, _ in pairs if t.share_id is not None}  # type: ignore[attr-defined]
    users = {u.id: u for u in await User.filter(id__in=sorted(user_ids))} if user_ids else {}
    snapshots: list[tuple[Any, ...]] = []
    gains: dict[tuple[int, date], list[Any]] = {}
    totals: dict[tuple[Any, ...], list[int | None]] = {}
    # Per post, once: its slice of the rollups and totals, and its latest figures as the batch goes
    # (kept apart from the ORM object, whose attribute writes cost several times a list's, and set
    # on it once at the end).
    posts: dict[int, tuple[TrackedPost, list[Any], tuple[Any, ...], list[Any]]] = {}
    for tracked, m in pairs:
        if m.provenance not in PROVENANCES:
            raise ValueError(f"unknown provenance {m.provenance!r}")
        post = posts.get(tracked.id)
        if post is None:
            is_brand = tracked.share_id is None  # type: ignore[attr-defined]
            user = None if is_brand else users.get(tracked.account.user_id)
            rollup_slice = [tracked.id, tracked.campaign_id, is_brand, tracked.network,  # type: ignore[attr-defined]
                            user.id if user else None, user.department if user else "",
                            user.region if user else ""]
            # The totals' slice: the rollup's own, and the post's UTC publication day (reports pick
            # posts by publication); the day and the snapshot's provenance are added per snapshot.
            total_slice = (tracked.campaign_id, tracked.published_at.astimezone(UTC).date(),  # type: ignore[attr-defined]
                           is_brand, tracked.network, rollup_slice[5], rollup_slice[6])
            post = posts[tracked.id] = (tracked, rollup_slice, total_slice,
                                        [getattr(tracked, c) for c in LATEST_COLUMNS[1:]])
        _, rollup_slice, total_slice, state = post
        snapshots.append((
            tracked.share_id, tracked.brand_post_id, tracked.network,  # type: ignore[attr-defined]
            m.captured_at, m.impressions, m.reach, m.reactions, m.comments, m.reshares, m.clicks,
            m.provenance,
        ))
        day = m.captured_at.date()
        key = (tracked.id, day)
        row = gains.get(key)
        if row is None:
            row = gains[key] = [day, *rollup_slice, None, None, None, None, m.provenance]
        total_key = (day, *total_slice, m.provenance)
        summed = totals.get(total_key)
        if summed is None:
            summed = totals[total_key] = [None, None, None, None]
        # Engagements are the reactions, comments and reshares reported; none reported is None.
        reactions, comments, reshares = m.reactions, m.comments, m.reshares
        engagements = (None if reactions is None and comments is None and reshares is None
                       else (reactions or 0) + (comments or 0) + (reshares or 0))
        figures = (m.impressions, m.reach, engagements, m.clicks)
        for index in range(4):
            value = figures[index]
            if value is None:  # not reported is not zero: it gains nothing and keeps the last figure
                continue
            gained = value - (state[index] or 0)
            row[8 + index] = gained if row[8 + index] is None else row[8 + index] + gained
            total = summed[index]
            summed[index] = gained if total is None else total + gained
            state[index] = value
        row[-1] = state[-1] = m.provenance
    figures_of_posts: list[tuple[Any, ...]] = []
    for tracked, _, _, state in posts.values():
        for name, value in zip(LATEST_COLUMNS[1:], state, strict=True):
            if getattr(tracked, name) != value:
                setattr(tracked, name, value)
        figures_of_posts.append((tracked.id, *state, *(getattr(tracked, c) for c in SCHEDULE_COLUMNS)))
    rollups = [tuple(row) for row in gains.values()]
    # In key order, so concurrent collectors lock the shared total rows in the same order.
    summed_totals = [(*k, *v) for k, v in sorted(totals.items())]
    connection = get_connection("default")
    if connection.capabilities.dialect == "postgres":
        # The caller's transaction if there is one (the collector's), else the statement's own.
        await connection.execute_query(_BATCH_WRITE, [snapshots, rollups, summed_totals, figures_of_posts])
        return len(snapshots)
    async with in_transaction() as connection:
        snapshots_sql, rollups_sql, totals_sql, posts_sql = _ROW_BY_ROW
        await connection.execute_many(snapshots_sql, [list(row) for row in snapshots])
        await connection.execute_many(rollups_sql, [list(row) for row in rollups])
        await connection.execute_many(totals_sql, [list(row) for row in summed_totals])
        await connection.execute_many(posts_sql, [[*row[1:], row[0]] for row in figures_of_posts])
    return len(snapshots)
