"""How the dashboards, the weekly summary and the HTML export write a figure as text."""

from __future__ import annotations


def percent(value: float | None) -> str:
    return "n/a" if value is None else f"{100 * value:.2f} %"


def money(value: float | None, currency: str) -> str:
    return "n/a" if value is None else f"{value:,.2f} {currency}"


def number(value: int | None) -> str:
    return "not reported" if value is None else f"{value:,}"


def times(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.1f}x"


def return_on_spend(emv: float, cost: float | None, currency: str) -> str:
    """ROI in one plain sentence, or "" without a cost to divide by."""
    if not cost:
        return ""
    returned = emv / cost
    gained = "more" if returned >= 1 else "less"
    return (f"Each 1 {currency} spent returned {returned:,.2f} {currency} of earned media value, "
            f"{abs(returned - 1):,.2f} {currency} {gained} than it cost (ROI {percent(returned - 1)}).")
