"""Where an auto-queued share goes: a pure function of the person's preferences and the queue.

`plan_auto_queue` places one share at the earliest whole minute that is
- not in the past, and inside the window in which the post may be shared (campaign start to the
  earliest of campaign end and post or pack expiry);
- on one of the person's sharing days and within their sharing hours, read in their own time zone
  (so a daylight-saving change moves the instant, never the wall-clock hours);
- on a local day on which the person has fewer shares than their daily cap;
- staggered against everyone's shares of the same post: no more than `stagger_limit` in any
  `stagger_window`, and never closer than `stagger_window / stagger_limit` to another one, so
  a hundred colleagues auto-queueing one post spread out instead of landing in the same minute.

When no minute satisfies all of that, the answer says which rule ran out first, in words a person
can act on. The function reads no clock and no database: the service hands it both, under a lock.
"""

from __future__ import annotations

import bisect
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

MINUTE = timedelta(minutes=1)
DAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


@dataclass(frozen=True)
class SharingHours:
    """A person's sharing preferences: local hours [start, end), weekdays (0 = Monday), daily cap."""

    zone: ZoneInfo
    start: time = time(8, 0)
    end: time = time(18, 0)
    days: frozenset[int] = frozenset(range(5))
    daily_cap: int = 3

    def contains(self, moment: datetime) -> bool:
        local = moment.astimezone(self.zone)
        return local.weekday() in self.days and self.start <= local.time().replace(tzinfo=None) < self.end

    def local_day(self, moment: datetime) -> date:
        return moment.astimezone(self.zone).date()


@dataclass(frozen=True)
class Placement:
    """Where the share goes (`at`), or why it cannot go anywhere (`reason`)."""

    at: datetime | None
    reason: str = ""


@dataclass
class _Blocked:
    # Counts of minutes skipped for each rule, to say which one left no slot.
    outside_hours: int = 0
    capped_days: set[date] = field(default_factory=set)
    staggered: int = 0


def _ceil_minute(moment: datetime) -> datetime:
    floor = moment.replace(second=0, microsecond=0)
    return floor if floor == moment else floor + MINUTE


def _local_instant(day: date, wall: time, zone: ZoneInfo) -> datetime:
    # The earliest instant with that wall-clock reading. For a reading a daylight-saving change
    # skips, that is before the gap (the caller walks forward to the first minute really in hours);
    # for one it repeats, the first of the two.
    readings = (datetime.combine(day, wall, tzinfo=zone).replace(fold=fold) for fold in (0, 1))
    return min(reading.astimezone(UTC) for reading in readings)


def _next_opening(moment: datetime, hours: SharingHours) -> datetime | None:
    """The first minute at or after `moment` that is within the sharing hours."""
    if hours.contains(moment):
        return moment
    local = moment.astimezone(hours.zone)
    for offset in range(0, 9):
        day = local.date() + timedelta(days=offset)
        if day.weekday() not in hours.days:
            continue
        opening = max(_ceil_minute(_local_instant(day, hours.start, hours.zone)), moment + MINUTE)
        # Normally the first try; across a daylight-saving gap, the first minute after it.
        for _ in range(3 * 60):
            if hours.contains(opening):
                return opening
            local_opening = opening.astimezone(hours.zone)
            if local_opening.date() != day or local_opening.time() >= hours.end:
                break
            opening += MINUTE
    return None


def _next_local_midnight(moment: datetime, zone: ZoneInfo) -> datetime:
    day = moment.astimezone(zone).date() + timedelta(days=1)
    return max(_ceil_minute(_local_instant(day, time(0, 0), zone)), moment + MINUTE)


