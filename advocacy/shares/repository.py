"""The feed's reads about one person, one named query per fact: their accounts, their shares, their
colleagues' shares of some posts and how many correction notices they have.

Each query is plain SQL written once for both databases (`{me}` is the person, `{posts}` a list of
post ids) and its rows become the API's shapes by column name. The shareable posts themselves are
the same for everyone and come from `campaigns.shareable`.
"""

from __future__ import annotations

import json
from collections import defaultdict
from datetime import UTC, datetime
from functools import cache
from typing import Any

from tortoise import connections

from advocacy.db import placeholder
from advocacy.shares.models import ACTIVE_STATUSES, ShareStatus
from advocacy.shares.schemas import AccountOut, ColleagueCounts, ShareOut

_ACTIVE = ", ".join(f"'{status.value}'" for status in ACTIVE_STATUSES)

ACCOUNTS = (
    "SELECT id, network, handle, followers, status FROM social_accounts"
    " WHERE user_id = {me} ORDER BY network, id"
)
SHARES = (
    "SELECT s.id, s.post_id, p.title AS post_title, s.account_id, s.network, s.text, s.status,"
    " s.due_at, s.published_at, s.external_url, s.last_error"
    " FROM shares s JOIN posts p ON p.id = s.post_id"
    " WHERE s.user_id = {me} ORDER BY s.due_at DESC, s.id DESC"
)
COLLEAGUES_PER_STATUS = (
    "SELECT post_id, status, COUNT(DISTINCT user_id) AS people FROM shares"
    f" WHERE post_id {{posts}} AND status IN ({_ACTIVE}) AND user_id <> {{me}}"
    " GROUP BY post_id, status"
)
COLLEAGUE_NAMES = (
    "SELECT DISTINCT s.post_id, u.name FROM shares s JOIN users u ON u.id = s.user_id"
    f" WHERE s.post_id {{posts}} AND s.status IN ({_ACTIVE}) AND s.user_id <> {{me}}"
)
CORRECTION_NOTICES = "SELECT COUNT(*) AS notices FROM correction_notices WHERE user_id = {me}"


@cache
def _sql(query: str, dialect: str) -> str:
    """`query` for `dialect`: the person is parameter 1, the list of posts parameter 2 (an int[]
    on PostgreSQL, a JSON array on SQLite)."""
    posts = placeholder(dialect, 2)
    in_posts = (f"= ANY({posts}::int[])" if dialect == "postgres"
                else f"IN (SELECT value FROM json_each({posts}))")
    return query.format(me=placeholder(dialect, 1), posts=in_posts)


async def _rows(query: str, user_id: int, post_ids: list[int] | None = None) -> list[Any]:
    connection = connections.get("default")
    dialect = connection.capabilities.dialect
    params: list[Any] = [user_id]
    if post_ids is not None:
        params.append(post_ids if dialect == "postgres" else json.dumps(post_ids))
    _, rows = await connection.execute_query(_sql(query, dialect), params)
    return list(rows)


def _moment(value: Any) -> datetime:
    # PostgreSQL gives datetimes; SQLite gives the ISO text the ORM stored (always in UTC).
    if isinstance(value, datetime):
        return value
    moment = datetime.fromisoformat(value)
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


async def accounts_of(user_id: int) -> list[AccountOut]:
    """The person's social accounts, by network."""
    return [AccountOut.model_construct(id=row["id"], network=row["network"], handle=row["handle"],
                                       followers=row["followers"], status=row["status"])
            for row in await _rows(ACCOUNTS, user_id)]


async def shares_of(user_id: int) -> list[ShareOut]:
    """The person's shares with their posts' titles, latest due first."""
    return [ShareOut.model_construct(
        id=row["id"], post_id=row["post_id"], post_title=row["post_title"], account_id=row["account_id"],
        network=row["network"], text=row["text"], status=row["status"], due_at=_moment(row["due_at"]),
        published_at=None if row["published_at"] is None else _moment(row["published_at"]),
        external_url=row["external_url"], last_error=row["last_error"],
    ) for row in await _rows(SHARES, user_id)]


async def colleague_counts(
    user_id: int, post_ids: list[int], *, with_names: bool
) -> dict[int, ColleagueCounts]:
    """Per post of `post_ids` some colleague shared: how many published it, how many have it
    waiting, and (`with_names`) who, by name. Posts nobody else shared are left out."""
    if not post_ids:
        return {}
    counts: dict[int, ColleagueCounts] = {}
    for row in await _rows(COLLEAGUES_PER_STATUS, user_id, post_ids):
        found = counts.get(row["post_id"])
        if found is None:
            found = counts[row["post_id"]] = ColleagueCounts()
        if row["status"] == ShareStatus.PUBLISHED:
            found.published += row["people"]
        else:
            found.scheduled += row["people"]
    if with_names:
        names: dict[int, list[str]] = defaultdict(list)
        for row in await _rows(COLLEAGUE_NAMES, user_id, post_ids):
            names[row["post_id"]].append(row["name"])
        for post_id, people in names.items():
            counts.setdefault(post_id, ColleagueCounts()).names = sorted(people)
    return counts


async def correction_notice_count(user_id: int) -> int:
    """How many correction notices the person has."""
    [row] = await _rows(CORRECTION_NOTICES, user_id)
    return int(row["notices"])
