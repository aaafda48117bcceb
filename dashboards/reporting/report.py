"""Reads the figures of a campaign (or all campaigns) for a date range: summary and daily series."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time
from typing import Any

from tortoise.expressions import Q, Subquery
from tortoise.functions import Count, Sum
from tortoise.queryset import QuerySet

from advocacy.accounts.models import NETWORK_LABELS
from advocacy.shares.models import Share, ShareStatus
from dashboards.models import DailyRollup, DailyTotal, TrackedPost
from dashboards.reporting.measures import ChannelTotals, combine, percent_or_none, ratio, weakest_provenance
from dashboards.reporting.slices import Slice, narrow
from dashboards.reporting.tables import Table


@dataclass(frozen=True)
class CampaignReport:
    campaign_id: int | None
    start: datetime | None
    end: datetime | None
    shares_published: int
    ambassadors_sharing: int
    advocacy: ChannelTotals
    brand: ChannelTotals
    by_network: dict[str, tuple[ChannelTotals, ChannelTotals]]
    by_department: dict[str, ChannelTotals]
    daily: list[tuple[date, int, int]]  # day, advocacy impressions, brand impressions
    # the ambassadors' (impressions, engagements) by region
    by_region: dict[str, tuple[int, int]] = field(default_factory=dict)
    # the ambassadors' reach with followers standing in where no reach is reported, and whether any did
    reach_estimate: tuple[int | None, bool] = (None, False)

    @property
    def engagement_rate_ratio(self) -> float | None:
        return ratio(self.advocacy.engagement_rate, self.brand.engagement_rate)

    @property
    def amplification(self) -> float | None:
        return ratio(self.advocacy.impressions, self.brand.impressions)

    @property
    def click_through_ratio(self) -> float | None:
        return ratio(self.advocacy.click_through_rate, self.brand.click_through_rate)


# Per-post sums computed in the database, one row per group: a dashboard then reads a few hundred
# rows however many posts there are (row by row, a million posts took minutes).
_BOTH_RATED = Q(latest_impressions__not_isnull=True, latest_engagements__not_isnull=True)
_BOTH_CLICKED = Q(latest_impressions__not_isnull=True, latest_clicks__not_isnull=True)
_SUMS = {
    "posts": Count("id"),
    "impressions": Sum("latest_impressions"),
    "reach": Sum("latest_reach"),
    "engagements": Sum("latest_engagements"),
    "clicks": Sum("latest_clicks"),
    "rated_impressions": Sum("latest_impressions", _filter=_BOTH_RATED),
    "rated_engagements": Sum("latest_engagements", _filter=_BOTH_RATED),
    "clicked_impressions": Sum("latest_impressions", _filter=_BOTH_CLICKED),
    "clicked_clicks": Sum("latest_clicks", _filter=_BOTH_CLICKED),
}


# For the reach figure: followers stand in for the reach of posts whose platform reports none.
_NO_REACH = Q(latest_reach__isnull=True)
_FOLLOWERS = {
    "estimated_reach": Sum("account__followers", _filter=_NO_REACH),
    "estimated_posts": Count("id", _filter=_NO_REACH & Q(account__followers__not_isnull=True)),
}


async def _grouped(query: QuerySet[TrackedPost], *by: str, **more: Any) -> list[dict[str, Any]]:
    """Sums of the posts' latest figures (and `more` aggregates) grouped by `by` and by provenance."""
    sums = {**_SUMS, **more}
    return await query.annotate(**sums).group_by(*by, "latest_provenance").values(
        *by, "latest_provenance", *sums)


async def totals_of(posts: QuerySet[TrackedPost]) -> ChannelTotals:
    """The latest figures of these posts, summed in the database: every reader's one way to total posts."""
    return combine(await _grouped(posts))


def paired_brand_posts(advocacy: QuerySet[TrackedPost], window: Slice) -> QuerySet[TrackedPost]:
    """The brand posts the ambassadors' posts are compared with.

    Without dates, those of the slice's campaigns and network. With dates, the brand's post of the
    same content as each ambassador post in the window, whenever the brand published it: a window
    that leaves out the brand's publishing day still has its baseline (no "n/a" ratios), and one
    that holds the brand's day but no share of that content does not count it.
    """
    brand = TrackedPost.filter(brand_post_id__not_isnull=True)
    if window.start is None and window.end is None:
        return narrow(brand, window, department_field=None)
    contents = advocacy.values_list("share__post_id", flat=True)
    return narrow(brand.filter(brand_post__post_id__in=Subquery(contents)),
                  Slice(window.campaign_id, network=window.network), department_field=None)


def published_shares(window: Slice) -> QuerySet[Share]:
    """The shares published in the slice (by the share's own publication time)."""
    return narrow(Share.filter(status=ShareStatus.PUBLISHED), window,
                  campaign_field="post__pack__campaign_id", department_field="user__department")


async def people_sharing(shares: QuerySet[Share]) -> int:
    """How many people these shares are by: at most one row per person, however many shares."""
    return len(set(await shares.distinct().values_list("user_id", flat=True)))


