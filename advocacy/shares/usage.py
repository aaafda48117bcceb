"""How often each suggested message has been used: the count that orders suggestions least-used first."""

from __future__ import annotations

from tortoise.functions import Count

from advocacy.shares.models import Share, ShareStatus
from campaigns.models import MessageVariant


async def variant_uses(post_ids: list[int]) -> dict[int, int]:
    """How many shares (in any state but cancelled) used each variant of these posts."""
    if not post_ids:
        return {}
    rows = (
        await Share.filter(post_id__in=post_ids, variant_id__isnull=False)
        .exclude(status=ShareStatus.CANCELLED)
        .annotate(uses=Count("id"))
        .group_by("variant_id")
        .values_list("variant_id", "uses")
    )
    return {variant_id: uses for variant_id, uses in rows}


async def least_used(post_id: int, network: str) -> MessageVariant | None:
    """The post's suggestion for `network` that the fewest shares used (the oldest of equals)."""
    variants = await MessageVariant.filter(post_id=post_id, network=network)
    uses = await variant_uses([post_id])
    return min(variants, key=lambda variant: (uses.get(variant.id, 0), variant.id), default=None)
