"""The weekly leadership summary by email (and the leaders' chat webhooks): the weekly page's
figures, sent once a week to every active leader through the notification outbox."""

from __future__ import annotations

from datetime import timedelta

from advocacy.clock import Clock
from advocacy.notify import service as notify
from advocacy.notify.models import Notification
from advocacy.settings import Settings
from advocacy.users.models import Role, User
from dashboards.reporting.weekly import Weekly, week_rows, weekly

# Sent on Mondays from this hour (UTC), when the week the page shows is the whole last week.
SEND_WEEKDAY = 0
SEND_HOUR = notify.DIGEST_HOUR


def summary_text(week: Weekly) -> str:
    """The figures as lines a person reads in an email or a chat message."""
    lines = []
    for row in week_rows(week):
        lines.append(f"{row.label}: {row.now} (week before {row.before}, change {row.change}; {row.kind})")
    return "\n".join(lines) + "\n\n" + week.this_week.formula.describe()


async def send_leadership_summaries(clock: Clock, settings: Settings) -> int:
    """On Monday mornings, queue the week's summary for every active leader who has not had it.

    Returns how many were queued; any other time, or once everyone has this week's, it is 0."""
    now = clock.now()
    if now.weekday() != SEND_WEEKDAY or now.hour < SEND_HOUR:
        return 0
    leaders = await User.filter(role=Role.LEADER, is_active=True).order_by("id")
    if not leaders:
        return 0
    week_end = now.date()
    key = f"leadership-summary:{week_end:%Y-%m-%d}"
    have = set(await Notification.filter(dedupe_key=key).values_list("user_id", flat=True))
    waiting = [leader for leader in leaders if leader.id not in have]
    if not waiting:
        return 0  # the figures are only computed when someone still needs them
    week = await weekly(clock, settings)
    last_day = week.end - timedelta(days=1)
    subject = f"Weekly summary, {week.start:%d %b} to {last_day:%d %b %Y}: {settings.organization_name}"
    return await notify.notify_many(clock, waiting, "leadership_summary", subject, summary_text(week),
                                    link="/dashboard/weekly", dedupe_key=key)
