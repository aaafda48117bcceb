"""Changing posts while their pack is a draft or sent back: add a message, change a title or link,
delete a message or a post, each checked as on creation; through the studio's forms."""

from __future__ import annotations

from datetime import timedelta

import httpx

from advocacy.clock import SimulatedClock
from campaigns import post_edits, service
from campaigns.models import ContentPack, MessageVariant, Post
from tests import factories
from tests.test_api import token_for
from tests.test_pages import element, sign_in, submit

PATIENT = "I'm proud: patient Maria Lopez went home after her surgery. #employee"


async def test_an_editor_meets_a_reviewers_note_by_changing_the_posts(
    client: httpx.AsyncClient, clock: SimulatedClock
) -> None:
    editor = await factories.create_user(clock, "editor")
    campaign, post = await factories.create_campaign_with_post(clock, editor)
    pack = await ContentPack.get(campaign_id=campaign.id)
    await service.submit_pack(clock, editor, pack.id)
    await service.review_pack(clock, await factories.create_user(clock, "reviewer"), pack.id,
                              approve=False, note="Add an X message to post 1 and fix its link")
    page_path = f"/studio/campaigns/{campaign.id}"
    await sign_in(client, editor)

    added = await submit(client, page_path, f"/studio/posts/{post.id}/messages",
                         {"network": "x", "text": "Our cardiac unit is open, and I'm proud #employee"})
    assert added.status_code == 303
    page = await client.get(page_path)
    assert "The X message is added." in page.text
    assert "Our cardiac unit is open, and I&#39;m proud #employee" in element(page.text, f"post-{post.id}")

    blocked = await submit(client, page_path, f"/studio/posts/{post.id}/messages",
                           {"network": "linkedin", "text": PATIENT})
    assert blocked.status_code == 422
    shown = element(blocked.text, f"post-{post.id}-error")
    assert "The message was not added: the compliance check blocks it" in shown
    assert '<mark class="finding block"' in shown and "Maria Lopez" in shown
    assert await MessageVariant.filter(post_id=post.id).count() == 4

    bad_link = await submit(client, page_path, f"/studio/posts/{post.id}/edit",
                            {"title": "Our new cardiac unit", "url": "example.org/cardiac"})
    assert bad_link.status_code == 422
    assert "The link must be a full http(s) address." in element(bad_link.text, f"post-{post.id}-error")
    edited = await submit(client, page_path, f"/studio/posts/{post.id}/edit",
                          {"title": "Our new cardiac unit", "url": "https://example.org/cardiac"})
    assert edited.status_code == 303
    page = await client.get(page_path)
    assert "<h3>Our new cardiac unit</h3>" in element(page.text, f"post-{post.id}")
    assert ("title: “Our new cardiac unit opens” → “Our new cardiac unit”; link: "
            "“https://example.org/news/cardiac-unit” → “https://example.org/cardiac”") in page.text

    first, *_ = await MessageVariant.filter(post_id=post.id).order_by("id")
    deleted = await submit(client, page_path, f"/studio/messages/{first.id}/delete", {})
    assert deleted.status_code == 303
    page = await client.get(page_path)
    assert "The message is deleted." in page.text and f'id="variant-{first.id}"' not in page.text

    second = await service.add_post(clock, editor, pack.id, title="Meet the team", url="https://example.org/t",
                                    messages={"linkedin": ["Meet my team #employee"]})
    [only] = await MessageVariant.filter(post_id=second.id)
    last = await submit(client, page_path, f"/studio/messages/{only.id}/delete", {})
    assert last.status_code == 409
    assert "the post&#39;s only message" in element(last.text, f"post-{second.id}-error")
    gone = await submit(client, page_path, f"/studio/posts/{second.id}/delete", {})
    assert gone.status_code == 303
    page = await client.get(page_path)
    assert "Post “Meet the team” is deleted with its messages." in page.text
    assert f'id="post-{second.id}"' not in page.text and "post deleted: Post “Meet the team”" in page.text

    await service.submit_pack(clock, editor, pack.id)
    late = await submit(client, page_path, f"/studio/posts/{post.id}/messages",
                        {"network": "x", "text": "One more #employee"})
    assert late.status_code == 409
    assert "Posts change only while the pack is a draft" in element(late.text, f"post-{post.id}-error")
    assert await Post.filter(pack_id=pack.id).count() == 1


