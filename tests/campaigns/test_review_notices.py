"""The review loop is heard: reviewers are told of a submission, the author of the decision, and
every list shows a pack sent back as "changes requested"."""

from __future__ import annotations

from datetime import timedelta

import httpx

from advocacy.clock import SimulatedClock
from advocacy.notify.models import Channel, Delivery
from campaigns.models import ContentPack
from tests import factories
from tests.test_api import token_for
from tests.test_pages import element, sign_in, submit


async def notices_of(client: httpx.AsyncClient) -> str:
    page = await client.get("/me/notifications")
    assert page.status_code == 200
    return element(page.text, "notices") if 'id="notices"' in page.text else ""


async def test_reviewers_hear_of_a_submission_and_the_author_of_each_decision(
    client: httpx.AsyncClient, clock: SimulatedClock
) -> None:
    editor = await factories.create_user(clock, "editor")
    reviewers = [await factories.create_user(clock, "reviewer") for _ in range(2)]
    campaign, _ = await factories.create_campaign_with_post(clock, editor)
    pack, page_path = await ContentPack.get(campaign_id=campaign.id), f"/studio/campaigns/{campaign.id}"

    await sign_in(client, editor)
    assert (await submit(client, page_path, f"/studio/packs/{pack.id}/submit", {})).status_code == 303
    assert "To review" not in await notices_of(client)
    for person in reviewers:
        await sign_in(client, person)
        notices = await notices_of(client)
        assert f"To review: {pack.title}" in notices and f"{editor.name} sent the content pack" in notices
        assert f'href="{page_path}#pack-{pack.id}"' in notices
    # On their channels too, through the outbox: the email waits for the person's digest.
    assert await Delivery.filter(user_id=reviewers[0].id, channel=Channel.EMAIL).count() == 1

    sent_back = await submit(client, page_path, f"/studio/packs/{pack.id}/review",
                             {"decision": "changes", "note": "Add two messages to the first post"})
    assert sent_back.status_code == 303
    await sign_in(client, editor)
    notices = await notices_of(client)
    assert f"Changes requested: {pack.title}" in notices
    assert "Add two messages to the first post" in notices
    assert await Delivery.filter(user_id=editor.id, channel=Channel.EMAIL).count() == 1
    studio = element((await client.get("/studio")).text, "campaigns")
    assert f"{pack.title}: <span class=\"status changes_requested\">changes requested</span>" in studio
    assert "changes requested</span></h2>" in element((await client.get(page_path)).text, f"pack-{pack.id}")

    clock.advance(timedelta(minutes=5))
    assert (await submit(client, page_path, f"/studio/packs/{pack.id}/submit", {})).status_code == 303
    await sign_in(client, reviewers[0])
    assert (await notices_of(client)).count(f"To review: {pack.title}") == 2
    approved = await submit(client, page_path, f"/studio/packs/{pack.id}/review",
                            {"decision": "approve", "note": ""})
    assert approved.status_code == 303
    await sign_in(client, editor)
    assert f"Approved: {pack.title}" in await notices_of(client)


async def test_the_api_reads_a_pack_sent_back_as_changes_requested(
    client: httpx.AsyncClient, clock: SimulatedClock
) -> None:
    editor, as_editor = await token_for(clock, "editor")
    _, as_reviewer = await token_for(clock, "reviewer")
    campaign, _ = await factories.create_campaign_with_post(clock, editor)
    pack = await ContentPack.get(campaign_id=campaign.id)
    assert (await client.post(f"/api/v1/packs/{pack.id}/submit", headers=as_editor)).status_code == 200
    back = await client.post(f"/api/v1/packs/{pack.id}/review", headers=as_reviewer,
                             json={"approve": False, "note": "Shorter, please"})
    assert back.status_code == 200
    [shown] = back.json()["packs"]
    assert (shown["status"], shown["state"]) == ("draft", "changes_requested")
