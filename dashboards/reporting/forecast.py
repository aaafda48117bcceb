"""Forecast of a campaign's shares, reach and clicks from its own audience, as a range with its method.

A campaign offers *chances to share*: one for each post, each network the post has messages for,
and each opted-in ambassador it targets who has a connected account on that network. The chances
and the followers behind them are this campaign's own; what people do with them comes from the
organisation's earlier campaigns, counted the same way (their audience as it stood at their end):

- participation: the published shares over the chances (95 % Wilson interval of each campaign);
- reach per follower: the reach of those shares over the followers of the accounts that made them;
- clicks per reach.

Expected = chances × pooled participation × followers per chance × pooled reach per follower ×
pooled clicks per reach; low and high take the lowest and highest campaign's figures (the interval's
ends for participation), so even one earlier campaign gives a real range.

Without an earlier campaign the forecast comes from the sandbox network's model instead (the
ranges of reach and click rates it draws from, applied to the same followers) and says so: "from
the sandbox model, no history yet". How many chances are taken is then an assumption, stated with
the figure: PARTICIPATION, the low, typical and target shares of ambassadors who take part in
advocacy programmes (market survey: programmes plateau near 14 %, about 30 % are ready, 60 % is the
usual goal).
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from tortoise.expressions import Subquery
from tortoise.functions import Count, Sum

from advocacy.accounts.models import NETWORK_LABELS, SocialAccount
from advocacy.accounts.networks import account_ref
from advocacy.counting import counted
from advocacy.programme import targeting
from advocacy.shares.models import Share, ShareStatus
from campaigns.models import Campaign, MessageVariant
from connectors.sandbox import SandboxParameters, followers_of, post_outlook
from dashboards.models import TrackedPost
from dashboards.reporting.tables import Table


@dataclass(frozen=True)
class Range:
    low: float
    expected: float
    high: float

    def times(self, factor: float) -> Range:
        return Range(self.low * factor, self.expected * factor, self.high * factor)


@dataclass(frozen=True)
class Chances:
    """What a campaign offers its audience: chances to share (post × network × person with an
    account there), the followers behind them, and who and what they come from."""

    chances: int
    followers: int  # summed over the chances
    people: int
    accounts: int
    posts: int
    networks: tuple[str, ...]

    @property
    def followers_per_chance(self) -> float:
        return self.followers / self.chances if self.chances else 0.0


@dataclass(frozen=True)
class PastCampaign:
    chances: int  # as `Chances.chances`, with the audience opted in by the campaign's end
    shares: int  # published
    followers: int  # of the accounts behind the shares that reported reach, one per share
    reach: int
    clicks: int


@dataclass(frozen=True)
class Forecast:
    shares: Range
    reach: Range
    clicks: Range
    based_on: int  # how many earlier campaigns
    participation: Range
    reach_per_follower: Range
    clicks_per_reach: Range


def wilson(successes: int, trials: int, z: float = 1.96) -> tuple[float, float]:
    """The 95 % Wilson score interval of a proportion (never outside 0..1, sensible at 0 and 1)."""
    p = successes / trials
    denominator = 1 + z * z / trials
    centre = (p + z * z / (2 * trials)) / denominator
    half = z * math.sqrt(p * (1 - p) / trials + z * z / (4 * trials * trials)) / denominator
    return max(0.0, centre - half), min(1.0, centre + half)


def _spread(values: Sequence[float], pooled: float) -> Range:
    return Range(min(values), pooled, max(values)) if values else Range(0.0, 0.0, 0.0)


def forecast(history: Sequence[PastCampaign], chances: int, followers_per_chance: float) -> Forecast | None:
    """Pure: None without an earlier campaign that offered chances and got shares."""
    usable = [c for c in history if c.chances > 0 and c.shares > 0]
    if not usable:
        return None
    taken = [min(c.shares, c.chances) for c in usable]
    intervals = [wilson(t, c.chances) for t, c in zip(taken, usable, strict=True)]
    participation = Range(min(i[0] for i in intervals), sum(taken) / sum(c.chances for c in usable),
                          max(i[1] for i in intervals))
    rated = [c for c in usable if c.followers > 0]
    per_follower = _spread([c.reach / c.followers for c in rated],
                           sum(c.reach for c in rated) / sum(c.followers for c in rated) if rated else 0.0)
    clicked = [c for c in rated if c.reach > 0]
    per_reach = _spread([c.clicks / c.reach for c in clicked],
                        sum(c.clicks for c in clicked) / sum(c.reach for c in clicked) if clicked else 0.0)

    def times(a: Range, b: Range, factor: float = 1.0) -> Range:
        return Range(a.low * b.low * factor, a.expected * b.expected * factor, a.high * b.high * factor)

    shares = participation.times(chances)
    reach = times(shares, per_follower, followers_per_chance)
    return Forecast(shares, reach, times(reach, per_reach), len(usable), participation, per_follower,
                    per_reach)


COLUMNS = ("figure", "low", "expected", "high", "actual")
PARTICIPATION = Range(0.14, 0.30, 0.60)
NO_HISTORY = "from the sandbox model, no history yet"


def sandbox_forecast(
    parameters: SandboxParameters, chances: int, followers_per_chance: float
) -> Forecast | None:
    """Pure: the sandbox model's range for `chances` to share with `followers_per_chance` behind
    each; None when there is no chance."""
    if chances <= 0:
        return None
    shares = PARTICIPATION.times(chances)
    # The model is linear in followers: the outlook of the mean is the mean of the outlooks.
    outlook = post_outlook(parameters, followers_per_chance)

    def scaled(per_share: tuple[float, float, float]) -> Range:
        return Range(shares.low * per_share[0], shares.expected * per_share[1], shares.high * per_share[2])

    def rates(numerators: tuple[float, ...], denominators: tuple[float, ...]) -> Range:
        return Range(*(n / d if d else 0.0 for n, d in zip(numerators, denominators, strict=True)))

    return Forecast(shares, scaled(outlook.reach), scaled(outlook.clicks), 0, PARTICIPATION,
                    rates(outlook.reach, (followers_per_chance,) * 3), rates(outlook.clicks, outlook.reach))


async def chances_of(campaign: Campaign, parameters: SandboxParameters,
                     opted_in_by: datetime | None = None) -> Chances:
    """The campaign's chances to share, from its audience (opted in by `opted_in_by` when given)
    and its posts' networks; followers the platform has not told are drawn by the sandbox model."""
    posts_on = Counter(network for _, network in await MessageVariant.filter(
        post__pack__campaign_id=campaign.id).distinct().values_list("post_id", "network"))
    posts = len(set(await MessageVariant.filter(post__pack__campaign_id=campaign.id)
                    .distinct().values_list("post_id", flat=True)))
    audience = targeting.audience_of(campaign)
    if opted_in_by is not None:
        audience = audience.filter(opted_in_at__lte=opted_in_by)
    accounts = await SocialAccount.filter(
        is_brand=False, status="connected", network__in=list(posts_on) or [""],
        user_id__in=Subquery(audience.values("id")),
    )
    chances = sum(posts_on[a.network] for a in accounts)
    followers = sum(posts_on[a.network] * followers_of(parameters, account_ref(a)) for a in accounts)
    return Chances(chances, followers, len({a.user_id for a in accounts}),  # type: ignore[attr-defined]
                   len(accounts), posts, tuple(sorted(posts_on)))


