"""Two people for every approval: whoever wrote anything in a pack, admins included, cannot approve it."""

from __future__ import annotations

import httpx
import pytest

from advocacy.clock import SimulatedClock
from advocacy.errors import Forbidden
from advocacy.settings import Settings
from advocacy.users.service import issue_api_token
from campaigns import service as campaigns
from campaigns.models import (
    Campaign,
    CampaignStatus,
    ContentPack,
    Correction,
    CorrectionStatus,
    MessageVariant,
    PackStatus,
)
from tests import factories
from tests.test_api import assert_error, bearer


async def editors_pack(clock: SimulatedClock) -> tuple[Campaign, ContentPack]:
    """A draft pack an editor created, with one post of theirs."""
    editor = await factories.create_user(clock, "editor")
    campaign, _ = await factories.create_campaign_with_post(clock, editor)
    return campaign, await ContentPack.get(campaign_id=campaign.id)


async def test_an_admin_who_added_a_post_cannot_approve_or_launch_the_pack_through_the_api(
    client: httpx.AsyncClient, clock: SimulatedClock
) -> None:
    campaign, pack = await editors_pack(clock)
    admin = await factories.create_user(clock, "admin")
    headers = bearer(await issue_api_token(clock, admin))
    added = await client.post(f"/api/v1/packs/{pack.id}/posts", headers=headers, json={
        "title": "Unreviewed", "url": "https://example.org/mine",
        "messages": {"linkedin": ["Words nobody else read. #employee"]},
    })
    assert added.status_code == 201, added.text
    assert (await client.post(f"/api/v1/packs/{pack.id}/submit", headers=headers)).status_code == 200

    refused = assert_error(await client.post(f"/api/v1/packs/{pack.id}/review", headers=headers,
                                             json={"approve": True, "note": ""}), 403, "forbidden")
    assert "You wrote part of this pack" in refused["message"]
    await pack.refresh_from_db()
    assert pack.status == PackStatus.IN_REVIEW and pack.reviewer_id is None  # type: ignore[attr-defined]
    launch = await client.post(f"/api/v1/campaigns/{campaign.id}/launch", headers=headers)
    assert_error(launch, 409, "conflict")
    assert (await Campaign.get(id=campaign.id)).status == CampaignStatus.DRAFT

    # Someone who wrote none of it approves it.
    reviewer = bearer(await issue_api_token(clock, await factories.create_user(clock, "reviewer")))
    approved = await client.post(f"/api/v1/packs/{pack.id}/review", headers=reviewer, json={"approve": True})
    assert approved.status_code == 200 and approved.json()["packs"][0]["status"] == "approved"


async def test_the_author_of_a_pack_cannot_approve_someone_elses_correction_of_it(
    database: Settings, clock: SimulatedClock
) -> None:
    admin = await factories.create_user(clock, "admin")
    reviewer = await factories.create_user(clock, "reviewer")
    _, post = await factories.create_launched_campaign(clock, admin, reviewer)
    variant = await MessageVariant.filter(post_id=post.id).order_by("id").first()
    assert variant is not None
    editor = await factories.create_user(clock, "editor")
    correction = await campaigns.propose_correction(
        clock, editor, variant.id, text="A corrected wording. #employee", reason="A wrong figure.")
    with pytest.raises(Forbidden, match="You wrote part of this pack"):
        await campaigns.review_correction(clock, admin, correction.id, approve=True)
    assert (await Correction.get(id=correction.id)).status == CorrectionStatus.IN_REVIEW
    await campaigns.review_correction(clock, reviewer, correction.id, approve=True)
    assert (await MessageVariant.get(id=variant.id)).text == "A corrected wording. #employee"
