"""A person's local time: showing UTC instants in their time zone and reading the times they type.

The database and every service work in UTC; only the pages translate, at the edge, so a nurse in
another region sees "09:00" where she is and the scheduler still sees one unambiguous instant.
"""

from __future__ import annotations

from datetime import UTC, datetime
from functools import cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from advocacy.clock import CALENDAR_RANGE, calendar_problem
from advocacy.errors import InvalidInput
from advocacy.users.models import User

# The value an <input type="datetime-local"> sends and accepts (browsers omit the seconds).
INPUT_FORMAT = "%Y-%m-%dT%H:%M"


def zone_of(user: User | None) -> ZoneInfo:
    """The person's time zone; an unknown or empty zone name falls back to UTC rather than failing."""
    return zone_named(user.timezone if user is not None else "UTC")


@cache
def zone_names() -> tuple[str, ...]:
    """Every time zone a person can pick, sorted: the IANA database's names, such as Europe/London
    (read once: the list comes from the system). The API document lists the same names."""
    return tuple(sorted(available_timezones()))


def is_zone_name(name: str) -> bool:
    """Whether `name` is one of `zone_names()`."""
    return name in _zone_set()


@cache
def _zone_set() -> frozenset[str]:
    return frozenset(zone_names())


def zone_named(name: str) -> ZoneInfo:
    """The time zone a person's `timezone` column names, UTC when it names none (for code that
    reads the column without loading the person)."""
    try:
        return ZoneInfo(name or "UTC")
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


def format_local(moment: datetime | None, user: User | None) -> str:
    """An instant as the person reads it, e.g. "Mon 2 Nov 2026, 09:00 CET"; empty for None."""
    if moment is None:
        return ""
    local = moment.astimezone(zone_of(user))
    return f"{local:%a} {local.day} {local:%b %Y, %H:%M %Z}"


def input_value(moment: datetime, user: User | None) -> str:
    """An instant as the value of a datetime-local input in the person's time zone."""
    return moment.astimezone(zone_of(user)).strftime(INPUT_FORMAT)


def parse_local(value: str, user: User | None, *, field: str, label: str) -> datetime:
    """A datetime-local value typed in the person's time zone, as an aware UTC datetime.

    A wall time that a daylight-saving change skips or repeats resolves the way zoneinfo does
    (fold=0: the earlier reading), which is at most an hour off in a case people rarely pick.
    """
    text = value.strip()
    if not text:
        raise InvalidInput(f"Give the {label}.", {"field": field})
    try:
        naive = datetime.fromisoformat(text)
    except ValueError:
        raise InvalidInput(
            f"The {label} {text!r} is not a date and time like 2026-11-02T09:30.", {"field": field}
        ) from None
    out_of_range = InvalidInput(f"The {label} {text!r} is out of range. {CALENDAR_RANGE}", {"field": field})
    try:
        # An explicit offset is not what a browser sends, but it is unambiguous, so it is honoured.
        moment = (naive if naive.tzinfo is not None else naive.replace(tzinfo=zone_of(user))).astimezone(UTC)
    except OverflowError:  # e.g. 9999-12-31T23:59 west of UTC is past the calendar's last day
        raise out_of_range from None
    if calendar_problem(moment):
        raise out_of_range
    return moment
