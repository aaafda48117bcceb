"""Rules for an ambassador's share: who may share what, where and when."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from enum import StrEnum

from tortoise.exceptions import IntegrityError
from tortoise.expressions import Q
from tortoise.transactions import in_transaction

from advocacy import audit
from advocacy.accounts.models import SocialAccount, network_name
from advocacy.clock import Clock
from advocacy.compliance import ComplianceEngine, Purpose, blocking, default_engine, describe_blocking
from advocacy.errors import Conflict, Forbidden, InvalidInput, NotFound
from advocacy.links.service import LinkMaker, new_slug
from advocacy.localtime import format_local
from advocacy.programme import targeting
from advocacy.programme.gate import ensure_may_share
from advocacy.settings import Settings
from advocacy.shares import authenticity, lifecycle
from advocacy.shares.authenticity import AuthenticityPolicy
from advocacy.shares.models import (
    BLOCKING_STATUSES,
    PLANNED_STATUSES,
    Share,
    ShareEvent,
    ShareStatus,
)
from advocacy.shares.planner import plan_auto_queue
from advocacy.shares.preferences import sharing_hours
from advocacy.shares.wording import share_text
from advocacy.users.models import Role, User
from campaigns import shareable
from campaigns.models import Campaign, CampaignStatus, MessageVariant, PackStatus, Post
from campaigns.text_limits import length_problem

log = logging.getLogger(__name__)

# A time a person picks in a form is usually a minute or so behind the server when it arrives.
PAST_TOLERANCE = timedelta(minutes=2)
STAGGER_WINDOW = timedelta(minutes=10)
# Packs whose posts no ambassador has been shown yet (expired and archived packs were approved).
UNSEEN_PACK_STATES = (PackStatus.DRAFT, PackStatus.IN_REVIEW)


class ShareMode(StrEnum):
    """When a share goes out: at once, at a time the person picks, or where the planner places it."""

    NOW = "now"
    AT = "at"
    AUTO = "auto"


class TooSimilar(Conflict):
    """The text nearly copies colleagues' shares of the post; details offer another suggestion."""

    code = "too_similar"


@dataclass(frozen=True)
class SharingPolicy:
    """The organisation's sharing settings that the share rules read."""

    stagger_limit: int = 5
    authenticity: AuthenticityPolicy = field(default_factory=AuthenticityPolicy)

    @classmethod
    def from_settings(cls, settings: Settings) -> SharingPolicy:
        return cls(
            stagger_limit=settings.share_stagger_limit,
            authenticity=AuthenticityPolicy(
                similarity=settings.authenticity_similarity,
                nudge_after=settings.authenticity_nudge_after,
                require_edit=settings.authenticity_require_edit,
            ),
        )


