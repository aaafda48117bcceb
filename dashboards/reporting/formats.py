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
