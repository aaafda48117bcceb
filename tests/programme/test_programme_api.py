"""The programme's JSON API: invitations, members, guidelines, membership, segments, targeting."""

from __future__ import annotations

from datetime import timedelta

import httpx

from advocacy.clock import SimulatedClock
from advocacy.programme import guidelines
from advocacy.programme.members import PAGE_SIZE
from advocacy.programme.models import CampaignSegment, Segment
from advocacy.shares.models import Share, ShareStatus
from advocacy.shares.service import create_share
from tests import factories
from tests.test_api import token_for
from tests.test_pages import sign_in


async def test_invite_then_list_members_and_refuse_duplicates_and_bad_input(
    client: httpx.AsyncClient, clock: SimulatedClock
) -> None:
    _, headers = await token_for(clock, "editor")
    created = await client.post("/api/v1/programme/invitations", headers=headers, json={
        "email": "Nia@Example.org", "name": "Nia", "department": "Research", "timezone": "Asia/Tokyo"})
    assert created.status_code == 201, created.text
    assert created.json()["email"] == "nia@example.org"
    assert isinstance(created.json()["email_sent"], bool)  # whether the mail server took it
    bad = await client.post("/api/v1/programme/invitations", headers=headers,
                            json={"email": "nia@example.org", "timezone": "Moon/Base"})
    assert bad.status_code == 422 and "is not a time zone" in bad.json()["error"]["details"]["timezone"]
    members = await client.get("/api/v1/programme/members", headers=headers, params={"status": "invited"})
    assert [m["email"] for m in members.json()] == ["nia@example.org"]
    assert members.json()[0]["status"] == "invited"
    _, ambassador_headers = await token_for(clock, "ambassador")
    refused = await client.post("/api/v1/programme/invitations", headers=ambassador_headers,
                                json={"email": "x@example.org"})
    assert refused.status_code == 403


async def test_ambassador_acknowledges_and_opts_out_through_the_api(
    client: httpx.AsyncClient, clock: SimulatedClock
) -> None:
    admin = await factories.create_user(clock, "admin")
    await guidelines.publish_version(clock, admin, title="G", body="Be kind.")
    _, post = await factories.create_launched_campaign(clock)
    person, headers = await token_for(clock, "ambassador")
    account = await factories.create_account(clock, person)
    state = (await client.get("/api/v1/me/programme", headers=headers)).json()
    assert state["status"] == "opted in" and state["sharing_blockers"][0]["link"] == "/guidelines"
    blocked = await client.post("/api/v1/shares", headers=headers, json={
        "post_id": post.id, "account_id": account.id, "text": "Proud #employee"})
    assert blocked.status_code == 403 and blocked.json()["error"]["details"]["blockers"]
    stale = await client.post("/api/v1/guidelines/acknowledge", headers=headers, json={"version": 7})
    assert stale.status_code == 422
    ack = await client.post("/api/v1/guidelines/acknowledge", headers=headers, json={"version": 1})
    assert ack.json()["acknowledged_version"] == 1
    share = await create_share(clock, person, post_id=post.id, account_id=account.id, text="Proud #employee",
                               scheduled_at=clock.now() + timedelta(hours=1))
    left = await client.post("/api/v1/me/programme/opt-out", headers=headers)
    assert left.status_code == 200, left.text
    assert left.json()["status"] == "opted out" and left.json()["cancelled_share_ids"] == [share.id]
    assert left.json()["disconnected_account_ids"] == [account.id]
    assert (await Share.get(id=share.id)).status == ShareStatus.CANCELLED
    again = await client.post("/api/v1/me/programme/opt-out", headers=headers)
    assert again.status_code == 409
    back = await client.post("/api/v1/me/programme/opt-in", headers=headers)
    assert back.json()["status"] == "opted in"


async def test_segments_and_campaign_targeting_through_the_api(
    client: httpx.AsyncClient, clock: SimulatedClock
) -> None:
    editor, headers = await token_for(clock, "editor")
    campaign, _ = await factories.create_launched_campaign(clock, editor=editor)
    await factories.create_user(clock, "ambassador", region="East")
    await factories.create_user(clock, "ambassador", region="West")
    made = await client.post("/api/v1/segments", headers=headers, json={
        "name": "East", "match": "all", "conditions": [{"kind": "region", "value": "East"}]})
    assert made.status_code == 201 and made.json()["members"] == 1
    clash = await client.post("/api/v1/segments", headers=headers, json={
        "name": "East", "conditions": [{"kind": "region", "value": "West"}]})
    assert clash.status_code == 409
    missing_group = await client.post("/api/v1/segments", headers=headers, json={
        "name": "Ghosts", "conditions": [{"kind": "group", "value": "999"}]})
    assert missing_group.status_code == 404 and await Segment.filter(name="Ghosts").count() == 0
    assert missing_group.json()["error"]["message"].startswith("There is no group “999”.")
    target = await client.put(f"/api/v1/campaigns/{campaign.id}/segments", headers=headers,
                              json={"segment_ids": [made.json()["id"]]})
    assert target.json() == {"campaign_id": campaign.id, "segment_ids": [made.json()["id"]], "audience": 1}
    unknown = await client.put(f"/api/v1/campaigns/{campaign.id}/segments", headers=headers,
                               json={"segment_ids": [12345]})
    assert unknown.status_code == 404 and unknown.json()["error"]["message"] == "There is no segment 12345."
    assert await CampaignSegment.filter(campaign_id=campaign.id).count() == 1  # unchanged by the refusal
    everyone = await client.put(f"/api/v1/campaigns/{campaign.id}/segments", headers=headers,
                                json={"segment_ids": []})
    assert everyone.json()["audience"] == 2
    no_campaign = await client.put("/api/v1/campaigns/99999/segments", headers=headers,
                                   json={"segment_ids": []})
    assert no_campaign.status_code == 404


async def test_members_are_listed_a_page_at_a_time_on_the_page_and_in_the_api(
    client: httpx.AsyncClient, clock: SimulatedClock
) -> None:
    editor, headers = await token_for(clock, "editor")
    for n in range(PAGE_SIZE + 5):
        await factories.create_user(clock, "ambassador", name=f"Member {n:03d}")
    names = sorted([f"Member {n:03d}" for n in range(PAGE_SIZE + 5)])

    first = await client.get("/api/v1/programme/members", headers=headers)
    second = await client.get("/api/v1/programme/members?page=2", headers=headers)
    assert [m["name"] for m in first.json()] == names[:PAGE_SIZE]
    assert [m["name"] for m in second.json()] == names[PAGE_SIZE:]
    assert (await client.get("/api/v1/programme/members?page=0", headers=headers)).status_code == 422

    await sign_in(client, editor)
    page_one = await client.get("/programme")
    assert page_one.text.count('<tr id="member-') == PAGE_SIZE and "Page 1 of 2" in page_one.text
    page_two = await client.get("/programme?page=2")
    assert page_two.text.count('<tr id="member-') == 5 and 'rel="prev"' in page_two.text
    beyond = await client.get("/programme?page=9")
    assert beyond.status_code == 200 and "No one on this page" in beyond.text
