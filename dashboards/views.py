"""Reads the campaign dashboard, an ambassador's own figures and leaderboard, and the weekly summary."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta

from tortoise.expressions import Q, Subquery
from tortoise.functions import Sum

from advocacy.clock import Clock
from advocacy.links.models import LinkClickDay
from advocacy.programme import targeting
from advocacy.settings import Settings
from advocacy.shares.models import Share, ShareEvent, ShareStatus
from advocacy.shares.readback import campaign_readback
from advocacy.users.models import User
from campaigns.models import Campaign
from connectors.sandbox import SandboxParameters
from dashboards.forecast import forecast_table
from dashboards.leadership import percent_or_none
from dashboards.measures import ratio, sum_reported, weakest_provenance
from dashboards.models import DailyRollup, LeaderboardChoice, TrackedPost
from dashboards.points import CURRENT_RULE, tallies
from dashboards.schedule import schedule_heat_map
from dashboards.summary import Summary, build_summary
from dashboards.tables import Table

RECORDS = "measured"  # our own records of who shared what
READBACK_LABELS = {"intact": "as approved", "flagged": "changed", "deleted": "deleted",
                   "unavailable": "not readable", "not yet": "not checked yet"}


async def campaign_tables(
    campaign: Campaign, zone_name: str = "UTC", sandbox: SandboxParameters | None = None
) -> dict[str, Table]:
    """The campaign dashboard's tables; the schedule heat map reads in the time zone `zone_name`, and
    a forecast without history uses the `sandbox` model's parameters."""
    shares = Share.filter(post__pack__campaign_id=campaign.id)
    # Today's membership: the funnel is a snapshot of the campaign's audience now.
    targeted = await targeting.selected_by(campaign).count()
    opted_in = await targeting.audience_of(campaign).count()
    # Distinct people and the per-post sums below come from the database: a campaign can have a
    # hundred thousand shares, and only their people and posts are needed here.
    shared = len(await shares.distinct().values_list("user_id", flat=True))
    published = len(await shares.filter(status=ShareStatus.PUBLISHED).distinct().values_list(
        "user_id", flat=True))
    clicked = len(await LinkClickDay.filter(
        clicks__gt=0, link__share__post__pack__campaign_id=campaign.id
    ).distinct().values_list("link__share__user_id", flat=True))
    tables = {
        "funnel": Table(
            "Delivery funnel (ambassadors)", ("stage", "ambassadors"),
            [("targeted", targeted), ("opted in", opted_in), ("shared", shared), ("published", published),
             ("clicked", clicked)], RECORDS,
            subtitle="targeted = ambassadors in the campaign's segments (all when it has none), "
                     "invited or opted in; clicked = at least one person followed their short link"),
    }
    reasons: dict[str, int] = defaultdict(int)
    for reason, status in await ShareEvent.filter(
        share__post__pack__campaign_id=campaign.id,
        to_status__in=[ShareStatus.FAILED.value, ShareStatus.UNCONFIRMED.value],
    ).values_list("reason", "to_status"):
        reasons[f"{status}: {(reason or 'no reason given')[:60]}"] += 1
    tables["failures"] = Table("Failed and unconfirmed shares by reason", ("reason", "shares"),
                               sorted(reasons.items(), key=lambda item: -item[1]), RECORDS,
                               empty="No share of this campaign has failed or been left unconfirmed.")
    tables["schedule"] = await schedule_heat_map(campaign.id, zone_name)
    checked = await campaign_readback(campaign.id)
    tables["readback"] = Table(
        "Post-publication check of published shares", ("state", "shares"),
        [(READBACK_LABELS[state], checked.counts[state]) for state in READBACK_LABELS], "measured",
        subtitle=f"{checked.flagged_count} flagged (changed or deleted on the platform); "
                 "details on the campaign's studio page")

    per_post: dict[str, dict[str, list[int | None]]] = defaultdict(lambda: {"ours": [], "brand": []})
    engaged: dict[str, dict[str, list[int | None]]] = defaultdict(lambda: {"ours": [], "brand": []})
    provenances: set[str] = set()
    # Per post, side and provenance: the impressions, and the engagements of the posts that report
    # impressions too (the engagement rate pairs them post by post). NULL sums stay not reported.
    tracked = await TrackedPost.filter(campaign_id=campaign.id).annotate(
        impressions=Sum("latest_impressions"),
        engagements=Sum("latest_engagements", _filter=Q(latest_impressions__not_isnull=True)),
    ).group_by("share__post__title", "brand_post__post__title", "latest_provenance").values_list(
        "share__post__title", "brand_post__post__title", "latest_provenance", "impressions", "engagements")
    for share_title, brand_title, prov, imp, eng in tracked:
        side, title = ("ours", share_title) if share_title is not None else ("brand", brand_title)
        per_post[title][side].append(imp)
        engaged[title][side].append(eng)
        if prov:
            provenances.add(prov)
    rows = []
    for title in sorted(per_post):
        ours_imp, brand_imp = sum_reported(per_post[title]["ours"]), sum_reported(per_post[title]["brand"])
        ours_eng, brand_eng = sum_reported(engaged[title]["ours"]), sum_reported(engaged[title]["brand"])
        rows.append((title, ours_imp, brand_imp, percent_or_none(ratio(ours_eng, ours_imp)),
                     percent_or_none(ratio(brand_eng, brand_imp))))
    tables["per-post"] = Table(
        "Each post: ambassadors vs the brand post",
        ("post", "ambassador impressions", "brand impressions", "ambassador ER (%)", "brand ER (%)"),
        rows, weakest_provenance(provenances))
    mine = await TrackedPost.filter(campaign_id=campaign.id, share_id__not_isnull=True).annotate(
        reach=Sum("latest_reach"), clicks=Sum("latest_clicks")).values("reach", "clicks")
    tables["forecast"] = await forecast_table(campaign, mine[0]["reach"], mine[0]["clicks"], sandbox)
    return tables


