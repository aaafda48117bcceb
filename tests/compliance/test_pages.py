"""The studio shows compliance findings inline: refused messages with their words marked, and the
findings of saved messages where the reviewer reads them."""

from __future__ import annotations

import httpx

from advocacy.accounts.networks import NetworkRegistry
from advocacy.clock import SimulatedClock
from advocacy.settings import Settings
from advocacy.shares.dispatch import ShareDispatcher
from advocacy.shares.models import Share
from advocacy.shares.service import create_share
from campaigns.models import Correction, MessageVariant, Post
from tests import factories
from tests.test_pages import add_post_as_editor, csrf_of, element, sign_in, submit


async def test_a_refused_message_comes_back_with_the_words_marked_and_why(
    client: httpx.AsyncClient, clock: SimulatedClock
) -> None:
    pack, response = await add_post_as_editor(client, clock, {
        "title": "Recovery", "url": "https://example.org/recovery",
        "messages_linkedin": "I'm proud: our patient in room 412 went home. #employee",
        "messages_x": "",
    })
    assert response.status_code == 422
    section = element(response.text, f"pack-{pack.id}")
    assert '<mark class="finding block"' in section and ">room 412</mark>" in section
    assert "Room or bed number (blocks):" in section
    assert "tells people where that patient is" in section
    assert await Post.filter(pack_id=pack.id).count() == 1


async def test_saved_messages_show_their_warnings_to_the_reviewer(
    client: httpx.AsyncClient, clock: SimulatedClock
) -> None:
    editor = await factories.create_user(clock, "editor")
    reviewer = await factories.create_user(clock, "reviewer")
    _, post = await factories.create_campaign_with_post(
        clock, editor, messages={"x": ["Vote for Smith, says my whole ward. #employee"]}
    )
    await sign_in(client, reviewer)
    page = await client.get(f"/studio/campaigns/{(await post.pack).campaign_id}")  # type: ignore[attr-defined]
    article = element(page.text, f"post-{post.id}")
    assert '<mark class="finding warn"' in article and ">Vote for</mark>" in article
    assert "Political activity:" in article


async def test_a_correction_made_in_the_studio_shows_the_original_struck_through_and_reaches_the_feed(
    client: httpx.AsyncClient, clock: SimulatedClock, database: Settings
) -> None:
    editor = await factories.create_user(clock, "editor")
    reviewer = await factories.create_user(clock, "reviewer")
    campaign, post = await factories.create_launched_campaign(clock, editor, reviewer)
    variant = await MessageVariant.filter(post_id=post.id, network="linkedin").order_by("id").first()
    assert variant is not None
    ambassador, account = await factories.create_ambassador(clock)
    share = await create_share(clock, ambassador, post_id=post.id, account_id=account.id,
                               variant_id=variant.id)
    await ShareDispatcher(NetworkRegistry(database, clock), clock).run_until_idle()
    page_path = f"/studio/campaigns/{campaign.id}"

    await sign_in(client, editor)
    proposed = await submit(client, page_path, f"/studio/messages/{variant.id}/corrections", {
        "text": "Proud of my colleagues who opened our new heart unit. #employee",
        "reason": "It is the heart unit.",
    })
    assert proposed.status_code == 303
    correction = await Correction.get(variant_id=variant.id)
    await client.post("/logout", data={"csrf_token": csrf_of((await client.get(page_path)).text)})

    await sign_in(client, reviewer)
    approved = await submit(client, page_path, f"/studio/corrections/{correction.id}/review",
                            {"decision": "approve"})
    assert approved.status_code == 303
    shown = element((await client.get(page_path)).text, f"variant-{variant.id}")
    assert f"<del>{variant.text}</del>" in shown
    assert "<ins>Proud of my colleagues who opened our new heart unit. #employee</ins>" in shown
    await client.post("/logout", data={"csrf_token": csrf_of((await client.get(page_path)).text)})

    await sign_in(client, ambassador)
    feed = (await client.get("/feed")).text
    notices = element(feed, "corrections")
    assert "heart unit" in notices and f'href="{(await Share.get(id=share.id)).external_url}"' in notices


async def test_the_live_check_counts_x_weighted_length_and_marks_findings(
    client: httpx.AsyncClient, clock: SimulatedClock
) -> None:
    editor = await factories.create_user(clock, "editor")
    campaign, _ = await factories.create_campaign_with_post(clock, editor)
    await sign_in(client, editor)
    token = csrf_of((await client.get(f"/studio/campaigns/{campaign.id}")).text)
    text = "I'm proud 😀 https://example.org/a/very/long/path/indeed #employee\n\nCall 415-555-0132"
    response = await client.post("/studio/check", data={"csrf_token": token, "network": "x", "text": text})
    assert response.status_code == 200
    first, second = response.json()["messages"]
    # 10 + emoji (2) + space + link (23) + space + 9 = 46 on X's weighted count.
    assert (first["length"], first["limit"], first["ok"]) == (46, 280, True)
    assert second["ok"] is False and ">415-555-0132</mark>" in second["html"]
    assert [f["label"] for f in second["findings"] if f["severity"] == "block"] == ["Phone number"]
