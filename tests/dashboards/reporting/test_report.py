"""Measurement: collection on a decaying schedule, report totals and ratios, figures, pure measures."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from advocacy.accounts.networks import NetworkRegistry
from advocacy.clock import SimulatedClock
from advocacy.settings import Settings
from advocacy.shares.dispatch import ShareDispatcher
from advocacy.shares.models import Share
from advocacy.shares.service import create_share
from campaigns.brand import BrandPublisher
from campaigns.models import BrandPost, Campaign, Post
from dashboards.collection.collect import SNAPSHOT_OFFSETS, MetricsCollector
from dashboards.models import MetricSnapshot, TrackedPost
from dashboards.reporting.figures import campaign_figures
from dashboards.reporting.measures import ChannelTotals, PostFigures, ratio, total
from dashboards.reporting.report import CampaignReport, campaign_report
from dashboards.web.endpoints import day_bounds
from dashboards.web.schemas import ReportQuery
from tests import factories
from tests.conftest import START


class World:
    """A launched campaign on the brand channels, with a registry, dispatcher and collector."""

    def __init__(self, settings: Settings, clock: SimulatedClock) -> None:
        self.clock = clock
        self.networks = NetworkRegistry(settings, clock)
        self.dispatcher = ShareDispatcher(self.networks, clock)
        self.collector = MetricsCollector(self.networks, clock)

    async def launch(self) -> tuple[Campaign, Post]:
        await factories.create_brand_channels(self.clock)
        campaign, post = await factories.create_launched_campaign(self.clock, days=28)
        assert await BrandPublisher(self.networks, self.clock).publish_campaign(campaign.id) == 2
        return campaign, post

    async def share(self, post: Post, network: str = "linkedin", **user: str) -> Share:
        """An ambassador's share of `post`, published now."""
        ambassador, account = await factories.create_ambassador(self.clock, network, **user)
        share = await create_share(self.clock, ambassador, post_id=post.id, account_id=account.id,
                                   text=f"Proud to share this, {ambassador.name}")
        assert (await self.dispatcher.run_until_idle()).published_ids == [share.id]
        await share.refresh_from_db()
        return share

    async def collect_for(self, days: int) -> None:
        for _ in range(days * 4):
            self.clock.advance(timedelta(hours=6))
            await self.collector.run_once()


async def latest_snapshots(**where: object) -> dict[int, MetricSnapshot]:
    """The latest snapshot of each share (or brand post), read straight from the snapshot rows."""
    column = "share_id" if "share_id__isnull" in where else "brand_post_id"
    latest: dict[int, MetricSnapshot] = {}
    for snap in await MetricSnapshot.filter(**where).order_by("captured_at", "id"):
        latest[getattr(snap, column)] = snap
    return latest


def summed(snapshots: dict[int, MetricSnapshot]) -> tuple[int, int, int, int]:
    impressions = sum(s.impressions or 0 for s in snapshots.values())
    reach = sum(s.reach or 0 for s in snapshots.values())
    engagements = sum((s.reactions or 0) + (s.comments or 0) + (s.reshares or 0) for s in snapshots.values())
    clicks = sum(s.clicks or 0 for s in snapshots.values())
    return impressions, reach, engagements, clicks


def figures_of(totals: ChannelTotals) -> tuple[int | None, int | None, int | None, int | None]:
    return totals.impressions, totals.reach, totals.engagements, totals.clicks


async def test_collector_enrols_published_shares_and_brand_posts(
    database: Settings, clock: SimulatedClock
) -> None:
    world = World(database, clock)
    campaign, post = await world.launch()
    share = await world.share(post)
    await world.share(post, "x")
    queued_user, queued_account = await factories.create_ambassador(clock)
    await create_share(clock, queued_user, post_id=post.id, account_id=queued_account.id, text="Later",
                       scheduled_at=clock.now() + timedelta(days=1))

    report = await world.collector.run_once()
    assert (report.enrolled, report.snapshots) == (4, 0)
    tracked = await TrackedPost.filter(share_id=share.id).get()
    assert (tracked.campaign_id, tracked.external_id, tracked.next_collect_at) == (  # type: ignore[attr-defined]
        campaign.id, share.external_id, share.published_at + timedelta(hours=1)
    )
    assert await TrackedPost.filter(brand_post_id__isnull=False).count() == 2
    assert (await world.collector.run_once()).enrolled == 0, "each post is enrolled once"