async def create_share(
    clock: Clock,
    user: User,
    *,
    post_id: int,
    account_id: int,
    variant_id: int | None = None,
    text: str | None = None,
    scheduled_at: datetime | None = None,
    mode: ShareMode | str | None = None,
    compliance: ComplianceEngine | None = None,
    links: LinkMaker | None = None,
    policy: SharingPolicy | None = None,
    nudge_similar: bool = False,
) -> Share:
    """Queue a share of an approved post from one of the ambassador's own accounts.

    The disclosure is added where the network shows it when the text lacks it, and the final text
    must pass the compliance check (the ambassador may have edited the approved wording). With
    `links`, the share carries its own short tracking link instead of the post's URL.

    `mode` is now, at `scheduled_at`, or auto (the planner places it; see `planner.py`); without
    it, a `scheduled_at` means at, else now. With `nudge_similar`, a text that nearly copies
    colleagues' shares of the post is refused with `TooSimilar` offering the least-used suggestion
    (the person confirms to share it anyway); an organisation that requires a personal edit refuses
    such a text whatever `nudge_similar` says.
    """
    policy = policy or SharingPolicy()
    try:
        chosen = ShareMode(mode) if mode is not None else (
            ShareMode.AT if scheduled_at is not None else ShareMode.NOW
        )
    except ValueError:
        raise InvalidInput("Choose now, at a time, or auto-queue.", {"field": "mode"}) from None
    if chosen == ShareMode.AT and scheduled_at is None:
        raise InvalidInput("Give the time to share at.", {"field": "scheduled_at"})
    if chosen != ShareMode.AT and scheduled_at is not None:
        raise InvalidInput(f"A time is only taken with mode 'at', not '{chosen.value}'.",
                           {"field": "scheduled_at"})
    if not user.is_opted_in_ambassador:
        raise Forbidden("Only ambassadors who opted in to the programme can share.")
    await ensure_may_share(user)  # guidelines acknowledged, required training done
    post = await Post.get_or_none(id=post_id).select_related("pack__campaign")
    # A post no ambassador was ever shown (its pack not approved yet, its campaign not launched)
    # gets the answer of a missing one, so that draft post ids cannot be told from unused ones.
    # Nor are the posts of a campaign not aimed at the person (the feed asks the same question):
    # checked before anything else about the post, so its state is not told to them either.
    if (post is None or post.pack.status in UNSEEN_PACK_STATES
            or post.pack.campaign.status != CampaignStatus.LAUNCHED
            or post.pack.campaign.id not in await targeting.campaign_ids_for(user, [post.pack.campaign.id])):
        raise NotFound(f"There is no post {post_id}.")
    campaign = post.pack.campaign
    now = clock.now()
    if post.pack.status in (PackStatus.EXPIRED, PackStatus.ARCHIVED) or any(
        moment is not None and moment <= now for moment in (post.expires_at, post.pack.expires_at)
    ):
        raise Conflict("This post has expired or was withdrawn and can no longer be shared.")
    account = await SocialAccount.get_or_none(id=account_id, user_id=user.id)
    if account is None:
        raise NotFound("That account is not one of your connected accounts.")
    network = account.network.value
    if account.status != "connected":
        raise Conflict(f"Your {network_name(network)} account needs to be reconnected first.")

    variant = None
    if variant_id is not None:
        variant = await MessageVariant.get_or_none(id=variant_id, post_id=post.id)
        if variant is None:
            raise NotFound("That message does not belong to this post.")
        if variant.network != network:
            raise InvalidInput(f"That message is written for {network_name(variant.network)}, not "
                               f"{network_name(network)}: pick one written for {network_name(network)}.")
    message = (text if text is not None else (variant.text if variant else "")).strip()
    if not message:
        raise InvalidInput("Pick a suggested message or write your own.", {"field": "text"})
    compliance = compliance or default_engine()
    slug = new_slug() if links is not None else None
    full_text = share_text(compliance, message, url=post.url, network=network,
                           link=links.short_url(slug) if links and slug else None)
    problem = length_problem(network, full_text)
    if problem:
        raise InvalidInput(problem, {"field": "text"})
    findings = compliance.check(full_text, network, Purpose.SHARE)
    if blocking(findings):
        raise InvalidInput(
            "This share cannot go out: " + describe_blocking(full_text, findings),
            {"field": "text", "text": full_text, "findings": [f.as_json() for f in findings],
             "policy_version": compliance.policy.version},
        )

    await guard_authenticity(user, post, network, full_text, variant, compliance, policy, nudge_similar)

    due = check_time(now, scheduled_at or now, campaign, post, user)
    try:
        async with in_transaction() as conn:
            # Opting out locks the person's row while it cancels their waiting shares: holding the
            # same lock here means a share is either queued before the opt-out (and cancelled by
            # it) or refused after it, never queued behind its back.
            member = await User.filter(id=user.id).using_db(conn).select_for_update().first()
            if member is None or not member.is_opted_in_ambassador:
                raise Forbidden("Only ambassadors who opted in to the programme can share.")
            await refuse_second_share(user, post.id, network)
            if chosen == ShareMode.AUTO:
                due = await auto_slot(now, user, post, campaign, policy)
            share = await lifecycle.create_queued(
                now, user=user, account=account, post=post, variant=variant, network=network,
                text=full_text, policy_version=compliance.policy.version, due_at=due,
                reason="auto-queued" if chosen == ShareMode.AUTO else "picked",
            )
            if links is not None and slug is not None:
                await links.register(slug, share_id=share.id, url=post.url, network=network,
                                     campaign=campaign.slug, now=now)
            await audit.record(clock, user, "share.create", f"share:{share.id}", {
                "post": post.title, "network": network, "mode": chosen.value, "due": due.isoformat()})
    except IntegrityError as error:
        # Another request of the same person passed the check above at the same moment; the
        # partial unique index let one through and refused this one, which wrote nothing.
        if not await Share.filter(
            user_id=user.id, post_id=post.id, network=network, status__in=BLOCKING_STATUSES
        ).exists():
            raise
        log.info("second share of post %s on %s refused by the index: %s", post.id, network, error)
        raise Conflict(already_shared(network)) from None
    if variant is not None:
        shareable.invalidate()  # the feed offers the least used suggestion first
    return share


