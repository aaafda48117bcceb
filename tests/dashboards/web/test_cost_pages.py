"""The programme costs page: editors and leaders enter costs, bad input gets inline errors."""

from __future__ import annotations

from decimal import Decimal

import httpx

from advocacy.audit.models import AuditEntry
from advocacy.clock import SimulatedClock
from advocacy.settings import Settings
from dashboards.models import ProgrammeCost
from dashboards.reporting.summary import build_summary
from tests import factories
from tests.test_pages import csrf_of, element, sign_in


async def open_form(client: httpx.AsyncClient) -> str:
    page = await client.get("/dashboard/costs")
    assert page.status_code == 200
    return csrf_of(page.text)


async def test_editor_records_a_campaign_cost_and_it_feeds_roi(
    database: Settings, clock: SimulatedClock, client: httpx.AsyncClient
) -> None:
    campaign, _ = await factories.create_launched_campaign(clock)
    editor = await factories.create_user(clock, "editor")
    await sign_in(client, editor)
    token = await open_form(client)
    saved = await client.post("/dashboard/costs", data={
        "csrf_token": token, "campaign_id": str(campaign.id), "period_start": "2026-11-01",
        "period_end": "2026-11-30", "amount": "1250.50", "note": "training"})
    assert saved.status_code == 303
    cost = await ProgrammeCost.get(campaign_id=campaign.id)
    assert cost.amount == Decimal("1250.50") and cost.note == "training"
    listed = await client.get("/dashboard/costs")
    assert "1,250.50 USD" in element(listed.text, "cost-list") and campaign.name in listed.text
    assert await AuditEntry.filter(action="programme-cost.create", actor_id=editor.id).exists()
    summary = await build_summary(clock, database, campaign.id, None, None)
    assert summary.figure("programme_cost").value == 1250.50


async def test_bad_input_gets_inline_errors_keeps_the_form_and_stores_nothing(
    database: Settings, clock: SimulatedClock, client: httpx.AsyncClient
) -> None:
    await sign_in(client, await factories.create_user(clock, "leader"))
    token = await open_form(client)
    november = {"period_start": "2026-11-01", "period_end": "2026-11-30"}
    cases = [
        ({"amount": "-5", **november}, "amount", "above zero"),
        ({"amount": "12.345", **november}, "amount", "two decimals"),
        ({"amount": "lots", **november}, "amount", "number"),
        ({"amount": "10", **november, "period_start": ""}, "period_start", "Enter the first day"),
        ({"amount": "10", **november, "period_start": "2026-13-01"}, "period_start", "date"),
        ({"amount": "10", "period_start": "2026-11-30", "period_end": "2026-11-01"}, "period_end", "end"),
        ({"amount": "10", **november, "campaign_id": "999"}, "campaign_id", "no campaign 999"),
        ({"amount": "10", **november, "campaign_id": "x1"}, "campaign_id", "Choose a campaign"),
    ]
    for fields, where, words in cases:
        response = await client.post("/dashboard/costs", data={"csrf_token": token, **fields})
        assert response.status_code == 422, fields
        assert words in element(response.text, f"error-{where}"), (fields, response.text[:200])
        assert f'value="{fields["amount"]}"' in response.text, "what was typed stays in the form"
    assert await ProgrammeCost.all().count() == 0


async def test_ambassadors_and_reviewers_cannot_enter_costs(
    database: Settings, clock: SimulatedClock, client: httpx.AsyncClient
) -> None:
    for role in ("ambassador", "reviewer"):
        await sign_in(client, await factories.create_user(clock, role))
        assert (await client.get("/dashboard/costs")).status_code == 403
