"""The studio shows compliance findings inline: refused messages with their words marked, and the
findings of saved messages where the reviewer reads them."""

from __future__ import annotations

import httpx

from advocacy.clock import SimulatedClock
from campaigns.models import ContentPack, Post
from tests import factories
from tests.test_pages import element, sign_in, submit


async def test_a_refused_message_comes_back_with_the_words_marked_and_why(
    client: httpx.AsyncClient, clock: SimulatedClock
) -> None:
    editor = await factories.create_user(clock, "editor")
    campaign, _ = await factories.create_campaign_with_post(clock, editor)
    pack = await ContentPack.get(campaign_id=campaign.id)
    await sign_in(client, editor)
    response = await submit(client, f"/studio/campaigns/{campaign.id}", f"/studio/packs/{pack.id}/posts", {
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
