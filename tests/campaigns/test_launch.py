"""Launching: a confirmation step that shows what the launch does, and brand posts at the start."""

from __future__ import annotations

from datetime import timedelta

import httpx

from advocacy.accounts.networks import NetworkRegistry
from advocacy.clock import SimulatedClock
from advocacy.settings import Settings
from advocacy.users.models import User
from campaigns import service
from campaigns.brand import BrandPublisher
from campaigns.models import BrandPost, Campaign, CampaignStatus, ContentPack
from tests import factories
from tests.test_api import token_for
from tests.test_pages import element, sign_in, submit


def said(html: str) -> str:
    """The markup with its white space as a browser shows it: runs of it read as one space."""
    return " ".join(html.split())


async def approved_campaign(clock: SimulatedClock, editor: User, *, starts_in: timedelta) -> Campaign:
    """An approved, not yet launched campaign with one post, starting `starts_in` from now."""
    reviewer = await factories.create_user(clock, "reviewer")
    campaign = await service.create_campaign(
        clock, editor, name="Winter vaccines", starts_at=clock.now() + starts_in,
        ends_at=clock.now() + starts_in + timedelta(days=14),
    )
    pack = await ContentPack.get(campaign_id=campaign.id)
    await service.add_post(clock, editor, pack.id, title="Flu jabs are open", url="https://example.org/flu",
                           messages={"linkedin": ["Get your flu jab, I did. #employee"],
                                     "x": ["Flu jabs are open #employee"]})
    await service.submit_pack(clock, editor, pack.id)
    await service.review_pack(clock, reviewer, pack.id, approve=True)
    return campaign


async def test_launch_asks_to_confirm_with_the_audience_posts_and_window(
    client: httpx.AsyncClient, clock: SimulatedClock
) -> None:
    await factories.create_brand_channels(clock)
    for _ in range(3):
        await factories.create_user(clock, "ambassador")
    editor = await factories.create_user(clock, "editor", timezone="Europe/Paris")
    campaign = await approved_campaign(clock, editor, starts_in=timedelta(days=2))
    page_path = f"/studio/campaigns/{campaign.id}"
    await sign_in(client, editor)

    unconfirmed = await submit(client, page_path, f"/studio/campaigns/{campaign.id}/launch", {})
    assert unconfirmed.status_code == 200
    step = said(element(unconfirmed.text, "launch-confirm"))
    assert "3 opted-in ambassadors" in element(step, "launch-audience")
    assert "1 approved post, with suggested messages for LinkedIn and X" in element(step, "launch-posts")
    # 4 Nov 08:00 UTC is 09:00 in Paris.
    assert "Wed 4 Nov 2026, 09:00 CET → Wed 18 Nov 2026, 09:00 CET" in element(step, "launch-window")
    assert "2 brand channels publish each post at the start, Wed 4 Nov 2026, 09:00 CET" in step
    await campaign.refresh_from_db()
    assert campaign.status == CampaignStatus.DRAFT

    confirm_page = await client.get(f"/studio/campaigns/{campaign.id}/launch")
    assert confirm_page.status_code == 200 and "Launch now" in confirm_page.text
    launched = await submit(client, f"/studio/campaigns/{campaign.id}/launch",
                            f"/studio/campaigns/{campaign.id}/launch", {"confirm": "yes"})
    assert launched.status_code == 303
    page = await client.get(page_path)
    assert "it starts Wed 4 Nov 2026, 09:00 CET, when the brand channel posts go out" in page.text
    assert "starts Wed 4 Nov 2026, 09:00 CET" in element(page.text, "campaign")
    assert "starts Wed 4 Nov 2026, 09:00 CET" in element((await client.get("/studio")).text, "campaigns")
    assert await BrandPost.all().count() == 0


async def test_brand_posts_wait_for_the_campaign_start(
    client: httpx.AsyncClient, clock: SimulatedClock, database: Settings
) -> None:
    await factories.create_brand_channels(clock)
    editor, headers = await token_for(clock, "editor")
    campaign = await approved_campaign(clock, editor, starts_in=timedelta(days=2))

    launched = await client.post(f"/api/v1/campaigns/{campaign.id}/launch", headers=headers)
    assert launched.status_code == 200 and launched.json()["status"] == "launched"
    publisher = BrandPublisher(NetworkRegistry(database, clock), clock)
    assert await publisher.publish_due() == 0
    clock.advance(timedelta(days=1, hours=23))
    assert await publisher.publish_due() == 0 and await BrandPost.all().count() == 0

    clock.advance(timedelta(hours=1))
    assert await publisher.publish_due() == 2
    assert await publisher.publish_due() == 0  # once per campaign
    assert sorted(await BrandPost.all().values_list("network", flat=True)) == ["linkedin", "x"]
