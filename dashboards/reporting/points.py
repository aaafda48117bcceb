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
from advocacy.suggestions.models import Suggestion
from advocacy.suggestions.service import PUBLISHED
from dashboards.models import DailyRollup


@dataclass(frozen=True)
class PointsRule:
    version: int
    per_share: int  # per share published
    per_click: int  # per click counted as `clicked` says
    per_engagement: int  # per reaction, comment or reshare the platform reported
    clicked: str = "click on your short links"
    per_suggestion: int = 0  # per link the person suggested that became a published post

    def describe(self) -> str:
        suggestions = (f" + {self.per_suggestion} per link you suggested that became a published post"
                       if self.per_suggestion else "")
        return (f"Points rule v{self.version}: {self.per_share} per share published + "
                f"{self.per_click} per {self.clicked} + "
                f"{self.per_engagement} per engagement (reaction, comment or reshare){suggestions}")

    def apply(self, tally: Tally) -> int:
        return (self.per_share * tally.shares + self.per_click * tally.clicks
                + self.per_engagement * tally.engagements + self.per_suggestion * tally.suggestions)


# Every version ever used, oldest first; the last one is current.
# v2 counts people, not requests: one visitor (one address) per link and day, so repeating a click,
# or sending it with a new browser name each time, earns nothing more.
POINTS_RULES = (
    PointsRule(version=1, per_share=10, per_click=2, per_engagement=1),
    PointsRule(version=2, per_share=10, per_click=2, per_engagement=1,
               clicked="person following your short links (one per address, link and day)"),
    # v3 also credits suggestions: a link the person suggested that an editor made a post of, once
    # that post is published (its pack approved, its campaign launched). Counted from the rows, so
    # suggesting again or repeating a request adds nothing.
    PointsRule(version=3, per_share=10, per_click=2, per_engagement=1,
               clicked="person following your short links (one per address, link and day)",
               per_suggestion=5),
)
CURRENT_RULE = POINTS_RULES[-1]


@dataclass(frozen=True)
class Tally:
    """What one ambassador did, read from our records and the daily rollups."""

    shares: int = 0
    clicks: int = 0  # unique visitors by people of the ambassador's short links, summed over days
    engagements: int = 0
    suggestions: int = 0  # links the person suggested that became published posts


async def tallies(user_ids: list[int] | None = None) -> dict[int, Tally]:
    """Each ambassador's shares published, short-link visitors, reported engagements and suggestions
    that became published posts.

    Engagements come from the daily rollups (what each post gained per day), clicks from the
    per-link daily unique visitors (people, not requests), shares from the share rows: no raw
    snapshot is read.
    """
    shares_q = Share.filter(status=ShareStatus.PUBLISHED)
    rollups_q = DailyRollup.filter(is_brand=False, user_id__not_isnull=True, engagements__not_isnull=True)
    clicks_q = LinkClickDay.filter(unique_visitors__gt=0)
    suggested_q = Suggestion.filter(PUBLISHED)
    if user_ids is not None:
        shares_q = shares_q.filter(user_id__in=user_ids)
        rollups_q = rollups_q.filter(user_id__in=user_ids)
        clicks_q = clicks_q.filter(link__share__user_id__in=user_ids)
        suggested_q = suggested_q.filter(user_id__in=user_ids)
    # Summed by person in the database: at scale there are millions of rollup rows and only
    # thousands of people.
    counts: dict[int, list[int]] = defaultdict(lambda: [0, 0, 0, 0])
    for user_id, shares in await shares_q.annotate(n=Count("id")).group_by("user_id").values_list(
            "user_id", "n"):
        counts[user_id][0] = shares
    for user_id, clicks in await clicks_q.annotate(n=Sum("unique_visitors")).group_by(
            "link__share__user_id").values_list("link__share__user_id", "n"):
        if user_id is not None:
            counts[user_id][1] = clicks
    for user_id, engagements in await rollups_q.annotate(n=Sum("engagements")).group_by(
            "user_id").values_list("user_id", "n"):
        counts[user_id][2] = engagements
    for user_id, suggested in await suggested_q.annotate(n=Count("id")).group_by("user_id").values_list(
            "user_id", "n"):
        counts[user_id][3] = suggested
    return {user_id: Tally(*values) for user_id, values in counts.items()}