def check_time(now: datetime, due: datetime, campaign: Campaign, post: Post, user: User) -> datetime:
    """A chosen time, checked against now and the post's window; before the start means the start.
    Refusals name the times in the person's zone, as the pages show them."""
    if due.tzinfo is None:
        raise InvalidInput("The time needs a time zone.", {"field": "scheduled_at"})
    if due < now - PAST_TOLERANCE:
        raise InvalidInput("That time has already passed.", {"field": "scheduled_at"})
    closes = window_close(campaign, post)
    if due >= closes:
        what = "campaign ends" if closes == campaign.ends_at else "post expires"
        raise InvalidInput(
            f"The {what} {format_local(closes, user)}; pick an earlier time.", {"field": "scheduled_at"}
        )
    return max(due, now, campaign.starts_at).astimezone(UTC)


def window_close(campaign: Campaign, post: Post) -> datetime:
    """When the post stops being shareable: the campaign end or an earlier post or pack expiry."""
    ends = [campaign.ends_at, post.expires_at, post.pack.expires_at]
    return min(moment for moment in ends if moment is not None)


async def refuse_second_share(user: User, post_id: int, network: str) -> None:
    found = await Share.filter(
        user_id=user.id, post_id=post_id, network=network, status__in=BLOCKING_STATUSES
    ).values_list("status", flat=True)
    existing = found[0] if found else None
    if existing == ShareStatus.UNCONFIRMED:
        raise Conflict(
            f"Your earlier share of this post on {network_name(network)} may already be out (we are "
            "checking with the platform). Retry that one from My shares instead of sharing again."
        )
    if existing is not None:
        raise Conflict(already_shared(network))


def already_shared(network: str) -> str:
    return (f"You already shared or scheduled this post on {network_name(network)}: "
            "see it under My shares.")


async def auto_slot(
    now: datetime, user: User, post: Post, campaign: Campaign, policy: SharingPolicy,
    *, moving: int | None = None,
) -> datetime:
    """Where the planner puts the share. Call inside the transaction that inserts it.

    The post's row is locked first (FOR UPDATE on PostgreSQL; SQLite runs one writer at a time),
    so two colleagues auto-queueing the same post at once are planned one after the other and
    the second sees the first: the stagger holds under concurrency.
    """
    await Post.filter(id=post.id).select_for_update().first()
    opens = max(now, campaign.starts_at)
    closes = window_close(campaign, post)
    margin = timedelta(days=1)
    # A share being moved is planned again as if it were not there.
    others = Share.exclude(id=moving) if moving is not None else Share.all()
    own: list[datetime] = await others.filter(  # type: ignore[assignment]
        user_id=user.id, status__in=PLANNED_STATUSES, due_at__gte=opens - margin, due_at__lt=closes + margin
    ).values_list("due_at", flat=True)
    same_post: list[datetime] = await others.filter(  # type: ignore[assignment]
        post_id=post.id, status__in=PLANNED_STATUSES,
        due_at__gte=opens - STAGGER_WINDOW, due_at__lt=closes + STAGGER_WINDOW,
    ).values_list("due_at", flat=True)
    placement = plan_auto_queue(
        now=now, opens=opens, closes=closes, hours=await sharing_hours(user),
        own=own, same_post=same_post, stagger_limit=policy.stagger_limit,
        stagger_window=STAGGER_WINDOW,
    )
    if placement.at is None:
        raise Conflict(placement.reason, {"field": "mode"})
    return placement.at


async def guard_authenticity(
    user: User,
    post: Post,
    network: str,
    text: str,
    variant: MessageVariant | None,
    compliance: ComplianceEngine,
    policy: SharingPolicy,
    nudge: bool,
) -> None:
    """Refuse (or nudge away from) a text that copies colleagues; see `authenticity.py` for why."""
    rules = policy.authenticity
    if not (nudge or rules.require_edit):
        return
    mine = authenticity.normalise(text, compliance.without_disclosure)
    shared: list[str] = await Share.filter(  # type: ignore[assignment]
        post_id=post.id, network=network, status__in=PLANNED_STATUSES
    ).exclude(user_id=user.id).values_list("text", flat=True)
    others = [authenticity.normalise(other, compliance.without_disclosure) for other in shared]
    copied = authenticity.copies(mine, others, rules.similarity)
    suggestions = await MessageVariant.filter(post_id=post.id, network=network).order_by("id")
    wordings = {s.id: authenticity.normalise(s.text, compliance.without_disclosure) for s in suggestions}
    copies_suggestion = rules.require_edit and authenticity.copies(
        mine, wordings.values(), rules.similarity) > 0
    if rules.require_edit and (copies_suggestion or copied >= rules.nudge_after):
        raise InvalidInput(
            "Your organisation asks everyone to put a suggested message in their own words before "
            "sharing: this text is nearly the same as "
            + ("a suggestion" if copies_suggestion else f"{copied} colleagues' posts")
            + ". Add a sentence about why it matters to you.",
            {"field": "text", "copies": copied},
        )
    if copied < rules.nudge_after:
        return
    offer_id = authenticity.least_used(
        mine, ((i, w) for i, w in wordings.items() if variant is None or i != variant.id), others,
        rules.similarity, copied,
    )
    if offer_id is None:
        return  # no suggestion is used less: sending the person elsewhere would not help
    offer = next(s for s in suggestions if s.id == offer_id)
    raise TooSimilar(
        f"{copied} colleagues already shared nearly the same words for this post. Posts that read "
        "alike look automated: add a sentence of your own, or take the less used suggestion below."
        " You can also confirm to share this message as it is.",
        {
            "field": "text",
            "copies": copied,
            "suggested_variant_id": offer.id,
            "suggested_text": offer.text,
        },
    )


