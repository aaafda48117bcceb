"""HTML page of the leadership dashboard: KPI tiles and Plotly figures of a campaign report."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any
from urllib.parse import urlencode

from markupsafe import Markup
from pydantic import ValidationError
from starlette.concurrency import run_in_threadpool
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from advocacy.accounts.models import NETWORK_LABELS
from advocacy.api import parse_query, path_int
from advocacy.auth import signed_in_user
from advocacy.errors import DomainError, NotFound
from advocacy.shares.readback import campaign_readback
from advocacy.state import AppRequest
from advocacy.templating import flash, render
from advocacy.users.models import Role, User
from campaigns.models import Campaign
from campaigns.service import get_campaign
from connectors.sandbox import SandboxParameters
from dashboards.reporting.ambassador import board, is_hidden, my_figures, set_hidden
from dashboards.reporting.campaign import campaign_tables
from dashboards.reporting.figures import TABULAR, figures_of
from dashboards.reporting.formats import money, number, percent, return_on_spend, times
from dashboards.reporting.measures import RECORDS, weakest_provenance
from dashboards.reporting.points import CURRENT_RULE
from dashboards.reporting.summary import Summary
from dashboards.reporting.tables import Table, to_csv
from dashboards.reporting.weekly import week_rows, weekly
from dashboards.web.endpoints import day_bounds
from dashboards.web.schemas import ReportQuery

QUERY_FIELDS = {"campaign_id": "campaign", "start": "start date", "end": "end date",
                "department": "department", "network": "network"}


@dataclass(frozen=True)
class Tile:
    """One KPI tile: a formatted value, what it is, and where the number comes from."""

    key: str
    label: str
    value: str
    provenance: str
    hint: str = ""


def value_tiles(summary: Summary) -> list[Tile]:
    emv, cost, roi = summary.figure("emv"), summary.figure("programme_cost"), summary.figure("roi")
    return [
        Tile("emv", "Earned media value", money(emv.value, emv.unit), emv.kind, emv.note),
        Tile("cost", "Programme cost", money(cost.value, cost.unit), cost.kind,
             cost.note or "entered per campaign and period"),
        Tile("roi", "Return on investment", percent(roi.value), roi.kind,
             f"{return_on_spend(summary.emv, summary.cost, summary.currency)} "
             f"(EMV − cost) / cost, EMV formula v{roi.formula_version}" if roi.value is not None
             else "needs a programme cost for this campaign and period (not split by department or network)"),
    ]


def kpi_tiles(summary: Summary) -> list[Tile]:
    report = summary.report
    ours, brand = report.advocacy, report.brand
    both = weakest_provenance(ours.provenances | brand.provenances)
    no_baseline = "" if brand.impressions else "no brand-channel figures yet"
    clicks = summary.figure("clicks")
    return [
        Tile("shares", "Shares published", number(report.shares_published), RECORDS,
             "reshares this service published"),
        Tile("ambassadors", "Ambassadors sharing", number(report.ambassadors_sharing), RECORDS),
        Tile("impressions", "Impressions", number(ours.impressions), ours.provenance,
             f"brand channels: {number(brand.impressions)}"),
        Tile("reach", "Reach", number(ours.reach), ours.provenance,
             f"brand channels: {number(brand.reach)}"),
        Tile("engagements", "Engagements", number(ours.engagements), ours.provenance,
             "reactions, comments and reshares"),
        Tile("clicks", "Clicks", number(None if clicks.value is None else int(clicks.value)), clicks.kind,
             f"{clicks.note[:1].upper()}{clicks.note[1:]}; brand channels: {number(brand.clicks)}"),
        Tile("engagement-rate", "Engagement rate, ambassadors vs brand",
             f"{percent(ours.engagement_rate)} vs {percent(brand.engagement_rate)}", both),
        Tile("engagement-ratio", "Engagement rate ratio", times(report.engagement_rate_ratio), both,
             no_baseline or "times the brand channels' engagement rate"),
        Tile("amplification", "Amplification", times(report.amplification), both,
             no_baseline or "ambassador impressions per brand-channel impression"),
    ]


def script_json(text: str) -> Markup:
    """JSON that is safe inside <script type="application/json">: no "</script>" can close it early.

    The escapes are valid JSON, so JSON.parse in the browser gives back the original strings.
    """
    return Markup(text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026"))


def figure_specs(tables: dict[str, Table]) -> list[tuple[str, Markup]]:
    return [(key, script_json(fig.to_json())) for key, fig in figures_of(tables).items()]


def validation_message(error: ValidationError) -> str:
    sentences = []
    for item in error.errors():
        field = str(item["loc"][0]) if item["loc"] else ""
        reason = str(item["msg"]).removeprefix("Value error, ")
        if field in QUERY_FIELDS:
            given = str(item.get("input", ""))[:40]
            sentences.append(f"The {QUERY_FIELDS[field]} {given!r} is not valid: {reason}.")
        else:
            sentences.append(f"{reason[:1].upper()}{reason[1:]}.")
    return " ".join(sentences)


async def dashboard(request: AppRequest) -> Response:
    # Empty fields are what an untouched form sends: they mean "no filter", not "invalid".
    form = {name: request.query_params.get(name, "").strip() for name in QUERY_FIELDS}
    campaigns = await Campaign.all().order_by("-starts_at", "-id")
    departments = sorted(set(await User.filter(role=Role.AMBASSADOR).exclude(department="")
                             .values_list("department", flat=True)))
    page: dict[str, Any] = {
        "form": form, "campaigns": campaigns, "tiles": [], "figures": [], "report": None, "chosen": None,
        "departments": departments, "networks": NETWORK_LABELS, "query": "", "tabular": [],
    }
    try:
        query = ReportQuery.model_validate({k: v for k, v in form.items() if v})
    except ValidationError as error:
        return render(request, "dashboard.html", status=422, error=validation_message(error), **page)
    try:
        chosen = await get_campaign(query.campaign_id) if query.campaign_id is not None else None
    except DomainError as error:
        return render(request, "dashboard.html", status=error.status_code, error=error.message, **page)
    start, end = day_bounds(query)
    data = await request.state["figure_cache"].leadership(
        request.state["clock"], request.state["settings"], query.campaign_id, start, end,
        department=query.department, network=query.network)
    report = data.summary.report
    # Building and serialising figures costs tens of milliseconds of CPU each: keep it off the loop.
    figures = await run_in_threadpool(figure_specs, data.tables) if report.daily else []
    shown = sorted(TABULAR) if report.daily else []
    tabular = [(key, data.tables[key]) for key in shown if key in data.tables]
    page.update(tiles=kpi_tiles(data.summary) + value_tiles(data.summary), figures=figures, report=report,
                tabular=tabular,
                chosen=chosen, formula=data.summary.formula.describe(),
                query=urlencode({k: v for k, v in form.items() if v}))
    return render(request, "dashboard.html", error=None, **page)


async def dashboard_csv(request: AppRequest) -> Response:
    """The table behind one chart, with the dashboard's filters."""
    query = parse_query(request, ReportQuery)
    if query.campaign_id is not None:
        await get_campaign(query.campaign_id)
    start, end = day_bounds(query)
    data = await request.state["figure_cache"].leadership(
        request.state["clock"], request.state["settings"], query.campaign_id, start, end,
        department=query.department, network=query.network)
    return csv_response(data.tables, request.path_params["table"])


