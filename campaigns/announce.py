"""Telling people about content: a launched campaign's audience hears of it, and each ambassador
gets a weekly "new posts for you" digest of what became shareable for them since the last one.

Both only queue notifications (advocacy.notify); each person's channels and frequency decide when
and how they arrive.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime, timedelta

from advocacy.clock import Clock
from advocacy.notify import service as notify
from advocacy.notify.models import Channel, Frequency, NotificationPreference
from advocacy.programme.targeting import audience_of, campaign_ids_for, programme_members
from advocacy.users.models import User
from campaigns.models import Campaign, CampaignStatus, PackStatus, Post

# The most posts a digest lists by name; the feed shows the rest.
DIGEST_LIST_LIMIT = 10


async def announce_launch(clock: Clock, campaign: Campaign, *, organisation: Collection[Channel] = ()) -> int:
    """Queue "new campaign for you" for everyone in the campaign's audience; returns how many.

    Launching twice never notifies twice: the notice's key is the campaign."""
    approved = Post.filter(pack__campaign_id=campaign.id, pack__status=PackStatus.APPROVED)
    posts = await approved.count()
    # Each listed post carries one-tap share actions in the message (made per person when sent).
    listed: list[int] = await approved.order_by("-featured", "-created_at", "-id").limit(  # type: ignore[assignment]
        DIGEST_LIST_LIMIT).values_list("id", flat=True)
    ready = f"{posts} post{'s are' if posts != 1 else ' is'} ready to share in your feed"
    ends = f"{campaign.ends_at:%d %b %Y}".lstrip("0")
    body = (campaign.description.strip() + "\n\n" if campaign.description.strip() else "") + (
        f"{ready}, until {ends}. Pick one, make it your own, and share it when it suits you."
    )
    # The audience stays a query: it can be the whole organisation, and the fan-out never loads it.
    return await notify.notify_audience(
        clock, audience_of(campaign), "campaign_launched", f"New campaign for you: {campaign.name}", body,
        link="/feed", dedupe_key=f"campaign-launched:{campaign.id}", post_ids=listed,
        organisation=organisation,
    )


def last_weekly_slot(user: User, now: datetime) -> datetime:
    """The latest weekly digest time at or before `now`, in the person's time zone."""
    return notify.next_digest_at(user, Frequency.WEEKLY, now) - timedelta(days=7)


async def _new_posts(since: datetime, until: datetime) -> list[Post]:
    """Posts that became shareable in [since, until): approved, of a launched campaign, open."""
    posts = await (
        Post.filter(pack__status=PackStatus.APPROVED, pack__campaign__status=CampaignStatus.LAUNCHED,
                    pack__campaign__ends_at__gt=until)
        .select_related("pack__campaign")
        .order_by("-created_at", "-id")
    )
    fresh = []
    for post in posts:
        if post.expires_at is not None and post.expires_at <= until:
            continue
        if post.pack.expires_at is not None and post.pack.expires_at <= until:
            continue
        # Shareable from the later of its approval and its campaign's launch.
        became = max(t for t in (post.pack.reviewed_at, post.pack.campaign.launched_at) if t is not None)
        if since <= became < until:
            fresh.append(post)
    return fresh


async def send_posts_digests(clock: Clock, *, organisation: Collection[Channel] = ()) -> int:
    """Queue each ambassador's weekly "new posts for you" digest when their weekly time has come.

    A digest lists the posts targeted at the person that became shareable since their last one;
    a week without any sends nothing. Returns how many digests were queued."""
    now = clock.now()
    preferences = {p.user_id: p for p in await NotificationPreference.all()}
    queued = 0
    cache: dict[tuple[datetime, datetime], list[Post]] = {}
    for user in await programme_members().order_by("id"):
        slot = last_weekly_slot(user, now)
        preference = preferences.get(user.id)
        done = preference.posts_digest_at if preference else None
        if done is not None and done >= slot:
            continue
        since = done if done is not None else slot - timedelta(days=7)
        if (since, slot) not in cache:
            cache[(since, slot)] = await _new_posts(since, slot)
        candidates = cache[(since, slot)]
        targeted = await campaign_ids_for(user, list({p.pack.campaign_id for p in candidates}))
        posts = [p for p in candidates if p.pack.campaign_id in targeted]
        if posts:
            listed = "\n".join(f"- {p.title} ({p.pack.campaign.name})" for p in posts[:DIGEST_LIST_LIMIT])
            more = len(posts) - DIGEST_LIST_LIMIT
            body = listed + (f"\n... and {more} more in your feed." if more > 0 else "")
            count = f"{len(posts)} new post{'s' if len(posts) != 1 else ''}"
            if await notify.notify(clock, user, "posts_digest", f"{count} for you this week", body,
                                   link="/feed", dedupe_key=f"posts-digest:{slot:%Y-%m-%d}",
                                   post_ids=[p.id for p in posts[:DIGEST_LIST_LIMIT]],
                                   organisation=organisation):
                queued += 1
        await NotificationPreference.update_or_create(
            user_id=user.id,
            defaults={"posts_digest_at": slot, "updated_at": now}
            if preference else {**_defaults(user), "posts_digest_at": slot, "updated_at": now},
        )
    return queued


def _defaults(user: User) -> dict[str, object]:
    default = notify.default_preference(user)
    return {"email_enabled": default.email_enabled, "frequency": default.frequency}
