"""The leadership dashboard: every chart has its table, CSV export, filters, EMV and ROI shown."""

from __future__ import annotations

import csv
import html as html_module
import io
import json
import re
from datetime import timedelta
from decimal import Decimal

import httpx

from advocacy.clock import SimulatedClock
from advocacy.settings import Settings
from advocacy.users.service import issue_api_token
from dashboards.models import DailyRollup, TrackedPost
from dashboards.reporting.figures import figures_of
from dashboards.reporting.formats import times
from dashboards.reporting.leadership import leadership
from dashboards.reporting.summary import build_summary, valued_inputs
from dashboards.reporting.tables import Table, to_csv
from dashboards.reporting.valuation import add_cost
from dashboards.reporting.weekly import weekly
from tests import factories
from tests.dashboards.reporting.test_report import World
from tests.test_pages import element, sign_in

CHARTS = ("daily-impressions", "engagement-rate", "departments", "regions", "emv", "participation")


async def measured_world(settings: Settings, clock: SimulatedClock) -> int:
    world = World(settings, clock)
    campaign, post = await world.launch()
    await world.share(post, "linkedin", department="Nursing", region="North")
    await world.share(post, "x", department="Pharmacy", region="South")
    await world.collect_for(7)
    return campaign.id


async def test_every_chart_is_drawn_with_its_provenance_and_a_csv_link(
    database: Settings, clock: SimulatedClock, client: httpx.AsyncClient
) -> None:
    campaign_id = await measured_world(database, clock)
    await sign_in(client, await factories.create_user(clock, "leader"))
    html = (await client.get("/dashboard", params={"campaign_id": campaign_id})).text
    for key in CHARTS:
        spec = json.loads(re.search(rf'id="fig-{key}">(.*?)</script>', html, re.S).group(1))  # type: ignore[union-attr]
        title = spec["layout"]["title"]["text"]
        assert re.search(r"\((measured|estimated|simulated)\)", title), (key, title)
        assert f'href="/dashboard/{key}.csv?campaign_id={campaign_id}"' in html
    assert f'href="/dashboard/top-posts.csv?campaign_id={campaign_id}"' in html
    assert "EMV formula v1 (USD)" in element(html, "emv-formula")
    assert "USD" in element(html, "kpi-emv") and "simulated" in element(html, "kpi-emv")
    assert "needs a programme cost" in element(html, "kpi-roi")


async def test_csv_export_is_the_table_behind_the_chart(
    database: Settings, clock: SimulatedClock, client: httpx.AsyncClient
) -> None:
    campaign_id = await measured_world(database, clock)
    await sign_in(client, await factories.create_user(clock, "leader"))
    response = await client.get("/dashboard/departments.csv", params={"campaign_id": campaign_id})
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.text)))
    assert rows[0] == ["department", "impressions", "engagements"]
    rolled = {d: 0 for d in ("Nursing", "Pharmacy")}
    for row in await DailyRollup.filter(is_brand=False):
        rolled[row.department] += row.impressions or 0
    assert {r[0]: int(r[1]) for r in rows[1:]} == rolled
    unknown = await client.get("/dashboard/nothing.csv")
    assert unknown.status_code == 404


async def test_department_and_network_filters_narrow_the_ambassador_side(
    database: Settings, clock: SimulatedClock
) -> None:
    campaign_id = await measured_world(database, clock)
    everyone = await leadership(clock, database, campaign_id, None, None)
    nursing = await leadership(clock, database, campaign_id, None, None, department="Nursing")
    on_x = await leadership(clock, database, campaign_id, None, None, network="x")
    assert everyone.summary.report.shares_published == 2
    assert nursing.summary.report.shares_published == 1 and on_x.summary.report.shares_published == 1
    assert [r[0] for r in nursing.tables["departments"].rows] == ["Nursing"]
    assert [r[0] for r in on_x.tables["regions"].rows] == ["South"]
    assert nursing.summary.report.brand.posts == 2, "brand posts belong to no department: still compared"
    assert on_x.summary.report.brand.posts == 1
    assert nursing.summary.figure("roi").value is None


def test_csv_neutralises_spreadsheet_formulas() -> None:
    table = Table("t", ("post", "impressions"), [("=HYPERLINK(\"x\")", 3), ("fine", None)], "measured")
    assert to_csv(table) == "post,impressions\n\"'=HYPERLINK(\"\"x\"\")\",3\nfine,\n"


def test_a_figure_is_made_for_every_table() -> None:
    tables = {key: Table(key, ("a", "b", "c", "d", "e"), [("x", 1, 2, 3, 4)], "simulated") for key in CHARTS}
    figures = figures_of(tables)
    assert set(figures) == set(CHARTS)
    assert all("(simulated)" in fig.layout.title.text for fig in figures.values())


