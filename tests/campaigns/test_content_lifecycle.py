"""Content after approval: revisions, expiry (with queued shares cancelled), archive, and corrections
that are reviewed again and reach every ambassador who shared the message."""

from __future__ import annotations

from datetime import timedelta

import httpx
import pytest

from advocacy.accounts.networks import NetworkRegistry
from advocacy.clock import SimulatedClock
from advocacy.errors import Conflict, Forbidden, InvalidInput
from advocacy.links.models import ShortLink
from advocacy.scheduler import build_scheduler
from advocacy.settings import Settings
from advocacy.shares.dispatch import ShareDispatcher
from advocacy.shares.models import Share, ShareEvent, ShareStatus
from advocacy.shares.service import create_share
from advocacy.users.service import issue_api_token
from campaigns import service as campaigns
from campaigns.models import (
    ContentPack,
    Correction,
    CorrectionNotice,
    CorrectionStatus,
    MessageVariant,
    PackStatus,
    Revision,
)
from campaigns.queries import notices_for, shareable_posts
from tests import factories
from tests.test_pages import sign_in, submit


async def test_every_step_of_a_pack_is_a_revision_with_who_and_what(
    database: Settings, clock: SimulatedClock
) -> None:
    editor = await factories.create_user(clock, "editor")
    reviewer = await factories.create_user(clock, "reviewer")
    campaign, _ = await factories.create_launched_campaign(clock, editor, reviewer)
    pack = await ContentPack.get(campaign_id=campaign.id)
    history = await Revision.filter(pack_id=pack.id).order_by("id").values_list("action", "author_id")
    assert history == [
        ("created", editor.id), ("post_added", editor.id), ("submitted", editor.id),
        ("approved", reviewer.id),
    ]


async def test_changes_requested_are_recorded_with_the_note(
    database: Settings, clock: SimulatedClock
) -> None:
    editor = await factories.create_user(clock, "editor")
    reviewer = await factories.create_user(clock, "reviewer")
    campaign, _ = await factories.create_campaign_with_post(clock, editor)
    pack = await ContentPack.get(campaign_id=campaign.id)
    await campaigns.submit_pack(clock, editor, pack.id)
    await campaigns.review_pack(clock, reviewer, pack.id, approve=False, note="Shorter, please")
    last = await Revision.filter(pack_id=pack.id).order_by("-id").first()
    assert last is not None and (last.action, last.detail) == ("changes_requested", "Shorter, please")


async def test_expired_pack_leaves_the_feed_and_its_queued_shares_are_cancelled(
    database: Settings, clock: SimulatedClock
) -> None:
    campaign, post = await factories.create_launched_campaign(clock)
    editor = await factories.create_user(clock, "editor")
    pack = await ContentPack.get(campaign_id=campaign.id)
    ambassador, account = await factories.create_ambassador(clock)
    share = await create_share(clock, ambassador, post_id=post.id, account_id=account.id,
                               text="I'm proud.", scheduled_at=clock.now() + timedelta(days=3))
    # The editor sets the expiry after the share was scheduled (a time after an expiry already set
    # is refused when the share is made).
    await campaigns.set_pack_expiry(clock, editor, pack.id, clock.now() + timedelta(days=2))
    clock.advance(timedelta(days=1))
    assert await campaigns.expire_content(clock) == (0, 0)
    assert [p.id for p in await shareable_posts(clock)] == [post.id]

    clock.advance(timedelta(days=1, seconds=1))
    assert await shareable_posts(clock) == []  # gone at once, before the job runs
    assert await campaigns.expire_content(clock) == (1, 1)
    assert (await ContentPack.get(id=pack.id)).status == PackStatus.EXPIRED
    await share.refresh_from_db()
    assert share.status == ShareStatus.CANCELLED
    event = await ShareEvent.filter(share_id=share.id).order_by("-id").first()
    assert event is not None and event.reason == "the content expired"
    with pytest.raises(Conflict):
        await create_share(clock, ambassador, post_id=post.id, account_id=account.id, text="Hi")