async def campaign_dashboard(request: AppRequest) -> Response:
    campaign = await get_campaign(path_int(request, "campaign_id"))
    tables = await tables_of(request, campaign)
    figures = await run_in_threadpool(figure_specs, tables)
    flagged = sum(count for state, count in tables["readback"].rows if state in ("changed", "deleted"))
    methods = {key: table.method for key, table in tables.items() if table.method}
    return render(request, "campaign_dashboard.html", campaign=campaign, figures=figures, query="",
                  methods=methods,
                  flagged=flagged, readback=await campaign_readback(campaign.id))


async def campaign_csv(request: AppRequest) -> Response:
    campaign = await get_campaign(path_int(request, "campaign_id"))
    return csv_response(await tables_of(request, campaign), request.path_params["table"])


async def tables_of(request: AppRequest, campaign: Campaign) -> dict[str, Table]:
    settings = request.state["settings"]
    return await campaign_tables(campaign, settings.organization_timezone,
                                 SandboxParameters(seed=settings.sandbox_seed))


def csv_response(tables: dict[str, Table], key: str) -> Response:
    if key not in tables:
        raise NotFound(f"There is no table {key!r} on this dashboard.")
    return Response(to_csv(tables[key]), media_type="text/csv; charset=utf-8",
                    headers={"Content-Disposition": f'attachment; filename="{key}.csv"'})