async def test_a_day_outside_the_calendar_a_report_can_cover_is_a_clear_422_everywhere(
    database: Settings, clock: SimulatedClock, client: httpx.AsyncClient
) -> None:
    # 9999-12-31 is a valid date whose next day is not: the period's end is the day after.
    leader = await factories.create_user(clock, "leader")
    headers = {"Authorization": f"Bearer {await issue_api_token(clock, leader)}"}
    for path in ("/api/v1/dashboards/summary", "/api/v1/reports/campaign"):
        for params in ({"end": "9999-12-31"}, {"start": "0001-01-01"}):
            answer = await client.get(path, params=params, headers=headers)
            assert answer.status_code == 422, (path, params, answer.text)
            assert "2100-12-31" in answer.text or "2000-01-01" in answer.text
    await sign_in(client, leader)
    page = await client.get("/dashboard", params={"end": "9999-12-31"})
    assert page.status_code == 422 and "2100-12-31" in page.text
    table = await client.get("/dashboard/departments.csv", params={"end": "9999-12-31"})
    assert table.status_code == 422


def text_of(markup: str) -> str:
    """The words of some markup, tags dropped and spaces collapsed."""
    return " ".join(html_module.unescape(re.sub(r"<[^>]+>", " ", markup)).split())


async def test_the_dashboard_and_the_weekly_page_give_amplification_in_one_unit(
    database: Settings, clock: SimulatedClock, client: httpx.AsyncClient
) -> None:
    await measured_world(database, clock)  # published seven days ago: inside the weekly window
    await sign_in(client, await factories.create_user(clock, "leader"))
    week = await weekly(clock, database)
    start = week.start.date().isoformat()
    end = (week.end - timedelta(days=1)).date().isoformat()
    tiles = (await client.get("/dashboard", params={"start": start, "end": end})).text
    on_dashboard = text_of(element(tiles, "kpi-amplification"))
    weekly_row = text_of(element((await client.get("/dashboard/weekly")).text, "week-amplification"))
    amplification = week.this_week.report.amplification
    assert amplification is not None
    assert times(amplification) in on_dashboard
    assert f"Amplification multiplier {times(amplification)}" in weekly_row, weekly_row
    assert "%" not in weekly_row
    ratio_row = text_of(element((await client.get("/dashboard/weekly")).text, "week-engagement_rate_ratio"))
    assert "%" not in ratio_row and "x" in ratio_row


async def test_one_click_total_with_its_definition_and_cost_is_entered_not_measured(
    database: Settings, clock: SimulatedClock, client: httpx.AsyncClient
) -> None:
    campaign_id = await measured_world(database, clock)
    leader = await factories.create_user(clock, "leader")
    await add_cost(clock, amount=Decimal("100"), currency="USD", expected_currency="USD",
                   period_start=(clock.now() - timedelta(days=30)).date(), period_end=clock.now().date(),
                   campaign_id=campaign_id, actor=leader)
    await sign_in(client, leader)
    html = (await client.get("/dashboard", params={"campaign_id": campaign_id})).text
    summary = await build_summary(clock, database, campaign_id)
    valued = sum(v.clicks or 0 for v in valued_inputs(summary.report, summary.first_party).values())
    clicks = text_of(element(html, "kpi-clicks"))
    assert clicks.startswith(f"Clicks {valued:,}") and "larger of the platform's count" in clicks, clicks
    assert summary.figure("clicks").value == valued
    # One total: no second click tile beside it.
    tiles = re.findall(r'id="kpi-([\w-]+)"', html)
    assert [t for t in tiles if "click" in t] == ["clicks"], tiles

    cost = text_of(element(html, "kpi-cost"))
    assert "100.00 USD" in cost and "entered" in cost and "measured" not in cost
    assert summary.figure("programme_cost").kind == "entered"
    roi = text_of(element(html, "kpi-roi"))
    assert summary.cost == 100
    assert (f"Each 1 USD spent returned {summary.emv / 100:,.2f} USD of earned media value"
            in roi), roi


async def test_top_posts_list_each_post_once_in_a_table_of_the_page(
    database: Settings, clock: SimulatedClock, client: httpx.AsyncClient
) -> None:
    world = World(database, clock)
    campaign, post = await world.launch()
    for network in ("linkedin", "x", "linkedin"):
        await world.share(post, network)
    await world.collect_for(3)
    await sign_in(client, await factories.create_user(clock, "leader"))
    html = (await client.get("/dashboard", params={"campaign_id": campaign.id})).text
    section = element(html, "table-top-posts")
    assert 'id="fig-top-posts"' not in html, "a table of its own, not a chart that clips its rows"
    assert section.count(post.title) == 1, section
    rows = re.findall(r"<tr>(.*?)</tr>", element(section, "table-top-posts") , re.S)
    cells = [text_of(c) for c in re.findall(r"<td[^>]*>(.*?)</td>", rows[-1], re.S)]
    impressions = sum(p.latest_impressions or 0 for p in await TrackedPost.filter(share_id__not_isnull=True))
    assert cells[:3] == [post.title, "3", f"{impressions:,}"], cells
    data = (await client.get("/dashboard/top-posts.csv", params={"campaign_id": campaign.id})).text
    assert list(csv.reader(io.StringIO(data)))[1][:3] == [post.title, "3", str(impressions)]
