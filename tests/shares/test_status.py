"""The operator status page and GET /api/v1/status: each network's parking with its reason, next
probe and end, token health counts and shares waiting by state, for admins only."""

from __future__ import annotations

import httpx

from advocacy.clock import SimulatedClock
from advocacy.settings import Settings
from advocacy.shares.dispatch import ShareDispatcher
from tests import factories
from tests.fakes.linkedin_server import FakeLinkedIn
from tests.fakes.x_server import FakeX
from tests.shares.test_live_dispatch import connected_ambassador, share_everything
from tests.shares.test_parking import registry
from tests.test_api import token_for
from tests.test_pages import sign_in


async def test_admins_see_each_networks_parking_token_health_and_waiting_shares(
    database: Settings, clock: SimulatedClock, client: httpx.AsyncClient,
    fake_x: tuple[FakeX, str], fake_linkedin: tuple[FakeLinkedIn, str],
) -> None:
    retired = registry(database, clock, fake_x, fake_linkedin, linkedin_version="202501")
    try:
        _, posts = await factories.create_launched_campaign_with_posts(clock, 2)
        account = await connected_ambassador(clock, retired, "linkedin", fake_linkedin[0])
        await share_everything(clock, account, posts)
        await ShareDispatcher(retired, clock).run_until_idle()
    finally:
        await retired.close()
    admin, token = await token_for(clock, "admin")

    body = (await client.get("/api/v1/status", headers=token)).json()
    networks = {n["network"]: n for n in body["networks"]}
    linkedin = networks["linkedin"]
    assert linkedin["parking"]["kind"] == "retired_version" and "202501" in linkedin["parking"]["reason"]
    assert linkedin["parking"]["next_probe_at"] == "2026-11-02T08:15:00Z"
    assert linkedin["accounts"]["connected"] == 1 and linkedin["shares_waiting"]["queued"] == 2
    assert networks["x"]["parking"] is None and networks["x"]["shares_waiting"]["queued"] == 0

    await sign_in(client, admin)
    page = await client.get("/admin/status")
    assert page.status_code == 200
    assert "On hold for the whole service" in page.text and "202501" in page.text
    assert "Next probe with one share: 2026-11-02 08:15 UTC" in page.text


async def test_the_status_is_for_admins_only(
    database: Settings, clock: SimulatedClock, client: httpx.AsyncClient,
) -> None:
    ambassador, token = await token_for(clock, "ambassador")
    assert (await client.get("/api/v1/status", headers=token)).status_code == 403
    await sign_in(client, ambassador)
    assert (await client.get("/admin/status")).status_code == 403