async def test_an_expired_post_cancels_only_its_own_queued_shares(
    database: Settings, clock: SimulatedClock
) -> None:
    campaign, posts = await factories.create_launched_campaign_with_posts(clock, 2)
    ambassador, account = await factories.create_ambassador(clock)
    later = clock.now() + timedelta(hours=5)
    doomed = await create_share(clock, ambassador, post_id=posts[0].id, account_id=account.id,
                                text="I'm proud.", scheduled_at=later)
    kept = await create_share(clock, ambassador, post_id=posts[1].id, account_id=account.id,
                              text="I'm proud.", scheduled_at=later)
    # The post's expiry is set after the shares were scheduled (a later time is refused up front).
    await posts[0].filter(id=posts[0].id).update(expires_at=clock.now() + timedelta(hours=1))
    clock.advance(timedelta(hours=2))
    assert await campaigns.expire_content(clock) == (0, 1)
    assert (await Share.get(id=doomed.id)).status == ShareStatus.CANCELLED
    assert (await Share.get(id=kept.id)).status == ShareStatus.QUEUED


async def test_archiving_takes_the_pack_out_of_the_feed(database: Settings, clock: SimulatedClock) -> None:
    campaign, _ = await factories.create_launched_campaign(clock)
    editor = await factories.create_user(clock, "editor")
    pack = await ContentPack.get(campaign_id=campaign.id)
    await campaigns.archive_pack(clock, editor, pack.id)
    assert await shareable_posts(clock) == []
    with pytest.raises(Conflict):
        await campaigns.archive_pack(clock, editor, pack.id)


async def test_a_correction_is_reviewed_again_and_notifies_those_who_shared(
    database: Settings, clock: SimulatedClock
) -> None:
    editor, reviewer, post, variant = await factories.create_launched_message(clock)
    original = variant.text
    ambassador, account = await factories.create_ambassador(clock)
    share = await create_share(clock, ambassador, post_id=post.id, account_id=account.id,
                               variant_id=variant.id)
    networks = NetworkRegistry(database, clock)
    assert (await ShareDispatcher(networks, clock).run_until_idle()).published_ids == [share.id]

    correction = await campaigns.propose_correction(
        clock, editor, variant.id, text="Proud of my colleagues who opened our new heart unit. #employee",
        reason="It is the heart unit, not the cardiac unit.",
    )
    assert (await MessageVariant.get(id=variant.id)).text == original  # unchanged until approved
    with pytest.raises(Forbidden):
        await campaigns.review_correction(clock, editor, correction.id, approve=True)
    await campaigns.review_correction(clock, reviewer, correction.id, approve=True)

    assert (await MessageVariant.get(id=variant.id)).text.endswith("heart unit. #employee")
    assert (await Correction.get(id=correction.id)).status == CorrectionStatus.APPROVED
    [notice] = await notices_for(ambassador)
    assert notice.share.id == share.id and notice.correction.original_text == original
    assert (await Share.get(id=share.id)).external_url
    assert await CorrectionNotice.filter(user_id=editor.id).count() == 0


async def test_a_correction_with_patient_information_is_refused(
    database: Settings, clock: SimulatedClock
) -> None:
    editor = await factories.create_user(clock, "editor")
    _, post = await factories.create_launched_campaign(clock, editor)
    variant = await MessageVariant.filter(post_id=post.id).first()
    assert variant is not None
    with pytest.raises(InvalidInput, match="“room 12”"):
        await campaigns.propose_correction(clock, editor, variant.id,
                                           text="I'm proud of the patient in room 12. #employee",
                                           reason="More personal")
    assert await Correction.all().count() == 0


