"""The campaign dashboard, an ambassador's own results and leaderboard, and the weekly summary."""

from __future__ import annotations

import csv
import html
import io
from collections import defaultdict
from datetime import timedelta

import httpx

from advocacy.clock import SimulatedClock
from advocacy.links.models import LinkClickDay, ShortLink
from advocacy.links.service import ClickBuffer, LinkMaker
from advocacy.programme import segments
from advocacy.settings import Settings
from advocacy.shares.models import Share, ShareEvent, ShareStatus
from advocacy.shares.service import create_share
from advocacy.users.models import User
from campaigns.models import Campaign
from dashboards.models import MetricSnapshot, TrackedPost
from dashboards.reporting.ambassador import leaderboard, my_figures, set_hidden
from dashboards.reporting.campaign import campaign_tables
from tests import factories
from tests.dashboards.reporting.test_report import World
from tests.shares.test_feed import shared_by_colleagues
from tests.test_pages import csrf_of, element, sign_in


async def campaign_with_shares(settings: Settings, clock: SimulatedClock) -> tuple[World, int, list[User]]:
    world = World(settings, clock)
    campaign, post = await world.launch()
    people = []
    for department in ("Nursing", "Nursing", "Pharmacy"):
        ambassador, account = await factories.create_ambassador(clock, "linkedin", department=department)
        await create_share(clock, ambassador, post_id=post.id, account_id=account.id, text="Read this",
                           links=LinkMaker.from_settings(settings))
        people.append(ambassador)
    await factories.create_ambassador(clock, "x")  # invited and opted in, never shares
    await world.dispatcher.run_until_idle()
    await world.collect_for(3)
    first_link = await ShortLink.get(share__user_id=people[0].id)
    buffer = ClickBuffer()
    buffer.record(first_link.id, clock.now().date(), "v" * 32, automated=False)
    await buffer.flush()
    return world, campaign.id, people


async def test_funnel_counts_each_stage_from_our_records(database: Settings, clock: SimulatedClock) -> None:
    _, campaign_id, _ = await campaign_with_shares(database, clock)
    tables = await campaign_tables(await Campaign.get(id=campaign_id))
    assert dict(tables["funnel"].rows) == {"targeted": 4, "opted in": 4, "shared": 3, "published": 3,
                                           "clicked": 1}
    assert tables["funnel"].provenance == "measured"


async def test_funnel_starts_from_the_campaigns_segments(database: Settings, clock: SimulatedClock) -> None:
    _, campaign_id, people = await campaign_with_shares(database, clock)
    campaign = await Campaign.get(id=campaign_id)
    admin = await factories.create_user(clock, "admin")
    await factories.create_user(clock, "ambassador", department="Nursing", opted_in=False)  # invited
    nurses = await segments.save_segment(clock, admin, name="Nurses", match="all",
                                         conditions=[("department", "Nursing")])
    await segments.set_campaign_segments(clock, admin, campaign.id, [nurses.id])
    # Nurses: the two who shared, the one who never shares, and the invited one who has not joined
    # (targeted, not opted in). The pharmacist is outside the segment.
    funnel = dict((await campaign_tables(campaign))["funnel"].rows)
    assert (funnel["targeted"], funnel["opted in"]) == (4, 3)


async def test_failures_are_grouped_by_reason(database: Settings, clock: SimulatedClock) -> None:
    _, campaign_id, people = await campaign_with_shares(database, clock)
    share = await Share.get(user_id=people[2].id)
    for _ in range(2):
        await ShareEvent.create(share=share, at=clock.now(), from_status=ShareStatus.PUBLISHING,
                                to_status=ShareStatus.FAILED, reason="token expired")
    tables = await campaign_tables(await Campaign.get(id=campaign_id))
    assert tables["failures"].rows == [("failed: token expired", 2)]


async def test_each_post_is_compared_with_its_brand_post(
    database: Settings, clock: SimulatedClock, client: httpx.AsyncClient
) -> None:
    _, campaign_id, _ = await campaign_with_shares(database, clock)
    ours = sum(t.latest_impressions or 0 for t in await TrackedPost.filter(share_id__not_isnull=True))
    brand = sum(t.latest_impressions or 0 for t in await TrackedPost.filter(brand_post_id__not_isnull=True))
    await sign_in(client, await factories.create_user(clock, "leader"))
    page = await client.get(f"/dashboard/campaigns/{campaign_id}")
    assert page.status_code == 200
    for key in ("funnel", "failures", "per-post"):
        assert f'id="figure-{key}"' in page.text
    rows = list(csv.reader(io.StringIO(
        (await client.get(f"/dashboard/campaigns/{campaign_id}/per-post.csv")).text)))
    assert rows[0][:3] == ["post", "ambassador impressions", "brand impressions"]
    assert (int(rows[1][1]), int(rows[1][2])) == (ours, brand)


