"""Rules for an ambassador's share: who may share what, where and when."""

from __future__ import annotations

from datetime import datetime, timedelta

from tortoise.transactions import in_transaction

from advocacy import audit
from advocacy.accounts.models import SocialAccount
from advocacy.clock import Clock
from advocacy.errors import Conflict, Forbidden, InvalidInput, NotFound
from advocacy.shares.models import ACTIVE_STATUSES, Share, ShareEvent, ShareStatus
from advocacy.users.models import User
from campaigns.models import CampaignStatus, MessageVariant, PackStatus, Post
from campaigns.text_limits import length_problem

# A time a person picks in a form is usually a minute or so behind the server when it arrives.
PAST_TOLERANCE = timedelta(minutes=2)


def compose_text(message: str, url: str) -> str:
    """The published text: the message, with the post's link added when the message lacks it."""
    return message if url in message else f"{message}\n\n{url}"


async def create_share(
    clock: Clock,
    user: User,
    *,
    post_id: int,
    account_id: int,
    variant_id: int | None = None,
    text: str | None = None,
    scheduled_at: datetime | None = None,
) -> Share:
    """Queue a share of an approved post from one of the ambassador's own accounts."""
    if not user.is_opted_in_ambassador:
        raise Forbidden("Only ambassadors who opted in to the programme can share.")
    post = await Post.get_or_none(id=post_id).select_related("pack__campaign")
    if post is None:
        raise NotFound(f"There is no post {post_id}.")
    campaign = post.pack.campaign
    now = clock.now()
    if post.pack.status != PackStatus.APPROVED or campaign.status != CampaignStatus.LAUNCHED:
        raise Conflict("This post is not approved for sharing yet.")
    account = await SocialAccount.get_or_none(id=account_id, user_id=user.id)
    if account is None:
        raise NotFound("That account is not one of your connected accounts.")
    if account.status != "connected":
        raise Conflict(f"Your {account.network.value} account needs to be reconnected first.")
    network = account.network.value

    variant = None
    if variant_id is not None:
        variant = await MessageVariant.get_or_none(id=variant_id, post_id=post.id)
        if variant is None:
            raise NotFound("That message does not belong to this post.")
        if variant.network != network:
            raise InvalidInput(f"That message is written for {variant.network}, not {network}.")
    message = (text if text is not None else (variant.text if variant else "")).strip()
    if not message:
        raise InvalidInput("Pick a suggested message or write your own.", {"field": "text"})
    full_text = compose_text(message, post.url)
    problem = length_problem(network, full_text)
    if problem:
        raise InvalidInput(problem, {"field": "text"})

    due = scheduled_at or now
    if due.tzinfo is None:
        raise InvalidInput("The time needs a time zone.", {"field": "scheduled_at"})
    if due < now - PAST_TOLERANCE:
        raise InvalidInput("That time has already passed.", {"field": "scheduled_at"})
    if due >= campaign.ends_at:
        raise InvalidInput(
            f"The campaign ends {campaign.ends_at:%Y-%m-%d %H:%M} UTC; pick an earlier time.",
            {"field": "scheduled_at"},
        )
    due = max(due, now, campaign.starts_at)

    async with in_transaction():
        if await Share.filter(
            user_id=user.id, post_id=post.id, network=network, status__in=ACTIVE_STATUSES
        ).exists():
            raise Conflict(f"You already shared this post on {network}.")
        share = await Share.create(
            user=user,
            account=account,
            post=post,
            variant=variant,
            network=network,
            text=full_text,
            status=ShareStatus.QUEUED,
            due_at=due,
            created_at=now,
            updated_at=now,
        )
        await ShareEvent.create(
            share=share, at=now, from_status=None, to_status=ShareStatus.QUEUED, reason="picked"
        )
    return share


async def cancel_share(clock: Clock, user: User, share_id: int) -> Share:
    """Cancel a queued share of one's own; a share already being published cannot be cancelled."""
    now = clock.now()
    async with in_transaction():
        updated = await Share.filter(
            id=share_id, user_id=user.id, status=ShareStatus.QUEUED
        ).update(status=ShareStatus.CANCELLED, updated_at=now)
        share = await Share.get_or_none(id=share_id, user_id=user.id)
        if share is None:
            raise NotFound(f"You have no share {share_id}.")
        if not updated:
            raise Conflict(f"The share is {share.status.value} and can no longer be cancelled.")
        await ShareEvent.create(
            share=share,
            at=now,
            from_status=ShareStatus.QUEUED,
            to_status=ShareStatus.CANCELLED,
            reason="cancelled by the ambassador",
        )
        await audit.record(clock, user, "share.cancel", f"share:{share.id}")
    return share


async def shares_of(user: User) -> list[Share]:
    return await Share.filter(user_id=user.id).select_related("post").order_by("-due_at", "-id")
