"""Reads of campaign content beyond get and create: the posts an ambassador may share now, their
pictures, a message with its post and pack, and the correction notices ambassadors were sent."""

from __future__ import annotations

from tortoise.expressions import Q

from advocacy.clock import Clock
from advocacy.errors import NotFound
from advocacy.shares.usage import variant_uses
from advocacy.users.models import User
from campaigns.models import CampaignStatus, CorrectionNotice, MessageVariant, PackStatus, Post, PostImage


async def shareable_posts(clock: Clock) -> list[Post]:
    """Approved posts of launched campaigns whose window is open, featured first, then newest.

    Each post's variants come least-shared first, so the feed (which pre-selects the first
    suggestion for a network) rotates the wording and the same text does not go out from many
    accounts."""
    now = clock.now()
    posts = (
        await Post.filter(
            pack__status=PackStatus.APPROVED,
            pack__campaign__status=CampaignStatus.LAUNCHED,
            pack__campaign__ends_at__gt=now,
        )
        .filter(Q(expires_at__isnull=True) | Q(expires_at__gt=now))
        .filter(Q(pack__expires_at__isnull=True) | Q(pack__expires_at__gt=now))
        .select_related("pack__campaign")
        .prefetch_related("variants")
        .order_by("-featured", "-created_at", "-id")
    )
    uses = await variant_uses([post.id for post in posts])
    for post in posts:
        post.variants.related_objects.sort(key=lambda variant: (uses.get(variant.id, 0), variant.id))
    return list(posts)


async def pictures_of(post_ids: list[int]) -> dict[int, tuple[str, str]]:
    """Per post that has a kept picture: its address on this service and its alt text. The bytes
    themselves are not read."""
    if not post_ids:
        return {}
    rows = await PostImage.filter(post_id__in=post_ids).values_list("post_id", "digest", "alt")
    return {post_id: (PostImage.path_of(digest), alt) for post_id, digest, alt in rows}


async def message_with_pack(variant_id: int) -> MessageVariant:
    """The suggested message with this id, its post and pack loaded; NotFound when there is none."""
    variant = await MessageVariant.get_or_none(id=variant_id).select_related("post__pack")
    if variant is None:
        raise NotFound(f"There is no message {variant_id}.")
    return variant


async def notices_for(user: User) -> list[CorrectionNotice]:
    """The correction notices of an ambassador, newest first, with the correction and share loaded."""
    return (
        await CorrectionNotice.filter(user_id=user.id)
        .select_related("correction", "share__post")
        .order_by("-created_at", "-id")
    )
