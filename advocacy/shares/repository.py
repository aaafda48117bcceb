"""The feed's reads about one person: one named query per fact (their accounts, their shares,
colleagues' shares of the posts, their groups, their correction notices), read together.

Each fact is a small SELECT written once for both databases (`{me}` is the person, `{posts}` the
list of posts shown). `PersonFacts` reads the facts it is asked for in one round trip: each is a
column of one row, named after the fact, holding the fact's rows as a JSON array of objects keyed
by column name, so nothing is told apart by position or by a marker. The same columns can be read
in the access guard's statement about the person (`alongside`), so a feed request makes one
round trip in all. The shareable posts themselves are the same for everyone and come from
`campaigns.shareable`.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import cache, cached_property, lru_cache, partial
from typing import Any

from pydantic_core import from_json, to_json
from tortoise import get_connection

from advocacy.db import placeholder
from advocacy.shares.models import ACTIVE_STATUSES, ShareStatus
from advocacy.shares.schemas import AccountOut, ColleagueCounts, ShareOut
from advocacy.users.repository import Alongside

_ACTIVE = ", ".join(f"'{status.value}'" for status in ACTIVE_STATUSES)


@dataclass(frozen=True)
class Fact:
    """One named query about the person: its name (the column it is read into) and its SELECT."""

    name: str
    columns: tuple[str, ...]
    select: str


ACCOUNTS = Fact(
    "accounts", ("id", "network", "handle", "followers", "status"),
    "SELECT id, network, handle, followers, status FROM social_accounts WHERE user_id = {me}",
)
SHARES = Fact(
    "shares", ("id", "post_id", "post_title", "account_id", "network", "text", "status", "due_at",
               "published_at", "external_url", "last_error"),
    "SELECT s.id, s.post_id, p.title AS post_title, s.account_id, s.network, s.text, s.status,"
    " s.due_at, s.published_at, s.external_url, s.last_error"
    " FROM shares s JOIN posts p ON p.id = s.post_id WHERE s.user_id = {me}",
)
COLLEAGUES_PER_STATUS = Fact(
    "colleagues", ("post_id", "status", "people"),
    "SELECT post_id, status, COUNT(DISTINCT user_id) AS people FROM shares"
    f" WHERE post_id {{posts}} AND status IN ({_ACTIVE}) AND user_id <> {{me}} GROUP BY post_id, status",
)
COLLEAGUE_NAMES = Fact(
    "colleague_names", ("post_id", "name"),
    "SELECT DISTINCT s.post_id, u.name FROM shares s JOIN users u ON u.id = s.user_id"
    f" WHERE s.post_id {{posts}} AND s.status IN ({_ACTIVE}) AND s.user_id <> {{me}}",
)
GROUPS = Fact("person_groups", ("group_id",), "SELECT group_id FROM group_members WHERE user_id = {me}")
CORRECTION_NOTICES = Fact("correction_notices", ("id",),
                          "SELECT id FROM correction_notices WHERE user_id = {me}")


def _as_json(fact: Fact, dialect: str) -> str:
    """The fact's rows as one JSON array of objects keyed by column name ('[]' for none)."""
    if dialect == "postgres":
        return f"(SELECT COALESCE(json_agg(q), '[]') FROM ({fact.select}) q)"
    pairs = ", ".join(f"'{column}', q.{column}" for column in fact.columns)
    return f"(SELECT COALESCE(json_group_array(json_object({pairs})), '[]') FROM ({fact.select}) q)"


def _columns(facts: tuple[Fact, ...], dialect: str, me: str) -> str:
    """The facts as named columns about the person `me`; the posts are parameter 2, a JSON array
    of ids on both databases (`_posts`)."""
    posts = placeholder(dialect, 2)
    # On PostgreSQL the ids become an array before the scan, so an index on the post can serve it.
    in_posts = (f"= ANY(ARRAY(SELECT json_array_elements_text({posts}::json)::int))"
                if dialect == "postgres" else f"IN (SELECT value FROM json_each({posts}))")
    columns = ", ".join(f"{_as_json(fact, dialect)} AS {fact.name}" for fact in facts)
    return columns.format(me=me, posts=in_posts)


@cache
def _statement(facts: tuple[Fact, ...], dialect: str) -> str:
    """The facts as the columns of one row; the person is parameter 1."""
    return f"SELECT {_columns(facts, dialect, placeholder(dialect, 1))}"


def _moment(value: str | None) -> datetime | None:
    # Both databases give the stored instant as ISO text inside JSON: SQLite as the ORM stored it
    # (UTC), PostgreSQL in the session's time zone; the feed gives every instant in UTC.
    if value is None:
        return None
    moment = datetime.fromisoformat(value)
    return moment.astimezone(UTC) if moment.tzinfo else moment.replace(tzinfo=UTC)


@dataclass(slots=True)
class PersonState:
    """What one person's feed needs beyond the posts: their accounts (by network) and shares
    (latest due first), colleagues' counts per post some colleague shared, their groups and how
    many correction notices they have (each only when asked)."""

    accounts: list[AccountOut]
    shares: list[ShareOut]
    colleagues: dict[int, ColleagueCounts]
    groups: set[int] = field(default_factory=set)
    notices: int = 0


