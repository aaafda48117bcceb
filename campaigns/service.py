"""Rules and transactions for campaigns: compose, review, approve, launch, and the feed query."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from datetime import datetime

from tortoise.transactions import in_transaction

from advocacy import audit
from advocacy.clock import Clock
from advocacy.errors import Conflict, Forbidden, InvalidInput, NotFound
from advocacy.users.models import Role, User
from campaigns.models import (
    Campaign,
    CampaignStatus,
    ContentPack,
    MessageVariant,
    PackStatus,
    Post,
)
from campaigns.text_limits import length_problem

EDITING_ROLES = (Role.EDITOR, Role.ADMIN)
REVIEWING_ROLES = (Role.REVIEWER, Role.ADMIN)


def slugify(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")[:60] or "campaign"


async def create_campaign(
    clock: Clock,
    author: User,
    *,
    name: str,
    starts_at: datetime,
    ends_at: datetime,
    description: str = "",
    pack_title: str = "",
) -> Campaign:
    """A campaign in draft with its first (empty) content pack."""
    if author.role not in EDITING_ROLES:
        raise Forbidden("Only editors create campaigns.")
    name = name.strip()
    if not name:
        raise InvalidInput("The campaign needs a name.", {"field": "name"})
    if starts_at.tzinfo is None or ends_at.tzinfo is None:
        raise InvalidInput("Start and end need a time zone (for example 2026-12-01T09:00:00Z).")
    if ends_at <= starts_at:
        raise InvalidInput("The campaign must end after it starts.", {"field": "ends_at"})
    base = slugify(name)
    slug, n = base, 1
    while await Campaign.filter(slug=slug).exists():
        n += 1
        slug = f"{base}-{n}"
    now = clock.now()
    async with in_transaction():
        campaign = await Campaign.create(
            name=name,
            slug=slug,
            description=description.strip(),
            starts_at=starts_at,
            ends_at=ends_at,
            created_by=author,
            created_at=now,
        )
        await ContentPack.create(
            campaign=campaign, title=pack_title.strip() or name, author=author, created_at=now
        )
    return campaign


async def get_campaign(campaign_id: int) -> Campaign:
    campaign = await Campaign.get_or_none(id=campaign_id)
    if campaign is None:
        raise NotFound(f"There is no campaign {campaign_id}.")
    return campaign


async def get_pack(pack_id: int) -> ContentPack:
    pack = await ContentPack.get_or_none(id=pack_id).select_related("campaign")
    if pack is None:
        raise NotFound(f"There is no content pack {pack_id}.")
    return pack


async def add_post(
    clock: Clock,
    editor: User,
    pack_id: int,
    *,
    title: str,
    url: str,
    messages: Mapping[str, Sequence[str]],
) -> Post:
    """Add a post with its suggested messages (several per network) to a pack in draft."""
    if editor.role not in EDITING_ROLES:
        raise Forbidden("Only editors add posts.")
    pack = await get_pack(pack_id)
    if pack.status != PackStatus.DRAFT:
        raise Conflict("Posts can be added only while the pack is a draft.")
    problems: dict[str, str] = {}
    if not title.strip():
        problems["title"] = "The post needs a title."
    if not re.fullmatch(r"https?://[^\s/$.?#][^\s]*", url.strip()):
        problems["url"] = "The link must be a full http(s) address."
    cleaned = {
        network: [text.strip() for text in texts if text.strip()]
        for network, texts in messages.items()
    }
    if not any(cleaned.values()):
        problems["messages"] = "Write at least one suggested message."
    for network, texts in cleaned.items():
        for index, text in enumerate(texts):
            problem = length_problem(network, text)
            if problem:
                problems[f"messages.{network}.{index}"] = problem
    if problems:
        raise InvalidInput("The post could not be saved: " + " ".join(problems.values()), problems)
    async with in_transaction():
        post = await Post.create(pack=pack, title=title.strip(), url=url.strip(), created_at=clock.now())
        await MessageVariant.bulk_create(
            [
                MessageVariant(post=post, network=network, text=text)
                for network, texts in cleaned.items()
                for text in texts
            ]
        )
    return post


async def submit_pack(clock: Clock, editor: User, pack_id: int) -> ContentPack:
    if editor.role not in EDITING_ROLES:
        raise Forbidden("Only editors submit packs for review.")
    pack = await get_pack(pack_id)
    if pack.status != PackStatus.DRAFT:
        raise Conflict(f"The pack is {pack.status.value}; only a draft can be submitted.")
    if not await Post.filter(pack=pack).exists():
        raise InvalidInput("Add at least one post before submitting the pack.")
    pack.status, pack.submitted_at = PackStatus.IN_REVIEW, clock.now()
    await pack.save(update_fields=["status", "submitted_at"])
    return pack


async def review_pack(
    clock: Clock, reviewer: User, pack_id: int, *, approve: bool, note: str = ""
) -> ContentPack:
    """Approve a pack, or send it back to draft with the reviewer's note."""
    if reviewer.role not in REVIEWING_ROLES:
        raise Forbidden("Only reviewers approve content.")
    pack = await get_pack(pack_id)
    if pack.status != PackStatus.IN_REVIEW:
        raise Conflict(f"The pack is {pack.status.value}; only a pack in review can be reviewed.")
    if pack.author_id == reviewer.id:  # type: ignore[attr-defined]
        raise Forbidden("The author of a pack cannot review it: ask another reviewer.")
    if not approve and not note.strip():
        raise InvalidInput("Say what needs to change.", {"field": "note"})
    pack.status = PackStatus.APPROVED if approve else PackStatus.DRAFT
    pack.reviewer, pack.reviewed_at, pack.review_note = reviewer, clock.now(), note.strip()
    await pack.save(update_fields=["status", "reviewer_id", "reviewed_at", "review_note"])
    await audit.record(clock, reviewer, "pack.approve" if approve else "pack.changes", f"pack:{pack.id}")
    return pack


async def launch_campaign(clock: Clock, editor: User, campaign_id: int) -> Campaign:
    if editor.role not in EDITING_ROLES:
        raise Forbidden("Only editors launch campaigns.")
    campaign = await get_campaign(campaign_id)
    if campaign.status == CampaignStatus.LAUNCHED:
        raise Conflict("The campaign is already launched.")
    if not await ContentPack.filter(campaign=campaign, status=PackStatus.APPROVED).exists():
        raise Conflict("A campaign needs an approved content pack before it launches.")
    if campaign.ends_at <= clock.now():
        raise Conflict("The campaign window has already ended.")
    campaign.status, campaign.launched_at = CampaignStatus.LAUNCHED, clock.now()
    await campaign.save(update_fields=["status", "launched_at"])
    return campaign


async def shareable_posts(clock: Clock) -> list[Post]:
    """Approved posts of launched campaigns whose window is open, newest first."""
    now = clock.now()
    return (
        await Post.filter(
            pack__status=PackStatus.APPROVED,
            pack__campaign__status=CampaignStatus.LAUNCHED,
            pack__campaign__ends_at__gt=now,
        )
        .select_related("pack__campaign")
        .prefetch_related("variants")
        .order_by("-created_at", "-id")
    )


async def campaign_content(campaign_id: int) -> tuple[Campaign, list[ContentPack]]:
    """A campaign with its packs, their posts and each post's variants loaded."""
    campaign = await get_campaign(campaign_id)
    packs = (
        await ContentPack.filter(campaign=campaign)
        .prefetch_related("posts__variants")
        .order_by("id")
    )
    return campaign, list(packs)
