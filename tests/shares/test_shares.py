"""Share rules: who may share what, from which account, with which text and when; cancelling."""

from __future__ import annotations

from collections.abc import Awaitable
from datetime import datetime, timedelta
from typing import Any

import pytest

from advocacy.accounts.models import AccountStatus
from advocacy.accounts.networks import NetworkRegistry
from advocacy.clock import SimulatedClock
from advocacy.errors import Conflict, DomainError, Forbidden, InvalidInput, NotFound
from advocacy.settings import Settings
from advocacy.shares.dispatch import ShareDispatcher
from advocacy.shares.models import Share, ShareEvent, ShareStatus
from advocacy.shares.service import cancel_share, create_share, shares_of
from advocacy.shares.wording import compose_text
from campaigns import service as campaigns
from campaigns.models import ContentPack, MessageVariant, Post
from tests import factories


async def table_state() -> tuple[list[tuple[Any, ...]], int]:
    rows = await Share.all().order_by("id").values_list("id", "status", "due_at", "text", "updated_at")
    return rows, await ShareEvent.all().count()


async def refused(call: Awaitable[object], error: type[DomainError]) -> DomainError:
    """Run a call that must be refused with `error` and leave the shares tables as they were."""
    before = await table_state()
    with pytest.raises(error) as caught:
        await call
    assert await table_state() == before
    return caught.value


async def variant_of(post: Post, network: str) -> MessageVariant:
    variant = await MessageVariant.filter(post_id=post.id, network=network).order_by("id").first()
    assert variant is not None
    return variant


async def test_ambassador_shares_a_suggested_message_with_the_link_added(
    database: Settings, clock: SimulatedClock
) -> None:
    _, post = await factories.create_launched_campaign(clock)
    ambassador, account = await factories.create_ambassador(clock)
    variant = await variant_of(post, "linkedin")
    share = await create_share(
        clock, ambassador, post_id=post.id, account_id=account.id, variant_id=variant.id
    )
    assert share.status == ShareStatus.QUEUED
    assert share.due_at == clock.now()
    assert share.text == f"{variant.text}\n\n{post.url}"
    assert share.network == "linkedin" and share.variant_id == variant.id  # type: ignore[attr-defined]
    assert [s.id for s in await shares_of(ambassador)] == [share.id]


async def test_own_text_keeps_a_link_it_already_contains(database: Settings, clock: SimulatedClock) -> None:
    _, post = await factories.create_launched_campaign(clock)
    ambassador, account = await factories.create_ambassador(clock, "x")
    text = f"Read this {post.url} #employee"
    share = await create_share(clock, ambassador, post_id=post.id, account_id=account.id, text=text)
    assert share.text == text == compose_text(text, post.url)


async def test_opted_out_ambassador_cannot_share(database: Settings, clock: SimulatedClock) -> None:
    _, post = await factories.create_launched_campaign(clock)
    ambassador, account = await factories.create_ambassador(clock, opted_in=False)
    error = await refused(
        create_share(clock, ambassador, post_id=post.id, account_id=account.id, text="Proud"), Forbidden
    )
    assert "opted in" in error.message
    assert await Share.all().count() == 0


async def test_deactivated_ambassador_cannot_share(database: Settings, clock: SimulatedClock) -> None:
    _, post = await factories.create_launched_campaign(clock)
    ambassador, account = await factories.create_ambassador(clock)
    ambassador.is_active = False
    await ambassador.save()
    await refused(
        create_share(clock, ambassador, post_id=post.id, account_id=account.id, text="Proud"), Forbidden
    )


@pytest.mark.parametrize("role", ["editor", "reviewer", "leader", "admin"])
async def test_non_ambassador_roles_cannot_share(
    database: Settings, clock: SimulatedClock, role: str
) -> None:
    _, post = await factories.create_launched_campaign(clock)
    person = await factories.create_user(clock, role)
    account = await factories.create_account(clock, person)
    await refused(create_share(clock, person, post_id=post.id, account_id=account.id, text="Hi"), Forbidden)


async def test_post_of_an_unapproved_pack_cannot_be_shared(database: Settings, clock: SimulatedClock) -> None:
    editor = await factories.create_user(clock, "editor")
    campaign, post = await factories.create_campaign_with_post(clock, editor)
    pack = await ContentPack.get(campaign_id=campaign.id)
    await campaigns.submit_pack(clock, editor, pack.id)
    ambassador, account = await factories.create_ambassador(clock)
    await refused(
        create_share(clock, ambassador, post_id=post.id, account_id=account.id, text="Proud"), NotFound
    )