async def history_before(campaign: Campaign, parameters: SandboxParameters) -> list[PastCampaign]:
    """Campaigns that started before this one: the chances they offered and what came of them."""
    past = []
    for earlier in await Campaign.filter(starts_at__lt=campaign.starts_at).exclude(id=campaign.id):
        offered = await chances_of(earlier, parameters, opted_in_by=earlier.ends_at)
        shares = await Share.filter(post__pack__campaign_id=earlier.id, status=ShareStatus.PUBLISHED).count()
        by_account = await TrackedPost.filter(
            campaign_id=earlier.id, share_id__not_isnull=True, latest_reach__not_isnull=True,
        ).annotate(posts=Count("id"), reach=Sum("latest_reach"), clicks=Sum("latest_clicks")).group_by(
            "account_id").values_list("account_id", "posts", "reach", "clicks")
        accounts = {a.id: a for a in await SocialAccount.filter(id__in=[row[0] for row in by_account])}
        past.append(PastCampaign(
            chances=offered.chances, shares=shares,
            followers=sum(n * followers_of(parameters, account_ref(accounts[a]))
                          for a, n, _, _ in by_account),
            reach=sum(int(r or 0) for _, _, r, _ in by_account),
            clicks=sum(int(c or 0) for _, _, _, c in by_account),
        ))
    return past