async def test_collector_takes_snapshots_on_the_decaying_schedule_and_stops_after_the_last(
    database: Settings, clock: SimulatedClock
) -> None:
    world = World(database, clock)
    _, post = await world.launch()
    share = await world.share(post)
    published = clock.now()
    assert (await world.collector.run_once()).enrolled == 3

    for offset in SNAPSHOT_OFFSETS:
        clock.set(published + offset - timedelta(minutes=1))
        assert (await world.collector.run_once()).snapshots == 0, f"nothing due before {offset}"
        clock.set(published + offset)
        assert (await world.collector.run_once()).snapshots == 3, f"one per post at {offset}"

    captured = await MetricSnapshot.filter(share_id=share.id).order_by("captured_at").values_list(
        "captured_at", flat=True
    )
    assert captured == [published + offset for offset in SNAPSHOT_OFFSETS]
    assert await TrackedPost.filter(next_collect_at__isnull=False).count() == 0
    assert set(await TrackedPost.all().values_list("collections_done", flat=True)) == {len(SNAPSHOT_OFFSETS)}
    clock.advance(timedelta(days=60))
    assert (await world.collector.run_once()).snapshots == 0
    assert await MetricSnapshot.all().count() == 3 * len(SNAPSHOT_OFFSETS)


async def test_late_collector_takes_one_snapshot_not_a_burst_of_catch_up_ones(
    database: Settings, clock: SimulatedClock
) -> None:
    world = World(database, clock)
    _, post = await world.launch()
    share = await world.share(post)
    published = clock.now()
    await world.collector.run_once()

    clock.set(published + timedelta(days=10))  # the worker was down for ten days
    assert (await world.collector.run_once()).snapshots == 3
    assert (await world.collector.run_once()).snapshots == 0
    tracked = await TrackedPost.get(share_id=share.id)
    assert tracked.next_collect_at == published + timedelta(days=14)
    clock.set(published + timedelta(days=14))
    assert (await world.collector.run_once()).snapshots == 3


async def test_snapshots_never_decrease_and_keep_the_latest_on_the_tracked_post(
    database: Settings, clock: SimulatedClock
) -> None:
    world = World(database, clock)
    _, post = await world.launch()
    share = await world.share(post, "x")
    await world.collect_for(days=8)
    impressions = await MetricSnapshot.filter(share_id=share.id).order_by("captured_at").values_list(
        "impressions", flat=True
    )
    # Woken every 6 h: snapshots at 6 h (the 1 h slot, which also covers 6 h), 24 h, 3 d and 7 d.
    assert len(impressions) == 4 and impressions == sorted(impressions) and impressions[-1] > 0
    tracked = await TrackedPost.get(share_id=share.id)
    latest = (await latest_snapshots(share_id__isnull=False))[share.id]
    assert tracked.latest_impressions == latest.impressions
    engagements = (latest.reactions or 0) + (latest.comments or 0) + (latest.reshares or 0)
    assert tracked.latest_engagements == engagements
    assert tracked.latest_provenance == "simulated"


