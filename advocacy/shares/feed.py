"""The ambassador's feed: the shareable posts, kept per process, and the person's own state in one read.

Posts (approved, unexpired, of launched campaigns targeted at the person; featured first, then
newest) come from `campaigns.shareable`, the same for everyone and kept as plain values; which of
them reach this person is decided from the kept targeting rules and the clock. What differs per
person (their accounts, their shares, colleagues' shares of the posts, their groups when a campaign
targets groups) is one raw SQL statement, plain rows and no ORM objects, whatever the number of
posts.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Callable, Hashable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from pydantic_core import to_json
from tortoise import connections

from advocacy.clock import Clock
from advocacy.db import placeholder
from advocacy.programme import targeting
from advocacy.programme.gate import GateFacts, gate_facts_sql
from advocacy.settings import Settings
from advocacy.shares.models import ACTIVE_STATUSES, BLOCKING_STATUSES, ShareStatus
from advocacy.shares.schemas import AccountOut, ColleagueCounts, FeedOut, FeedPost, ShareOut
from advocacy.users import service as users
from advocacy.users.models import User
from campaigns.shareable import SHAREABLE, Shareable, ShareablePost

_ACTIVE = ", ".join(f"'{status.value}'" for status in ACTIVE_STATUSES)
_BLOCKING = frozenset(status.value for status in BLOCKING_STATUSES)


def _state_sql(
    dialect: str, *, names: bool, groups: bool, notices: bool, gate: bool, me: str | None = None
) -> str:
    # One statement, rows told apart by `kind`, so the person's state costs one round trip:
    # a = account, s = own share, c = colleagues per post and status, n = colleague's name, g = group,
    # k = how many correction notices the person has, v = the sharing gate's facts about them.
    # $2 is the posts: an int[] on PostgreSQL, a JSON array on SQLite.
    # `me` is the person: parameter 1 unless given as an expression (`token_feed`).
    me, posts = me or placeholder(dialect, 1), placeholder(dialect, 2)
    in_posts = (f"= ANY({posts}::int[])" if dialect == "postgres"
                else f"IN (SELECT value FROM json_each({posts}))")
    parts = [
        "SELECT 'a' AS kind, id AS n1, followers AS n2, NULL AS n3, network AS s1, handle AS s2,"
        " status AS s3, NULL AS s4, NULL AS s5, NULL AS s6, NULL AS t1, NULL AS t2"
        f" FROM social_accounts WHERE user_id = {me}",
        "SELECT 's', s.id, s.post_id, s.account_id, s.network, s.text, s.status, s.external_url,"
        " s.last_error, p.title, s.due_at, s.published_at"
        f" FROM shares s JOIN posts p ON p.id = s.post_id WHERE s.user_id = {me}",
        "SELECT 'c', post_id, COUNT(DISTINCT user_id), NULL, status, NULL, NULL, NULL, NULL, NULL, NULL, NULL"
        f" FROM shares WHERE post_id {in_posts} AND status IN ({_ACTIVE}) AND user_id <> {me}"
        " GROUP BY post_id, status",
    ]
    if names:
        parts.append(
            # GROUP BY rather than DISTINCT: DISTINCT would give the NULLs a type (text) of their own.
            "SELECT 'n', s.post_id, NULL, NULL, u.name, NULL, NULL, NULL, NULL, NULL, NULL, NULL"
            f" FROM shares s JOIN users u ON u.id = s.user_id WHERE s.post_id {in_posts}"
            f" AND s.status IN ({_ACTIVE}) AND s.user_id <> {me} GROUP BY s.post_id, u.name"
        )
    if groups:
        parts.append(
            "SELECT 'g', group_id, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL"
            f" FROM group_members WHERE user_id = {me}"
        )
    if notices:
        parts.append(
            "SELECT 'k', COUNT(*), NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL"
            f" FROM correction_notices WHERE user_id = {me}"
        )
    if gate:
        current, seen, outstanding = gate_facts_sql(me)
        parts.append(f"SELECT 'v', {current}, {seen}, {outstanding},"
                     " NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL")
    return " UNION ALL ".join(parts)


_STATEMENTS: dict[tuple[str, bool, bool, bool, bool], str] = {}


def _moment(value: Any) -> datetime | None:
    # PostgreSQL gives datetimes; SQLite gives the ISO text the ORM stored (always in UTC).
    if value is None or isinstance(value, datetime):
        return value
    moment = datetime.fromisoformat(value)
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


@dataclass(slots=True)
class PersonState:
    """What one person's feed needs beyond the posts: their accounts and shares (newest first),
    colleagues' counts per post, their groups, and (only when asked) how many correction notices
    they have and the sharing gate's facts about them."""

    accounts: list[AccountOut]
    shares: list[ShareOut]
    colleagues: dict[int, ColleagueCounts]
    groups: set[int]
    notices: int = 0
    gate: GateFacts | None = None