def _offered(offer: Chances) -> str:
    networks = ", ".join(NETWORK_LABELS.get(n, n) for n in offer.networks)
    return (f"{counted(offer.people, 'opted-in ambassador')} this campaign targets, with "
            f"{counted(offer.accounts, 'connected account')} on its networks ({networks}), have "
            f"{counted(offer.chances, 'chance')} to share its {counted(offer.posts, 'post')} (one per post, "
            f"network and person), with {offer.followers_per_chance:,.0f} followers behind each on average.")


def history_method(offer: Chances, result: Forecast) -> str:
    p, f, c = result.participation, result.reach_per_follower, result.clicks_per_reach
    return (f"{_offered(offer)} In {counted(result.based_on, 'earlier campaign')}, {p.expected:.1%} of the "
            f"chances were taken (low {p.low:.1%}, high {p.high:.1%}: the 95 % interval of the lowest and "
            f"highest campaign), each follower gave {f.expected:.3f} reach ({f.low:.3f} to {f.high:.3f}) and "
            f"each reach {c.expected:.2%} clicks ({c.low:.2%} to {c.high:.2%}). Shares = chances × "
            "participation; reach = shares × followers per chance × reach per follower; clicks = reach × "
            "clicks per reach.")


def sandbox_method(offer: Chances) -> str:
    return (f"{_offered(offer)} With no earlier campaign, participation is assumed: "
            f"{PARTICIPATION.low:.0%} (low), {PARTICIPATION.expected:.0%} (expected) and "
            f"{PARTICIPATION.high:.0%} (high) of the chances taken, as advocacy programmes commonly "
            "see; reach and clicks per share are the sandbox network's lowest, middle and highest "
            "rates for those followers.")


async def forecast_table(
    campaign: Campaign, actual_reach: int | None, actual_clicks: int | None,
    sandbox: SandboxParameters | None = None,
) -> Table:
    parameters = sandbox or SandboxParameters()
    offer = await chances_of(campaign, parameters)
    actual_shares = await Share.filter(post__pack__campaign_id=campaign.id,
                                       status=ShareStatus.PUBLISHED).count()
    result = forecast(await history_before(campaign, parameters), offer.chances, offer.followers_per_chance)
    if result is not None and offer.chances:
        kind, method = "estimated", history_method(offer, result)
        subtitle = (f"from {counted(result.based_on, 'earlier campaign')} and this campaign's "
                    f"{counted(offer.chances, 'chance')} to share; method below the chart")
    else:
        result = sandbox_forecast(parameters, offer.chances, offer.followers_per_chance)
        if result is None:
            return Table("Forecast vs actual", COLUMNS, [], "simulated",
                         subtitle=f"{NO_HISTORY}: add posts and opted-in ambassadors with connected "
                                  "accounts to get a forecast",
                         empty="No forecast: nobody in this campaign's audience has a connected account "
                               "on its posts' networks yet.")
        kind, method = "simulated", sandbox_method(offer)
        subtitle = (f"{NO_HISTORY}: {counted(offer.chances, 'chance')} to share, assuming "
                    f"{PARTICIPATION.low:.0%}–{PARTICIPATION.high:.0%} are taken; method below the chart")
    rows = [
        (name, round(r.low), round(r.expected), round(r.high), actual)
        for name, r, actual in (("shares", result.shares, actual_shares),
                                ("reach", result.reach, actual_reach),
                                ("clicks", result.clicks, actual_clicks))
    ]
    return Table("Forecast vs actual", COLUMNS, rows, kind, subtitle=subtitle, method=method)