def stagger_conflict(
    moment: datetime, others: list[datetime], limit: int, window: timedelta
) -> datetime | None:
    """None when a share at `moment` keeps the stagger rules, else the earliest time worth trying.

    `others` is sorted. The rules: at most `limit` shares in any half-open window of length
    `window`, and at least `window / limit` between two shares.
    """
    gap = window / limit
    # Spacing: the nearest neighbours on either side.
    lo = bisect.bisect_left(others, moment - gap + timedelta(microseconds=1))
    hi = bisect.bisect_left(others, moment + gap)
    if lo < hi:
        return others[hi - 1] + gap
    # Window count: every window [p, p + window) that would contain `moment` starts at `moment`
    # or at one of the shares in (moment - window, moment]; the fullest one is one of those.
    first = bisect.bisect_right(others, moment - window)
    last = bisect.bisect_right(others, moment)
    for start in [*others[first:last], moment]:
        inside = bisect.bisect_left(others, start + window) - bisect.bisect_left(others, start)
        if inside + 1 > limit:
            # Moving past the window that starts at `start` is the least that can help.
            return max(start + window, moment + MINUTE)
    return None


def plan_auto_queue(
    *,
    now: datetime,
    opens: datetime,
    closes: datetime,
    hours: SharingHours,
    own: Iterable[datetime],
    same_post: Iterable[datetime],
    stagger_limit: int,
    stagger_window: timedelta = timedelta(minutes=10),
) -> Placement:
    """The earliest whole minute that keeps every rule in the module docstring, or why none does.

    `own` are the instants of the person's scheduled and published shares (for the daily cap),
    `same_post` those of everyone's shares of this post (for the stagger). All datetimes are aware.
    """
    if stagger_limit < 1:
        raise ValueError("stagger_limit must be at least 1")
    closes_local = f"{closes.astimezone(hours.zone):%a %d %b %H:%M %Z}"
    if not hours.days:
        return Placement(None, "You have no sharing days selected; pick some in your sharing preferences.")
    if hours.start >= hours.end:
        return Placement(None, "Your sharing hours are empty: set a start before the end.")
    if hours.daily_cap < 1:
        return Placement(None, "Your daily cap is zero; raise it in your sharing preferences.")
    moment = _ceil_minute(max(now, opens))
    if moment >= closes:
        return Placement(None, f"This post can no longer be shared: its window closed {closes_local}.")
    per_day = Counter(hours.local_day(t) for t in own)
    others = sorted(same_post)
    blocked = _Blocked()
    while moment < closes:
        opening = _next_opening(moment, hours)
        if opening is None or opening >= closes:
            blocked.outside_hours += 1
            break
        if opening != moment:
            blocked.outside_hours += 1
            moment = opening
            continue
        day = hours.local_day(moment)
        if per_day[day] >= hours.daily_cap:
            blocked.capped_days.add(day)
            moment = _next_local_midnight(moment, hours.zone)
            continue
        retry = stagger_conflict(moment, others, stagger_limit, stagger_window)
        if retry is not None:
            blocked.staggered += 1
            moment = max(_ceil_minute(retry), moment + MINUTE)
            continue
        return Placement(moment)
    return Placement(None, _why_no_slot(blocked, hours, closes_local, stagger_limit, stagger_window))


def _why_no_slot(
    blocked: _Blocked, hours: SharingHours, closes_local: str, limit: int, window: timedelta
) -> str:
    ending = f"before this post's window closes {closes_local}"
    if blocked.staggered:
        minutes = int(window.total_seconds() // 60)
        return (
            f"No free slot {ending}: colleagues already fill your remaining sharing hours with this post "
            f"(at most {limit} go out in any {minutes} minutes). Pick a time yourself, or widen your hours."
        )
    if blocked.capped_days:
        return (
            f"No free slot {ending}: your daily cap of {hours.daily_cap} is reached on every remaining "
            f"sharing day. Raise the cap in your preferences or pick a time yourself."
        )
    days = ", ".join(DAY_NAMES[d] for d in sorted(hours.days))
    return (
        f"No free slot {ending}: none of your sharing hours ({hours.start:%H:%M}–{hours.end:%H:%M} "
        f"on {days}, {hours.zone.key}) fall inside it. Share now or pick a time yourself."
    )
