"""Pure arithmetic of the reported figures: totals, rates and ratios against the brand baseline."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass


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
    posts: int
    impressions: int
    reach: int
    engagements: int
    clicks: int
    provenances: frozenset[str]

    @property
    def engagement_rate(self) -> float | None:
        return self.engagements / self.impressions if self.impressions else None

    @property
    def click_through_rate(self) -> float | None:
        return self.clicks / self.impressions if self.impressions else None

    @property
    def provenance(self) -> str:
        """The weakest label among the figures: simulated < estimated < measured."""
        return weakest_provenance(self.provenances)


def weakest_provenance(labels: Iterable[str]) -> str:
    """The label a figure built from figures with these labels deserves; "none" when there are none."""
    present = set(labels)
    for label in ("simulated", "estimated", "measured"):
        if label in present:
            return label
    return "none"


def total(posts: Iterable[PostFigures]) -> ChannelTotals:
    items = list(posts)
    return ChannelTotals(
        posts=len(items),
        impressions=sum(p.impressions or 0 for p in items),
        reach=sum(p.reach or 0 for p in items),
        engagements=sum(p.engagements or 0 for p in items),
        clicks=sum(p.clicks or 0 for p in items),
        provenances=frozenset(p.provenance for p in items if p.provenance),
    )


def ratio(numerator: float | None, denominator: float | None) -> float | None:
    """numerator / denominator, or None when either is unknown or the denominator is zero."""
    if numerator is None or not denominator:
        return None
    return numerator / denominator