async def cancel_share(clock: Clock, user: User, share_id: int) -> Share:
    """Cancel a queued (or paused) share of one's own; one already being published cannot be."""
    now = clock.now()
    async with in_transaction():
        share = await Share.get_or_none(id=share_id, user_id=user.id)
        if share is None:
            raise NotFound(f"You have no share {share_id}.")
        # Guarded on the status: a worker may claim a queued share in between.
        cancelled = await lifecycle.cancel(now, Q(id=share_id, user_id=user.id),
                                           "cancelled by the ambassador")
        if not cancelled:
            await share.refresh_from_db()
            raise Conflict(f"The share is {share.status.value} and can no longer be cancelled.")
        share.status, share.updated_at = ShareStatus.CANCELLED, now
        await audit.record(clock, user, "share.cancel", f"share:{share.id}", {
            "network": share.network, "status": {"from": cancelled[0].source.value, "to": "cancelled"}})
    if share.variant_id is not None:  # type: ignore[attr-defined]
        shareable.invalidate()  # a cancelled share no longer counts as a use of its suggestion
    return share


async def move_share(
    clock: Clock, user: User, share_id: int, *, to: datetime | None = None, auto: bool = False,
    policy: SharingPolicy | None = None,
) -> Share:
    """Move a queued share of one's own to another time (`to`), or let the planner place it again.

    Only a share that is still queued can move: the conditional update loses to a dispatcher that
    claimed it a moment before (and the claim loses to the move that committed first), so a share
    is never published at a time the person believes they moved it away from.
    """
    now = clock.now()
    share = await Share.get_or_none(id=share_id, user_id=user.id).select_related("post__pack__campaign")
    if share is None:
        raise NotFound(f"You have no share {share_id}.")
    if share.status != ShareStatus.QUEUED:
        raise Conflict(f"The share is {share.status.value} and can no longer be moved.")
    if (to is None) == (not auto):
        raise InvalidInput("Give the new time, or ask for auto-queue.", {"field": "scheduled_at"})
    post = share.post
    campaign = post.pack.campaign
    async with in_transaction():
        if auto:
            due = await auto_slot(now, user, post, campaign, policy or SharingPolicy(), moving=share.id)
        else:
            assert to is not None
            due = check_time(now, to, campaign, post, user)
        moved = await lifecycle.move(
            now, share.id, due, f"moved by the ambassador from {format_local(share.due_at, user)}"
        )
        if not moved:
            current = await Share.get(id=share.id)
            raise Conflict(f"The share is {current.status.value} and can no longer be moved.")
        await audit.record(clock, user, "share.move", f"share:{share.id}")
    share.due_at, share.updated_at = due, now
    return share


async def shares_of(user: User) -> list[Share]:
    return await Share.filter(user_id=user.id).select_related("post").order_by("-due_at", "-id")


async def histories_of(share_ids: list[int]) -> dict[int, list[ShareEvent]]:
    """Each share's status changes, oldest first."""
    events: dict[int, list[ShareEvent]] = {}
    for event in await ShareEvent.filter(share_id__in=share_ids).order_by("at", "id"):
        events.setdefault(event.share_id, []).append(event)  # type: ignore[attr-defined]
    return events


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
        again = "this post was shared again on that network since"
        try:
            async with in_transaction():
                if await Share.filter(
                    user_id=share.user_id,  # type: ignore[attr-defined]
                    post_id=share.post_id,  # type: ignore[attr-defined]
                    network=share.network,
                    status__in=BLOCKING_STATUSES,
                ).exclude(id=share.id).exists():
                    outcome.skipped[share.id] = again
                    continue
                if await lifecycle.retry(now, share.id, f"retried by {user.name}"):
                    outcome.retried.append(share.id)
        except IntegrityError:
            # A new share of the same post and network went in at the same moment (unique index).
            outcome.skipped[share.id] = again
    if share_ids is not None:
        for missing in set(share_ids) - set(outcome.retried) - set(outcome.skipped):
            outcome.skipped[missing] = "no failed or unconfirmed share of yours has this id"
    return outcome
