"""The engine where content moves: on save, at submit, at approval, at share time and over the API."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from advocacy.clock import SimulatedClock
from advocacy.compliance import ComplianceEngine, CompliancePolicy
from advocacy.errors import InvalidInput
from advocacy.settings import Settings
from advocacy.shares.models import Share
from advocacy.shares.service import create_share
from advocacy.users.service import issue_api_token
from campaigns import service as campaigns
from campaigns.models import ContentPack, MessageVariant, PackStatus, Post
from campaigns.queries import shareable_posts
from tests import factories

URL = "https://example.org/news/cardiac-unit"


async def draft_pack(clock: SimulatedClock) -> tuple[Any, ContentPack]:
    editor = await factories.create_user(clock, "editor")
    campaign, _ = await factories.create_campaign_with_post(clock, editor)
    pack = await ContentPack.get(campaign_id=campaign.id)
    return editor, pack


async def test_a_message_with_patient_information_is_not_saved(
    database: Settings, clock: SimulatedClock
) -> None:
    editor, pack = await draft_pack(clock)
    before = (await Post.all().count(), await MessageVariant.all().count())
    with pytest.raises(InvalidInput) as caught:
        await campaigns.add_post(
            clock, editor, pack.id, title="Recovery", url=URL,
            messages={"linkedin": ["I'm proud: patient Maria Lopez went home. #employee"],
                      "x": ["I'm proud of our team #employee"]},
        )
    assert "“Maria Lopez”" in caught.value.message and "identifies them" in caught.value.message
    [checked] = caught.value.details["compliance"]
    assert (checked["network"], checked["index"]) == ("linkedin", 0)
    finding = checked["findings"][0]
    assert finding["rule"] == "patient_name"
    assert checked["text"][slice(*finding["span"])] == "Maria Lopez"
    assert (await Post.all().count(), await MessageVariant.all().count()) == before


async def test_submission_and_approval_are_refused_when_the_policy_now_blocks_a_message(
    database: Settings, clock: SimulatedClock
) -> None:
    editor, pack = await draft_pack(clock)
    reviewer = await factories.create_user(clock, "reviewer")
    stricter = ComplianceEngine(CompliancePolicy(blocked_terms=("cardiac unit",)))
    with pytest.raises(InvalidInput, match="“cardiac unit”"):
        await campaigns.submit_pack(clock, editor, pack.id, compliance=stricter)
    assert (await ContentPack.get(id=pack.id)).status == PackStatus.DRAFT
    await campaigns.submit_pack(clock, editor, pack.id)
    with pytest.raises(InvalidInput, match="not approved"):
        await campaigns.review_pack(clock, reviewer, pack.id, approve=True, compliance=stricter)
    assert (await ContentPack.get(id=pack.id)).status == PackStatus.IN_REVIEW
    # Requesting changes is never blocked: that is how the author hears about it.
    await campaigns.review_pack(clock, reviewer, pack.id, approve=False, note="Drop the unit name",
                                compliance=stricter)
    assert (await ContentPack.get(id=pack.id)).status == PackStatus.DRAFT


async def test_an_edited_share_with_a_phone_number_is_refused(
    database: Settings, clock: SimulatedClock
) -> None:
    _, post = await factories.create_launched_campaign(clock)
    ambassador, account = await factories.create_ambassador(clock)
    with pytest.raises(InvalidInput) as caught:
        await create_share(clock, ambassador, post_id=post.id, account_id=account.id,
                           text="Call me on 415-555-0132 about our new unit!")
    assert "“415-555-0132”" in caught.value.message
    assert await Share.all().count() == 0


async def test_a_share_gets_the_disclosure_where_the_network_shows_it(
    database: Settings, clock: SimulatedClock
) -> None:
    _, post = await factories.create_launched_campaign(clock)
    ambassador, account = await factories.create_ambassador(clock)
    share = await create_share(clock, ambassador, post_id=post.id, account_id=account.id,
                               text="I love where I work.")
    assert share.text == f"I love where I work.\n\n{URL} #employee"


async def test_the_feed_offers_the_least_used_variant_first(
    database: Settings, clock: SimulatedClock
) -> None:
    _, post = await factories.create_launched_campaign(clock)
    [first, second] = await MessageVariant.filter(post_id=post.id, network="linkedin").order_by("id")
    assert [v.id for v in (await shareable_posts(clock))[0].variants
            if v.network == "linkedin"] == [first.id, second.id]
    ambassador, account = await factories.create_ambassador(clock)
    await create_share(clock, ambassador, post_id=post.id, account_id=account.id, variant_id=first.id)
    assert [v.id for v in (await shareable_posts(clock))[0].variants
            if v.network == "linkedin"] == [second.id, first.id]


async def test_the_check_api_reports_findings_and_ok(
    client: httpx.AsyncClient, clock: SimulatedClock
) -> None:
    user = await factories.create_user(clock, "ambassador")
    headers = {"Authorization": f"Bearer {await issue_api_token(clock, user)}"}
    text = "Patient in room 12 is recovering. #employee I'm proud."
    response = await client.post("/api/v1/compliance/check", json={"text": text, "network": "x"},
                                 headers=headers)
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["ok"] is False
    [finding] = body["findings"]
    assert finding["rule"] == "room_number" and finding["severity"] == "block"
    assert text[slice(*finding["span"])] == "room 12"
    clean = await client.post("/api/v1/compliance/check",
                              json={"text": "I'm proud of us. #employee", "network": "linkedin"},
                              headers=headers)
    assert clean.json() == {"ok": True, "findings": [], "policy_version": 0}


async def test_the_check_api_refuses_an_unknown_network(
    client: httpx.AsyncClient, clock: SimulatedClock
) -> None:
    user = await factories.create_user(clock, "editor")
    headers = {"Authorization": f"Bearer {await issue_api_token(clock, user)}"}
    response = await client.post("/api/v1/compliance/check", json={"text": "hi", "network": "myspace"},
                                 headers=headers)
    assert response.status_code == 422


async def test_a_post_created_over_the_api_keeps_its_expiry_and_brand_references(
    client: httpx.AsyncClient, clock: SimulatedClock
) -> None:
    editor, pack = await draft_pack(clock)
    headers = {"Authorization": f"Bearer {await issue_api_token(clock, editor)}"}
    body = {"title": "Unit", "url": URL, "messages": {"x": ["I'm proud #employee"]},
            "expires_at": "2030-01-01T00:00:00Z", "brand_ref_linkedin": "urn:li:share:7", "brand_ref_x": "42"}
    response = await client.post(f"/api/v1/packs/{pack.id}/posts", json=body, headers=headers)
    assert response.status_code == 201, response.text
    assert {k: response.json()[k] for k in ("brand_ref_linkedin", "brand_ref_x")} == {
        "brand_ref_linkedin": "urn:li:share:7", "brand_ref_x": "42"}
    naive = await client.post(f"/api/v1/packs/{pack.id}/posts",
                              json={**body, "expires_at": "2030-01-01T00:00:00"}, headers=headers)
    assert naive.status_code == 422 and "UTC offset" in naive.json()["error"]["details"]["expires_at"]
