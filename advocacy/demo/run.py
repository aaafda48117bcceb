"""Runs the demo: seed, compose, approve, launch, pick, dispatch and measure on a simulated clock."""

from __future__ import annotations

import asyncio
import random
from dataclasses import dataclass, field
from datetime import UTC, datetime, time, timedelta
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

from tortoise import Tortoise

from advocacy import db
from advocacy.accounts.models import SocialAccount
from advocacy.accounts.networks import NetworkRegistry
from advocacy.clock import SimulatedClock, SystemClock
from advocacy.demo.content import POSTS
from advocacy.demo.programme import seed_programme
from advocacy.demo.seed import DEMO_PASSWORD, DOMAIN, seed_organisation
from advocacy.errors import DomainError, InvalidInput
from advocacy.links.models import ShortLink
from advocacy.links.service import ClickBuffer, DailySalts, LinkMaker, LinkResolver, follow
from advocacy.scheduler import build_dispatcher
from advocacy.settings import Settings
from advocacy.shares.models import Share, ShareStatus
from advocacy.shares.service import create_share
from advocacy.users.models import User
from campaigns import service as campaigns
from campaigns.brand import BrandPublisher
from campaigns.models import Post
from dashboards.collection.collect import MetricsCollector
from dashboards.reporting.export import write_dashboard_html
from dashboards.reporting.formats import number, percent, return_on_spend, times
from dashboards.reporting.report import CampaignReport, campaign_report
from dashboards.reporting.summary import Summary, build_summary
from dashboards.reporting.valuation import add_cost

TICK = timedelta(minutes=30)
# What the demo programme cost per simulated day: a share of the licence and of the comms team's time.
DAILY_COST = Decimal("120.00")
BROWSER_AGENT = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0"
PREVIEW_AGENTS = ("LinkedInBot/1.0 (compatible; Mozilla/5.0)", "Twitterbot/1.0")
SHARING_HOURS = (8, 19)  # local time at which ambassadors' scheduled shares go out


@dataclass(frozen=True)
class DemoOptions:
    ambassadors: int = 200
    days: int = 14
    out_dir: Path = Path("advocacy-demo")
    seed: int = 7
    # When the simulated campaign starts; by default `days` before now, so that the served demo
    # shows a campaign that is still running.
    start: datetime | None = None


@dataclass
class DemoResult:
    campaign_id: int
    campaign_name: str
    report: CampaignReport
    summary: Summary
    status_counts: dict[str, int]
    invited: int
    opted_in: int
    dashboard: Path
    start: datetime
    end: datetime
    refused_picks: list[str] = field(default_factory=list)


def _local_time_on(day: datetime, timezone: str, hour: int, minute: int) -> datetime:
    local = datetime.combine(day.astimezone(ZoneInfo(timezone)).date(), time(hour, minute),
                             ZoneInfo(timezone))
    return local.astimezone(UTC)