async def test_the_api_changes_draft_posts_with_the_same_checks(
    client: httpx.AsyncClient, clock: SimulatedClock
) -> None:
    editor, headers = await token_for(clock, "editor")
    _, as_ambassador = await token_for(clock, "ambassador")
    campaign, post = await factories.create_campaign_with_post(clock, editor)

    added = await client.post(f"/api/v1/posts/{post.id}/messages", headers=headers,
                              json={"network": "x", "text": "Open now #employee"})
    assert added.status_code == 201 and added.json()["text"] == "Open now #employee"
    blocked = await client.post(f"/api/v1/posts/{post.id}/messages", headers=headers,
                                json={"network": "linkedin", "text": PATIENT})
    assert blocked.status_code == 422 and "compliance check blocks it" in blocked.json()["error"]["message"]
    assert (await client.post(f"/api/v1/posts/{post.id}/messages", headers=as_ambassador,
                              json={"network": "x", "text": "Mine #employee"})).status_code == 403

    edited = await client.patch(f"/api/v1/posts/{post.id}", headers=headers,
                                json={"title": "Cardiac unit", "url": "https://example.org/c"})
    assert edited.status_code == 200 and (edited.json()["title"], edited.json()["url"]) == (
        "Cardiac unit", "https://example.org/c")
    variant_id = added.json()["id"]
    after = await client.delete(f"/api/v1/messages/{variant_id}", headers=headers)
    assert after.status_code == 200 and variant_id not in [v["id"] for v in after.json()["variants"]]

    pack = await ContentPack.get(campaign_id=campaign.id)
    await service.submit_pack(clock, editor, pack.id)
    late = await client.delete(f"/api/v1/posts/{post.id}", headers=headers)
    assert late.status_code == 409 and await Post.exists(id=post.id)
    await service.review_pack(clock, await factories.create_user(clock, "reviewer"), pack.id,
                              approve=False, note="Start again")
    gone = await client.delete(f"/api/v1/posts/{post.id}", headers=headers)
    assert gone.status_code == 200 and gone.json()["packs"][0]["posts"] == []


async def test_the_reviewer_sees_what_changed_since_their_last_review(
    client: httpx.AsyncClient, clock: SimulatedClock
) -> None:
    editor = await factories.create_user(clock, "editor")
    reviewer = await factories.create_user(clock, "reviewer")
    campaign, post = await factories.create_campaign_with_post(clock, editor)
    pack = await ContentPack.get(campaign_id=campaign.id)
    await service.submit_pack(clock, editor, pack.id)
    await sign_in(client, reviewer)
    page_path = f"/studio/campaigns/{campaign.id}"
    assert 'id="since-review-' not in (await client.get(page_path)).text  # a first review
    await service.review_pack(clock, reviewer, pack.id, approve=False, note="Say proud of my team")

    clock.advance(timedelta(minutes=5))
    first = await MessageVariant.filter(post_id=post.id, network="x").first()
    assert first is not None
    await service.edit_message(clock, editor, first.id,
                               text="Proud of my team: our new cardiac unit is open #employee")
    await post_edits.add_message(clock, editor, post.id, network="linkedin",
                                 text="My team did this #employee")
    await service.submit_pack(clock, editor, pack.id)

    changed = element((await client.get(page_path)).text, f"since-review-{pack.id}")
    assert "Changed since the last review" in changed
    assert ("Proud of my <del>colleagues:</del> <ins>team:</ins> our new cardiac unit is open #employee"
            in changed)
    assert "message added: linkedin: “My team did this #employee”" in changed
    assert "submitted" not in changed
