"""JSON API routes of the leadership report, the headline summary, the EMV formula and programme costs."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

from starlette.responses import Response

from advocacy.api import ApiRoute, parse_body, parse_query, respond
from advocacy.auth import signed_in_user
from advocacy.state import AppRequest
from campaigns.service import get_campaign
from dashboards.reporting import valuation
from dashboards.reporting.emv import NetworkRates
from dashboards.reporting.report import campaign_report
from dashboards.reporting.summary import build_summary
from dashboards.web.schemas import (
    CostIn,
    CostOut,
    FormulaIn,
    FormulaOut,
    ReportOut,
    ReportQuery,
    SummaryOut,
)


def day_bounds(query: ReportQuery) -> tuple[datetime | None, datetime | None]:
    """[start, end) in UTC for inclusive calendar days."""
    start = datetime.combine(query.start, time(), UTC) if query.start else None
    end = datetime.combine(query.end, time(), UTC) + timedelta(days=1) if query.end else None
    return start, end


async def report(request: AppRequest) -> Response:
    query = parse_query(request, ReportQuery)
    if query.campaign_id is not None:
        await get_campaign(query.campaign_id)
    start, end = day_bounds(query)
    return respond(ReportOut.of(await campaign_report(
        query.campaign_id, start, end, department=query.department, network=query.network)))


async def summary(request: AppRequest) -> Response:
    query = parse_query(request, ReportQuery)
    if query.campaign_id is not None:
        await get_campaign(query.campaign_id)
    start, end = day_bounds(query)
    state = request.state
    result = await build_summary(state["clock"], state["settings"], query.campaign_id, start, end,
                                 department=query.department, network=query.network)
    return respond(SummaryOut.of(result))


async def get_formula(request: AppRequest) -> Response:
    settings = request.state["settings"]
    return respond(FormulaOut.of(await valuation.current_formula(request.state["clock"], settings.currency)))


async def set_formula(request: AppRequest) -> Response:
    body = await parse_body(request, FormulaIn)
    rates: dict[str, NetworkRates] = {
        network: NetworkRates(r.cpm, r.cpc, r.per_engagement) for network, r in body.rates.items()
    }
    formula = await valuation.set_formula(
        request.state["clock"], request.state["settings"].currency, rates, note=body.note
    )
    request.state["figure_cache"].clear()  # the value figures change with the formula: show it at once
    return respond(FormulaOut.of(formula), status=201)


async def add_cost(request: AppRequest) -> Response:
    body = await parse_body(request, CostIn)
    cost = await valuation.add_cost(
        request.state["clock"], amount=body.amount, currency=body.currency,
        expected_currency=request.state["settings"].currency, period_start=body.period_start,
        period_end=body.period_end, campaign_id=body.campaign_id, note=body.note,
        actor=signed_in_user(request),
    )
    request.state["figure_cache"].clear()  # ROI changes with the costs: show it at once
    return respond(CostOut(id=cost.id, amount=cost.amount, currency=cost.currency,
                           period_start=cost.period_start, period_end=cost.period_end,
                           campaign_id=body.campaign_id, note=cost.note), status=201)


api_routes = [
    ApiRoute("/reports/campaign", report, "GET", "api-report",
             "Reach, engagement and clicks of ambassadors against the brand channels",
             query=ReportQuery, response=ReportOut, errors=(401, 403, 404, 422)),
    ApiRoute("/dashboards/summary", summary, "GET", "api-dashboards-summary",
             "Each headline figure with its value, unit, kind and EMV formula version",
             query=ReportQuery, response=SummaryOut, errors=(401, 403, 404, 422)),
    ApiRoute("/dashboards/emv-formula", get_formula, "GET", "api-emv-formula",
             "The current EMV formula and its version", response=FormulaOut, errors=(401, 403)),
    ApiRoute("/dashboards/emv-formula", set_formula, "POST", "api-emv-formula-set",
             "Store new EMV rates as the next formula version", body=FormulaIn, response=FormulaOut,
             status=201, errors=(401, 403, 422)),
    ApiRoute("/dashboards/costs", add_cost, "POST", "api-costs-create",
             "Record a programme cost for a period, for one campaign or the whole programme",
             body=CostIn, response=CostOut, status=201, errors=(401, 403, 404, 422),
             refusals=("The period must not end before it starts.",)),
]
