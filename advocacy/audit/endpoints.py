"""JSON API route for reading the audit log (admins)."""

from __future__ import annotations

from starlette.responses import Response

from advocacy.api import ApiRoute, parse_query, respond
from advocacy.audit.schemas import AuditEntryOut, AuditQuery
from advocacy.audit.service import recent_entries
from advocacy.state import AppRequest


async def list_entries(request: AppRequest) -> Response:
    query = parse_query(request, AuditQuery)
    entries = await recent_entries(query.limit, query.action, query.target)
    return respond([AuditEntryOut.of(entry) for entry in entries])


api_routes = [
    ApiRoute("/audit", list_entries, "GET", "api-audit-list", "The audit log, newest first (admins)",
             query=AuditQuery, response=AuditEntryOut, response_is_list=True),
]
