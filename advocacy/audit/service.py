"""Writing to and reading from the audit log. Entries are only ever appended."""

from __future__ import annotations

import csv
import io
import json
from typing import Any

from advocacy.audit.models import AuditEntry
from advocacy.clock import Clock
from advocacy.spreadsheets import as_text_cell
from advocacy.users.models import User


async def record(
    clock: Clock,
    actor: User | None,
    action: str,
    target: str = "",
    details: dict[str, Any] | None = None,
    *,
    address: str = "",
    actor_email: str = "",
) -> AuditEntry:
    """Append one entry: `actor` did `action` (e.g. "sign-in", "pack.approve") to `target`.

    `details` must never carry a secret (token, password): entries are shown to admins and exported.
    `actor_email` names an actor who is not (or not yet) an account, e.g. a failed sign-in.
    """
    return await AuditEntry.create(
        at=clock.now(),
        actor_id=actor.id if actor else None,
        actor_email=actor.email if actor else actor_email[:254],
        action=action,
        target=target[:200],
        details=details or {},
        address=address[:64],
    )


async def recent_entries(limit: int = 200, action: str | None = None) -> list[AuditEntry]:
    query = AuditEntry.all()
    if action:
        query = query.filter(action=action)
    return await query.order_by("-at", "-id").limit(limit)


CSV_COLUMNS = ("id", "at", "actor_id", "actor_email", "action", "target", "details", "address")


def entries_csv(entries: list[AuditEntry]) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_COLUMNS)
    for entry in entries:
        # Every text cell, the address too: it comes from a request header anyone can set.
        writer.writerow([as_text_cell(value) for value in (
            entry.id, entry.at.isoformat(), entry.actor_id or "", entry.actor_email, entry.action,
            entry.target, json.dumps(entry.details, sort_keys=True), entry.address,
        )])
    return out.getvalue()