@dataclass(frozen=True)
class MyFigures:
    shares_published: int
    impressions: int | None
    reach: int | None
    engagements: int | None
    platform_clicks: int | None
    link_clicks: int
    provenance: str
    daily: Table


async def my_figures(user: User) -> MyFigures:
    rows = await TrackedPost.filter(share__user_id=user.id).values_list(
        "latest_impressions", "latest_reach", "latest_engagements", "latest_clicks", "latest_provenance")
    link_clicks = sum(d.clicks for d in await LinkClickDay.filter(link__share__user_id=user.id))
    # The person's own posts pick their rollups by the (post, day) index: the rollups have no index
    # by person, and scanning them all for one page would cost a second at ten million snapshots.
    mine = Subquery(TrackedPost.filter(share__user_id=user.id).values("id"))
    days = DailyRollup.filter(tracked_id__in=mine, impressions__not_isnull=True).annotate(
        total=Sum("impressions")).group_by("day")
    per_day = {day.isoformat(): total for day, total in await days.values_list("day", "total")}
    provenance = weakest_provenance(r[4] for r in rows if r[4])
    return MyFigures(
        shares_published=await Share.filter(user_id=user.id, status=ShareStatus.PUBLISHED).count(),
        impressions=sum_reported(r[0] for r in rows), reach=sum_reported(r[1] for r in rows),
        engagements=sum_reported(r[2] for r in rows), platform_clicks=sum_reported(r[3] for r in rows),
        link_clicks=link_clicks, provenance=provenance,
        daily=Table("My impressions per day", ("day", "impressions"), sorted(per_day.items()), provenance),
    )


@dataclass(frozen=True)
class Standing:
    name: str
    impressions: int
    link_clicks: int
    is_me: bool = False
    points: int = 0


async def leaderboard(mode: str, me: User, limit: int = 10) -> list[Standing]:
    """Top ambassadors (or departments) by points (the current points rule), with their impressions;
    people who chose to hide are left out. Everything is read from rollups and our own records."""
    if mode == "off":
        return []
    hidden = set(await LeaderboardChoice.filter(hidden=True).values_list("user_id", flat=True))
    impressions: dict[int, int] = defaultdict(int)
    for user_id, value in await DailyRollup.filter(is_brand=False, user_id__not_isnull=True).annotate(
            total=Sum("impressions")).group_by("user_id").values_list("user_id", "total"):
        impressions[user_id] = value or 0
    done = await tallies()
    points = {user_id: CURRENT_RULE.apply(tally) for user_id, tally in done.items()}
    # Only people in the programme: whoever opted out (or was de-identified) leaves the boards at once,
    # while their figures stay in every total.
    people = {u.id: u for u in await User.filter(id__in=sorted(set(impressions) | set(done)),
                                                 opted_in_at__isnull=False)}
    if mode == "team":
        teams: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
        for user_id, person in people.items():
            team = teams[person.department or "(none)"]
            team[0] += impressions[user_id]
            team[1] += done[user_id].clicks if user_id in done else 0
            team[2] += points.get(user_id, 0)
        ranked = sorted(teams.items(), key=lambda item: (-item[1][2], -item[1][0], item[0]))[:limit]
        return [Standing(name, i, c, is_me=name == (me.department or "(none)"), points=p)
                for name, (i, c, p) in ranked]
    visible = [p for uid, p in people.items() if uid not in hidden]
    ranked_people = sorted(visible, key=lambda p: (-points.get(p.id, 0), -impressions[p.id], p.name))[:limit]
    return [Standing(p.name, impressions[p.id], done[p.id].clicks if p.id in done else 0,
                     is_me=p.id == me.id, points=points.get(p.id, 0)) for p in ranked_people]


async def set_hidden(clock: Clock, user: User, hidden: bool) -> None:
    await LeaderboardChoice.update_or_create(user_id=user.id,
                                             defaults={"hidden": hidden, "changed_at": clock.now()})


async def is_hidden(user: User) -> bool:
    return await LeaderboardChoice.exists(user_id=user.id, hidden=True)


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

