"""Reads what the leadership dashboard shows, as tables: every query reads rollups or per-post rows."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from advocacy.accounts.models import NETWORK_LABELS
from advocacy.clock import Clock
from advocacy.settings import Settings
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

    # The ten first, then their titles and departments: joined before the limit, PostgreSQL joined
    # every share and person to the posts before sorting them (1.7 s of the dashboard at 10M).
    top_ids = await posts.filter(latest_impressions__not_isnull=True).order_by(
        "-latest_impressions", "id").limit(10).values_list("id", flat=True)
    details = {row[0]: row[1:] for row in await TrackedPost.filter(id__in=list(top_ids)).values_list(
        "id", "share__post__title", "network", "share__user__department", "latest_impressions",
        "latest_engagements", "latest_clicks")}
    top = [details[post_id] for post_id in top_ids]
    tables["top-posts"] = Table(
        "Top ambassador posts by impressions",
        ("post", "network", "department", "impressions", "engagements", "engagement rate (%)"),
        [(title, NETWORK_LABELS.get(net, net), dept or "(none)", imp, eng,
          percent_or_none(ratio(eng, imp))) for title, net, dept, imp, eng, _ in top], kind)

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
