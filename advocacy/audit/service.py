"""Writing to and reading from the audit log. Entries are only ever appended, save one change: a
de-identified person's email and name are replaced by their placeholder."""

from __future__ import annotations

import csv
import io
import json
import re
from typing import Any

from tortoise.expressions import Q

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


async def forget_person(user_id: int, email: str, name: str, *, placeholder_email: str,
                        placeholder_name: str) -> int:
    """Replace a de-identified person's email and name by their placeholder in every entry by them
    or about them (their account, or their address as a failed sign-in names it), so that no
    entry, page or export names them afterwards. Returns how many entries changed."""
    # The name as whole words only: a short one must not reach inside other words ("Ann", "channel").
    swaps = [(re.compile(re.escape(email), re.IGNORECASE), placeholder_email)]
    if name.strip():
        swaps.append((re.compile(rf"\b{re.escape(name.strip())}\b", re.IGNORECASE), placeholder_name))
    about = (Q(actor_id=user_id) | Q(actor_email__iexact=email) | Q(target=f"user:{user_id}")
             | Q(target__iexact=email))
    changed = 0
    for entry in await AuditEntry.filter(about):
        values = {"actor_email": _without(entry.actor_email, swaps)[:254],
                  "target": _without(entry.target, swaps)[:200], "details": _without(entry.details, swaps)}
        if values != {"actor_email": entry.actor_email, "target": entry.target, "details": entry.details}:
            await AuditEntry.filter(id=entry.id).update(**values)
            changed += 1
    return changed


def _without(value: Any, swaps: list[tuple[re.Pattern[str], str]]) -> Any:
    """`value` (text, or JSON made of dicts, lists and text) with each pattern replaced in its text."""
    if isinstance(value, str):
        for pattern, new in swaps:
            value = pattern.sub(new, value)
        return value
    if isinstance(value, dict):
        return {key: _without(item, swaps) for key, item in value.items()}
    if isinstance(value, list):
        return [_without(item, swaps) for item in value]
    return value


async def recent_entries(limit: int = 200, action: str | None = None, target: str | None = None
                         ) -> list[AuditEntry]:
    """The latest entries, newest first: of one action, about one target (e.g. "user:5"), or all."""
    query = AuditEntry.all()
    if action:
        query = query.filter(action=action)
    if target:
        query = query.filter(target=target)
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
