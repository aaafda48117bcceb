"""The audit log page for admins, and its CSV export."""

from __future__ import annotations

from starlette.responses import Response
from starlette.routing import Route

from advocacy.audit.service import entries_csv, recent_entries, record
from advocacy.audit.wording import detail_lines
from advocacy.auth import signed_in_user
from advocacy.clients import client_address
from advocacy.state import AppRequest
from advocacy.templating import render

EXPORT_LIMIT = 100_000


async def audit_log(request: AppRequest) -> Response:
    action = request.query_params.get("action", "")[:64] or None
    target = request.query_params.get("target", "")[:200] or None
    entries = await recent_entries(200, action, target)
    return render(request, "audit.html", entries=[(entry, detail_lines(entry.details)) for entry in entries],
                  action=action or "", target=target or "")


async def audit_export(request: AppRequest) -> Response:
    entries = await recent_entries(EXPORT_LIMIT)
    # The export itself is an event worth knowing about.
    await record(request.state["clock"], signed_in_user(request), "audit.export", "audit-log",
                 {"entries": len(entries)}, address=client_address(request))
    return Response(entries_csv(entries), media_type="text/csv; charset=utf-8",
                    headers={"Content-Disposition": 'attachment; filename="audit-log.csv"'})


routes = [
    Route("/admin/audit", audit_log, methods=["GET"], name="audit-log"),
    Route("/admin/audit.csv", audit_export, methods=["GET"], name="audit-export"),
]
