"""Forecast of a campaign's reach and clicks from the organisation's earlier campaigns, with a range.

Each earlier campaign gives a rate of shares per opted-in ambassador and reach and clicks per share;
the forecast multiplies today's opted-in ambassadors by the lowest, middle and highest of them.

Without an earlier campaign, the forecast comes from the sandbox network's model instead (the
ranges of reach and click rates it draws from, applied to the opted-in ambassadors' own follower
counts) and says so: "from the sandbox model, no history yet". How many of them will share is then
an assumption, stated with the figure: PARTICIPATION, the low, typical and target shares of
ambassadors who take part in advocacy programmes (market survey: programmes plateau near 14 %,
about 30 % are ready, 60 % is the usual goal).
"""

from __future__ import annotations

import statistics
from collections.abc import Sequence
from dataclasses import dataclass

from advocacy.accounts.models import SocialAccount
from advocacy.accounts.networks import account_ref
from advocacy.counting import counted
from advocacy.shares.models import Share, ShareStatus
from advocacy.users.models import Role, User
from campaigns.models import Campaign, Post
from connectors.sandbox import SandboxParameters, followers_of, post_outlook
from dashboards.models import ParticipationDay, TrackedPost
from dashboards.reporting.tables import Table


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


COLUMNS = ("figure", "low", "expected", "high", "actual")
PARTICIPATION = Range(0.14, 0.30, 0.60)
NO_HISTORY = "from the sandbox model, no history yet"


def sandbox_forecast(parameters: SandboxParameters, followers: Sequence[int], posts: int) -> Forecast | None:
    """Pure: the sandbox model's range when `followers` (one per opted-in ambassador's connected
    account) could each share `posts` posts; None when nobody could share anything."""
    if not followers or posts <= 0:
        return None
    possible = len(followers) * posts
    shares = Range(possible * PARTICIPATION.low, possible * PARTICIPATION.expected,
                   possible * PARTICIPATION.high)
    outlooks = [post_outlook(parameters, n) for n in followers]

    def per_share(pick: int, figure: str) -> float:
        return statistics.fmean(getattr(o, figure)[pick] for o in outlooks)

    def scaled(figure: str) -> Range:
        return Range(shares.low * per_share(0, figure), shares.expected * per_share(1, figure),
                     shares.high * per_share(2, figure))

    return Forecast(shares, scaled("reach"), scaled("clicks"), based_on=0)


async def sandbox_inputs(campaign: Campaign, parameters: SandboxParameters) -> tuple[list[int], int]:
    """The follower counts of opted-in ambassadors' connected accounts (the model draws the ones
    not known) and the number of posts in the campaign."""
    accounts = await SocialAccount.filter(
        is_brand=False, status="connected", user__role=Role.AMBASSADOR, user__is_active=True,
        user__opted_in_at__not_isnull=True,
    )
    followers = [followers_of(parameters, account_ref(a)) for a in accounts]
    posts = await Post.filter(pack__campaign_id=campaign.id).count()
    return followers, posts


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


async def forecast_table(
    campaign: Campaign, actual_reach: int | None, actual_clicks: int | None,
    sandbox: SandboxParameters | None = None,
) -> Table:
    opted_in = await User.filter(role=Role.AMBASSADOR, is_active=True, opted_in_at__not_isnull=True).count()
    result = forecast(await history_before(campaign), opted_in)
    actual_shares = await Share.filter(post__pack__campaign_id=campaign.id,
                                       status=ShareStatus.PUBLISHED).count()
    if result is None:
        parameters = sandbox or SandboxParameters()
        followers, posts = await sandbox_inputs(campaign, parameters)
        modelled = sandbox_forecast(parameters, followers, posts)
        if modelled is None:
            return Table("Forecast vs actual", COLUMNS, [], "simulated",
                         subtitle=f"{NO_HISTORY}: add posts and opted-in ambassadors with connected "
                                  "accounts to get a forecast")
        rows = [
            (name, round(r.low), round(r.expected), round(r.high), actual)
            for name, r, actual in (("shares", modelled.shares, actual_shares),
                                    ("reach", modelled.reach, actual_reach),
                                    ("clicks", modelled.clicks, actual_clicks))
        ]
        return Table(
            "Forecast vs actual", COLUMNS, rows, "simulated",
            subtitle=f"{NO_HISTORY}: {counted(len(followers), 'connected ambassador account')} × "
                     f"{counted(posts, 'post')}, "
                     f"assuming {PARTICIPATION.low:.0%}–{PARTICIPATION.high:.0%} of them share",
        )
    rows = [
        (name, round(r.low), round(r.expected), round(r.high), actual)
        for name, r, actual in (("shares", result.shares, actual_shares),
                                ("reach", result.reach, actual_reach),
                                ("clicks", result.clicks, actual_clicks))
    ]
    return Table("Forecast vs actual", ("figure", "low", "expected", "high", "actual"), rows, "estimated",
                 subtitle=f"from {counted(result.based_on, 'earlier campaign')} and "
                          f"{counted(opted_in, 'opted-in ambassador')}")
