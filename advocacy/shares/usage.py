"""How often each suggested message has been used: the count that orders suggestions least-used first."""

from __future__ import annotations

from tortoise.functions import Count

from advocacy.shares.models import Share, ShareStatus


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
