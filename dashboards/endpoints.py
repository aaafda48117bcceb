"""JSON API route of the leadership report."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

from starlette.requests import Request
from starlette.responses import Response

from advocacy.api import ApiRoute, parse_query, respond
from campaigns.service import get_campaign
from dashboards.report import campaign_report
from dashboards.schemas import ReportOut, ReportQuery


def day_bounds(query: ReportQuery) -> tuple[datetime | None, datetime | None]:
    """[start, end) in UTC for inclusive calendar days."""
    start = datetime.combine(query.start, time(), UTC) if query.start else None
    end = datetime.combine(query.end, time(), UTC) + timedelta(days=1) if query.end else None
    return start, end


async def report(request: Request) -> Response:
    query = parse_query(request, ReportQuery)
    if query.campaign_id is not None:
        await get_campaign(query.campaign_id)
    start, end = day_bounds(query)
    return respond(ReportOut.of(await campaign_report(query.campaign_id, start, end)))


api_routes = [
    ApiRoute("/reports/campaign", report, "GET", "api-report",
             "Reach, engagement and clicks of ambassadors against the brand channels",
             query=ReportQuery, response=ReportOut, errors=(401, 403, 404, 422)),
]