async def person_state(
    user_id: int, post_ids: list[int], *, names: bool, groups: bool, notices: bool = False,
    gate: bool = False,
) -> PersonState:
    """Read a person's state in one statement (see `_state_sql`)."""
    connection = connections.get("default")
    dialect = connection.capabilities.dialect
    key = (dialect, names, groups, notices, gate)
    sql = _STATEMENTS.get(key) or _STATEMENTS.setdefault(
        key, _state_sql(dialect, names=names, groups=groups, notices=notices, gate=gate))
    posts: Any = post_ids if dialect == "postgres" else json.dumps(post_ids)
    _, rows = await connection.execute_query(sql, [user_id, posts])
    return _state_of(rows)


def _state_of(rows: Iterable[Any]) -> PersonState:
    accounts: list[tuple[tuple[str, int], AccountOut]] = []
    shares: list[tuple[tuple[datetime, int], ShareOut]] = []
    colleagues: dict[int, ColleagueCounts] = {}
    named: dict[int, set[str]] = defaultdict(set)
    found_groups: set[int] = set()
    notice_count = 0
    facts = None
    for row in rows:
        kind = row["kind"]
        if kind is None:
            continue  # the person's row alone (`signed_in_feed`: nothing of theirs to show)
        if kind == "c":
            counts = colleagues.get(row["n1"])
            if counts is None:
                counts = colleagues[row["n1"]] = ColleagueCounts()
            if row["s1"] == ShareStatus.PUBLISHED:
                counts.published += row["n2"]
            else:
                counts.scheduled += row["n2"]
        elif kind == "s":
            due = _moment(row["t1"])
            assert due is not None
            shares.append(((due, row["n1"]), ShareOut.model_construct(
                id=row["n1"], post_id=row["n2"], post_title=row["s6"], account_id=row["n3"],
                network=row["s1"], text=row["s2"], status=row["s3"], due_at=due,
                published_at=_moment(row["t2"]), external_url=row["s4"], last_error=row["s5"],
            )))
        elif kind == "a":
            accounts.append(((row["s1"], row["n1"]), AccountOut.model_construct(
                id=row["n1"], network=row["s1"], handle=row["s2"], followers=row["n2"], status=row["s3"])))
        elif kind == "n":
            named[row["n1"]].add(row["s1"])
        elif kind == "k":
            notice_count = int(row["n1"])
        elif kind == "v":
            facts = GateFacts(row["n1"], row["n2"], int(row["n3"]))
        else:
            found_groups.add(row["n1"])
    for post_id, people in named.items():
        colleagues.setdefault(post_id, ColleagueCounts()).names = sorted(people)
    accounts.sort(key=lambda pair: pair[0])
    shares.sort(key=lambda pair: pair[0], reverse=True)
    return PersonState([a for _, a in accounts], [s for _, s in shares], colleagues, found_groups,
                       notice_count, facts)


