"""Reads an ambassador's own figures and points, and the leaderboard of ambassadors or teams."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from tortoise.expressions import Subquery
from tortoise.functions import Sum

from advocacy.clock import Clock
from advocacy.links.models import LinkClickDay
from advocacy.shares.schemas import ShareResult
from advocacy.users.models import User
from dashboards.models import DailyRollup, LeaderboardChoice, TrackedPost
from dashboards.reporting.measures import ChannelTotals
from dashboards.reporting.points import CURRENT_RULE, Tally, tallies
from dashboards.reporting.report import totals_of
from dashboards.reporting.tables import Table


@dataclass(frozen=True)
class MyFigures:
    """One ambassador's own figures: their posts' latest figures summed, and their points tally
    (shares published and clicks on their short links, our own records)."""

    totals: ChannelTotals
    tally: Tally
    daily: Table

    @property
    def shares_published(self) -> int:
        return self.tally.shares

    @property
    def link_clicks(self) -> int:
        return self.tally.clicks

    @property
    def impressions(self) -> int | None:
        return self.totals.impressions

    @property
    def reach(self) -> int | None:
        return self.totals.reach

    @property
    def engagements(self) -> int | None:
        return self.totals.engagements

    @property
    def platform_clicks(self) -> int | None:
        return self.totals.clicks

    @property
    def provenance(self) -> str:
        return self.totals.provenance


async def my_figures(user: User) -> MyFigures:
    totals = await totals_of(TrackedPost.filter(share__user_id=user.id))
    # The person's own posts pick their rollups by the (post, day) index: the rollups have no index
    # by person, and scanning them all for one page would cost a second at ten million snapshots.
    mine = Subquery(TrackedPost.filter(share__user_id=user.id).values("id"))
    days = DailyRollup.filter(tracked_id__in=mine, impressions__not_isnull=True).annotate(
        total=Sum("impressions")).group_by("day")
    per_day = {day.isoformat(): total for day, total in await days.values_list("day", "total")}
    return MyFigures(
        totals=totals, tally=(await tallies([user.id])).get(user.id, Tally()),
        daily=Table("My impressions per day", ("day", "impressions"), sorted(per_day.items()),
                    totals.provenance),
    )


async def share_results(share_ids: list[int]) -> dict[int, ShareResult]:
    """Each published share's latest figures and the clicks on its short link, by share id."""
    if not share_ids:
        return {}
    clicks = dict(await LinkClickDay.filter(link__share_id__in=share_ids, clicks__gt=0).annotate(
        n=Sum("clicks")).group_by("link__share_id").values_list("link__share_id", "n"))
    rows = await TrackedPost.filter(share_id__in=share_ids).values_list(
        "share_id", "latest_impressions", "latest_engagements", "latest_provenance")
    return {share_id: ShareResult(impressions, engagements, provenance or "none", clicks.get(share_id, 0))
            for share_id, impressions, engagements, provenance in rows}


@dataclass(frozen=True)
class Standing:
    name: str
    impressions: int
    link_clicks: int
    is_me: bool = False
    points: int = 0


@dataclass(frozen=True)
class Board:
    """The top of the leaderboard, and where the person (or their team) stands on the whole of it:
    `rank` of `total`, None when they are not on it (hidden, or out of the programme)."""

    top: list[Standing]
    rank: int | None = None
    total: int = 0


async def leaderboard(mode: str, me: User, limit: int = 10) -> list[Standing]:
    """Top ambassadors (or departments) by points (the current points rule), with their impressions;
    people who chose to hide are left out. Everything is read from rollups and our own records."""
    return (await board(mode, me, limit)).top


async def board(mode: str, me: User, limit: int = 10) -> Board:
    """The leaderboard's top `limit` and the person's own place on all of it (see `leaderboard`)."""
    if mode == "off":
        return Board([])
    ranked = await _ranked(mode, me)
    rank = next((i for i, standing in enumerate(ranked, start=1) if standing.is_me), None)
    return Board(ranked[:limit], rank, len(ranked))


async def _ranked(mode: str, me: User) -> list[Standing]:
    hidden = set(await LeaderboardChoice.filter(hidden=True).values_list("user_id", flat=True))
    impressions: dict[int, int] = defaultdict(int)
    for user_id, value in await DailyRollup.filter(is_brand=False, user_id__not_isnull=True).annotate(
            total=Sum("impressions")).group_by("user_id").values_list("user_id", "total"):
        impressions[user_id] = value or 0
    done = await tallies()
    points = {user_id: CURRENT_RULE.apply(tally) for user_id, tally in done.items()}
    # Only people in the programme: whoever opted out (or was de-identified) leaves the boards at once,
    # while their figures stay in every total. The person asking stands on it even before a first share.
    people = {u.id: u for u in await User.filter(id__in=sorted(set(impressions) | set(done) | {me.id}),
                                                 opted_in_at__isnull=False)}
    if mode == "team":
        teams: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
        for user_id, person in people.items():
            team = teams[person.department or "(none)"]
            team[0] += impressions[user_id]
            team[1] += done[user_id].clicks if user_id in done else 0
            team[2] += points.get(user_id, 0)
        ranked = sorted(teams.items(), key=lambda item: (-item[1][2], -item[1][0], item[0]))
        return [Standing(name, i, c, is_me=me.id in people and name == (me.department or "(none)"), points=p)
                for name, (i, c, p) in ranked]
    visible = [p for uid, p in people.items() if uid not in hidden]
    ranked_people = sorted(visible, key=lambda p: (-points.get(p.id, 0), -impressions[p.id], p.name))
    return [Standing(p.name, impressions[p.id], done[p.id].clicks if p.id in done else 0,
                     is_me=p.id == me.id, points=points.get(p.id, 0)) for p in ranked_people]


async def set_hidden(clock: Clock, user: User, hidden: bool) -> None:
    await LeaderboardChoice.update_or_create(user_id=user.id,
                                             defaults={"hidden": hidden, "changed_at": clock.now()})


async def is_hidden(user: User) -> bool:
    return await LeaderboardChoice.exists(user_id=user.id, hidden=True)
