"""The one clock of the service: wall time in production, simulated time in the demo and tests."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Protocol

# The instants a person may enter (campaign windows, expiries, report periods): every date the
# programme can need, with room. Beyond them time-zone arithmetic overflows (9999-12-31 23:00 UTC
# is already past the calendar's end in Tokyo).
EARLIEST = datetime(2000, 1, 1, tzinfo=UTC)
LATEST = datetime(2100, 12, 31, 23, 59, 59, tzinfo=UTC)


CALENDAR_RANGE = f"Choose a date from {EARLIEST:%Y-%m-%d} to {LATEST:%Y-%m-%d}."


def calendar_problem(moment: datetime) -> str | None:
    """Why an aware instant a person entered is out of range; None when it is in range."""
    return None if EARLIEST <= moment <= LATEST else CALENDAR_RANGE


class Clock(Protocol):
    """Anything that can tell the current time as an aware UTC datetime."""

    def now(self) -> datetime: ...


class SystemClock:
    """Wall time. The only place in the service that reads it."""

    def now(self) -> datetime:
        return datetime.now(UTC)


class SimulatedClock:
    """Time that moves only when told to, so two weeks of a campaign run in seconds."""

    def __init__(self, start: datetime) -> None:
        if start.tzinfo is None:
            raise ValueError("SimulatedClock needs an aware datetime")
        self._now = start.astimezone(UTC)

    def now(self) -> datetime:
        return self._now

    def advance(self, delta: timedelta) -> datetime:
        if delta < timedelta(0):
            raise ValueError("time only moves forward")
        self._now += delta
        return self._now

    def set(self, moment: datetime) -> datetime:
        return self.advance(moment.astimezone(UTC) - self._now)