async def test_post_of_an_unlaunched_campaign_cannot_be_shared(
    database: Settings, clock: SimulatedClock
) -> None:
    editor = await factories.create_user(clock, "editor")
    reviewer = await factories.create_user(clock, "reviewer")
    campaign, post = await factories.create_campaign_with_post(clock, editor)
    pack = await ContentPack.get(campaign_id=campaign.id)
    await campaigns.submit_pack(clock, editor, pack.id)
    await campaigns.review_pack(clock, reviewer, pack.id, approve=True)
    ambassador, account = await factories.create_ambassador(clock)
    await refused(
        create_share(clock, ambassador, post_id=post.id, account_id=account.id, text="Proud"), NotFound
    )


async def test_unknown_post_cannot_be_shared(database: Settings, clock: SimulatedClock) -> None:
    ambassador, account = await factories.create_ambassador(clock)
    await refused(create_share(clock, ambassador, post_id=999, account_id=account.id, text="Hi"), NotFound)


async def test_someone_elses_account_cannot_be_used(database: Settings, clock: SimulatedClock) -> None:
    _, post = await factories.create_launched_campaign(clock)
    ambassador, _ = await factories.create_ambassador(clock)
    _, other_account = await factories.create_ambassador(clock)
    brand = await factories.create_account(clock, None, "linkedin", is_brand=True)
    for account_id in (other_account.id, brand.id, 999):
        await refused(
            create_share(clock, ambassador, post_id=post.id, account_id=account_id, text="Hi"), NotFound
        )


async def test_disconnected_account_cannot_be_used(database: Settings, clock: SimulatedClock) -> None:
    _, post = await factories.create_launched_campaign(clock)
    ambassador, account = await factories.create_ambassador(clock)
    account.status = AccountStatus.DISCONNECTED
    await account.save()
    error = await refused(
        create_share(clock, ambassador, post_id=post.id, account_id=account.id, text="Hi"), Conflict
    )
    assert "reconnected" in error.message


async def test_variant_written_for_another_network_is_refused(
    database: Settings, clock: SimulatedClock
) -> None:
    _, post = await factories.create_launched_campaign(clock)
    ambassador, account = await factories.create_ambassador(clock, "linkedin")
    x_variant = await variant_of(post, "x")
    await refused(
        create_share(clock, ambassador, post_id=post.id, account_id=account.id, variant_id=x_variant.id),
        InvalidInput,
    )


async def test_variant_of_another_post_is_refused(database: Settings, clock: SimulatedClock) -> None:
    _, (post, other_post) = await factories.create_launched_campaign_with_posts(clock, 2)
    ambassador, account = await factories.create_ambassador(clock, "linkedin")
    other_variant = await variant_of(other_post, "linkedin")
    await refused(
        create_share(clock, ambassador, post_id=post.id, account_id=account.id, variant_id=other_variant.id),
        NotFound,
    )


async def test_share_needs_a_message(database: Settings, clock: SimulatedClock) -> None:
    _, post = await factories.create_launched_campaign(clock)
    ambassador, account = await factories.create_ambassador(clock)
    for text in (None, "", "   "):
        await refused(
            create_share(clock, ambassador, post_id=post.id, account_id=account.id, text=text), InvalidInput
        )


async def test_text_too_long_for_the_network_is_refused(database: Settings, clock: SimulatedClock) -> None:
    _, post = await factories.create_launched_campaign(clock)
    ambassador, account = await factories.create_ambassador(clock, "x")
    # The disclosure (10) + 246 characters + a space + the link (23) fits X's 280; the link the
    # service adds to a text without it makes one character too many.
    fits = "#employee " + "a" * 246 + " " + post.url
    share = await create_share(clock, ambassador, post_id=post.id, account_id=account.id, text=fits)
    assert share.text == fits
    await cancel_share(clock, ambassador, share.id)
    error = await refused(
        create_share(clock, ambassador, post_id=post.id, account_id=account.id,
                     text="#employee " + "a" * 246),
        InvalidInput,
    )
    assert error.details == {"field": "text"}


