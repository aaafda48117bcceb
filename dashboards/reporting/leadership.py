"""Reads what the leadership dashboard shows, as tables: every query reads rollups or per-post rows."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from tortoise.expressions import Q
from tortoise.functions import Count, Sum
from tortoise.queryset import QuerySet

from advocacy.accounts.models import NETWORK_LABELS
from advocacy.clock import Clock
from advocacy.settings import Settings
from campaigns.models import Post
from dashboards.models import ParticipationDay, TrackedPost
from dashboards.reporting.emv import network_emv
from dashboards.reporting.measures import RECORDS, percent_or_none, ratio
from dashboards.reporting.report import report_tables_of_report
from dashboards.reporting.slices import Slice, narrow
from dashboards.reporting.summary import Summary, build_summary, valued_inputs
from dashboards.reporting.tables import Table


@dataclass(frozen=True)
class Leadership:
    summary: Summary
    tables: dict[str, Table]


def report_tables(summary: Summary) -> dict[str, Table]:
    """The report's tables and the value of each network by the stated formula (pure)."""
    report = summary.report
    formula = summary.formula
    emv_rows = []
    for network, inputs in valued_inputs(report, summary.first_party).items():
        value = network_emv(formula.rates[network], inputs) if network in formula.rates else 0.0
        emv_rows.append((NETWORK_LABELS.get(network, network), inputs.impressions, inputs.clicks,
                         inputs.engagements, round(value, 2)))
    return {
        **report_tables_of_report(report),
        "emv": Table(
            f"Earned media value by network ({formula.currency})",
            ("network", "impressions", "clicks valued", "engagements", f"EMV ({formula.currency})"),
            emv_rows, summary.figure("emv").kind, subtitle=formula.describe()),
    }


async def leadership(
    clock: Clock, settings: Settings, campaign_id: int | None, start: datetime | None,
    end: datetime | None, *, department: str | None = None, network: str | None = None,
) -> Leadership:
    summary = await build_summary(clock, settings, campaign_id, start, end,
                                  department=department, network=network)
    tables = report_tables(summary)
    kind = summary.report.advocacy.provenance

    window = Slice(campaign_id, start, end, department, network)
    posts = narrow(TrackedPost.filter(share_id__not_isnull=True), window,
                   department_field="share__user__department")
    tables["regions"] = Table("Ambassador impressions by region", ("region", "impressions", "engagements"),
                              [(name, *values) for name, values in summary.report.by_region.items()], kind)

    tables["top-posts"] = await top_posts(posts, kind)

    days = ParticipationDay.all().order_by("day")
    if start is not None:
        days = days.filter(day__gte=start.date())
    if end is not None:
        days = days.filter(day__lt=end.date())
    tables["participation"] = Table(
        "Participation over time", ("day", "invited", "opted in", "sharing in the last 30 days"),
        [(d.day.isoformat(), d.invited, d.opted_in, d.sharing) for d in await days], RECORDS,
        subtitle="as recorded each day, not recomputed against today's headcount")
    return Leadership(summary, tables)


async def top_posts(posts: QuerySet[TrackedPost], kind: str) -> Table:
    """The ten pieces of content whose ambassador shares gained the most impressions: one row per
    post, however many people shared it (the engagement rate pairs impressions and engagements)."""
    grouped = await posts.filter(latest_impressions__not_isnull=True).annotate(
        shares=Count("id"), impressions=Sum("latest_impressions"),
        rated_impressions=Sum("latest_impressions", _filter=Q(latest_engagements__not_isnull=True)),
        engagements=Sum("latest_engagements"),
    ).group_by("share__post_id").order_by("-impressions", "share__post_id").limit(10).values_list(
        "share__post_id", "shares", "impressions", "rated_impressions", "engagements")
    titles = dict(await Post.filter(id__in=[row[0] for row in grouped]).values_list("id", "title"))
    return Table(
        "Top posts by ambassador impressions",
        ("post", "shares", "impressions", "engagements", "engagement rate (%)"),
        [(titles[post_id], shares, impressions, engagements, percent_or_none(ratio(engagements, rated)))
         for post_id, shares, impressions, rated, engagements in grouped], kind,
        subtitle="each post once, summed over the ambassadors who shared it")
