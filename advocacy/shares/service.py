"""Rules for an ambassador's share: who may share what, where and when."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from tortoise.transactions import in_transaction

from advocacy import audit
from advocacy.accounts.models import SocialAccount
from advocacy.clock import Clock
from advocacy.compliance import ComplianceEngine, Purpose, blocking, default_engine, describe_blocking
from advocacy.errors import Conflict, Forbidden, InvalidInput, NotFound
from advocacy.links.service import LinkMaker, new_slug
from advocacy.shares.models import ACTIVE_STATUSES, Share, ShareEvent, ShareStatus
from advocacy.users.models import Role, User
from campaigns.models import CampaignStatus, MessageVariant, PackStatus, Post
from campaigns.text_limits import length_problem

# A time a person picks in a form is usually a minute or so behind the server when it arrives.
PAST_TOLERANCE = timedelta(minutes=2)


def compose_text(message: str, url: str, link: str | None = None) -> str:
    """The published text: the message, with the post's link added when the message lacks it.

    With a tracking `link`, the link stands in for the post's URL wherever the message has it.
    """
    shown = link or url
    if url in message:
        return message.replace(url, shown)
    return message if shown in message else f"{message}\n\n{shown}"


async def create_share(
    clock: Clock,
    user: User,
    *,
    post_id: int,
    account_id: int,
    variant_id: int | None = None,
    text: str | None = None,
    scheduled_at: datetime | None = None,
    compliance: ComplianceEngine | None = None,
    links: LinkMaker | None = None,
) -> Share:
    """Queue a share of an approved post from one of the ambassador's own accounts.

    The disclosure is added where the network shows it when the text lacks it, and the final text
    must pass the compliance check (the ambassador may have edited the approved wording). With
    `links`, the share carries its own short tracking link instead of the post's URL.
    """
    if not user.is_opted_in_ambassador:
        raise Forbidden("Only ambassadors who opted in to the programme can share.")
    post = await Post.get_or_none(id=post_id).select_related("pack__campaign")
    if post is None:
        raise NotFound(f"There is no post {post_id}.")
    campaign = post.pack.campaign
    now = clock.now()
    if post.pack.status in (PackStatus.EXPIRED, PackStatus.ARCHIVED) or any(
        moment is not None and moment <= now for moment in (post.expires_at, post.pack.expires_at)
    ):
        raise Conflict("This post has expired or was withdrawn and can no longer be shared.")
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
    compliance = compliance or default_engine()
    slug = new_slug() if links is not None else None
    full_text = compliance.with_disclosure(
        compose_text(message, post.url, links.short_url(slug) if links and slug else None), network
    )
    problem = length_problem(network, full_text)
    if problem:
        raise InvalidInput(problem, {"field": "text"})
    findings = compliance.check(full_text, network, Purpose.SHARE)
    if blocking(findings):
        raise InvalidInput(
            "This share cannot go out: " + describe_blocking(full_text, findings),
            {"field": "text", "text": full_text, "findings": [f.as_json() for f in findings]},
        )

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
        if links is not None and slug is not None:
            await links.register(slug, share_id=share.id, url=post.url, network=network,
                                 campaign=campaign.slug, now=now)
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


@dataclass
class RetryOutcome:
    retried: list[int] = field(default_factory=list)
    skipped: dict[int, str] = field(default_factory=dict)


# Who may retry any share, not only their own.
RETRY_ANY_ROLES = (Role.EDITOR, Role.ADMIN)


async def retry_shares(
    clock: Clock,
    user: User,
    *,
    share_ids: Sequence[int] | None = None,
    account_id: int | None = None,
) -> RetryOutcome:
    """Queue failed (and unconfirmed) shares again once their cause is fixed, e.g. a reconnect.

    Ambassadors retry their own shares; editors and admins any. An unconfirmed share may already be
    on the platform, so its retry is a reconciliation, never a blind re-post. Shares whose account
    still needs reconnecting, or whose post the person shared again since, are skipped with why.
    """
    now = clock.now()
    query = Share.filter(status__in=(ShareStatus.FAILED, ShareStatus.UNCONFIRMED))
    if user.role not in RETRY_ANY_ROLES:
        query = query.filter(user_id=user.id)
    if share_ids is not None:
        query = query.filter(id__in=list(share_ids))
    if account_id is not None:
        query = query.filter(account_id=account_id)
    outcome = RetryOutcome()
    for share in await query.select_related("account").order_by("id"):
        if share.account.status != "connected":
            outcome.skipped[share.id] = "the account needs to be reconnected first"
            continue
        async with in_transaction():
            if await Share.filter(
                user_id=share.user_id,  # type: ignore[attr-defined]
                post_id=share.post_id,  # type: ignore[attr-defined]
                network=share.network,
                status__in=ACTIVE_STATUSES,
            ).exists():
                outcome.skipped[share.id] = "this post was shared again on that network since"
                continue
            moved = await Share.filter(id=share.id, status=share.status).update(
                status=ShareStatus.QUEUED,
                due_at=now,
                attempts=0,
                needs_reconcile=share.status == ShareStatus.UNCONFIRMED,
                updated_at=now,
            )
            if moved:
                await ShareEvent.create(
                    share_id=share.id, at=now, from_status=share.status, to_status=ShareStatus.QUEUED,
                    reason=f"retried by {user.name}",
                )
                outcome.retried.append(share.id)
    if share_ids is not None:
        for missing in set(share_ids) - set(outcome.retried) - set(outcome.skipped):
            outcome.skipped[missing] = "no failed or unconfirmed share of yours has this id"
    return outcome