async def test_report_totals_equal_the_latest_snapshot_of_each_post(
    database: Settings, clock: SimulatedClock
) -> None:
    world = World(database, clock)
    campaign, post = await world.launch()
    shares = [
        await world.share(post, "linkedin", department="Nursing"),
        await world.share(post, "x", department="Nursing"),
        await world.share(post, "linkedin", department="Pharmacy"),
    ]
    clock.advance(timedelta(hours=20))
    shares.append(await world.share(post, "x", department="Pharmacy"))
    await world.collect_for(days=5)

    report = await campaign_report(campaign.id)
    advocacy = await latest_snapshots(share_id__isnull=False)
    brand = await latest_snapshots(brand_post_id__isnull=False)
    assert set(advocacy) == {s.id for s in shares} and len(brand) == 2
    assert figures_of(report.advocacy) == summed(advocacy)
    assert figures_of(report.brand) == summed(brand)
    assert (report.advocacy.posts, report.brand.posts) == (4, 2)
    assert (report.shares_published, report.ambassadors_sharing) == (4, 4)
    assert report.advocacy.provenance == report.brand.provenance == "simulated"

    network_of = {s.id: s.network for s in shares}
    for network in ("linkedin", "x"):
        mine = {k: v for k, v in advocacy.items() if network_of[k] == network}
        brand_posts = set(await BrandPost.filter(network=network).values_list("id", flat=True))
        theirs = {k: v for k, v in brand.items() if k in brand_posts}
        assert figures_of(report.by_network[network][0]) == summed(mine)
        assert figures_of(report.by_network[network][1]) == summed(theirs)
    assert set(report.by_department) == {"Nursing", "Pharmacy"}
    assert sum(t.impressions or 0 for t in report.by_department.values()) == report.advocacy.impressions
    # New impressions per day add up to the cumulative totals.
    assert sum(a for _, a, _ in report.daily) == report.advocacy.impressions
    assert sum(b for _, _, b in report.daily) == report.brand.impressions


async def test_report_ratios_compare_ambassadors_with_the_brand_channels(
    database: Settings, clock: SimulatedClock
) -> None:
    world = World(database, clock)
    campaign, post = await world.launch()
    for network in ("linkedin", "x", "linkedin"):
        await world.share(post, network)
    await world.collect_for(days=3)
    report = await campaign_report(campaign.id)
    a, b = report.advocacy, report.brand
    assert a.impressions and b.impressions and a.engagements and b.engagements and a.clicks and b.clicks
    assert a.engagement_rate == pytest.approx(a.engagements / a.impressions)
    assert a.click_through_rate == pytest.approx(a.clicks / a.impressions)
    assert report.engagement_rate_ratio == pytest.approx(
        (a.engagements / a.impressions) / (b.engagements / b.impressions)
    )
    assert report.amplification == pytest.approx(a.impressions / b.impressions)
    assert report.click_through_ratio == pytest.approx(
        (a.clicks / a.impressions) / (b.clicks / b.impressions)
    )
    # The sandbox's people engage more than its brand pages (its documented parameter ranges).
    assert report.engagement_rate_ratio is not None and report.engagement_rate_ratio > 1


async def test_report_filters_posts_by_publication_day(database: Settings, clock: SimulatedClock) -> None:
    world = World(database, clock)
    campaign, post = await world.launch()
    first_day = [await world.share(post), await world.share(post, "x")]
    clock.advance(timedelta(days=2))
    third_day = [await world.share(post)]
    await world.collect_for(days=2)

    third = START.date() + timedelta(days=2)
    start, end = day_bounds(ReportQuery(start=third, end=third))
    report = await campaign_report(campaign.id, start, end)
    # The brand published two days before; its posts of the same content are still the baseline.
    assert (report.shares_published, report.advocacy.posts, report.brand.posts) == (1, 1, 2)
    latest = await latest_snapshots(share_id__isnull=False)
    assert report.advocacy.impressions == latest[third_day[0].id].impressions
    brand = await latest_snapshots(brand_post_id__isnull=False)
    assert report.brand.impressions == sum(s.impressions or 0 for s in brand.values())
    ours = latest[third_day[0].id].impressions
    assert report.amplification == pytest.approx(ours / report.brand.impressions)  # type: ignore[operator]
    assert report.engagement_rate_ratio is not None

    first = START.date()
    report = await campaign_report(campaign.id, *day_bounds(ReportQuery(start=first, end=first)))
    assert (report.shares_published, report.advocacy.posts, report.brand.posts) == (2, 2, 2)
    assert report.advocacy.impressions == sum(latest[s.id].impressions or 0 for s in first_day)

    report = await campaign_report(campaign.id, *day_bounds(ReportQuery(start=first)))
    assert report.shares_published == 3
    report = await campaign_report(campaign.id, *day_bounds(ReportQuery(end=first + timedelta(days=1))))
    assert report.shares_published == 2


