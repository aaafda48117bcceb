"""The schedule heat map: when a campaign's shares were published (weekday x hour) and how they did.

Times are read in the organisation's time zone. Each cell counts the shares published in that hour
(our own records) and pairs their engagements with their impressions (each share's latest figures,
never the raw snapshots), so a cell's engagement rate only uses shares that report both.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from advocacy.shares.models import Share, ShareStatus
from dashboards.models import TrackedPost
from dashboards.reporting.measures import ratio, weakest_provenance
from dashboards.reporting.tables import Table

WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
COLUMNS = ("weekday", "hour", "shares", "engagement rate (%)")


@dataclass(frozen=True)
class PublishedShare:
    published_at: datetime
    impressions: int | None
    engagements: int | None
    provenance: str | None


def heat_map_table(shares: Iterable[PublishedShare], zone_name: str) -> Table:
    """Pure: one row per weekday and hour that had a share, in the week's order."""
    zone = ZoneInfo(zone_name)
    cells: dict[tuple[int, int], list[int]] = {}
    provenances: set[str] = set()
    for share in shares:
        local = share.published_at.astimezone(zone)
        cell = cells.setdefault((local.weekday(), local.hour), [0, 0, 0])
        cell[0] += 1
        if share.impressions is not None and share.engagements is not None:
            cell[1] += share.impressions
            cell[2] += share.engagements
        if share.provenance:
            provenances.add(share.provenance)
    rows = []
    for (weekday, hour), (count, impressions, engagements) in sorted(cells.items()):
        rate = ratio(engagements, impressions)
        rows.append((WEEKDAYS[weekday], hour, count, None if rate is None else round(rate * 100, 2)))
    provenance = weakest_provenance(provenances)
    return Table(
        f"When shares were published (weekday × hour, {zone_name})", COLUMNS, rows, provenance,
        subtitle=f"colour: engagement rate of the shares published in that hour ({provenance}); "
                 "number: shares published (measured, our records)",
    )


async def schedule_heat_map(campaign_id: int, zone_name: str) -> Table:
    published = await Share.filter(
        post__pack__campaign_id=campaign_id, status=ShareStatus.PUBLISHED, published_at__not_isnull=True
    ).values_list("id", "published_at")
    figures = {
        share_id: (impressions, engagements, provenance)
        for share_id, impressions, engagements, provenance in await TrackedPost.filter(
            campaign_id=campaign_id, share_id__not_isnull=True
        ).values_list("share_id", "latest_impressions", "latest_engagements", "latest_provenance")
    }
    return heat_map_table(
        (PublishedShare(at, *figures.get(share_id, (None, None, None))) for share_id, at in published),
        zone_name,
    )
