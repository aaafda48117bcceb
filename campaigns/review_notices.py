"""Telling the people of a review: the reviewers hear of a pack sent for review, its author of the
decision (approved, or changes requested with the reviewer's note).

Only queued in the outbox (advocacy.notify): in-app at once, on each person's channels by their
own frequency.
"""

from __future__ import annotations

from advocacy.clock import Clock
from advocacy.notify import service as notify
from advocacy.users.models import Role, User
from campaigns.models import ContentPack


def _pack_link(pack: ContentPack) -> str:
    return f"/studio/campaigns/{pack.campaign_id}#pack-{pack.id}"


async def tell_reviewers(clock: Clock, pack: ContentPack, editor: User) -> int:
    """Queue "a pack to review" for every active reviewer but the one who sent it (the admins when
    there is no reviewer); returns how many were told."""
    reviewers = User.filter(role=Role.REVIEWER, is_active=True).exclude(id=editor.id)
    if not await reviewers.exists():
        reviewers = User.filter(role=Role.ADMIN, is_active=True).exclude(id=editor.id)
    assert pack.submitted_at is not None
    return await notify.notify_audience(
        clock, reviewers, "pack_submitted", f"To review: {pack.title}",
        f"{editor.name} sent the content pack “{pack.title}” for review. Approve it, or request changes "
        "with a note saying what to change.",
        link=_pack_link(pack), dedupe_key=f"pack-submitted:{pack.id}:{pack.submitted_at.isoformat()}",
    )


async def tell_author(clock: Clock, pack: ContentPack, reviewer: User, *, approved: bool) -> bool:
    """Queue the review's decision for the pack's author; returns whether it was queued."""
    author = await User.get(id=pack.author_id)  # type: ignore[attr-defined]
    assert pack.reviewed_at is not None
    note = f"\n\n{reviewer.name}'s note: {pack.review_note}" if pack.review_note else ""
    if approved:
        subject = f"Approved: {pack.title}"
        body = f"{reviewer.name} approved “{pack.title}”: the campaign can be launched.{note}"
    else:
        subject = f"Changes requested: {pack.title}"
        body = f"{reviewer.name} sent “{pack.title}” back to you.{note}"
    kind = "pack_approved" if approved else "pack_changes_requested"
    return await notify.notify(
        clock, author, kind, subject, body,
        link=_pack_link(pack), dedupe_key=f"{kind}:{pack.id}:{pack.reviewed_at.isoformat()}",
    )