async def my_results(request: AppRequest) -> Response:
    user = signed_in_user(request)
    mine = await my_figures(user)
    settings = request.state["settings"]
    tiles = [
        Tile("my-shares", "Shares published", number(mine.shares_published), RECORDS),
        Tile("my-reach", "Reach", number(mine.reach), mine.provenance),
        Tile("my-impressions", "Impressions", number(mine.impressions), mine.provenance),
        Tile("my-engagements", "Engagements", number(mine.engagements), mine.provenance),
        Tile("my-clicks", "Clicks on my short links", number(mine.link_clicks),
             "simulated" if settings.network_mode == "sandbox" else "measured",
             f"the platforms counted {number(mine.platform_clicks)}" if mine.platform_clicks is not None
             else "the platforms have reported none yet"),
    ]
    tally = mine.tally
    # Shares and clicks are our own records; engagements carry the platforms' label.
    points_kind = weakest_provenance({RECORDS, mine.provenance} - {"none"})
    tiles.append(Tile("my-points", "My points", f"{CURRENT_RULE.apply(tally):,}", points_kind,
                      f"rule v{CURRENT_RULE.version}, see below"))
    figures = await run_in_threadpool(figure_specs, {"my-daily": mine.daily}) if mine.daily.rows else []
    ranks = await board(settings.leaderboard, user)
    return render(request, "my_stats.html", tiles=tiles, figures=figures, mode=settings.leaderboard,
                  standings=ranks.top, ranks=ranks,
                  hidden=await is_hidden(user),
                  provenance=mine.provenance, query="", rule=CURRENT_RULE, tally=tally,
                  points_kind=points_kind)


async def my_leaderboard_choice(request: AppRequest) -> Response:
    form = await request.form()
    hidden = str(form.get("hidden", "")) == "1"
    await set_hidden(request.state["clock"], signed_in_user(request), hidden)
    flash(request, "You are hidden from the leaderboard." if hidden else "You are shown on the leaderboard.")
    return RedirectResponse("/me/results", status_code=303)


async def weekly_summary(request: AppRequest) -> Response:
    week = await weekly(request.state["clock"], request.state["settings"])
    rows = week_rows(week)
    return render(request, "weekly.html", week=week, rows=rows, one_day=timedelta(days=1),
                  formula=week.this_week.formula.describe())


routes = [
    Route("/dashboard", dashboard, methods=["GET"], name="dashboard"),
    Route("/dashboard/weekly", weekly_summary, methods=["GET"], name="dashboard-weekly"),
    Route("/dashboard/campaigns/{campaign_id:int}", campaign_dashboard, methods=["GET"],
          name="dashboard-campaign"),
    Route("/dashboard/campaigns/{campaign_id:int}/{table}.csv", campaign_csv, methods=["GET"],
          name="dashboard-campaign-csv"),
    Route("/dashboard/{table}.csv", dashboard_csv, methods=["GET"], name="dashboard-csv"),
    Route("/me/results", my_results, methods=["GET"], name="my-results"),
    Route("/me/results/leaderboard", my_leaderboard_choice, methods=["POST"], name="my-leaderboard-choice"),
]