async def simulate(settings: Settings, options: DemoOptions, clock: SimulatedClock) -> DemoResult:
    """The whole demo on an open, empty database, driving `clock` through the campaign."""
    rng = random.Random(options.seed)
    start = clock.now()
    org = await seed_organisation(clock, ambassadors=options.ambassadors, seed=options.seed)
    await seed_programme(clock, org.admin, org.ambassadors)
    networks = NetworkRegistry(settings, clock)
    links = LinkMaker.from_settings(settings)

    # Compose, review, launch: the editor writes, a different person approves.
    campaign = await campaigns.create_campaign(
        clock, org.editor, name="Caring Close to Home",
        description="Autumn stories from our hospitals and clinics.",
        starts_at=start, ends_at=start + timedelta(days=options.days + 7),
        pack_title="Autumn stories",
    )
    pack = await campaign.packs.all().first()
    assert pack is not None
    for item in POSTS:
        await campaigns.add_post(clock, org.editor, pack.id, title=str(item["title"]),
                                 url=str(item["url"]), messages=item["messages"])  # type: ignore[arg-type]
    await campaigns.submit_pack(clock, org.editor, pack.id)
    await campaigns.review_pack(clock, org.reviewer, pack.id, approve=True,
                                note="Disclosure present, no patient information.")
    await campaigns.launch_campaign(clock, org.editor, campaign.id)
    await BrandPublisher(networks, clock).publish_campaign(campaign.id)

    posts = await Post.filter(pack=pack).prefetch_related("variants").order_by("id")
    accounts: dict[int, list[SocialAccount]] = {}
    for account in await SocialAccount.filter(user_id__not_isnull=True):
        accounts.setdefault(account.user_id, []).append(account)  # type: ignore[attr-defined]
    # Each ambassador comes to the feed on some day of the campaign, most of them early on.
    visit_day = {a.id: min(int(rng.expovariate(1 / 3)), options.days - 1) for a in org.ambassadors}

    dispatcher = build_dispatcher(settings, clock, networks)
    collector = MetricsCollector(networks, clock)
    resolver, clicks, salts = LinkResolver(), ClickBuffer(settings.link_clicks_per_visitor_day), DailySalts()
    followed: dict[str, int] = {}  # short link -> people sent through it so far
    refused: list[str] = []
    end = start + timedelta(days=options.days)
    day_started = -1
    while clock.now() < end:
        day = (clock.now() - start).days
        if day != day_started:
            day_started = day
            visitors = [a for a in org.ambassadors if visit_day[a.id] == day]
            refused += await _pick_posts(clock, rng, visitors, posts, accounts, links)
            if day > 0:
                await _click_links(clock, rng, resolver, clicks, salts, networks, followed)
        await dispatcher.run_until_idle()
        await collector.run_once()
        clock.advance(TICK)
    await dispatcher.run_until_idle()
    await _click_links(clock, rng, resolver, clicks, salts, networks, followed)
    await collector.run_once()
    await add_cost(clock, amount=DAILY_COST * options.days, currency=settings.currency,
                   expected_currency=settings.currency, period_start=start.date(),
                   period_end=(end - timedelta(days=1)).date(), campaign_id=campaign.id,
                   note="demo: licence share and comms team time")

    report = await campaign_report(campaign.id)
    summary = await build_summary(clock, settings, campaign.id)
    counts = {status.value: await Share.filter(status=status).count() for status in ShareStatus}
    dashboard = write_dashboard_html(
        report, summary, options.out_dir / "dashboard.html",
        f"{settings.organization_name}: {campaign.name} ({options.days} simulated days)",
    )
    return DemoResult(
        campaign_id=campaign.id, campaign_name=campaign.name, report=report, summary=summary,
        status_counts=counts,
        invited=org.invited, opted_in=len(org.ambassadors), dashboard=dashboard, start=start,
        end=end, refused_picks=refused,
    )


async def _click_links(
    clock: SimulatedClock, rng: random.Random, resolver: LinkResolver, clicks: ClickBuffer,
    salts: DailySalts, networks: NetworkRegistry, followed: dict[str, int],
) -> None:
    """Simulated people (and link-preview fetchers) following the published short links.

    As many people follow a link as the simulated platform reports clicks for its post, so the
    first-party count and the platform's agree the way they would for a real post. Each goes
    through the redirect's own counting function, so the demo counts what production would.
    """
    day = clock.now().date()
    published = await ShortLink.filter(share__status=ShareStatus.PUBLISHED).values_list(
        "slug", "share__external_id")
    for slug, external_id in published:
        metrics = networks.sandbox.metrics(external_id) if external_id else None
        reported = (metrics.clicks or 0) if metrics else 0
        agents = [rng.choice(PREVIEW_AGENTS)] if slug not in followed else []
        agents += [BROWSER_AGENT] * max(0, reported - followed.get(slug, 0))
        followed[slug] = max(reported, followed.get(slug, 0))
        for agent in agents:
            # The documentation range (no real person), wide enough that people rarely share one.
            address = f"2001:db8:{rng.getrandbits(16):x}:{rng.getrandbits(16):x}::1"  # one /64 each
            await follow(resolver, clicks, salts=salts, slug=slug, day=day,
                         address=address, user_agent=agent)
    await clicks.flush()


async def _pick_posts(
    clock: SimulatedClock,
    rng: random.Random,
    visitors: list[User],
    posts: list[Post],
    accounts: dict[int, list[SocialAccount]],
    links: LinkMaker,
) -> list[str]:
    """Each visitor picks one to three posts, a suggested message, and a time in their own day."""
    refused: list[str] = []
    for person in visitors:
        for post in rng.sample(posts, k=rng.randint(1, min(3, len(posts)))):
            for account in accounts.get(person.id, []):
                variants = [v for v in post.variants if v.network == account.network.value]
                if not variants:
                    continue
                when = _local_time_on(clock.now(), person.timezone,
                                      rng.randint(*SHARING_HOURS), rng.choice((0, 15, 30, 45)))
                # That hour has passed in their zone today: the same hour tomorrow, as a person
                # would pick, unless the campaign ends first (then soon after now).
                choices = [when] if when >= clock.now() else [
                    when + timedelta(days=1), clock.now() + timedelta(minutes=rng.randint(5, 90))]
                variant_id = rng.choice(variants).id
                for at in choices:
                    try:
                        await create_share(clock, person, post_id=post.id, account_id=account.id,
                                           variant_id=variant_id, scheduled_at=at, links=links)
                        break
                    except InvalidInput as error:
                        problem = error.message  # a time after the campaign's end: the next choice
                    except DomainError as error:
                        problem = error.message
                        refused.append(f"{person.email}: {problem}")
                        break
                else:
                    refused.append(f"{person.email}: {problem}")
    return refused


