"""Reviewers override compliance warnings with a reason; a block, above all a patient identifier's,
is never overridden, over the API or in the studio."""

from __future__ import annotations

from typing import Any

import httpx

from advocacy.audit.models import AuditEntry
from advocacy.clock import SimulatedClock
from advocacy.compliance import versions
from advocacy.settings import Settings
from advocacy.users.models import User
from advocacy.users.service import issue_api_token
from campaigns import service as campaigns
from campaigns.models import ContentPack, FindingOverride, MessageVariant
from tests import factories
from tests.test_pages import element, sign_in, submit

POLITICAL = "Vote for Smith, says my whole ward. #employee"
VOTE = [0, 8]  # "Vote for", a political warning


async def pack_in_review(clock: SimulatedClock, text: str = POLITICAL) -> tuple[User, User, MessageVariant]:
    editor = await factories.create_user(clock, "editor")
    reviewer = await factories.create_user(clock, "reviewer")
    campaign, post = await factories.create_campaign_with_post(clock, editor, messages={"x": [text]})
    await campaigns.submit_pack(clock, editor, (await ContentPack.get(campaign_id=campaign.id)).id)
    return editor, reviewer, await MessageVariant.get(post_id=post.id)


async def override(client: httpx.AsyncClient, clock: SimulatedClock, user: User, variant: MessageVariant,
                   **body: Any) -> httpx.Response:
    headers = {"Authorization": f"Bearer {await issue_api_token(clock, user)}"}
    return await client.post(f"/api/v1/messages/{variant.id}/overrides", headers=headers,
                             json={"rule": "political", "span": VOTE, "reason": "Quoting a patient survey.",
                                   **body})


async def test_a_reviewer_overrides_a_warning_with_a_reason_that_is_audited(
    client: httpx.AsyncClient, clock: SimulatedClock
) -> None:
    _, reviewer, variant = await pack_in_review(clock)
    response = await override(client, clock, reviewer, variant)
    assert response.status_code == 201, response.text
    made = response.json()
    assert made["rule"] == "political" and made["words"] == "Vote for" and made["policy_version"] == 0
    assert made["reason"] == "Quoting a patient survey." and made["reviewer_id"] == reviewer.id
    entry = await AuditEntry.get(action="finding.override")
    assert entry.actor_id == reviewer.id and entry.target == f"message:{variant.id}"
    assert entry.details["reason"] == "Quoting a patient survey." and entry.details["words"] == "Vote for"
    again = await override(client, clock, reviewer, variant)
    assert again.status_code == 409
    assert await FindingOverride.all().count() == 1


async def test_an_override_needs_a_reason(client: httpx.AsyncClient, clock: SimulatedClock) -> None:
    _, reviewer, variant = await pack_in_review(clock)
    response = await override(client, clock, reviewer, variant, reason="   ")
    assert response.status_code == 422 and "Say why" in response.json()["error"]["message"]
    assert await FindingOverride.all().count() == 0
    assert not await AuditEntry.filter(action="finding.override").exists()


async def test_a_patient_identifier_block_cannot_be_overridden(
    client: httpx.AsyncClient, clock: SimulatedClock
) -> None:
    _, reviewer, variant = await pack_in_review(clock)
    # The message was saved before a rule caught its record number (as after a policy change).
    await MessageVariant.filter(id=variant.id).update(text="Patient MRN 12345678 went home. #employee")
    response = await override(client, clock, reviewer, variant, rule="medical_record_number", span=[8, 20])
    assert response.status_code == 403
    error = response.json()["error"]
    assert "patient identifier" in error["message"] and "no reviewer can override" in error["message"]
    assert error["details"] == {"rule": "medical_record_number", "severity": "block"}
    assert await FindingOverride.all().count() == 0
    assert not await AuditEntry.filter(action="finding.override").exists()


async def test_a_warning_the_policy_raised_to_a_block_cannot_be_overridden(
    client: httpx.AsyncClient, clock: SimulatedClock, database: Settings
) -> None:
    _, reviewer, variant = await pack_in_review(clock)
    admin = await factories.create_user(clock, "admin")
    draft = versions.parse_draft({"disclosures": ["#employee"]}, {"political": "block"}, "US")
    await versions.save_version(clock, admin, draft, "Political posts block.", database)
    response = await override(client, clock, reviewer, variant)
    assert response.status_code == 403 and "only warnings" in response.json()["error"]["message"]
    assert await FindingOverride.all().count() == 0


async def test_overrides_are_refused_outside_review_for_the_author_and_for_a_finding_not_there(
    client: httpx.AsyncClient, clock: SimulatedClock
) -> None:
    admin = await factories.create_user(clock, "admin")
    campaign, post = await factories.create_campaign_with_post(clock, admin, messages={"x": [POLITICAL]})
    variant = await MessageVariant.get(post_id=post.id)
    assert (await override(client, clock, admin, variant)).status_code == 409  # still a draft
    await campaigns.submit_pack(clock, admin, (await ContentPack.get(campaign_id=campaign.id)).id)
    assert (await override(client, clock, admin, variant)).status_code == 403  # the author
    reviewer = await factories.create_user(clock, "reviewer")
    assert (await override(client, clock, reviewer, variant, span=[1, 8])).status_code == 409
    editor = await factories.create_user(clock, "editor")
    assert (await override(client, clock, editor, variant)).status_code == 403  # not a reviewer
    assert await FindingOverride.all().count() == 0


async def test_the_studio_offers_overrides_of_warnings_only_and_shows_the_reason_afterwards(
    client: httpx.AsyncClient, clock: SimulatedClock
) -> None:
    _, reviewer, variant = await pack_in_review(clock)
    campaign_id = (await (await variant.post).pack).campaign_id  # type: ignore[attr-defined]
    page_path = f"/studio/campaigns/{campaign_id}"
    await sign_in(client, reviewer)
    message = element((await client.get(page_path)).text, f"variant-{variant.id}")
    assert 'class="override-warning"' in message and 'name="rule" value="political"' in message

    action = f"/studio/messages/{variant.id}/overrides"
    missing = await submit(client, page_path, action, {"rule": "political", "start": "0", "end": "8",
                                                        "reason": ""})
    assert missing.status_code == 422
    assert "Say why this warning does not apply" in element(missing.text, f"variant-{variant.id}")
    assert await FindingOverride.all().count() == 0

    done = await submit(client, page_path, action, {"rule": "political", "start": "0", "end": "8",
                                                     "reason": "Quoting a patient survey."})
    assert done.status_code == 303
    message = element((await client.get(page_path)).text, f"variant-{variant.id}")
    assert "Warning overridden by" in message and "Quoting a patient survey." in message
    assert 'class="override-warning"' not in message


async def test_the_studio_offers_no_override_of_a_patient_identifier_block(
    client: httpx.AsyncClient, clock: SimulatedClock
) -> None:
    _, reviewer, variant = await pack_in_review(clock)
    await MessageVariant.filter(id=variant.id).update(text="Our patient MRN 12345678 went home. #employee")
    campaign_id = (await (await variant.post).pack).campaign_id  # type: ignore[attr-defined]
    await sign_in(client, reviewer)
    message = element((await client.get(f"/studio/campaigns/{campaign_id}")).text, f"variant-{variant.id}")
    assert "Medical record number (blocks)" in message
    assert "override-warning" not in message and "cannot be overridden" in message
