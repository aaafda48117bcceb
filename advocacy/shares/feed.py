"""The ambassador's feed in a fixed number of queries, however many posts it holds.

Posts (approved, unexpired, of launched campaigns targeted at the person; featured first, then
newest) come with their suggestions, what colleagues did with them, and the person's own shares.
Every per-post fact is read for all posts at once (one grouped query each), never post by post.
"""

from __future__ import annotations

from collections import defaultdict

from tortoise.functions import Count

from advocacy.accounts.models import SocialAccount
from advocacy.clock import Clock
from advocacy.programme import targeting
from advocacy.shares.models import ACTIVE_STATUSES, BLOCKING_STATUSES, Share, ShareStatus
from advocacy.shares.schemas import AccountOut, ColleagueCounts, FeedOut, FeedPost, ShareOut
from advocacy.users.models import User
from campaigns.models import Post
from campaigns.schemas import VariantOut
from campaigns.service import shareable_posts


async def posts_for(clock: Clock, user: User) -> list[Post]:
    """The shareable posts of the campaigns that target this person, featured first, then newest."""
    posts = await shareable_posts(clock)
    campaign_ids = sorted({post.pack.campaign_id for post in posts})  # type: ignore[attr-defined]
    reached = await targeting.campaign_ids_for(user, campaign_ids)
    return [post for post in posts if post.pack.campaign_id in reached]  # type: ignore[attr-defined]


async def colleague_counts(
    user: User, post_ids: list[int], *, with_names: bool
) -> dict[int, ColleagueCounts]:
    """Per post: how many colleagues published it and how many have it waiting (names if asked)."""
    counts: dict[int, ColleagueCounts] = {post_id: ColleagueCounts() for post_id in post_ids}
    if not post_ids:
        return counts
    others = Share.filter(post_id__in=post_ids, status__in=ACTIVE_STATUSES).exclude(user_id=user.id)
    rows = await (
        others.annotate(people=Count("user_id", distinct=True))
        .group_by("post_id", "status")
        .values_list("post_id", "status", "people")
    )
    for post_id, status, people in rows:
        if status == ShareStatus.PUBLISHED:
            counts[post_id].published += people
        else:
            counts[post_id].scheduled += people
    if with_names:
        names: dict[int, set[str]] = defaultdict(set)
        for post_id, name in await others.values_list("post_id", "user__name"):
            names[post_id].add(name)
        for post_id, people in names.items():
            counts[post_id].names = sorted(people)
    return counts


async def build(clock: Clock, user: User, *, show_names: bool = False) -> FeedOut:
    """The whole feed of one person (see the module docstring)."""
    accounts = await SocialAccount.filter(user_id=user.id).order_by("network", "id")
    posts = await posts_for(clock, user)
    post_ids = [post.id for post in posts]
    mine = await Share.filter(user_id=user.id).select_related("post").order_by("-due_at", "-id")
    done: dict[int, list[str]] = defaultdict(list)
    for share in mine:
        if share.status in BLOCKING_STATUSES:
            done[share.post_id].append(share.network)  # type: ignore[attr-defined]
    colleagues = await colleague_counts(user, post_ids, with_names=show_names)
    return FeedOut(
        accounts=[
            AccountOut(id=a.id, network=a.network.value, handle=a.handle,
                       followers=a.followers, status=a.status)
            for a in accounts
        ],
        posts=[
            FeedPost(
                id=post.id,
                campaign=post.pack.campaign.name,
                title=post.title,
                url=post.url,
                featured=post.featured,
                variants=[VariantOut.of(v) for v in post.variants],
                my_share_networks=sorted(done.get(post.id, [])),
                colleagues=colleagues[post.id],
            )
            for post in posts
        ],
        my_shares=[ShareOut.of(share) for share in mine],
        timezone=user.timezone or "UTC",
    )
