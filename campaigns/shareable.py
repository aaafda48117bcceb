"""The shareable posts as plain values, kept by each web process for a short time.

The posts of the feed (approved, of launched campaigns, with their suggestions least used first)
and who their campaigns target are the same for every ambassador, so a process reads them once
per `feed_cache_seconds` instead of on every feed request, and keeps each post's JSON ready.
Changes made through this process empty the cache at once (`invalidate`: approving, launching,
featuring, correcting, expiring, archiving, retargeting, and shares, which change which suggestion
is least used); changes made by another process show within the TTL. Time never makes a kept post stale: each
carries the moment it leaves the feed (its own expiry, its pack's, its campaign's end), compared
with the request's clock every time.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable, Set
from dataclasses import dataclass
from datetime import UTC, datetime

from pydantic_core import to_json

from advocacy.clock import Clock
from advocacy.programme import targeting
from advocacy.users.models import User
from campaigns.models import Post
from campaigns.queries import pictures_of, shareable_posts
from campaigns.schemas import VariantOut


@dataclass(frozen=True, slots=True)
class ShareablePost:
    """One post of the feed as plain values, with its JSON up to the fields that differ per person."""

    id: int
    campaign_id: int
    campaign: str
    title: str
    url: str
    featured: bool
    leaves_at: datetime  # the first of: the post's expiry, its pack's, its campaign's end
    opens_at: datetime  # its campaign's start: before it, a share waits for the window to open
    image: str  # the address of its picture on this service, or "" when it has none
    image_alt: str
    variants: tuple[VariantOut, ...]
    json_head: bytes  # `{"id":...,"variants":[...]` without the closing brace


@dataclass(frozen=True, slots=True)
class Shareable:
    """Every shareable post, newest and featured first, and the targeting of their campaigns."""

    posts: tuple[ShareablePost, ...]
    rules: targeting.CampaignRules
    needs_groups: bool  # whether some campaign targets a group, so the person's groups are needed

    def for_person(self, now: datetime, user: User, groups: Set[int]) -> list[ShareablePost]:
        """The posts still shown at `now` whose campaign reaches `user` (in `groups`)."""
        if not user.is_opted_in_ambassador:
            return []
        reached: dict[int, bool] = {}
        shown = []
        for post in self.posts:
            if post.leaves_at <= now:
                continue
            ok = reached.get(post.campaign_id)
            if ok is None:
                ok = reached[post.campaign_id] = targeting.reaches(self.rules, post.campaign_id, user, groups)
            if ok:
                shown.append(post)
        return shown


def _leaves_at(post: Post) -> datetime:
    """In the clock's zone object (`datetime.UTC`): every feed request compares it with the
    clock's moment, and aware datetimes of two different zone objects (the ORM loads them in its
    own UTC zone) are compared by asking both zones for their offsets, each time."""
    moments = [post.pack.campaign.ends_at, post.expires_at, post.pack.expires_at]
    return min(moment for moment in moments if moment is not None).astimezone(UTC)


def _value_of(post: Post, picture: tuple[str, str]) -> ShareablePost:
    variants = tuple(VariantOut.of(variant) for variant in post.variants)
    image, image_alt = picture
    head = to_json({
        "id": post.id, "campaign": post.pack.campaign.name, "title": post.title, "url": post.url,
        "featured": post.featured, "opens_at": post.pack.campaign.starts_at,
        "image_url": image, "image_alt": image_alt,
        "variants": [variant.model_dump() for variant in variants],
    })
    return ShareablePost(
        id=post.id, campaign_id=post.pack.campaign_id, campaign=post.pack.campaign.name,
        title=post.title, url=post.url, featured=post.featured, leaves_at=_leaves_at(post),
        opens_at=post.pack.campaign.starts_at, image=image, image_alt=image_alt,
        variants=variants, json_head=head[:-1],
    )


async def read_shareable(clock: Clock) -> Shareable:
    """Read the shareable posts and their campaigns' targeting from the database, uncached."""
    posts = await shareable_posts(clock)
    pictures = await pictures_of([post.id for post in posts])
    values = tuple(_value_of(post, pictures.get(post.id, ("", ""))) for post in posts)
    rules = await targeting.campaign_rules(sorted({post.campaign_id for post in values}))
    return Shareable(values, rules, targeting.needs_groups(rules))


class ShareableCache:
    """The process's copy of `read_shareable`, kept up to `seconds` (0: read on every call)."""

    def __init__(
        self, read: Callable[[Clock], Awaitable[Shareable]] = read_shareable,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        # The TTL runs on a monotonic clock, not the service clock: it measures how old the copy is.
        self._read, self._monotonic = read, monotonic
        self._kept: tuple[float, Shareable] | None = None
        # Bumped by every invalidation: a read that started before one is not kept.
        self._generation = 0
        self._reading: tuple[int, asyncio.AbstractEventLoop, asyncio.Task[Shareable]] | None = None

    def invalidate(self) -> None:
        """Forget the kept posts: content changed in this process."""
        self._generation += 1
        self._kept = None

    async def get(self, clock: Clock, seconds: float) -> Shareable:
        if seconds <= 0:
            return await self._read(clock)
        kept = self._kept
        if kept is not None and self._monotonic() - kept[0] < seconds:
            return kept[1]
        loop = asyncio.get_running_loop()
        reading = self._reading
        if reading is None or reading[0] != self._generation or reading[1] is not loop:
            # One read for every request that misses meanwhile, in a task of its own, so a
            # request that goes away does not cancel it for the others.
            task = loop.create_task(self._read_and_keep(clock, self._generation))
            reading = self._reading = (self._generation, loop, task)
        return await asyncio.shield(reading[2])

    async def _read_and_keep(self, clock: Clock, generation: int) -> Shareable:
        started = self._monotonic()
        try:
            value = await self._read(clock)
        finally:
            if self._reading is not None and self._reading[2] is asyncio.current_task():
                self._reading = None
        if generation == self._generation:
            self._kept = (started, value)
        return value


SHAREABLE = ShareableCache()


def invalidate() -> None:
    """Content of the feed changed in this process: the next feed reads it again."""
    SHAREABLE.invalidate()
