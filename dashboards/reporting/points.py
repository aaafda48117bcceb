"""Ambassador points: a visible, versioned rule applied to the rollups, never to raw snapshots.

A rule is never edited: a change is a new version appended to `POINTS_RULES`, and every page that
shows points names the version it used, so a person can check their own number by hand.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from tortoise.functions import Count, Sum

from advocacy.links.models import LinkClickDay
from advocacy.shares.models import Share, ShareStatus
from dashboards.models import DailyRollup


@dataclass(frozen=True)
class PointsRule:
    version: int
    per_share: int  # per share published
    per_click: int  # per person who followed the share's short link (automated fetchers excluded)
    per_engagement: int  # per reaction, comment or reshare the platform reported

    def describe(self) -> str:
        return (f"Points rule v{self.version}: {self.per_share} per share published + "
                f"{self.per_click} per click on your short links + "
                f"{self.per_engagement} per engagement (reaction, comment or reshare)")

    def apply(self, tally: Tally) -> int:
        return (self.per_share * tally.shares + self.per_click * tally.clicks
                + self.per_engagement * tally.engagements)


# Every version ever used, oldest first; the last one is current.
POINTS_RULES = (PointsRule(version=1, per_share=10, per_click=2, per_engagement=1),)
CURRENT_RULE = POINTS_RULES[-1]


@dataclass(frozen=True)
class Tally:
    """What one ambassador did, read from our records and the daily rollups."""

    shares: int = 0
    clicks: int = 0
    engagements: int = 0


async def tallies(user_ids: list[int] | None = None) -> dict[int, Tally]:
    """Each ambassador's shares published, short-link clicks by people and reported engagements.

    Engagements come from the daily rollups (what each post gained per day), clicks from the
    per-link daily click counts, shares from the share rows: no raw snapshot is read.
    """
    shares_q = Share.filter(status=ShareStatus.PUBLISHED)
    rollups_q = DailyRollup.filter(is_brand=False, user_id__not_isnull=True, engagements__not_isnull=True)
    clicks_q = LinkClickDay.filter(clicks__gt=0)
    if user_ids is not None:
        shares_q = shares_q.filter(user_id__in=user_ids)
        rollups_q = rollups_q.filter(user_id__in=user_ids)
        clicks_q = clicks_q.filter(link__share__user_id__in=user_ids)
    # Summed by person in the database: at scale there are millions of rollup rows and only
    # thousands of people.
    counts: dict[int, list[int]] = defaultdict(lambda: [0, 0, 0])
    for user_id, shares in await shares_q.annotate(n=Count("id")).group_by("user_id").values_list(
            "user_id", "n"):
        counts[user_id][0] = shares
    for user_id, clicks in await clicks_q.annotate(n=Sum("clicks")).group_by(
            "link__share__user_id").values_list("link__share__user_id", "n"):
        if user_id is not None:
            counts[user_id][1] = clicks
    for user_id, engagements in await rollups_q.annotate(n=Sum("engagements")).group_by(
            "user_id").values_list("user_id", "n"):
        counts[user_id][2] = engagements
    return {user_id: Tally(*values) for user_id, values in counts.items()}