async def test_a_window_with_the_brand_day_but_no_share_of_its_content_has_no_baseline(
    database: Settings, clock: SimulatedClock
) -> None:
    world = World(database, clock)
    campaign, _ = await world.launch()  # the brand publishes today; nobody shares
    await world.collect_for(days=1)
    today = START.date()
    report = await campaign_report(campaign.id, *day_bounds(ReportQuery(start=today, end=today)))
    assert (report.advocacy.posts, report.brand.posts, report.amplification) == (0, 0, None)
    assert (await campaign_report(campaign.id)).brand.posts == 2, "without dates: the campaign's brand posts"


async def test_report_of_one_campaign_leaves_out_the_others(
    database: Settings, clock: SimulatedClock
) -> None:
    world = World(database, clock)
    campaign, post = await world.launch()
    _, other_post = await factories.create_launched_campaign(clock)
    await world.share(post)
    await world.share(other_post)
    await world.collect_for(days=1)
    assert (await campaign_report(campaign.id)).shares_published == 1
    assert (await campaign_report(None)).shares_published == 2


def test_day_bounds_cover_whole_days_in_utc() -> None:
    start, end = day_bounds(ReportQuery(start=date(2026, 11, 2), end=date(2026, 11, 3)))
    assert start is not None and end is not None
    assert (start.isoformat(), end.isoformat()) == ("2026-11-02T00:00:00+00:00", "2026-11-04T00:00:00+00:00")
    assert day_bounds(ReportQuery()) == (None, None)


def test_report_query_refuses_an_end_before_the_start() -> None:
    with pytest.raises(ValueError, match="end must not be before start"):
        ReportQuery(start=date(2026, 11, 3), end=date(2026, 11, 2))


async def test_figures_are_built_for_a_report(database: Settings, clock: SimulatedClock) -> None:
    world = World(database, clock)
    campaign, post = await world.launch()
    await world.share(post, "linkedin", department="Nursing")
    await world.share(post, "x", department="Radiology")
    await world.collect_for(days=3)
    report = await campaign_report(campaign.id)

    figures = campaign_figures(report)
    assert set(figures) == {"daily-impressions", "engagement-rate", "departments"}
    for key, figure in figures.items():
        assert figure.data, key
        values = [y for trace in figure.data for y in (trace.y or ()) if y is not None]
        assert values and any(v > 0 for v in values), key
        assert "(simulated)" in figure.layout.title.text, key
    departments = figures["departments"].data[0]
    assert list(departments.x) == ["Nursing", "Radiology"]
    assert sum(departments.y) == report.advocacy.impressions
    daily = figures["daily-impressions"].data
    assert [trace.name for trace in daily] == ["Ambassadors", "Brand channels"]
    assert sum(daily[0].y) == report.advocacy.impressions


async def test_empty_report_has_no_rates_and_still_draws(database: Settings, clock: SimulatedClock) -> None:
    report = await campaign_report(None)
    assert (report.shares_published, report.advocacy.posts, report.brand.posts) == (0, 0, 0)
    assert report.advocacy.engagement_rate is None
    assert report.engagement_rate_ratio is None and report.amplification is None
    assert report.advocacy.provenance == "none"
    assert set(campaign_figures(report)) == {"daily-impressions", "engagement-rate", "departments"}


# Pure measures ------------------------------------------------------------------------------


def figures(impressions: int | None = 100, engagements: int | None = 5, clicks: int | None = 2,
            provenance: str | None = "measured") -> PostFigures:
    reach = None if impressions is None else impressions // 2
    return PostFigures(impressions, reach, engagements, clicks, provenance)