def print_summary(result: DemoResult, settings: Settings) -> None:
    r = result.report
    a, b = r.advocacy, r.brand
    summary = result.summary
    clicks = summary.figure("clicks")
    print()
    print(f"{settings.organization_name} · {result.campaign_name} · "
          f"{result.start:%Y-%m-%d} → {result.end:%Y-%m-%d}")
    print(f"Every figure below is {a.provenance} (the sandbox network stands in for LinkedIn and X).")
    print(f"Ambassadors invited {result.invited}, opted in {result.opted_in}, "
          f"sharing {r.ambassadors_sharing}")
    counts = ", ".join(f"{k} {v}" for k, v in result.status_counts.items() if v)
    print(f"Shares published {r.shares_published:,} ({counts})")
    print(f"{'':22}{'Ambassadors':>14}{'Brand channels':>17}")
    for label, x, y in (
        ("posts", a.posts, b.posts), ("reach", a.reach, b.reach),
        ("impressions", a.impressions, b.impressions),
        ("engagements", a.engagements, b.engagements),
        ("clicks", None if clicks.value is None else int(clicks.value), b.clicks),
    ):
        print(f"  {label:20}{number(x):>14}{number(y):>17}")
    print(f"  {'engagement rate':20}{percent(a.engagement_rate):>14}{percent(b.engagement_rate):>17}")
    print(f"  {'click-through rate':20}{percent(a.click_through_rate):>14}"
          f"{percent(b.click_through_rate):>17}")
    print(f"Clicks: {clicks.note}; the platforms' own count gives the click-through rates.")
    print(f"Engagement rate vs brand baseline: {times(r.engagement_rate_ratio)}; "
          f"impressions vs brand: {times(r.amplification)}; "
          f"click-through vs brand: {times(r.click_through_ratio)}")
    emv, cost = summary.figure("emv"), summary.figure("programme_cost")
    print(f"Earned media value {emv.value:,.2f} {emv.unit} ({emv.kind}), by {summary.formula.describe()}")
    if cost.value is not None:
        print(f"Programme cost {cost.value:,.2f} {cost.unit} ({cost.kind}). "
              f"{return_on_spend(summary.emv, summary.cost, summary.currency)}")
    print(f"Dashboard: {result.dashboard.resolve()}")


async def _run(settings: Settings, options: DemoOptions) -> DemoResult:
    await db.migrate(settings)
    await db.close_db()
    await db.init_db(settings)
    try:
        from advocacy.users.models import User as UserModel

        if await UserModel.exists():
            raise SystemExit("The demo needs an empty database; this one already has people in it.")
        start = options.start or (SystemClock().now() - timedelta(days=options.days)).replace(
            minute=0, second=0, microsecond=0)
        return await simulate(settings, options, SimulatedClock(start))
    finally:
        await Tortoise.close_connections()


def run_demo_command(settings: Settings, options: DemoOptions, database_url: str | None) -> Settings:
    """`advocacy demo`: a fresh database unless one is named, the simulation, the printed summary."""
    options.out_dir.mkdir(parents=True, exist_ok=True)
    if database_url is None:
        database_file = options.out_dir / "demo.sqlite3"
        for leftover in options.out_dir.glob("demo.sqlite3*"):
            leftover.unlink()
        database_url = f"sqlite://{database_file}"
    # No mail server or webhooks in the demo: notifications stay in-app and in the outbox.
    demo_settings = settings.model_copy(update={"database_url": database_url, "notify_send": False})
    print(f"Seeding {options.ambassadors} ambassadors and simulating {options.days} days "
          f"on the sandbox network...")
    result = asyncio.run(_run(demo_settings, options))
    print_summary(result, demo_settings)
    print(f"Sign in as editor@{DOMAIN}, reviewer@{DOMAIN}, leader@{DOMAIN}, admin@{DOMAIN} or "
          f"ambassador1@{DOMAIN} with the password '{DEMO_PASSWORD}'.")
    return demo_settings