def _reach(groups: list[dict[str, Any]]) -> tuple[int | None, bool]:
    """Reported unique reach plus followers where no reach is reported; whether followers were used."""
    if not sum(int(g["posts"]) for g in groups):
        return None, False
    total = sum(int(g["reach"] or 0) + int(g["estimated_reach"] or 0) for g in groups)
    return total, any(g["estimated_posts"] for g in groups)


async def campaign_report(
    campaign_id: int | None = None, start: datetime | None = None, end: datetime | None = None,
    *, department: str | None = None, network: str | None = None,
) -> CampaignReport:
    """Figures of posts published in [start, end) for one campaign, or every campaign if None.

    A department narrows the ambassadors' side only: brand posts belong to no department.
    """
    window = Slice(campaign_id, start, end, department, network)
    advocacy = narrow(TrackedPost.filter(share_id__not_isnull=True), window,
                      department_field="account__user__department")
    brand = paired_brand_posts(advocacy, window)
    shares = published_shares(window)
    # An ambassador shares from their own accounts, so the account's owner is the share's author:
    # joining the few accounts instead of every share keeps this one pass over the posts.
    advocacy_groups = await _grouped(advocacy, "network", "account__user__department", **_FOLLOWERS)
    brand_groups = await _grouped(brand, "network")

    networks = sorted({g["network"] for g in advocacy_groups} | {g["network"] for g in brand_groups})
    by_network = {
        name: (combine(g for g in advocacy_groups if g["network"] == name),
               combine(g for g in brand_groups if g["network"] == name))
        for name in networks
    }
    departments: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for group in advocacy_groups:
        departments[group["account__user__department"] or "(none)"].append(group)

    published = await shares.count()
    daily, by_region = await _rollup_sums(campaign_id, start, end, department, network)
    return CampaignReport(
        campaign_id=campaign_id,
        start=start,
        end=end,
        shares_published=published,
        ambassadors_sharing=await people_sharing(shares),
        advocacy=combine(advocacy_groups),
        brand=combine(brand_groups),
        by_network=by_network,
        by_department={name: combine(items) for name, items in sorted(departments.items())},
        daily=daily,
        by_region=by_region,
        reach_estimate=_reach(advocacy_groups),
    )


def _whole_days(moment: datetime | None) -> bool:
    return moment is None or moment.astimezone(UTC).time() == time()


async def _rollup_sums(
    campaign_id: int | None, start: datetime | None, end: datetime | None,
    department: str | None = None, network: str | None = None,
) -> tuple[list[tuple[date, int, int]], dict[str, tuple[int, int]]]:
    """New impressions per day (ambassadors, brand) and the ambassadors' impressions and engagements
    by region, from the programme's daily totals (never the raw snapshots).

    A window that does not start and end at midnight UTC cuts through a publication day, which the
    totals do not split: it is read from the per-post rollups instead, with the same result.
    """
    window = Slice(campaign_id, start, end, department, network)
    rows: QuerySet[Any]
    if _whole_days(start) and _whole_days(end):
        rows = narrow(DailyTotal.all(), Slice(campaign_id, None, None, department, network),
                      department_field="department", brand_marker="is_brand")
        if start is not None:
            rows = rows.filter(published_on__gte=start.astimezone(UTC).date())
        if end is not None:
            rows = rows.filter(published_on__lt=end.astimezone(UTC).date())
    else:
        rows = narrow(DailyRollup.all(), window, published_field="tracked__published_at",
                      department_field="department", brand_marker="is_brand")
    per_day: dict[date, list[int]] = defaultdict(lambda: [0, 0])
    regions: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for day, is_brand, region, impressions, engagements in await rows.annotate(
        gained_impressions=Sum("impressions"), gained_engagements=Sum("engagements")
    ).group_by("day", "is_brand", "region").values_list(
        "day", "is_brand", "region", "gained_impressions", "gained_engagements"
    ):
        if impressions is not None:  # a day none of whose posts reported impressions is no point
            per_day[day][1 if is_brand else 0] += int(impressions)
        if not is_brand:
            regions[region or "(none)"][0] += int(impressions or 0)
            regions[region or "(none)"][1] += int(engagements or 0)
    return ([(day, values[0], values[1]) for day, values in sorted(per_day.items())],
            {name: (values[0], values[1]) for name, values in sorted(regions.items())})


def report_tables_of_report(report: CampaignReport) -> dict[str, Table]:
    """The tables a campaign report alone gives (pure)."""
    kind = report.advocacy.provenance
    both = weakest_provenance(report.advocacy.provenances | report.brand.provenances)
    networks = list(report.by_network)
    return {
        "daily-impressions": Table(
            "Impressions per day, ambassadors vs brand",
            ("day", "ambassador impressions", "brand impressions"),
            [(day.isoformat(), a, b) for day, a, b in report.daily], kind),
        "engagement-rate": Table(
            "Engagement rate, ambassadors vs brand", ("network", "ambassadors (%)", "brand channels (%)"),
            [(NETWORK_LABELS.get(n, n), percent_or_none(report.by_network[n][0].engagement_rate),
              percent_or_none(report.by_network[n][1].engagement_rate)) for n in networks], both),
        "departments": Table(
            "Ambassador impressions by department", ("department", "impressions", "engagements"),
            [(name, t.impressions, t.engagements) for name, t in report.by_department.items()], kind),
    }