async def test_a_draft_message_is_edited_with_a_revision_and_only_while_a_draft(
    database: Settings, clock: SimulatedClock
) -> None:
    editor = await factories.create_user(clock, "editor")
    reviewer = await factories.create_user(clock, "reviewer")
    campaign, post = await factories.create_campaign_with_post(clock, editor)
    variant = await MessageVariant.filter(post_id=post.id, network="x").get()
    with pytest.raises(InvalidInput, match="“Bed 4”"):
        await campaigns.edit_message(clock, editor, variant.id, text="Our patient in Bed 4 #employee")
    await campaigns.edit_message(clock, editor, variant.id, text="I'm proud of us. #employee")
    last = await Revision.filter(post_id=post.id).order_by("-id").first()
    assert last is not None and last.action == "message_edited"
    assert last.detail.endswith("→ “I'm proud of us. #employee”")
    pack = await ContentPack.get(campaign_id=campaign.id)
    await campaigns.submit_pack(clock, editor, pack.id)
    await campaigns.review_pack(clock, reviewer, pack.id, approve=True)
    with pytest.raises(Conflict, match="propose a correction"):
        await campaigns.edit_message(clock, editor, variant.id, text="Other words. #employee")


def test_the_worker_schedules_the_expiry_job(database: Settings, clock: SimulatedClock) -> None:
    settings = database.model_copy(update={"expire_interval_seconds": 30.0})
    scheduler = build_scheduler(settings, clock, NetworkRegistry(settings, clock))
    job = scheduler.get_job("expire")
    assert job is not None and job.trigger.interval.total_seconds() == 30.0


async def test_a_queued_share_of_the_original_wording_goes_out_corrected(
    database: Settings, clock: SimulatedClock
) -> None:
    editor = await factories.create_user(clock, "editor")
    reviewer = await factories.create_user(clock, "reviewer")
    _, post = await factories.create_launched_campaign(clock, editor, reviewer)
    variant = await MessageVariant.filter(post_id=post.id, network="x").get()
    ambassador, account = await factories.create_ambassador(clock, "x")
    later = clock.now() + timedelta(hours=3)
    queued = await create_share(clock, ambassador, post_id=post.id, account_id=account.id,
                                variant_id=variant.id, scheduled_at=later)
    other, other_account = await factories.create_ambassador(clock, "x")
    edited = await create_share(clock, other, post_id=post.id, account_id=other_account.id,
                                variant_id=variant.id, text="My own words. #employee", scheduled_at=later)
    correction = await campaigns.propose_correction(
        clock, editor, variant.id, text="Proud of my colleagues: our new heart unit is open #employee",
        reason="Heart unit.",
    )
    await campaigns.review_correction(clock, reviewer, correction.id, approve=True)
    assert (await Share.get(id=queued.id)).text.startswith("Proud of my colleagues: our new heart unit")
    assert (await Share.get(id=edited.id)).text.startswith("My own words.")


async def test_a_correction_reaches_a_queued_share_made_through_the_api_and_keeps_its_tracking_link(
    client: httpx.AsyncClient, database: Settings, clock: SimulatedClock
) -> None:
    editor, reviewer, post, variant = await factories.create_launched_message(clock)
    ambassador, account = await factories.create_ambassador(clock, "linkedin")
    shared = await client.post(
        "/api/v1/shares", headers={"Authorization": f"Bearer {await issue_api_token(clock, ambassador)}"},
        json={"post_id": post.id, "account_id": account.id, "variant_id": variant.id,
              "scheduled_at": (clock.now() + timedelta(hours=3)).isoformat()},
    )
    assert shared.status_code == 201, shared.text
    link = await ShortLink.get(share_id=shared.json()["id"])
    own_link = f"{database.public_base_url}/l/{link.slug}"
    assert shared.json()["text"] == f"{variant.text}\n\n{own_link}"

    corrected = "Proud of my colleagues who opened our new heart unit. #employee"
    correction = await campaigns.propose_correction(clock, editor, variant.id, text=corrected,
                                                    reason="It is called the heart unit.")
    await sign_in(client, reviewer)
    approved = await submit(client, f"/studio/campaigns/{post.pack.campaign_id}",  # type: ignore[attr-defined]
                            f"/studio/corrections/{correction.id}/review", {"decision": "approve"})
    assert approved.status_code == 303, approved.text

    share = await Share.get(id=shared.json()["id"])
    assert share.text == f"{corrected}\n\n{own_link}"
    event = await ShareEvent.filter(share_id=share.id).order_by("-id").first()
    assert event is not None
    assert (event.from_status, event.to_status, event.reason) == (
        ShareStatus.QUEUED, ShareStatus.QUEUED, "the message was corrected: It is called the heart unit.")