async def test_time_in_the_past_is_refused(database: Settings, clock: SimulatedClock) -> None:
    _, post = await factories.create_launched_campaign(clock)
    ambassador, account = await factories.create_ambassador(clock)
    clock.advance(timedelta(hours=1))
    error = await refused(
        create_share(clock, ambassador, post_id=post.id, account_id=account.id, text="Hi",
                     scheduled_at=clock.now() - timedelta(minutes=10)),
        InvalidInput,
    )
    assert error.details == {"field": "scheduled_at"}


async def test_time_a_moment_ago_is_taken_as_now(database: Settings, clock: SimulatedClock) -> None:
    _, post = await factories.create_launched_campaign(clock)
    ambassador, account = await factories.create_ambassador(clock)
    clock.advance(timedelta(hours=1))
    share = await create_share(clock, ambassador, post_id=post.id, account_id=account.id, text="Hi",
                               scheduled_at=clock.now() - timedelta(seconds=30))
    assert share.due_at == clock.now()


async def test_time_without_a_time_zone_is_refused(database: Settings, clock: SimulatedClock) -> None:
    _, post = await factories.create_launched_campaign(clock)
    ambassador, account = await factories.create_ambassador(clock)
    await refused(
        create_share(clock, ambassador, post_id=post.id, account_id=account.id, text="Hi",
                     scheduled_at=datetime(2026, 11, 3, 9, 0)),
        InvalidInput,
    )


async def test_time_after_the_campaign_end_is_refused(database: Settings, clock: SimulatedClock) -> None:
    campaign, post = await factories.create_launched_campaign(clock, days=3)
    ambassador, account = await factories.create_ambassador(clock)
    for moment in (campaign.ends_at, campaign.ends_at + timedelta(days=1)):
        await refused(
            create_share(clock, ambassador, post_id=post.id, account_id=account.id, text="Hi",
                         scheduled_at=moment),
            InvalidInput,
        )
    share = await create_share(clock, ambassador, post_id=post.id, account_id=account.id, text="Hi",
                               scheduled_at=campaign.ends_at - timedelta(minutes=1))
    assert share.due_at == campaign.ends_at - timedelta(minutes=1)


async def test_share_picked_before_the_campaign_starts_waits_for_the_start(
    database: Settings, clock: SimulatedClock
) -> None:
    editor = await factories.create_user(clock, "editor")
    reviewer = await factories.create_user(clock, "reviewer")
    starts = clock.now() + timedelta(days=2)
    campaign = await campaigns.create_campaign(
        clock, editor, name="Later", starts_at=starts, ends_at=starts + timedelta(days=5)
    )
    pack = await ContentPack.get(campaign_id=campaign.id)
    post = await campaigns.add_post(clock, editor, pack.id, title="T", url="https://example.org/t",
                                    messages={"linkedin": ["Soon"]})
    await campaigns.submit_pack(clock, editor, pack.id)
    await campaigns.review_pack(clock, reviewer, pack.id, approve=True)
    await campaigns.launch_campaign(clock, editor, campaign.id)
    ambassador, account = await factories.create_ambassador(clock)
    share = await create_share(clock, ambassador, post_id=post.id, account_id=account.id, text="Soon")
    assert share.due_at == starts


async def test_second_active_share_on_the_same_network_is_a_conflict(
    database: Settings, clock: SimulatedClock
) -> None:
    _, post = await factories.create_launched_campaign(clock)
    ambassador, account = await factories.create_ambassador(clock)
    second_account = await factories.create_account(clock, ambassador, "linkedin")
    await create_share(clock, ambassador, post_id=post.id, account_id=account.id, text="First")
    for account_id in (account.id, second_account.id):
        await refused(
            create_share(clock, ambassador, post_id=post.id, account_id=account_id, text="Again"), Conflict
        )
    # Another network is another share.
    x_account = await factories.create_account(clock, ambassador, "x")
    await create_share(clock, ambassador, post_id=post.id, account_id=x_account.id, text="On X")
    assert await Share.filter(user_id=ambassador.id).count() == 2


async def test_published_share_still_blocks_a_second_one(database: Settings, clock: SimulatedClock) -> None:
    _, post = await factories.create_launched_campaign(clock)
    ambassador, account = await factories.create_ambassador(clock)
    await create_share(clock, ambassador, post_id=post.id, account_id=account.id, text="First")
    await ShareDispatcher(NetworkRegistry(database, clock), clock).run_until_idle()
    assert await Share.filter(status=ShareStatus.PUBLISHED).count() == 1
    await refused(
        create_share(clock, ambassador, post_id=post.id, account_id=account.id, text="Again"), Conflict
    )