async def test_ambassador_sees_own_results_and_can_hide_from_the_leaderboard(
    database: Settings, clock: SimulatedClock, client: httpx.AsyncClient
) -> None:
    _, _, people = await campaign_with_shares(database, clock)
    me = people[0]
    mine = sum(t.latest_impressions or 0 for t in await TrackedPost.filter(share__user_id=me.id))
    await sign_in(client, me)
    page = await client.get("/me/results")
    assert page.status_code == 200
    assert f"{mine:,}" in element(page.text, "kpi-my-impressions")
    assert "1" in element(page.text, "kpi-my-clicks")
    board = element(page.text, "leaderboard")
    assert me.name in board and 'class="me"' in board

    form = {"csrf_token": csrf_of(page.text), "hidden": "1"}
    hide = await client.post("/me/results/leaderboard", data=form)
    assert hide.status_code == 303
    after = await client.get("/me/results")
    assert me.name not in element(after.text, "leaderboard")
    assert "You are hidden from the leaderboard" in after.text
    assert f"{mine:,}" in element(after.text, "kpi-my-impressions"), "hiding changes no figure"


async def test_my_shares_show_the_text_link_history_and_labelled_results_of_each_share(
    database: Settings, clock: SimulatedClock, client: httpx.AsyncClient
) -> None:
    _, _, people = await campaign_with_shares(database, clock)
    me = people[0]
    share = await Share.get(user_id=me.id)
    tracked = await TrackedPost.get(share_id=share.id)
    await sign_in(client, me)
    card = element((await client.get("/me/shares")).text, f"share-{share.id}")
    assert html.escape(share.text) in card and "Read this" in card
    assert f'href="{share.external_url}"' in card and "See your post on LinkedIn" in card
    assert "History (4 changes)" in card  # queued, publishing, published, read back
    assert "queued → publishing" in card and "publishing → published" in card
    results = element(card, "results-" + str(share.id))
    assert f"Impressions</dt><dd>{tracked.latest_impressions:,}" in results
    assert f"Engagements</dt><dd>{tracked.latest_engagements:,}" in results
    assert "Clicks on your link</dt><dd>1 " in results
    assert results.count('class="tag simulated">simulated<') == 3  # the sandbox: every figure simulated


async def test_my_results_show_my_own_rank_outside_the_top_ten_until_i_hide(
    database: Settings, clock: SimulatedClock, client: httpx.AsyncClient
) -> None:
    _, post = await factories.create_launched_campaign(clock)
    await shared_by_colleagues(clock, post, published=11, scheduled=0)
    me, _ = await factories.create_ambassador(clock, name="Zoe Newcomer")
    await sign_in(client, me)
    page = await client.get("/me/results")
    board = element(page.text, "leaderboard")
    assert "Zoe Newcomer" not in board and board.count("<tr>") == 11  # the header and the top ten
    assert "You: #12 of 12" in element(page.text, "my-rank")
    await set_hidden(clock, me, True)
    after = (await client.get("/me/results")).text
    assert 'id="my-rank"' not in after and "You are hidden from the leaderboard" in after


async def test_my_impressions_per_day_are_what_my_own_posts_gained_each_day(
    database: Settings, clock: SimulatedClock
) -> None:
    _, _, people = await campaign_with_shares(database, clock)
    me = people[0]
    figures = await my_figures(me)
    gained: dict[str, int] = defaultdict(int)
    for share in await Share.filter(user_id=me.id):
        last = 0
        for snap in await MetricSnapshot.filter(share_id=share.id).order_by("captured_at", "id"):
            if snap.impressions is not None:
                gained[snap.captured_at.date().isoformat()] += snap.impressions - last
                last = snap.impressions
    assert figures.daily.rows == sorted(gained.items()) and len(gained) >= 3
    assert sum(v for _, v in figures.daily.rows) == figures.impressions, "the days add up to my total"


async def test_leaderboard_by_team_or_off(database: Settings, clock: SimulatedClock) -> None:
    _, _, people = await campaign_with_shares(database, clock)
    await set_hidden(clock, people[1], True)
    teams = await leaderboard("team", people[0])
    assert {t.name for t in teams} == {"Nursing", "Pharmacy"}
    individual_total = sum(s.impressions for s in await leaderboard("individual", people[2]))
    assert sum(t.impressions for t in teams) > individual_total, "a hidden person still counts for the team"
    assert await leaderboard("off", people[0]) == []


async def test_weekly_summary_compares_with_the_week_before(
    database: Settings, clock: SimulatedClock, client: httpx.AsyncClient
) -> None:
    await campaign_with_shares(database, clock)
    clock.advance(timedelta(days=2))
    await sign_in(client, await factories.create_user(clock, "leader"))
    page = await client.get("/dashboard/weekly")
    assert page.status_code == 200
    row = element(page.text, "week-shares_published")
    assert ('<td data-label="This week">3</td><td data-label="Week before">0</td>'
            '<td data-label="Change">+3</td>') in row
    assert "email" in page.text and "EMV formula v1" in page.text
    assert await LinkClickDay.all().count() == 1
