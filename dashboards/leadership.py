"""Reads what the leadership dashboard shows, as tables: every query reads rollups or per-post rows."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from advocacy.accounts.models import NETWORK_LABELS
from advocacy.clock import Clock
from advocacy.settings import Settings
from dashboards.emv import ValueInputs, network_emv
from dashboards.measures import ratio, weakest_provenance
from dashboards.models import ParticipationDay, TrackedPost
from dashboards.report import CampaignReport
from dashboards.slices import Slice, narrow
from dashboards.summary import FirstPartyClicks, Summary, build_summary
from dashboards.tables import Table

RECORDS = "measured"  # our own records: who was invited, who shared


@dataclass(frozen=True)
class Leadership:
    summary: Summary
    tables: dict[str, Table]


def percent_or_none(value: float | None) -> float | None:
    return None if value is None else round(100 * value, 2)


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


def report_tables(summary: Summary) -> dict[str, Table]:
    """The report's tables and the value of each network by the stated formula (pure)."""
    report = summary.report
    networks = list(report.by_network)
    formula = summary.formula
    emv_rows = []
    for network in sorted(set(networks) | set(summary.first_party)):
        ours = report.by_network[network][0] if network in report.by_network else None
        clicks = max((ours.clicks if ours else None) or 0,
                     summary.first_party.get(network, FirstPartyClicks()).clicks)
        inputs = ValueInputs(ours.impressions if ours else None, clicks, ours.engagements if ours else None)
        value = network_emv(formula.rates[network], inputs) if network in formula.rates else 0.0
        emv_rows.append((NETWORK_LABELS.get(network, network), inputs.impressions, clicks,
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
