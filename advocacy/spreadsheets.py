"""CSV cells that a spreadsheet shows as text and never runs as a formula (OWASP "CSV injection")."""

from __future__ import annotations

from typing import Any

# A cell starting with one of these is read as a formula by Excel, LibreOffice and Sheets.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def as_text_cell(value: Any) -> Any:
    """The value for a CSV cell: text that starts like a formula gets a leading apostrophe, which
    spreadsheets read as "this is text" and do not show; anything else is left as it is."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value