@dataclass(slots=True)
class PersonalFeed:
    """One person's feed as plain values, ready to be a `FeedOut` or its JSON."""

    accounts: list[AccountOut]
    posts: list[tuple[ShareablePost, list[str], ColleagueCounts]]  # post, my networks, colleagues
    shares: list[ShareOut]
    timezone: str
    notices: int = 0  # correction notices of the person, counted only when asked
    gate: GateFacts | None = None  # the sharing gate's facts about the person, read only when asked
    derived: dict[Hashable, object] = field(default_factory=dict)  # the posts' `Shareable.derived`

    def out(self) -> FeedOut:
        return FeedOut.model_construct(
            accounts=self.accounts,
            posts=[
                FeedPost.model_construct(
                    id=post.id, campaign=post.campaign, title=post.title, url=post.url,
                    featured=post.featured, variants=list(post.variants), my_share_networks=networks,
                    colleagues=counts,
                )
                for post, networks, counts in self.posts
            ],
            my_shares=self.shares,
            timezone=self.timezone,
        )

    def json(self) -> bytes:
        """The same document as `out()` serialised, from each post's JSON kept with the post."""
        posts = b",".join(
            b"".join((post.json_head, b',"my_share_networks":', to_json(networks), b',"colleagues":',
                      to_json(counts), b"}"))
            for post, networks, counts in self.posts
        )
        return b"".join((b'{"accounts":', to_json(self.accounts), b',"posts":[', posts,
                         b'],"my_shares":', to_json(self.shares), b',"timezone":', to_json(self.timezone),
                         b"}"))


async def personal_feed(
    clock: Clock, user: User, *, show_names: bool = False, cache_seconds: float = 0,
    count_notices: bool = False, read_gate: bool = False,
) -> PersonalFeed:
    """The whole feed of one person (see the module docstring). `cache_seconds` is how old the
    kept posts may be (`feed_cache_seconds`); 0 reads them afresh. `count_notices` also counts the
    person's correction notices (the page shows them; most people have none, so it reads them only
    then); `read_gate` also reads the sharing gate's facts (for `sharing_blockers`, which the page
    shows), in the same statement."""
    now = clock.now()
    shareable = await SHAREABLE.get(clock, cache_seconds)
    shown = _shown(now, shareable)
    # Colleagues are counted for every post shown at all, before targeting: it needs the groups,
    # which come in the same statement.
    state = await person_state(user.id, [post.id for post in shown], names=show_names,
                               groups=shareable.needs_groups and user.is_opted_in_ambassador,
                               notices=count_notices, gate=read_gate)
    return _feed_of(now, user, shareable, state)


async def signed_in_feed(
    clock: Clock, user_id: int, *, show_names: bool = False, cache_seconds: float = 0,
) -> tuple[User, PersonalFeed] | None:
    """The person with this id and their whole feed, correction notices and gate facts included,
    in one statement: the page's fast path has only the session's id, and reading the person first
    would be a round trip of its own. None when there is no such person; whether they are active
    and may see the feed is the caller's to check, as with `active_user`."""
    now, shareable, rows = await _read_with_person(clock, cache_seconds, show_names, _SIGNED_IN, user_id)
    if not rows:
        return None
    user = User._init_from_db(**{column: rows[0][column] for column in _USER_COLUMNS})
    return user, _feed_of(now, user, shareable, _state_of(rows))


async def token_feed(
    clock: Clock, settings: Settings, token: str, *, show_names: bool = False, cache_seconds: float = 0,
) -> tuple[User, PersonalFeed] | None:
    """The person an API token stands for and their whole feed in one statement: the API's fast
    path has only the token, and resolving it first would be a round trip of its own. None when
    `token_user` refuses the token (unknown, revoked, expired, person not active); whether the
    person may see the feed is the caller's to check."""
    now, shareable, rows = await _read_with_person(clock, cache_seconds, show_names, _BY_TOKEN,
                                                   users.token_digest(token))
    user = await users.token_user(clock, settings, users.token_of_row(rows[0]) if rows else None)
    if user is None:
        return None
    return user, _feed_of(now, user, shareable, _state_of(rows))


_USER_COLUMNS = tuple(User._meta.fields_db_projection.values())


