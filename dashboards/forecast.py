"""Forecast of a campaign's reach and clicks from the organisation's earlier campaigns, with a range.

Each earlier campaign gives a rate of shares per opted-in ambassador and reach and clicks per share;
the forecast multiplies today's opted-in ambassadors by the lowest, middle and highest of them.
Without an earlier campaign there is no forecast: a made-up number would be worse than none.
"""

from __future__ import annotations

import statistics
from collections.abc import Sequence
from dataclasses import dataclass

from advocacy.shares.models import Share, ShareStatus
from advocacy.users.models import Role, User
from campaigns.models import Campaign
from dashboards.models import ParticipationDay, TrackedPost
from dashboards.tables import Table


@dataclass(frozen=True)
class PastCampaign:
    opted_in: int  # ambassadors opted in when it ran (as recorded then, else today)
    shares: int
    reach: int
    clicks: int


@dataclass(frozen=True)
class Range:
    low: float
    expected: float
    high: float


@dataclass(frozen=True)
class Forecast:
    shares: Range
    reach: Range
    clicks: Range
    based_on: int  # how many earlier campaigns


def forecast(history: Sequence[PastCampaign], opted_in: int) -> Forecast | None:
    """Pure: None without a usable earlier campaign."""
    usable = [c for c in history if c.opted_in > 0 and c.shares > 0]
    if not usable:
        return None
    share_rates = [c.shares / c.opted_in for c in usable]
    reach_per_share = [c.reach / c.shares for c in usable]
    clicks_per_share = [c.clicks / c.shares for c in usable]
    shares = Range(opted_in * min(share_rates), opted_in * statistics.median(share_rates),
                   opted_in * max(share_rates))

    def scaled(per_share: list[float]) -> Range:
        return Range(shares.low * min(per_share), shares.expected * statistics.median(per_share),
                     shares.high * max(per_share))

    return Forecast(shares, scaled(reach_per_share), scaled(clicks_per_share), len(usable))


async def history_before(campaign: Campaign) -> list[PastCampaign]:
    """Campaigns that started before this one, with what their ambassadors achieved."""
    today_opted_in = await User.filter(role=Role.AMBASSADOR, is_active=True,
                                       opted_in_at__not_isnull=True).count()
    past = []
    for earlier in await Campaign.filter(starts_at__lt=campaign.starts_at).exclude(id=campaign.id):
        shares = await Share.filter(post__pack__campaign_id=earlier.id, status=ShareStatus.PUBLISHED).count()
        rows = await TrackedPost.filter(campaign_id=earlier.id, share_id__not_isnull=True)
        day = await ParticipationDay.filter(day__lte=earlier.ends_at.date()).order_by("-day").first()
        past.append(PastCampaign(
            opted_in=day.opted_in if day else today_opted_in, shares=shares,
            reach=sum(r.latest_reach or 0 for r in rows), clicks=sum(r.latest_clicks or 0 for r in rows),
        ))
    return past


async def forecast_table(campaign: Campaign, actual_reach: int | None, actual_clicks: int | None) -> Table:
    opted_in = await User.filter(role=Role.AMBASSADOR, is_active=True, opted_in_at__not_isnull=True).count()
    result = forecast(await history_before(campaign), opted_in)
    actual_shares = await Share.filter(post__pack__campaign_id=campaign.id,
                                       status=ShareStatus.PUBLISHED).count()
    if result is None:
        return Table("Forecast vs actual", ("figure", "low", "expected", "high", "actual"), [], "estimated",
                     subtitle="no earlier campaign to forecast from yet")
    rows = [
        (name, round(r.low), round(r.expected), round(r.high), actual)
        for name, r, actual in (("shares", result.shares, actual_shares),
                                ("reach", result.reach, actual_reach),
                                ("clicks", result.clicks, actual_clicks))
    ]
    return Table("Forecast vs actual", ("figure", "low", "expected", "high", "actual"), rows, "estimated",
                 subtitle=f"from {result.based_on} earlier campaign(s) and {opted_in} opted-in ambassadors")
