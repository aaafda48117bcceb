"""The headline figures of a campaign (or the programme) for a period, each with unit, kind and formula."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from tortoise.functions import Sum

from advocacy.clock import Clock
from advocacy.links.models import LinkClickDay
from advocacy.settings import Settings
from dashboards.reporting.emv import EmvFormulaSpec, ValueInputs, cost_in_range, emv, roi
from dashboards.reporting.measures import ENTERED, RECORDS, weakest_provenance
from dashboards.reporting.report import CampaignReport, campaign_report
from dashboards.reporting.slices import Slice, narrow
from dashboards.reporting.valuation import costs_for, current_formula

# What the one click total counts: the platforms' count and our short links' people can both see
# the same click, so each network gives the larger of the two.
CLICKS_DEFINITION = ("on each network the larger of the platform's count and the people who followed "
                     "our short links (automated fetches left out), so no click counts twice; "
                     "what EMV values")


@dataclass(frozen=True)
class FirstPartyClicks:
    """Clicks on our own short links: people, unique visitors per day, and automated fetchers."""

    clicks: int = 0
    unique_visitors: int = 0
    bot_clicks: int = 0


@dataclass(frozen=True)
class Figure:
    key: str
    label: str
    value: float | None
    unit: str  # "count", "ratio" (shown as a percentage), "multiplier" (shown as 9.9x) or a currency
    kind: str  # measured, estimated, simulated or entered ("none" when there is nothing to measure)
    formula_version: int | None = None
    note: str = ""


@dataclass(frozen=True)
class Summary:
    campaign_id: int | None
    start: datetime | None
    end: datetime | None
    currency: str
    formula: EmvFormulaSpec
    report: CampaignReport
    first_party: dict[str, FirstPartyClicks]
    reach: int | None
    reach_kind: str
    emv: float
    cost: float | None
    figures: list[Figure]

    @property
    def roi(self) -> float | None:
        return roi(self.emv, self.cost)

    def figure(self, key: str) -> Figure:
        return next(f for f in self.figures if f.key == key)


async def first_party_clicks(
    campaign_id: int | None, start: datetime | None, end: datetime | None,
    department: str | None = None, network: str | None = None,
) -> dict[str, FirstPartyClicks]:
    """By network, for the shares published in [start, end), read from the daily click counts."""
    rows = narrow(
        LinkClickDay.filter(link__share_id__not_isnull=True),
        Slice(campaign_id, start, end, department, network),
        campaign_field="link__share__post__pack__campaign_id", published_field="link__share__published_at",
        department_field="link__share__user__department", network_field="link__share__network",
    )
    sums: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
    for network, clicks, unique, bots in await rows.annotate(
        all_clicks=Sum("clicks"), all_unique=Sum("unique_visitors"), all_bots=Sum("bot_clicks")
    ).group_by("link__share__network").values_list("link__share__network", "all_clicks", "all_unique",
                                                     "all_bots"):
        sums[network][0] += int(clicks or 0)
        sums[network][1] += int(unique or 0)
        sums[network][2] += int(bots or 0)
    return {network: FirstPartyClicks(*values) for network, values in sorted(sums.items())}


def valued_inputs(report: CampaignReport, first_party: dict[str, FirstPartyClicks]) -> dict[str, ValueInputs]:
    """What EMV values on each network: the ambassadors' figures, with clicks the larger of the
    platform's count and our short links' people (a click may be counted by both: valued once).

    Our short links give their unique visitors by day, not their clicks: a request anyone can
    repeat is worth nothing more the second time."""
    inputs = {}
    for network in sorted(set(report.by_network) | set(first_party)):
        ours = report.by_network[network][0] if network in report.by_network else None
        clicks = max((ours.clicks if ours else None) or 0,
                     first_party.get(network, FirstPartyClicks()).unique_visitors)
        inputs[network] = ValueInputs(ours.impressions if ours else None, clicks,
                                      ours.engagements if ours else None)
    return inputs


def _days(start: datetime | None, end: datetime | None) -> tuple[date | None, date | None]:
    return (start.date() if start else None, (end - timedelta(days=1)).date() if end else None)


async def build_summary(
    clock: Clock, settings: Settings, campaign_id: int | None = None,
    start: datetime | None = None, end: datetime | None = None,
    *, department: str | None = None, network: str | None = None,
) -> Summary:
    """Every headline figure. Costs belong to campaigns and periods, not to departments or networks,
    so ROI is given only for an unsliced view."""
    report = await campaign_report(campaign_id, start, end, department=department, network=network)
    first_party = await first_party_clicks(campaign_id, start, end, department, network)
    formula = await current_formula(clock, settings.currency)
    reach, estimated = report.reach_estimate  # read in the same pass as the other totals
    ours = report.advocacy
    kind = ours.provenance
    reach_kind = weakest_provenance({kind, "estimated"} if estimated else {kind})
    valued = valued_inputs(report, first_party)
    value = emv(formula, valued)
    costs = await costs_for(campaign_id)
    cost = cost_in_range(costs, *_days(start, end)) if costs else None
    if formula.currency != settings.currency or department is not None or network is not None:
        # Costs are kept in the settings' currency and per campaign: no ratio across currencies or
        # against a slice the cost was never split into.
        cost = None
    # In sandbox mode the people behind the clicks are simulated too, however real the counting is.
    link_kind = "simulated" if settings.network_mode == "sandbox" else "measured"
    mine = FirstPartyClicks(
        sum(c.clicks for c in first_party.values()),
        sum(c.unique_visitors for c in first_party.values()),
        sum(c.bot_clicks for c in first_party.values()),
    )
    value_kind = weakest_provenance({kind, link_kind} if mine.clicks else {kind})
    records = RECORDS
    figures = [
        Figure("shares_published", "Shares published", report.shares_published, "count", records),
        Figure("ambassadors_sharing", "Ambassadors sharing", report.ambassadors_sharing, "count", records),
        Figure("reach", "Reach", reach, "count", reach_kind,
               note="unique reach where the platform reports it, else followers" if estimated else ""),
        Figure("impressions", "Impressions", ours.impressions, "count", kind),
        Figure("engagements", "Engagements", ours.engagements, "count", kind,
               note="reactions, comments and reshares"),
        Figure("clicks", "Clicks", sum(v.clicks or 0 for v in valued.values()) if valued else None,
               "count", value_kind, note=CLICKS_DEFINITION),
        # The two counts the click total is made of, for the API and the CSV; pages show the total.
        Figure("platform_clicks", "Clicks counted by the platforms", ours.clicks, "count", kind),
        Figure("link_clicks", "Requests to our short links", mine.clicks, "count", link_kind,
               note=f"{mine.unique_visitors:,} people (unique visitors per day); "
                    f"{mine.bot_clicks:,} automated fetches and repeats left out"),
        Figure("engagement_rate", "Engagement rate", ours.engagement_rate, "ratio", kind),
        Figure("click_through_rate", "Click-through rate", ours.click_through_rate, "ratio", kind),
        Figure("brand_impressions", "Brand-channel impressions", report.brand.impressions, "count",
               report.brand.provenance),
        Figure("amplification", "Amplification multiplier", report.amplification, "multiplier",
               weakest_provenance(ours.provenances | report.brand.provenances),
               note="ambassador impressions / brand-channel impressions for the same content"),
        Figure("engagement_rate_ratio", "Engagement rate ratio", report.engagement_rate_ratio, "multiplier",
               weakest_provenance(ours.provenances | report.brand.provenances),
               note="ambassador engagement rate / brand-channel engagement rate"),
        Figure("emv", "Earned media value", round(value, 2), formula.currency, value_kind,
               formula.version, formula.describe()),
        Figure("programme_cost", "Programme cost", None if cost is None else round(cost, 2),
               settings.currency, ENTERED, note="" if costs else "no cost entered"),
        Figure("roi", "Return on investment", roi(value, cost), "ratio", value_kind, formula.version,
               "(EMV − programme cost) / programme cost"),
    ]
    return Summary(campaign_id, start, end, settings.currency, formula, report, first_party, reach,
                   reach_kind, value, cost, figures)
