"""A person's sharing preferences: when auto-queued shares may go out, and how many a day.

Nobody has to set them: until a person saves their own, the defaults apply (weekdays, 08:00 to
18:00 in their time zone, three shares a day), which keeps a keen ambassador from flooding their
network, one of the things followers and platforms punish.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import time

from advocacy.clock import Clock
from advocacy.errors import InvalidInput
from advocacy.localtime import is_zone_name, zone_of
from advocacy.shares.models import SharingPreference
from advocacy.shares.planner import DAY_NAMES, SharingHours
from advocacy.users.models import User

MAX_DAILY_CAP = 50


@dataclass(frozen=True)
class PreferencesView:
    """What the preferences form and API show: hours as HH:MM, days as numbers (0 = Monday)."""

    start: str
    end: str
    days: list[int]
    daily_cap: int
    timezone: str


async def sharing_hours(user: User) -> SharingHours:
    """The person's sharing preferences (the defaults until they save their own)."""
    return hours_of(user, await SharingPreference.get_or_none(user_id=user.id))


def hours_of(user: User, saved: SharingPreference | None) -> SharingHours:
    zone = zone_of(user)
    if saved is None:
        return SharingHours(zone=zone)
    return SharingHours(
        zone=zone,
        start=minute_time(saved.start_minute),
        end=minute_time(saved.end_minute) if saved.end_minute < 24 * 60 else time.max,
        days=frozenset(int(day) for day in saved.days),
        daily_cap=saved.daily_cap,
    )


def minute_time(minutes: int) -> time:
    return time(minutes // 60, minutes % 60)


def view_of(user: User, hours: SharingHours) -> PreferencesView:
    end = "24:00" if hours.end == time.max else f"{hours.end:%H:%M}"
    return PreferencesView(
        start=f"{hours.start:%H:%M}", end=end, days=sorted(hours.days),
        daily_cap=hours.daily_cap, timezone=zone_of(user).key,
    )


def _minutes(value: str, field: str, label: str) -> int:
    text = value.strip()
    parts = text.split(":")
    if len(parts) == 2 and all(p.isascii() and p.isdigit() and len(p) == 2 for p in parts):
        hours, minutes = int(parts[0]), int(parts[1])
        if (hours < 24 and minutes < 60) or (hours == 24 and minutes == 0):
            return hours * 60 + minutes
    raise InvalidInput(f"The {label} {text[:20]!r} is not a time like 08:30.", {"field": field})


async def save_preferences(
    clock: Clock,
    user: User,
    *,
    start: str,
    end: str,
    days: Iterable[int],
    daily_cap: int,
    timezone: str | None = None,
) -> PreferencesView:
    """Check and store the person's preferences (and time zone); nothing changes on an error."""
    start_minute = _minutes(start, "start", "start of your sharing hours")
    end_minute = _minutes(end, "end", "end of your sharing hours")
    if start_minute >= end_minute:
        raise InvalidInput("Your sharing hours must start before they end.", {"field": "end"})
    chosen = sorted(set(days))
    if not chosen:
        raise InvalidInput("Pick at least one sharing day.", {"field": "days"})
    if any(not 0 <= day <= 6 for day in chosen):
        raise InvalidInput("Days are numbers from 0 (Monday) to 6 (Sunday).", {"field": "days"})
    if not 1 <= daily_cap <= MAX_DAILY_CAP:
        raise InvalidInput(f"The daily cap is a number from 1 to {MAX_DAILY_CAP}.", {"field": "daily_cap"})
    zone_name = (timezone or "").strip() or user.timezone or "UTC"
    if not is_zone_name(zone_name):
        raise InvalidInput(
            f"{zone_name[:60]!r} is not a time zone we know; pick one like Europe/London.",
            {"field": "timezone"},
        )
    values = {
        "start_minute": start_minute, "end_minute": end_minute,
        "days": "".join(str(day) for day in chosen), "daily_cap": daily_cap, "updated_at": clock.now(),
    }
    updated = await SharingPreference.filter(user_id=user.id).update(**values)
    if not updated:
        await SharingPreference.update_or_create(defaults=values, user_id=user.id)
    if zone_name != user.timezone:
        user.timezone = zone_name
        await user.save(update_fields=["timezone"])
    return view_of(user, hours_of(user, await SharingPreference.get(user_id=user.id)))


def day_names() -> list[tuple[int, str]]:
    return list(enumerate(DAY_NAMES))
