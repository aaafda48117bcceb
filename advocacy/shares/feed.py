"""The ambassador's feed: the shareable posts that reach a person, with their own state.

Posts (approved, unexpired, of launched campaigns targeted at the person; featured first, then
newest) come from `campaigns.shareable`, the same for everyone and kept as plain values; which of
them reach this person is decided from the kept targeting rules and the clock. What differs per
person (their accounts, their shares, colleagues' shares of the posts, their groups when a campaign
targets groups) is read by the named queries of `advocacy.shares.repository`, in one round trip:
the feed's route reads them in the access guard's own statement about the person (`FeedRead`).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from pydantic_core import to_json

from advocacy.clock import Clock
from advocacy.programme import targeting
from advocacy.shares import repository
from advocacy.shares.models import BLOCKING_STATUSES
from advocacy.shares.schemas import AccountOut, ColleagueCounts, FeedOut, FeedPost, ShareOut
from advocacy.users.models import User
from advocacy.users.repository import Alongside
from campaigns.shareable import SHAREABLE, Shareable, ShareablePost

_BLOCKING = frozenset(status.value for status in BLOCKING_STATUSES)


@dataclass(slots=True)
class PersonalFeed:
    """One person's feed as plain values, ready to be a `FeedOut` or its JSON."""

    accounts: list[AccountOut]
    posts: list[tuple[ShareablePost, list[str], ColleagueCounts]]  # post, my networks, colleagues
    shares: list[ShareOut]
    timezone: str
    notices: int = 0  # correction notices of the person, counted only when asked

    def out(self) -> FeedOut:
        return FeedOut.model_construct(
            accounts=self.accounts,
            posts=[
                FeedPost.model_construct(
                    id=post.id, campaign=post.campaign, title=post.title, url=post.url,
                    featured=post.featured, opens_at=post.opens_at, image_url=post.image,
                    image_alt=post.image_alt, variants=list(post.variants),
                    my_share_networks=networks, colleagues=counts,
                )
                for post, networks, counts in self.posts
            ],
            my_shares=self.shares,
            timezone=self.timezone,
        )

    def json(self) -> bytes:
        """The same document as `out()` serialised, from each post's JSON kept with the post.

        What follows a post's JSON (my networks, colleagues' counts) is the same for most posts
        (none of mine, the one value `_feed_of` gives every post nobody shared): each different
        ending is encoded once per document."""
        endings: dict[tuple[tuple[str, ...], int], bytes] = {}
        parts = []
        for post, networks, counts in self.posts:
            # The counts are told apart by identity: each is alive in `self.posts` meanwhile.
            key = (tuple(networks), id(counts))
            ending = endings.get(key)
            if ending is None:
                ending = endings[key] = b"".join((b',"my_share_networks":', to_json(networks),
                                                  b',"colleagues":', to_json(counts), b"}"))
            parts.append(post.json_head + ending)
        posts = b",".join(parts)
        return b"".join((b'{"accounts":', to_json(self.accounts), b',"posts":[', posts,
                         b'],"my_shares":', to_json(self.shares), b',"timezone":', to_json(self.timezone),
                         b"}"))


@dataclass(frozen=True, slots=True)
class FeedRead:
    """A feed prepared before its person is known: the moment, the shareable posts and the
    person's facts to read, alone or in the access guard's statement about the person
    (`advocacy.auth.reads_alongside`)."""

    now: datetime
    shareable: Shareable
    facts: repository.PersonFacts

    @property
    def alongside(self) -> Alongside:
        return self.facts.alongside

    def feed(self, user: User, row: Any) -> PersonalFeed:
        """The feed of `user` from the row the guard read them in, with the facts alongside."""
        return _feed_of(self.now, user, self.shareable, self.facts.state(row))


async def prepare(
    clock: Clock, *, show_names: bool = False, cache_seconds: float = 0, count_notices: bool = False,
) -> FeedRead:
    """A feed ready to read for anyone (see `personal_feed` for the options)."""
    now = clock.now()
    shareable = await SHAREABLE.get(clock, cache_seconds)
    # Colleagues are counted for every post still shown, before targeting: it needs the person's
    # groups, which come in the same read.
    facts = repository.PersonFacts.of(_shown(now, shareable), names=show_names,
                                      groups=shareable.needs_groups, notices=count_notices)
    return FeedRead(now, shareable, facts)


async def personal_feed(
    clock: Clock, user: User, *, show_names: bool = False, cache_seconds: float = 0,
    count_notices: bool = False,
) -> PersonalFeed:
    """The whole feed of one person (see the module docstring). `cache_seconds` is how old the
    kept posts may be (`feed_cache_seconds`); 0 reads them afresh. `count_notices` also counts the
    person's correction notices (the page shows them; most people have none, so it reads them only
    then)."""
    read = await prepare(clock, show_names=show_names, cache_seconds=cache_seconds,
                         count_notices=count_notices)
    return _feed_of(read.now, user, read.shareable, await read.facts.read(user.id))


def _shown(now: datetime, shareable: Shareable) -> list[int]:
    return [post.id for post in shareable.posts if post.leaves_at > now]


def _feed_of(now: datetime, user: User, shareable: Shareable, state: repository.PersonState) -> PersonalFeed:
    done: dict[int, list[str]] = defaultdict(list)
    for share in state.shares:
        if share.status in _BLOCKING:
            done[share.post_id].append(share.network)
    mine = {post_id: sorted(networks) for post_id, networks in done.items()}
    # One value for every post no colleague shared (most of them): it is never changed once made.
    nobody = ColleagueCounts()
    return PersonalFeed(
        accounts=state.accounts,
        posts=[(post, mine.get(post.id) or [], state.colleagues.get(post.id) or nobody)
               for post in shareable.for_person(now, user, state.groups)],
        shares=state.shares,
        timezone=user.timezone or "UTC",
        notices=state.notices,
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
    counts = await repository.colleague_counts(user.id, post_ids, names=with_names) if post_ids else {}
    return {post_id: counts.get(post_id) or ColleagueCounts() for post_id in post_ids}