def _signed_in_sql(dialect: str, names: bool, groups: bool) -> str:
    state = _state_sql(dialect, names=names, groups=groups, notices=True, gate=True)
    return (f"SELECT {', '.join(f'u.{column}' for column in _USER_COLUMNS)}, st.* FROM users u"
            f" LEFT JOIN ({state}) st ON TRUE WHERE u.id = {placeholder(dialect, 1)}")


def _by_token_sql(dialect: str, names: bool, groups: bool) -> str:
    return users.token_sql_with(dialect, _state_sql(dialect, names=names, groups=groups, notices=False,
                                                    gate=False, me=users.token_person_sql(dialect)))


# The statements that read a person with their state, by how they find the person; per dialect,
# names shown and groups read.
_SIGNED_IN: tuple[Callable[[str, bool, bool], str], dict[tuple[str, bool, bool], str]] = (_signed_in_sql, {})
_BY_TOKEN: tuple[Callable[[str, bool, bool], str], dict[tuple[str, bool, bool], str]] = (_by_token_sql, {})


async def _read_with_person(
    clock: Clock, cache_seconds: float, show_names: bool,
    statement: tuple[Callable[[str, bool, bool], str], dict[tuple[str, bool, bool], str]], who: Any,
) -> tuple[datetime, Shareable, list[Any]]:
    # Parameter 1 finds the person (`who`), 2 is the posts shown.
    now = clock.now()
    shareable = await SHAREABLE.get(clock, cache_seconds)
    connection = connections.get("default")
    dialect = connection.capabilities.dialect
    # The groups are read whenever a campaign targets groups: the person is not known yet.
    build, made = statement
    key = (dialect, show_names, shareable.needs_groups)
    sql = made.get(key) or made.setdefault(key, build(*key))
    post_ids = [post.id for post in _shown(now, shareable)]
    posts: Any = post_ids if dialect == "postgres" else json.dumps(post_ids)
    _, rows = await connection.execute_query(sql, [who, posts])
    return now, shareable, list(rows)


def _shown(now: datetime, shareable: Shareable) -> list[ShareablePost]:
    return [post for post in shareable.posts if post.leaves_at > now]


def _feed_of(now: datetime, user: User, shareable: Shareable, state: PersonState) -> PersonalFeed:
    done: dict[int, list[str]] = defaultdict(list)
    for share in state.shares:
        if share.status in _BLOCKING:
            done[share.post_id].append(share.network)
    posts = shareable.for_person(now, user, state.groups)
    # One value for every post no colleague shared (most of them): it is never changed once made.
    nobody = ColleagueCounts()
    return PersonalFeed(
        accounts=state.accounts,
        posts=[(post, sorted(done[post.id]) if post.id in done else [],
                state.colleagues.get(post.id) or nobody) for post in posts],
        shares=state.shares,
        timezone=user.timezone or "UTC",
        notices=state.notices,
        gate=state.gate,
        derived=shareable.derived,
    )


async def build(clock: Clock, user: User, *, show_names: bool = False, cache_seconds: float = 0) -> FeedOut:
    """The whole feed of one person as the API describes it."""
    return (await personal_feed(clock, user, show_names=show_names, cache_seconds=cache_seconds)).out()


async def posts_for(clock: Clock, user: User, *, cache_seconds: float = 0) -> list[ShareablePost]:
    """The shareable posts of the campaigns that target this person, featured first, then newest."""
    shareable = await SHAREABLE.get(clock, cache_seconds)
    groups: set[int] = set()
    if shareable.needs_groups and user.is_opted_in_ambassador:
        groups = await targeting.groups_of(user)
    return shareable.for_person(clock.now(), user, groups)


async def colleague_counts(
    user: User, post_ids: list[int], *, with_names: bool
) -> dict[int, ColleagueCounts]:
    """Per post: how many colleagues published it and how many have it waiting (names if asked)."""
    if not post_ids:
        return {}
    state = await person_state(user.id, post_ids, names=with_names, groups=False)
    return {post_id: state.colleagues.get(post_id) or ColleagueCounts() for post_id in post_ids}
