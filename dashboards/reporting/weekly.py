"""The weekly leadership summary: this week's headline figures against last week's, and as rows
formatted once for the page and the email."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from advocacy.clock import Clock
from advocacy.settings import Settings
from dashboards.reporting.formats import money, percent, times
from dashboards.reporting.summary import Summary, build_summary

# The figures of the summary, in the order leadership reads them.
WEEK_KEYS = ("shares_published", "ambassadors_sharing", "reach", "impressions", "engagements",
             "clicks", "engagement_rate", "amplification", "engagement_rate_ratio", "emv")


@dataclass(frozen=True)
class Weekly:
    start: datetime
    end: datetime
    this_week: Summary
    last_week: Summary

    def change(self, key: str) -> float | None:
        now, before = self.this_week.figure(key).value, self.last_week.figure(key).value
        if now is None or before is None:
            return None
        return now - before


async def weekly(clock: Clock, settings: Settings) -> Weekly:
    """The seven days before today (UTC) against the seven before them, by posts published then."""
    end = datetime.combine(clock.now().date(), datetime.min.time(), clock.now().tzinfo)
    start = end - timedelta(days=7)
    return Weekly(start, end, await build_summary(clock, settings, None, start, end),
                  await build_summary(clock, settings, None, start - timedelta(days=7), start))


@dataclass(frozen=True)
class WeekRow:
    key: str
    label: str
    now: str
    before: str
    change: str
    kind: str


def shown(value: float | None, unit: str) -> str:
    if value is None:
        return "n/a"
    if unit == "ratio":
        return percent(value)
    if unit == "multiplier":
        return times(value)
    if unit == "count":
        return f"{value:,.0f}"
    return money(value, unit)


def week_rows(week: Weekly) -> list[WeekRow]:
    """Each figure this week, the week before and the change, as the weekly page shows them."""
    rows = []
    for key in WEEK_KEYS:
        figure, before = week.this_week.figure(key), week.last_week.figure(key)
        change = week.change(key)
        sign = "+" if change is not None and change > 0 else ""
        rows.append(WeekRow(key, figure.label, shown(figure.value, figure.unit),
                            shown(before.value, before.unit),
                            "n/a" if change is None else sign + shown(change, figure.unit), figure.kind))
    return rows