async def test_cancelled_share_does_not_block_a_new_one(database: Settings, clock: SimulatedClock) -> None:
    _, post = await factories.create_launched_campaign(clock)
    ambassador, account = await factories.create_ambassador(clock)
    first = await create_share(clock, ambassador, post_id=post.id, account_id=account.id, text="First",
                               scheduled_at=clock.now() + timedelta(hours=3))
    await cancel_share(clock, ambassador, first.id)
    second = await create_share(clock, ambassador, post_id=post.id, account_id=account.id, text="Second")
    assert second.id != first.id
    statuses = dict(await Share.all().values_list("id", "status"))
    assert statuses == {first.id: ShareStatus.CANCELLED, second.id: ShareStatus.QUEUED}


async def test_ambassador_cancels_a_queued_share(database: Settings, clock: SimulatedClock) -> None:
    _, post = await factories.create_launched_campaign(clock)
    ambassador, account = await factories.create_ambassador(clock)
    share = await create_share(clock, ambassador, post_id=post.id, account_id=account.id, text="Hi",
                               scheduled_at=clock.now() + timedelta(hours=3))
    clock.advance(timedelta(minutes=5))
    cancelled = await cancel_share(clock, ambassador, share.id)
    assert cancelled.status == ShareStatus.CANCELLED and cancelled.updated_at == clock.now()
    clock.advance(timedelta(hours=4))
    report = await ShareDispatcher(NetworkRegistry(database, clock), clock).run_until_idle()
    assert report.claimed == 0


async def test_cannot_cancel_someone_elses_share(database: Settings, clock: SimulatedClock) -> None:
    _, post = await factories.create_launched_campaign(clock)
    owner, account = await factories.create_ambassador(clock)
    stranger, _ = await factories.create_ambassador(clock)
    share = await create_share(clock, owner, post_id=post.id, account_id=account.id, text="Hi")
    await refused(cancel_share(clock, stranger, share.id), NotFound)
    await refused(cancel_share(clock, stranger, 999), NotFound)
    await share.refresh_from_db()
    assert share.status == ShareStatus.QUEUED


async def test_cannot_cancel_a_share_that_is_no_longer_queued(
    database: Settings, clock: SimulatedClock
) -> None:
    _, post = await factories.create_launched_campaign(clock)
    ambassador, account = await factories.create_ambassador(clock)
    share = await create_share(clock, ambassador, post_id=post.id, account_id=account.id, text="Hi")
    await ShareDispatcher(NetworkRegistry(database, clock), clock).run_until_idle()
    error = await refused(cancel_share(clock, ambassador, share.id), Conflict)
    assert "published" in error.message
    await share.refresh_from_db()
    assert share.status == ShareStatus.PUBLISHED


async def test_every_transition_is_recorded_as_a_share_event(
    database: Settings, clock: SimulatedClock
) -> None:
    _, post = await factories.create_launched_campaign(clock)
    ambassador, account = await factories.create_ambassador(clock)
    x_account = await factories.create_account(clock, ambassador, "x")
    published = await create_share(clock, ambassador, post_id=post.id, account_id=account.id, text="Hi",
                                   scheduled_at=clock.now() + timedelta(hours=1))
    cancelled = await create_share(clock, ambassador, post_id=post.id, account_id=x_account.id, text="Hi")
    clock.advance(timedelta(minutes=1))
    await cancel_share(clock, ambassador, cancelled.id)
    clock.advance(timedelta(hours=1))
    await ShareDispatcher(NetworkRegistry(database, clock), clock).run_until_idle()

    async def history(share: Share) -> list[tuple[Any, ...]]:
        return await ShareEvent.filter(share_id=share.id).order_by("id").values_list(
            "from_status", "to_status", "at"
        )

    start = clock.now() - timedelta(hours=1, minutes=1)
    assert await history(published) == [
        (None, "queued", start),
        ("queued", "publishing", clock.now()),
        ("publishing", "published", clock.now()),
    ]
    assert await history(cancelled) == [
        (None, "queued", start),
        ("queued", "cancelled", start + timedelta(minutes=1)),
    ]
