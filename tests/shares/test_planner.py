"""The auto-queue planner, a pure function: properties over drawn queues, zones and preferences."""

from __future__ import annotations

import bisect
from collections import Counter
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

from hypothesis import given, settings
from hypothesis import strategies as st

from advocacy.shares.planner import Placement, SharingHours, plan_auto_queue, stagger_conflict

WINDOW = timedelta(minutes=10)
# Zones with daylight-saving changes on both hemispheres, a half-hour offset, and none at all.
ZONES = ["Europe/Berlin", "America/New_York", "Australia/Sydney", "Asia/Kolkata", "UTC",
         "America/Santiago", "Pacific/Chatham"]
BASE = datetime(2026, 3, 1, tzinfo=UTC)


def instants(days: int = 60) -> st.SearchStrategy[datetime]:
    return st.integers(0, days * 24 * 60).map(lambda minutes: BASE + timedelta(minutes=minutes))


@st.composite
def sharing_hours(draw: st.DrawFn) -> SharingHours:
    start = draw(st.integers(0, 23 * 60))
    end = draw(st.integers(start + 30, 24 * 60))
    return SharingHours(
        zone=ZoneInfo(draw(st.sampled_from(ZONES))),
        start=time(start // 60, start % 60),
        end=time.max if end == 24 * 60 else time(end // 60, end % 60),
        days=frozenset(draw(st.sets(st.integers(0, 6), min_size=1))),
        daily_cap=draw(st.integers(1, 5)),
    )


@st.composite
def situations(draw: st.DrawFn) -> dict:
    now = draw(instants())
    opens = now + timedelta(minutes=draw(st.integers(-3 * 24 * 60, 3 * 24 * 60)))
    closes = max(now, opens) + timedelta(minutes=draw(st.integers(-60, 20 * 24 * 60)))
    around = st.integers(-2 * 24 * 60, 22 * 24 * 60).map(lambda m: now + timedelta(minutes=m))
    return {
        "now": now, "opens": opens, "closes": closes, "hours": draw(sharing_hours()),
        "own": draw(st.lists(around, max_size=12)),
        # Colleagues' shares bunch up the way a launch makes them: many near now.
        "same_post": draw(st.lists(
            st.one_of(around, st.integers(0, 600).map(lambda m: now + timedelta(minutes=m))), max_size=60
        )),
        "stagger_limit": draw(st.integers(1, 8)),
    }


def plan(situation: dict) -> Placement:
    return plan_auto_queue(**situation, stagger_window=WINDOW)


def window_count(times: list[datetime], start: datetime) -> int:
    return bisect.bisect_left(times, start + WINDOW) - bisect.bisect_left(times, start)


@settings(max_examples=300, deadline=None)
@given(situations())
def test_placement_is_never_in_the_past_and_inside_the_window(situation: dict) -> None:
    placement = plan(situation)
    if placement.at is not None:
        assert placement.at >= situation["now"]
        assert situation["opens"] <= placement.at < situation["closes"]
        assert placement.at.second == 0 and placement.at.microsecond == 0
        assert placement.reason == ""
    else:
        assert placement.reason


@settings(max_examples=300, deadline=None)
@given(situations())
def test_placement_is_within_the_persons_local_hours_and_days(situation: dict) -> None:
    placement = plan(situation)
    hours: SharingHours = situation["hours"]
    if placement.at is not None:
        local = placement.at.astimezone(hours.zone)
        assert local.weekday() in hours.days
        assert hours.start <= local.time() < hours.end


@settings(max_examples=300, deadline=None)
@given(situations())
def test_placement_keeps_the_daily_cap_in_the_persons_zone(situation: dict) -> None:
    placement = plan(situation)
    hours: SharingHours = situation["hours"]
    if placement.at is not None:
        per_day = Counter(t.astimezone(hours.zone).date() for t in situation["own"])
        assert per_day[placement.at.astimezone(hours.zone).date()] < hours.daily_cap


@settings(max_examples=300, deadline=None)
@given(situations())
def test_placement_keeps_the_stagger(situation: dict) -> None:
    placement = plan(situation)
    limit = situation["stagger_limit"]
    if placement.at is not None:
        times = sorted([*situation["same_post"], placement.at])
        # Every window that contains the new share starts at the share or at one before it.
        for start in [t for t in times if placement.at - WINDOW < t <= placement.at]:
            assert window_count(times, start) <= limit
        assert all(abs(placement.at - t) >= WINDOW / limit for t in situation["same_post"])


@settings(max_examples=150, deadline=None)
@given(st.data())
def test_many_colleagues_queued_one_after_another_never_crowd_a_window(data: st.DataObject) -> None:
    # The way the service uses it: each ambassador is planned after the previous one is stored.
    limit = data.draw(st.integers(1, 6))
    hours = data.draw(sharing_hours())
    now = data.draw(instants())
    queued: list[datetime] = []
    for _ in range(data.draw(st.integers(2, 40))):
        placement = plan_auto_queue(now=now, opens=now, closes=now + timedelta(days=30), hours=hours,
                                    own=[], same_post=queued, stagger_limit=limit)
        if placement.at is None:
            break
        queued.append(placement.at)
    queued.sort()
    assert all(window_count(queued, start) <= limit for start in queued)
    assert len(set(queued)) == len(queued)  # never two in the same minute


@settings(max_examples=200, deadline=None)
@given(situations())
def test_placement_is_the_earliest_minute_that_keeps_every_rule(situation: dict) -> None:
    placement = plan(situation)
    hours: SharingHours = situation["hours"]
    others = sorted(situation["same_post"])
    per_day = Counter(hours.local_day(t) for t in situation["own"])
    start = max(situation["now"], situation["opens"])
    moment = start.replace(second=0, microsecond=0)
    moment += timedelta(minutes=1) if moment < start else timedelta(0)
    last = placement.at if placement.at is not None else min(situation["closes"], moment + timedelta(days=3))
    # Brute force over every minute before the answer (bounded): none of them keeps every rule.
    while moment < last:
        fits = (hours.contains(moment) and per_day[hours.local_day(moment)] < hours.daily_cap
                and stagger_conflict(moment, others, situation["stagger_limit"], WINDOW) is None)
        assert not fits, f"{moment} was free but the planner chose {placement.at}"
        moment += timedelta(minutes=1)


def test_spring_forward_keeps_the_wall_clock_hours() -> None:
    # Berlin moves from 02:00 to 03:00 on 29 March 2026; hours 02:30-03:30 lose their first half.
    hours = SharingHours(zone=ZoneInfo("Europe/Berlin"), start=time(2, 30), end=time(3, 30),
                         days=frozenset(range(7)))
    now = datetime(2026, 3, 28, 23, 0, tzinfo=UTC)  # 00:00 local on the day of the change
    placement = plan_auto_queue(now=now, opens=now, closes=now + timedelta(days=2), hours=hours,
                                own=[], same_post=[], stagger_limit=5)
    assert placement.at == datetime(2026, 3, 29, 1, 0, tzinfo=UTC)  # 03:00 CEST, the first minute there is
    assert placement.at.astimezone(hours.zone).strftime("%H:%M %Z") == "03:00 CEST"


def test_fall_back_keeps_the_wall_clock_hours() -> None:
    # New York falls back on 1 November 2026: 09:00 local is 14:00 UTC after it, 13:00 UTC before.
    hours = SharingHours(zone=ZoneInfo("America/New_York"), start=time(9), end=time(10),
                         days=frozenset(range(7)))
    before = datetime(2026, 10, 31, 14, 0, tzinfo=UTC)  # 10:00 EDT, just past the hours
    placement = plan_auto_queue(now=before, opens=before, closes=before + timedelta(days=3), hours=hours,
                                own=[], same_post=[], stagger_limit=5)
    assert placement.at == datetime(2026, 11, 1, 14, 0, tzinfo=UTC)
    assert placement.at.astimezone(hours.zone).strftime("%H:%M %Z") == "09:00 EST"


def test_no_slot_says_the_window_closed() -> None:
    now = datetime(2026, 11, 2, 9, tzinfo=UTC)
    placement = plan_auto_queue(now=now, opens=now - timedelta(days=3), closes=now - timedelta(hours=1),
                                hours=SharingHours(zone=ZoneInfo("UTC")), own=[], same_post=[],
                                stagger_limit=5)
    assert placement.at is None and "window closed" in placement.reason


def test_no_slot_says_the_daily_cap_is_reached() -> None:
    now = datetime(2026, 11, 2, 9, tzinfo=UTC)  # a Monday
    hours = SharingHours(zone=ZoneInfo("UTC"), daily_cap=2)
    own = [now + timedelta(hours=1), now + timedelta(hours=2)]
    placement = plan_auto_queue(now=now, opens=now, closes=now + timedelta(hours=12), hours=hours,
                                own=own, same_post=[], stagger_limit=5)
    assert placement.at is None and "daily cap of 2 is reached" in placement.reason
    tomorrow = plan_auto_queue(now=now, opens=now, closes=now + timedelta(days=2), hours=hours,
                               own=own, same_post=[], stagger_limit=5)
    assert tomorrow.at == datetime(2026, 11, 3, 8, 0, tzinfo=UTC)


def test_no_slot_says_colleagues_fill_the_hours() -> None:
    now = datetime(2026, 11, 2, 17, 30, tzinfo=UTC)  # half an hour of sharing hours left
    hours = SharingHours(zone=ZoneInfo("UTC"))
    busy = [now + timedelta(minutes=m) for m in range(0, 30)]
    placement = plan_auto_queue(now=now, opens=now, closes=now + timedelta(hours=1), hours=hours,
                                own=[], same_post=busy, stagger_limit=3)
    assert placement.at is None and "colleagues already fill" in placement.reason


def test_no_slot_says_the_hours_miss_the_window() -> None:
    now = datetime(2026, 11, 7, 9, tzinfo=UTC)  # a Saturday; the campaign ends on Sunday
    placement = plan_auto_queue(now=now, opens=now, closes=now + timedelta(days=1),
                                hours=SharingHours(zone=ZoneInfo("UTC")), own=[], same_post=[],
                                stagger_limit=5)
    assert placement.at is None and "none of your sharing hours" in placement.reason
    assert "Monday, Tuesday, Wednesday, Thursday, Friday" in placement.reason
