"""Reads the figures of a campaign (or all campaigns) for a date range: summary and daily series."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime

from advocacy.shares.models import Share, ShareStatus
from dashboards.measures import ChannelTotals, PostFigures, ratio, total
from dashboards.models import MetricSnapshot, TrackedPost


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
    campaign_id: int | None = None, start: datetime | None = None, end: datetime | None = None
) -> CampaignReport:
    """Figures of posts published in [start, end) for one campaign, or every campaign if None."""
    tracked = TrackedPost.all()
    shares = Share.filter(status=ShareStatus.PUBLISHED)
    if campaign_id is not None:
        tracked = tracked.filter(campaign_id=campaign_id)
        shares = shares.filter(post__pack__campaign_id=campaign_id)
    if start is not None:
        tracked = tracked.filter(published_at__gte=start)
        shares = shares.filter(published_at__gte=start)
    if end is not None:
        tracked = tracked.filter(published_at__lt=end)
        shares = shares.filter(published_at__lt=end)
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
        daily=await _daily_impressions(rows),
    )


async def _daily_impressions(rows: list[TrackedPost]) -> list[tuple[date, int, int]]:
    """New impressions per day, from the differences between consecutive snapshots."""
    share_ids = [r.share_id for r in rows if r.share_id is not None]  # type: ignore[attr-defined]
    brand_ids = [r.brand_post_id for r in rows if r.brand_post_id is not None]  # type: ignore[attr-defined]
    snapshots: list[MetricSnapshot] = []
    # Chunked so the IN list stays within every database's parameter limit.
    for ids, column in ((share_ids, "share_id__in"), (brand_ids, "brand_post_id__in")):
        for i in range(0, len(ids), 500):
            snapshots += await MetricSnapshot.filter(**{column: ids[i : i + 500]}).order_by(
                "captured_at"
            )
    last: dict[tuple[str, int], int] = {}
    per_day: dict[date, list[int]] = defaultdict(lambda: [0, 0])
    for snap in snapshots:
        if snap.impressions is None:
            continue
        is_share = snap.share_id is not None  # type: ignore[attr-defined]
        key = ("s", snap.share_id) if is_share else ("b", snap.brand_post_id)  # type: ignore[attr-defined]
        delta = snap.impressions - last.get(key, 0)
        last[key] = snap.impressions
        per_day[snap.captured_at.date()][0 if is_share else 1] += delta
    return [(day, values[0], values[1]) for day, values in sorted(per_day.items())]
