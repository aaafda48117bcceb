"""The headline summary: EMV and ROI by the stated formula version, costs, and first-party clicks."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from advocacy.clock import SimulatedClock
from advocacy.errors import InvalidInput
from advocacy.links.models import ShortLink
from advocacy.links.service import ClickBuffer, LinkMaker
from advocacy.settings import Settings
from advocacy.shares.service import create_share
from advocacy.users.service import issue_api_token
from dashboards.models import EmvFormula, MetricSnapshot, ProgrammeCost
from dashboards.reporting.emv import DEFAULT_RATES, MAX_RATE, NetworkRates
from dashboards.reporting.summary import build_summary
from dashboards.reporting.valuation import set_formula
from tests import factories
from tests.dashboards.reporting.test_report import World


async def bearer(clock: SimulatedClock, role: str) -> dict[str, str]:
    user = await factories.create_user(clock, role)
    return {"Authorization": f"Bearer {await issue_api_token(clock, user)}"}


def by_key(body: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {f["key"]: f for f in body["figures"]}


async def hand_computed_emv() -> float:
    """EMV recomputed from the raw snapshots with the default rates, as a person would by hand."""
    latest: dict[int, MetricSnapshot] = {}
    for snap in await MetricSnapshot.filter(share_id__not_isnull=True).order_by("captured_at", "id"):
        latest[snap.share_id] = snap  # type: ignore[attr-defined]
    value = 0.0
    for snap in latest.values():
        r = DEFAULT_RATES[snap.network]
        engagements = (snap.reactions or 0) + (snap.comments or 0) + (snap.reshares or 0)
        value += r.cpm * (snap.impressions or 0) / 1000 + r.cpc * (snap.clicks or 0)
        value += r.per_engagement * engagements
    return value


async def test_summary_states_each_figure_with_unit_kind_and_formula_version(
    database: Settings, clock: SimulatedClock, client: httpx.AsyncClient
) -> None:
    world = World(database, clock)
    campaign, post = await world.launch()
    await world.share(post, "linkedin")
    await world.share(post, "x")
    await world.collect_for(10)
    leader = await bearer(clock, "leader")

    response = await client.get(f"/api/v1/dashboards/summary?campaign_id={campaign.id}", headers=leader)
    assert response.status_code == 200, response.text
    body = response.json()
    figures = by_key(body)
    assert body["formula"]["version"] == 1 and body["currency"] == "USD"
    emv = figures["emv"]
    assert (emv["unit"], emv["kind"], emv["formula_version"]) == ("USD", "simulated", 1)
    assert emv["value"] == pytest.approx(await hand_computed_emv(), abs=0.01)
    assert "× impressions/1000" in emv["note"]
    assert figures["impressions"]["kind"] == "simulated" and figures["impressions"]["unit"] == "count"
    assert figures["roi"]["value"] is None, "no cost entered: no ROI rather than an infinite one"
    assert figures["programme_cost"]["note"] == "no cost entered"

    cost = await client.post("/api/v1/dashboards/costs", headers=leader, json={
        "amount": "250.00", "currency": "USD", "period_start": "2026-11-01",
        "period_end": "2026-11-30", "campaign_id": campaign.id,
    })
    assert cost.status_code == 201, cost.text
    figures = by_key((await client.get(
        f"/api/v1/dashboards/summary?campaign_id={campaign.id}", headers=leader)).json())
    assert figures["programme_cost"]["value"] == 250.0
    # The EMV figure is rounded to cents; ROI is computed from the unrounded value.
    assert figures["roi"]["value"] == pytest.approx((emv["value"] - 250) / 250, abs=1e-4)


async def test_new_rates_make_a_new_formula_version_and_the_summary_says_which(
    database: Settings, clock: SimulatedClock, client: httpx.AsyncClient
) -> None:
    leader = await bearer(clock, "leader")
    first = (await client.get("/api/v1/dashboards/emv-formula", headers=leader)).json()
    assert first["version"] == 1
    changed = await client.post("/api/v1/dashboards/emv-formula", headers=leader, json={
        "rates": {"linkedin": {"cpm": 12, "cpc": 3, "per_engagement": 0.2}}, "note": "agency rates 2027",
    })
    assert changed.status_code == 201, changed.text
    assert changed.json()["version"] == 2
    assert "v2 (USD) — LinkedIn: 12 × impressions/1000" in changed.json()["text"]
    summary = (await client.get("/api/v1/dashboards/summary", headers=leader)).json()
    assert summary["formula"]["version"] == 2 and by_key(summary)["emv"]["formula_version"] == 2
    assert await EmvFormula.all().order_by("version").values_list("version", flat=True) == [1, 2]


async def test_editors_cannot_change_the_formula(
    database: Settings, clock: SimulatedClock, client: httpx.AsyncClient
) -> None:
    editor = await bearer(clock, "editor")
    response = await client.post("/api/v1/dashboards/emv-formula", headers=editor,
                                 json={"rates": {"x": {"cpm": 1, "cpc": 1, "per_engagement": 1}}})
    assert response.status_code == 403
    assert await EmvFormula.all().count() == 0


@pytest.mark.parametrize(
    ("changes", "fragment"),
    [
        ({"currency": "EUR"}, "Costs are kept in USD"),
        ({"period_end": "2026-10-01"}, "must not end before it starts"),
        ({"campaign_id": 999}, "no campaign 999"),
    ],
)
async def test_an_invalid_cost_is_refused_and_nothing_is_stored(
    database: Settings, clock: SimulatedClock, client: httpx.AsyncClient, changes: dict[str, Any],
    fragment: str,
) -> None:
    leader = await bearer(clock, "leader")
    body = {"amount": "100", "currency": "USD", "period_start": "2026-11-01", "period_end": "2026-11-30"}
    response = await client.post("/api/v1/dashboards/costs", headers=leader, json=body | changes)
    assert response.status_code in (404, 422) and fragment in response.json()["error"]["message"]
    assert await ProgrammeCost.all().count() == 0


async def test_first_party_clicks_are_counted_and_valued_once(
    database: Settings, clock: SimulatedClock
) -> None:
    world = World(database, clock)
    campaign, post = await world.launch()
    ambassador, account = await factories.create_ambassador(clock, "x")
    share = await create_share(clock, ambassador, post_id=post.id, account_id=account.id,
                               text="Read this", links=LinkMaker.from_settings(database))
    await world.dispatcher.run_until_idle()
    link = await ShortLink.get(share_id=share.id)
    buffer = ClickBuffer()
    for visitor in range(40):
        buffer.record(link.id, clock.now().date(), f"{visitor:032d}", automated=False)
    buffer.record(link.id, clock.now().date(), "bot", automated=True)
    await buffer.flush()

    summary = await build_summary(clock, database, campaign.id)
    assert summary.first_party["x"].clicks == 40 and summary.first_party["x"].bot_clicks == 1
    link_clicks = summary.figure("link_clicks")
    assert (link_clicks.value, link_clicks.kind) == (40, "simulated")
    # Nothing else reported yet: the clicks alone carry the value, at the X cost per click.
    assert summary.emv == pytest.approx(40 * DEFAULT_RATES["x"].cpc)


@pytest.mark.parametrize(
    ("body", "fragment"),
    [
        ('{"rates": {"linkedin": {"cpm": 1e308, "cpc": 1, "per_engagement": 1}}}', "less than or equal"),
        ('{"rates": {"x": {"cpm": Infinity, "cpc": 1, "per_engagement": 1}}}', "finite number"),
        ('{"rates": {"x": {"cpm": 1, "cpc": NaN, "per_engagement": 1}}}', "finite number"),
        ('{"rates": {"x": {"cpm": 1, "cpc": 1, "per_engagement": 10000.01}}}', "less than or equal"),
        ('{"rates": {"x": {"cpm": -1, "cpc": 1, "per_engagement": 1}}}', "greater than or equal"),
    ],
)
async def test_rates_out_of_bounds_are_refused_save_nothing_and_the_summary_still_answers(
    database: Settings, clock: SimulatedClock, client: httpx.AsyncClient, body: str, fragment: str
) -> None:
    leader = await bearer(clock, "leader")
    assert (await client.get("/api/v1/dashboards/emv-formula", headers=leader)).status_code == 200
    response = await client.post("/api/v1/dashboards/emv-formula", content=body,
                                 headers=leader | {"Content-Type": "application/json"})
    assert response.status_code == 422 and fragment in response.text
    assert await EmvFormula.all().values_list("version", flat=True) == [1]
    for path in ("/api/v1/dashboards/summary", "/api/v1/dashboards/emv-formula"):
        assert (await client.get(path, headers=leader)).status_code == 200


async def test_the_service_refuses_rates_no_float_can_carry(
    database: Settings, clock: SimulatedClock
) -> None:
    for value in (float("inf"), float("nan"), 1e308, MAX_RATE * 2):
        with pytest.raises(InvalidInput, match="must be a number from 0 to 10,000"):
            await set_formula(clock, "USD", {"x": NetworkRates(cpm=1, cpc=value, per_engagement=1)})
    assert await EmvFormula.all().count() == 0


async def test_the_api_description_gives_every_rate_and_amount_its_bounds(client: httpx.AsyncClient) -> None:
    schemas = (await client.get("/api/openapi.json")).json()["components"]["schemas"]
    for rate in ("cpm", "cpc", "per_engagement"):
        assert (schemas["RatesIn"]["properties"][rate]["minimum"],
                schemas["RatesIn"]["properties"][rate]["maximum"]) == (0, MAX_RATE)
    assert schemas["CostIn"]["properties"]["amount"]["anyOf"][0]["exclusiveMaximum"] == 10**12
