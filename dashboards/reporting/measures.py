"""Pure arithmetic of the reported figures: totals, rates and ratios against the brand baseline."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class PostFigures:
    """Latest cumulative figures of one post. None means the platform did not report it."""

    impressions: int | None
    reach: int | None
    engagements: int | None
    clicks: int | None
    provenance: str | None


@dataclass(frozen=True)
class ChannelTotals:
    """Sums over posts. A sum is None when no post reported that figure: not reported is not zero.

    Rates pair numerator and denominator post by post, so a post that reports engagements but not
    impressions adds to neither side of the engagement rate.
    """

    posts: int
    impressions: int | None
    reach: int | None
    engagements: int | None
    clicks: int | None
    provenances: frozenset[str]
    rated_impressions: int = 0  # impressions of posts that also report engagements
    rated_engagements: int = 0
    clicked_impressions: int = 0  # impressions of posts that also report clicks
    clicked_clicks: int = 0

    @property
    def engagement_rate(self) -> float | None:
        return ratio(self.rated_engagements, self.rated_impressions)

    @property
    def click_through_rate(self) -> float | None:
        return ratio(self.clicked_clicks, self.clicked_impressions)

    @property
    def provenance(self) -> str:
        """The weakest label among the figures: simulated < estimated < measured."""
        return weakest_provenance(self.provenances)


# The provenance of our own records (who was invited, who shared, what was published), as opposed
# to the platforms' figures.
RECORDS = "measured"
# The provenance of what a person typed in (programme costs): neither measured nor estimated.
ENTERED = "entered"


def weakest_provenance(labels: Iterable[str]) -> str:
    """The label a figure built from figures with these labels deserves; "none" when there are none."""
    present = set(labels)
    for label in ("simulated", "estimated", "measured"):
        if label in present:
            return label
    return "none"


def sum_reported(values: Iterable[int | None]) -> int | None:
    """The sum of the reported values, or None when none was reported."""
    known = [v for v in values if v is not None]
    return sum(known) if known else None


def total(posts: Iterable[PostFigures]) -> ChannelTotals:
    items = list(posts)
    rated = [p for p in items if p.impressions is not None and p.engagements is not None]
    clicked = [p for p in items if p.impressions is not None and p.clicks is not None]
    return ChannelTotals(
        posts=len(items),
        impressions=sum_reported(p.impressions for p in items),
        reach=sum_reported(p.reach for p in items),
        engagements=sum_reported(p.engagements for p in items),
        clicks=sum_reported(p.clicks for p in items),
        provenances=frozenset(p.provenance for p in items if p.provenance),
        rated_impressions=sum(p.impressions or 0 for p in rated),
        rated_engagements=sum(p.engagements or 0 for p in rated),
        clicked_impressions=sum(p.impressions or 0 for p in clicked),
        clicked_clicks=sum(p.clicks or 0 for p in clicked),
    )


def combine(groups: Iterable[Mapping[str, Any]]) -> ChannelTotals:
    """Totals over groups of posts already summed in the database (the keys of ChannelTotals, with
    a group's NULL sum meaning no post of the group reported that figure, and `latest_provenance`)."""
    items = list(groups)

    def added(key: str) -> int | None:
        return sum_reported(None if g[key] is None else int(g[key]) for g in items)

    return ChannelTotals(
        posts=sum(int(g["posts"]) for g in items),
        impressions=added("impressions"),
        reach=added("reach"),
        engagements=added("engagements"),
        clicks=added("clicks"),
        provenances=frozenset(g["latest_provenance"] for g in items if g["latest_provenance"]),
        rated_impressions=added("rated_impressions") or 0,
        rated_engagements=added("rated_engagements") or 0,
        clicked_impressions=added("clicked_impressions") or 0,
        clicked_clicks=added("clicked_clicks") or 0,
    )


def percent_or_none(value: float | None) -> float | None:
    """A ratio as a percentage rounded to two places, as the dashboards' tables show it."""
    return None if value is None else round(100 * value, 2)


def ratio(numerator: float | None, denominator: float | None) -> float | None:
    """numerator / denominator, or None when either is unknown or the denominator is zero."""
    if numerator is None or not denominator:
        return None
    return numerator / denominator
