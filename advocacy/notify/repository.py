"""The set-based queries of a fan-out: one notice for everyone an audience query selects, and the
deliveries of the notices just queued, in a few statements whatever the audience's size.

The audience stays in the database: its notices go in with one INSERT ... SELECT, and the people
behind the new notices come back with their preferences in pages of ids, for the service to apply
each person's channels and frequency. Deliveries go in with COPY on PostgreSQL (executemany on
SQLite) under the caller's transaction, not the ORM's bulk_create: a launch to the whole
organisation is the largest write the service makes (scripts/bench/launch.py measures it).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.queryset import QuerySet

from advocacy.db import placeholder as _mark
from advocacy.users.models import User

DELIVERY_COLUMNS = ("notification_id", "user_id", "channel", "status", "in_digest", "due_at", "attempts",
                    "last_error", "created_at", "updated_at")


@dataclass(frozen=True)
class Recipient:
    """The person behind a notice just queued, with what decides its deliveries. `email_enabled`
    and `frequency` are None for someone who never changed their preferences."""

    notification_id: int
    user_id: int
    timezone: str
    has_email: bool
    email_enabled: bool | None
    slack: bool
    teams: bool
    frequency: str | None




async def hold_key(connection: BaseDBAsyncClient, dedupe_key: str) -> None:
    """Make fan-outs with this key take turns until the caller's transaction ends, so the notices
    with the key that appear during one are all its own. SQLite runs one transaction at a time."""
    if connection.capabilities.dialect == "postgres":
        await connection.execute_query("SELECT pg_advisory_xact_lock(hashtext('notify:' || $1))",
                                       [dedupe_key])


async def last_notice_id(connection: BaseDBAsyncClient) -> int:
    """The highest notice id so far: the notices a fan-out queues next all come after it."""
    _, rows = await connection.execute_query("SELECT COALESCE(MAX(id), 0) AS last FROM notifications")
    return int(rows[0]["last"])


async def notice_ids_after(connection: BaseDBAsyncClient, after_id: int) -> tuple[int, int]:
    """The lowest and highest notice id above `after_id`, or (after_id + 1, after_id) if none: the
    ids may start far above it (a sequence outruns deleted rows)."""
    dialect = connection.capabilities.dialect
    _, rows = await connection.execute_query(
        f"SELECT MIN(id) AS first, MAX(id) AS last FROM notifications WHERE id > {_mark(dialect, 1)}",
        [after_id],
    )
    if rows[0]["first"] is None:
        return after_id + 1, after_id
    return int(rows[0]["first"]), int(rows[0]["last"])


async def insert_notices(
    connection: BaseDBAsyncClient,
    audience: QuerySet[User],
    *,
    kind: str,
    subject: str,
    body: str,
    link: str | None,
    dedupe_key: str,
    created_at: datetime,
    post_ids: str = "",
) -> None:
    """One notice for each person of `audience` who has none with `dedupe_key` yet (the unique
    (user, dedupe_key) stands behind this, should a notice come by another way)."""
    dialect = connection.capabilities.dialect
    # The audience query's own parameters come first in the text (its placeholders are 1..n), ours
    # are numbered after them. The key goes in twice: PostgreSQL gives a parameter one type, and
    # the column it fills and the one it is compared with are typed differently.
    ids = audience.values("id")
    ids.sql()  # builds ids.query, whose parameters are read next
    select, values = ids.query.get_parameterized_sql()
    ours = [kind, subject, body, link, dedupe_key, created_at, post_ids, dedupe_key]
    marks = [_mark(dialect, len(values) + i) for i in range(1, len(ours) + 1)]
    await connection.execute_query(
        f"WITH audience AS ({select})"
        " INSERT INTO notifications (user_id, kind, subject, body, link, dedupe_key, created_at, post_ids)"
        f" SELECT a.id, {', '.join(marks[:7])} FROM audience a"
        " WHERE NOT EXISTS (SELECT 1 FROM notifications n"
        f"                  WHERE n.user_id = a.id AND n.dedupe_key = {marks[7]})"
        " ON CONFLICT (user_id, dedupe_key) DO NOTHING",
        [*values, *ours],
    )


async def new_recipients(
    connection: BaseDBAsyncClient, dedupe_key: str, after_id: int, up_to_id: int
) -> list[Recipient]:
    """The notices with `dedupe_key` and an id in (after_id, up_to_id], each with its person's time
    zone and preferences."""
    dialect = connection.capabilities.dialect
    key, after, up_to = (_mark(dialect, i) for i in (1, 2, 3))
    # A range of the primary key rather than ORDER BY ... LIMIT, and nothing that reads the
    # deliveries being written: each page reads its own rows only, even while the statistics
    # still describe the tables before this fan-out.
    _, rows = await connection.execute_query(
        "SELECT n.id, n.user_id, u.timezone, u.email <> '' AS has_email, p.email_enabled,"
        "       p.slack_webhook_encrypted <> '' AS slack, p.teams_webhook_encrypted <> '' AS teams,"
        "       p.frequency"
        " FROM notifications n"
        " JOIN users u ON u.id = n.user_id"
        " LEFT JOIN notification_preferences p ON p.user_id = n.user_id"
        f" WHERE n.id > {after} AND n.id <= {up_to} AND n.dedupe_key = {key}",
        [dedupe_key, after_id, up_to_id],
    )
    return [
        Recipient(
            notification_id=row["id"], user_id=row["user_id"], timezone=row["timezone"],
            has_email=bool(row["has_email"]),
            email_enabled=None if row["email_enabled"] is None else bool(row["email_enabled"]),
            slack=bool(row["slack"]), teams=bool(row["teams"]), frequency=row["frequency"],
        )
        for row in rows
    ]


async def insert_deliveries(connection: BaseDBAsyncClient, rows: Sequence[tuple[Any, ...]]) -> None:
    """Delivery rows, each with the values of DELIVERY_COLUMNS in that order."""
    if not rows:
        return
    dialect = connection.capabilities.dialect
    if dialect == "postgres":
        async with connection.acquire_connection() as raw:
            await raw.copy_records_to_table("notification_deliveries", records=rows,
                                            columns=DELIVERY_COLUMNS)
        return
    marks = ", ".join(_mark(dialect, i + 1) for i in range(len(DELIVERY_COLUMNS)))
    await connection.execute_many(
        f"INSERT INTO notification_deliveries ({', '.join(DELIVERY_COLUMNS)}) VALUES ({marks})",
        [list(row) for row in rows],
    )