@dataclass(frozen=True)
class PersonFacts:
    """The facts to read about one person for a feed of `post_ids`: alone (`read`), or as columns
    of the access guard's statement about the person (`alongside`, then `state` of its row)."""

    facts: tuple[Fact, ...]
    post_ids: tuple[int, ...]

    @classmethod
    def of(cls, post_ids: Sequence[int], *, names: bool, groups: bool, notices: bool) -> PersonFacts:
        """Accounts, shares and colleagues' shares of `post_ids` always; colleagues' names,
        groups and correction notices when asked. The same for every feed of the same posts and
        options, so each is made once (the posts shown change only when one comes or goes)."""
        return _person_facts(tuple(post_ids), names, groups, notices)

    async def read(self, user_id: int) -> PersonState:
        """The facts of this person, in one round trip of their own."""
        [row] = await _rows(_statement, self.facts, user_id, self.post_ids)
        return self.state(row)

    @cached_property
    def alongside(self) -> Alongside:
        """The facts as columns of the guard's statement about the person."""
        return Alongside(key=(__name__, self.facts), columns=partial(_columns, self.facts),
                         values=(_posts(self.post_ids),))

    def state(self, row: Any) -> PersonState:
        """The facts from the row they were read into (by `read` or alongside the person)."""
        found = _found(self.facts, row)
        return PersonState(
            accounts=_accounts(found[ACCOUNTS.name]),
            shares=_shares(found[SHARES.name]),
            colleagues=_colleagues(found[COLLEAGUES_PER_STATUS.name], found.get(COLLEAGUE_NAMES.name)),
            groups={row["group_id"] for row in found.get(GROUPS.name, [])},
            notices=len(found.get(CORRECTION_NOTICES.name, [])),
        )


@lru_cache(maxsize=64)
def _person_facts(post_ids: tuple[int, ...], names: bool, groups: bool, notices: bool) -> PersonFacts:
    return PersonFacts((ACCOUNTS, SHARES, COLLEAGUES_PER_STATUS, *([COLLEAGUE_NAMES] if names else []),
                        *([GROUPS] if groups else []), *([CORRECTION_NOTICES] if notices else [])),
                       post_ids)


def _posts(post_ids: Sequence[int]) -> str:
    """The posts parameter: their ids as a JSON array, which both databases read as a table.

    On PostgreSQL it is also cheaper than an int[]: the driver checks every element of a list
    parameter against the abstract collection types. With 20 posts, the feed's statement took the
    client 57-64 µs of CPU with the text against 64-76 µs with the list (minimum of six runs, in
    two series)."""
    return to_json(post_ids).decode()


async def _rows(
    statement: Callable[[tuple[Fact, ...], str], str], facts: tuple[Fact, ...], who: Any,
    post_ids: Sequence[int],
) -> list[Any]:
    connection = get_connection("default")
    dialect = connection.capabilities.dialect
    _, rows = await connection.execute_query(statement(facts, dialect), [who, _posts(post_ids)])
    return list(rows)


def _found(facts: tuple[Fact, ...], row: Any) -> dict[str, list[dict[str, Any]]]:
    """Each fact's rows, by the fact's name (parsed by pydantic's parser, several times faster
    than the standard library's on these small documents, which every feed request reads)."""
    return {fact.name: from_json(row[fact.name]) for fact in facts}


async def colleague_counts(
    user_id: int, post_ids: list[int], *, names: bool
) -> dict[int, ColleagueCounts]:
    """Colleagues' counts (and names, when asked) per post of `post_ids` some colleague shared."""
    facts = (COLLEAGUES_PER_STATUS, *([COLLEAGUE_NAMES] if names else []))
    [row] = await _rows(_statement, facts, user_id, post_ids)
    found = _found(facts, row)
    return _colleagues(found[COLLEAGUES_PER_STATUS.name], found.get(COLLEAGUE_NAMES.name))


# Rows become the API's models through pydantic's validation, which its core runs faster than
# `model_construct` runs in Python, and which checks the values on the way.
def _accounts(rows: list[dict[str, Any]]) -> list[AccountOut]:
    accounts = [AccountOut.model_validate(row) for row in rows]
    accounts.sort(key=lambda account: (account.network, account.id))
    return accounts


def _shares(rows: list[dict[str, Any]]) -> list[ShareOut]:
    shares = []
    for row in rows:
        row["due_at"], row["published_at"] = _moment(row["due_at"]), _moment(row["published_at"])
        shares.append(ShareOut.model_validate(row))
    shares.sort(key=lambda share: (share.due_at, share.id), reverse=True)
    return shares


def _colleagues(
    per_status: list[dict[str, Any]], names: list[dict[str, Any]] | None
) -> dict[int, ColleagueCounts]:
    counts: dict[int, ColleagueCounts] = {}
    for row in per_status:
        found = counts.get(row["post_id"])
        if found is None:
            found = counts[row["post_id"]] = ColleagueCounts()
        if row["status"] == ShareStatus.PUBLISHED:
            found.published += row["people"]
        else:
            found.scheduled += row["people"]
    people: dict[int, list[str]] = defaultdict(list)
    for row in names or []:
        people[row["post_id"]].append(row["name"])
    for post_id, named in people.items():
        counts.setdefault(post_id, ColleagueCounts()).names = sorted(named)
    return counts
