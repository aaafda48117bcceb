"""Reads the figures of a campaign (or all campaigns) for a date range: summary and daily series."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime

from advocacy.shares.models import Share, ShareStatus
from dashboards.measures import ChannelTotals, PostFigures, ratio, total
from dashboards.models import DailyRollup, TrackedPost
from dashboards.slices import Slice, narrow


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

    @property
    def engagement_rate_ratio(self) -> float | None:
        return ratio(self.advocacy.engagement_rate, self.brand.engagement_rate)

    @property
    def amplification(self) -> float | None:
        return ratio(self.advocacy.impressions, self.brand.impressions)

    @property
    def click_through_ratio(self) -> float | None:
        return ratio(self.advocacy.click_through_rate, self.brand.click_through_rate)


def _figures(row: TrackedPost) -> PostFigures:
    return PostFigures(
        row.latest_impressions,
        row.latest_reach,
        row.latest_engagements,
        row.latest_clicks,
        row.latest_provenance,
    )


async def campaign_report(
    campaign_id: int | None = None, start: datetime | None = None, end: datetime | None = None,
    *, department: str | None = None, network: str | None = None,
) -> CampaignReport:
    """Figures of posts published in [start, end) for one campaign, or every campaign if None.

    A department narrows the ambassadors' side only: brand posts belong to no department.
    """
    window = Slice(campaign_id, start, end, department, network)
    tracked = narrow(TrackedPost.all(), window, department_field="share__user__department",
                     brand_marker="brand_post_id__not_isnull")
    shares = narrow(Share.filter(status=ShareStatus.PUBLISHED), window,
                    campaign_field="post__pack__campaign_id", department_field="user__department")
    rows = await tracked.select_related("share__user")
    advocacy_rows = [r for r in rows if r.share_id is not None]  # type: ignore[attr-defined]
    brand_rows = [r for r in rows if r.brand_post_id is not None]  # type: ignore[attr-defined]

    by_network = {
        network: (
            total(_figures(r) for r in advocacy_rows if r.network == network),
            total(_figures(r) for r in brand_rows if r.network == network),
        )
        for network in sorted({r.network for r in rows})
    }
    departments: dict[str, list[PostFigures]] = defaultdict(list)
    for r in advocacy_rows:
        assert r.share is not None  # advocacy rows are the ones with a share
        departments[r.share.user.department or "(none)"].append(_figures(r))

    published = await shares.values_list("user_id", flat=True)
    return CampaignReport(
        campaign_id=campaign_id,
        start=start,
        end=end,
        shares_published=len(published),
        ambassadors_sharing=len(set(published)),
        advocacy=total(_figures(r) for r in advocacy_rows),
        brand=total(_figures(r) for r in brand_rows),
        by_network=by_network,
        by_department={name: total(items) for name, items in sorted(departments.items())},
        daily=await _daily_impressions(campaign_id, start, end, department, network),
    )


async def _daily_impressions(
    campaign_id: int | None, start: datetime | None, end: datetime | None,
    department: str | None = None, network: str | None = None,
) -> list[tuple[date, int, int]]:
    """New impressions per day, read from the daily rollups (never from the raw snapshots)."""
    rollups = narrow(
        DailyRollup.filter(impressions__not_isnull=True), Slice(campaign_id, start, end, department, network),
        published_field="tracked__published_at",
        department_field="department", brand_marker="is_brand",
    )
    per_day: dict[date, list[int]] = defaultdict(lambda: [0, 0])
    for day, is_brand, impressions in await rollups.values_list("day", "is_brand", "impressions"):
        per_day[day][1 if is_brand else 0] += impressions
    return [(day, values[0], values[1]) for day, values in sorted(per_day.items())]