def test_totals_add_up_the_posts() -> None:
    totals = total([figures(100, 5, 2), figures(300, 15, 4)])
    assert (totals.posts, totals.impressions, totals.reach, totals.engagements, totals.clicks) == (
        2, 400, 200, 20, 6
    )
    assert totals.engagement_rate == pytest.approx(0.05)
    assert totals.click_through_rate == pytest.approx(0.015)


def test_zero_impressions_give_no_rates() -> None:
    totals = total([figures(0, 3, 1)])
    assert totals.impressions == 0
    assert totals.engagement_rate is None and totals.click_through_rate is None


def test_no_posts_give_no_rates_and_no_label() -> None:
    totals = total([])
    assert (totals.posts, totals.impressions) == (0, None), "nothing reported is not zero"
    assert totals.engagement_rate is None and totals.provenance == "none"


def test_ratio_is_unknown_when_either_side_is_unknown_or_the_base_is_zero() -> None:
    assert ratio(3.0, 1.5) == 2.0
    assert ratio(0.0, 2.0) == 0.0
    assert ratio(None, 2.0) is None
    assert ratio(2.0, None) is None
    assert ratio(2.0, 0) is None


def test_unreported_values_are_not_added_as_zero_figures() -> None:
    unknown = figures(None, None, None, provenance=None)
    totals = total([figures(100, 5, 2), unknown])
    assert (totals.posts, totals.impressions, totals.engagements, totals.clicks) == (2, 100, 5, 2)
    assert totals.provenances == frozenset({"measured"}), "a post without figures adds no label"
    assert totals.provenance == "measured"
    only_unknown = total([unknown])
    assert only_unknown.provenance == "none" and only_unknown.engagement_rate is None


@pytest.mark.parametrize(
    ("labels", "expected"),
    [
        (["measured"], "measured"),
        (["measured", "estimated"], "estimated"),
        (["measured", "simulated", "estimated"], "simulated"),
        (["simulated"], "simulated"),
    ],
)
def test_totals_carry_the_weakest_provenance(labels: list[str], expected: str) -> None:
    assert total([figures(provenance=label) for label in labels]).provenance == expected


def test_report_ratios_are_none_without_a_brand_baseline() -> None:
    advocacy = total([figures(100, 5, 2)])
    report = CampaignReport(
        campaign_id=None, start=None, end=None, shares_published=1, ambassadors_sharing=1,
        advocacy=advocacy, brand=total([figures(0, 0, 0)]), by_network={}, by_department={}, daily=[],
    )
    assert report.amplification is None
    assert report.engagement_rate_ratio is None
    assert report.click_through_ratio is None


def test_a_chart_without_rows_says_why_instead_of_drawing_bare_axes() -> None:
    from dashboards.reporting.figures import bars
    from dashboards.reporting.tables import Table

    nothing = Table("Failures", ("reason", "shares"), [], "measured", empty="No share has failed.")
    empty = bars(nothing, "shares")
    assert [a.text for a in empty.layout.annotations] == ["No share has failed."]
    assert empty.layout.xaxis.visible is False and empty.layout.yaxis.visible is False
    full = bars(Table("Failures", ("reason", "shares"), [("failed: token", 2)], "measured"), "shares")
    assert not full.layout.annotations and full.layout.xaxis.visible is not False


async def test_a_chart_of_only_zeros_and_gaps_says_so_instead_of_drawing_axes(
    database: Settings, clock: SimulatedClock
) -> None:
    from dashboards.reporting.campaign import campaign_tables
    from dashboards.reporting.figures import figures_of

    campaign, _ = await factories.create_launched_campaign(clock)  # nobody in it, nothing published
    tables = await campaign_tables(campaign)
    figures = figures_of(tables)
    assert all(value in (0, None) for _, value in tables["readback"].rows) and tables["readback"].rows
    for key in ("funnel", "readback", "failures", "schedule"):
        layout = figures[key].layout
        assert [a.text for a in layout.annotations] == [tables[key].empty], key
        assert layout.xaxis.visible is False and layout.yaxis.visible is False, key
    assert "nothing to check" in tables["readback"].empty
