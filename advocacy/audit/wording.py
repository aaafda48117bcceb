"""How an audit entry's details read on the audit page: one line per field, a change as
"field: old → new", lists and flags in words, so nobody has to read JSON."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any

ARROW = " → "
# A moment as services record it (ISO 8601, with its offset): read as "2026-12-08 09:00 UTC".
_MOMENT = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?([+-]\d{2}:\d{2}|Z)")


def detail_lines(details: dict[str, Any]) -> list[str]:
    """The entry's details as lines of text, in the order they were recorded."""
    lines = []
    rest = dict(details)
    # The older shape of a change: the whole entry is one change ({"from": …, "to": …, …}).
    if "from" in rest and "to" in rest:
        lines.append(f"{_value(rest.pop('from'))}{ARROW}{_value(rest.pop('to'))}")
    for key, value in rest.items():
        label = str(key).replace("_", " ")
        if _is_change(value):
            lines.append(f"{label}: {_value(value['from'])}{ARROW}{_value(value['to'])}")
        else:
            lines.append(f"{label}: {_value(value)}")
    return lines


def _is_change(value: Any) -> bool:
    return isinstance(value, dict) and set(value) == {"from", "to"}


def _value(value: Any) -> str:
    if value is None or value == "":
        return "(none)"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list):
        return ", ".join(_value(item) for item in value) or "(none)"
    if isinstance(value, dict):
        return "; ".join(f"{str(key).replace('_', ' ')} {_value(item)}" for key, item in value.items())
    if isinstance(value, str) and _MOMENT.fullmatch(value):
        return f"{datetime.fromisoformat(value).astimezone(UTC):%Y-%m-%d %H:%M} UTC"
    return str(value)
