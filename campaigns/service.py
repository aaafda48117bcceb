"""Rules and transactions for campaigns: compose, review, approve, launch, correct, retire."""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping, Sequence
from datetime import datetime
from typing import Any

from tortoise.expressions import Q
from tortoise.functions import Count
from tortoise.transactions import in_transaction

from advocacy import audit
from advocacy.addresses import WEB_LINK, web_address_problem
from advocacy.clock import Clock, calendar_problem
from advocacy.compliance import ComplianceEngine, Purpose, default_engine, describe_blocking
from advocacy.counting import counted
from advocacy.errors import Conflict, Forbidden, InvalidInput, NotFound
from advocacy.links.service import LinkMaker
from advocacy.notify.models import Channel
from advocacy.shares import lifecycle
from advocacy.shares.models import Share, ShareStatus
from advocacy.shares.wording import MessageCorrection, correct_queued_shares
from advocacy.users.models import Role, User
from campaigns import post_images, review_notices, shareable
from campaigns.announce import announce_launch
from campaigns.link_preview import LinkImage
from campaigns.models import (
    Campaign,
    CampaignStatus,
    ContentPack,
    Correction,
    CorrectionNotice,
    CorrectionStatus,
    MessageVariant,
    PackStatus,
    Post,
    Revision,
)
from campaigns.queries import message_with_pack
from campaigns.text_limits import length_problem

EDITING_ROLES = (Role.EDITOR, Role.ADMIN)
REVIEWING_ROLES = (Role.REVIEWER, Role.ADMIN)
# The revisions that put words into a pack: whoever made one of them may not approve it.
WRITING_ACTIONS = ("created", "post_added", "message_edited", "correction_proposed")


def message_findings(
    compliance: ComplianceEngine, messages: Mapping[str, Sequence[str]]
) -> list[dict[str, Any]]:
    """The findings of every suggested message, each with where it is: network, index, text."""
    return [
        {
            "network": network,
            "index": index,
            "text": text,
            "findings": [finding.as_json() for finding in findings],
            "blocked": describe_blocking(text, findings),
        }
        for network, texts in messages.items()
        for index, text in enumerate(texts)
        if (findings := compliance.check(text, network, Purpose.SUGGESTION))
    ]


def refuse_blocked(action: str, checked: list[dict[str, Any]]) -> None:
    """Raise with every blocking finding's words and reason, so nothing is saved in a broken state."""
    blocked = [item for item in checked if item["blocked"]]
    if blocked:
        reasons = " ".join(
            f"{item['network']} message {item['index'] + 1}: {item['blocked']}" for item in blocked
        )
        raise InvalidInput(
            f"{action}: the compliance check blocks it. {reasons}",
            {"compliance": checked},
        )


async def pack_messages(pack: ContentPack) -> dict[str, list[str]]:
    grouped: dict[str, list[str]] = {}
    for variant in await MessageVariant.filter(post__pack=pack).order_by("post_id", "id"):
        grouped.setdefault(variant.network, []).append(variant.text)
    return grouped


# Each change to a pack as the audit log names it (a revision's action: the audit log's action).
AUDIT_ACTIONS = {
    "created": "campaign.create", "post_added": "post.add", "post_edited": "post.edit",
    "post_deleted": "post.delete", "message_added": "message.add", "message_edited": "message.edit",
    "message_deleted": "message.delete", "submitted": "pack.submit", "approved": "pack.approve",
    "changes_requested": "pack.changes", "post.feature": "post.feature", "post.unfeature": "post.unfeature",
    "expiry_set": "pack.expiry", "archived": "pack.archive", "expired": "pack.expire",
    "correction_proposed": "correction.propose", "correction_approved": "correction.approve",
    "correction_rejected": "correction.reject", "warning_overridden": "finding.override",
}


def change(before: Any, after: Any) -> dict[str, Any]:
    """One field's change as the audit log keeps it, shown there as "field: before → after"."""
    return {"from": before, "to": after}


async def record(
    clock: Clock, pack: ContentPack, author: User | None, action: str, detail: str = "",
    post: Post | None = None, *, changes: Mapping[str, Any] | None = None, target: str = "",
) -> Revision:
    """Write down one change (who, when, what) in the pack's history and in the audit log; call
    inside the transaction that makes the change. `changes` are its fields for the audit log (a
    field that changed as `change(before, after)`); without them the log keeps `detail`."""
    revision = await Revision.create(pack=pack, post=post, author=author, at=clock.now(), action=action,
                                     detail=detail)
    about: dict[str, Any] = {"pack": pack.title}
    if post is not None:
        about["post"] = post.title
    await audit.record(clock, author, AUDIT_ACTIONS.get(action, f"pack.{action}"),
                       target or (f"post:{post.id}" if post is not None else f"pack:{pack.id}"),
                       {**about, **(changes if changes is not None else {"detail": detail})})
    return revision


async def writers_of(pack: ContentPack) -> set[int]:
    """Everyone who wrote something in the pack: its author, and who added a post, edited a message
    or proposed a correction (every such change is a revision naming its author)."""
    writers: set[int] = {pack.author_id}  # type: ignore[attr-defined]
    writers.update(row["author_id"] for row in await Revision.filter(
        pack_id=pack.id, action__in=WRITING_ACTIONS, author_id__not_isnull=True).values("author_id"))
    return writers


async def refuse_a_writer(reviewer: User, pack: ContentPack, what: str) -> None:
    """Two people for every approval, admins included: the reviewer wrote none of the pack."""
    if reviewer.id in await writers_of(pack):
        raise Forbidden(f"You wrote part of this pack, so you cannot review {what}: "
                        "ask a reviewer who wrote none of it.")


def link_problem(url: str) -> str | None:
    """What is wrong with a post's link, or None: it must be a full http(s) web address of valid form."""
    url = url.strip()
    if not re.fullmatch(WEB_LINK, url):
        return "The link must be a full http(s) address."
    malformed = web_address_problem(url)
    return None if malformed is None else f"The link is not a valid web address: {malformed}."


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
    for field, moment in (("starts_at", starts_at), ("ends_at", ends_at)):
        problem = calendar_problem(moment)
        if problem:
            raise InvalidInput(problem, {"field": field})
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
        pack = await ContentPack.create(
            campaign=campaign, title=pack_title.strip() or name, author=author, created_at=now
        )
        await record(clock, pack, author, "created", f"Pack “{pack.title}” created.",
                     changes={"campaign": name, "starts": starts_at.isoformat(), "ends": ends_at.isoformat()},
                     target=f"campaign:{campaign.id}")
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
    compliance: ComplianceEngine | None = None,
    expires_at: datetime | None = None,
    brand_ref_linkedin: str = "",
    brand_ref_x: str = "",
    link_preview: Mapping[str, str] | None = None,
    link_image: LinkImage | None = None,
) -> Post:
    """Add a post with its suggested messages (several per network) to a pack in draft.

    Every message is checked for length and by the compliance engine; a blocking finding refuses
    the whole post, naming the words and why. The preview's picture, fetched already, is kept with
    the post."""
    if editor.role not in EDITING_ROLES:
        raise Forbidden("Only editors add posts.")
    pack = await get_pack(pack_id)
    if pack.status != PackStatus.DRAFT:
        raise Conflict("Posts can be added only while the pack is a draft.")
    problems: dict[str, str] = {}
    if not title.strip():
        problems["title"] = "The post needs a title."
    problem = link_problem(url)
    if problem is not None:
        problems["url"] = problem
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
    if expires_at is not None and expires_at.tzinfo is None:
        problems["expires_at"] = "The expiry needs a time zone (for example 2026-12-01T09:00:00Z)."
    elif expires_at is not None and expires_at <= clock.now():
        problems["expires_at"] = "The expiry date has already passed."
    elif expires_at is not None and (out_of_range := calendar_problem(expires_at)):
        problems["expires_at"] = out_of_range
    if problems:
        raise InvalidInput("The post could not be saved: " + " ".join(problems.values()), problems)
    refuse_blocked("The post was not saved", message_findings(compliance or default_engine(), cleaned))
    async with in_transaction():
        preview = link_preview or {}
        post = await Post.create(
            pack=pack, title=title.strip(), url=url.strip(), created_at=clock.now(), expires_at=expires_at,
            brand_ref_linkedin=brand_ref_linkedin.strip(), brand_ref_x=brand_ref_x.strip(),
            link_title=preview.get("title", "")[:300], link_description=preview.get("description", ""),
            link_image=preview.get("image", "")[:2000],
        )
        if link_image is not None and link_image.data:
            await post_images.keep_picture(
                post, link_image, preview.get("image", ""), at=clock.now(),
                alt=preview.get("image_alt") or preview.get("title") or post.title,
            )
        count = sum(len(texts) for texts in cleaned.values())
        added = f"Post “{post.title}” with {counted(count, 'message')}."
        await record(clock, pack, editor, "post_added", added, post,
                     changes={"link": post.url, "messages": count})
        await MessageVariant.bulk_create(
            [
                MessageVariant(post=post, network=network, text=text)
                for network, texts in cleaned.items()
                for text in texts
            ]
        )
    return post


async def edit_message(
    clock: Clock, editor: User, variant_id: int, *, text: str, compliance: ComplianceEngine | None = None
) -> MessageVariant:
    """Change a suggested message while its pack is a draft (after approval, propose a correction)."""
    if editor.role not in EDITING_ROLES:
        raise Forbidden("Only editors change messages.")
    variant = await message_with_pack(variant_id)
    pack = variant.post.pack
    if pack.status != PackStatus.DRAFT:
        raise Conflict("Messages change only while the pack is a draft; propose a correction instead.")
    text = text.strip()
    problem = length_problem(variant.network, text)
    if problem:
        raise InvalidInput(problem, {"field": "text"})
    refuse_blocked("The message was not saved", message_findings(compliance or default_engine(),
                                                                {variant.network: [text]}))
    if text == variant.text:
        return variant
    async with in_transaction():
        before, variant.text = variant.text, text
        await variant.save(update_fields=["text"])
        await record(clock, pack, editor, "message_edited", f"“{before}” → “{text}”", variant.post,
                     changes={"network": variant.network, "message": change(before, text)})
    return variant


async def submit_pack(
    clock: Clock, editor: User, pack_id: int, compliance: ComplianceEngine | None = None
) -> ContentPack:
    if editor.role not in EDITING_ROLES:
        raise Forbidden("Only editors submit packs for review.")
    pack = await get_pack(pack_id)
    if pack.status != PackStatus.DRAFT:
        raise Conflict(f"The pack is {pack.status.value}; only a draft can be submitted.")
    if not await Post.filter(pack=pack).exists():
        raise InvalidInput("Add at least one post before submitting the pack.")
    # A post imported from the newsroom arrives with no message: it gets one before review.
    bare = await Post.filter(pack=pack).annotate(messages=Count("variants")).filter(messages=0).order_by("id")
    if bare:
        titles = ", ".join(f"“{post.title}”" for post in bare)
        raise InvalidInput(f"Add a suggested message to every post before submitting the pack: {titles} "
                           f"{'has' if len(bare) == 1 else 'have'} none.")
    # The policy may have changed since the messages were saved: check them again.
    checked = message_findings(compliance or default_engine(), await pack_messages(pack))
    refuse_blocked("The pack was not submitted", checked)
    pack.status, pack.submitted_at = PackStatus.IN_REVIEW, clock.now()
    async with in_transaction():
        await pack.save(update_fields=["status", "submitted_at"])
        await record(clock, pack, editor, "submitted", "Sent for review.",
                     changes={"status": change("draft", "in review")})
        await review_notices.tell_reviewers(clock, pack, editor)
    return pack


async def review_pack(
    clock: Clock,
    reviewer: User,
    pack_id: int,
    *,
    approve: bool,
    note: str = "",
    compliance: ComplianceEngine | None = None,
) -> ContentPack:
    """Approve a pack, or send it back to draft with the reviewer's note."""
    if reviewer.role not in REVIEWING_ROLES:
        raise Forbidden("Only reviewers approve content.")
    pack = await get_pack(pack_id)
    if pack.status != PackStatus.IN_REVIEW:
        raise Conflict(f"The pack is {pack.status.value}; only a pack in review can be reviewed.")
    await refuse_a_writer(reviewer, pack, "it")
    if not approve and not note.strip():
        raise InvalidInput("Say what needs to change.", {"field": "note"})
    compliance = compliance or default_engine()
    if approve:
        checked = message_findings(compliance, await pack_messages(pack))
        refuse_blocked("The pack was not approved", checked)
        pack.policy_version = compliance.policy.version
    pack.status = PackStatus.APPROVED if approve else PackStatus.DRAFT
    pack.reviewer, pack.reviewed_at, pack.review_note = reviewer, clock.now(), note.strip()
    async with in_transaction():
        await pack.save(
            update_fields=["status", "reviewer_id", "reviewed_at", "review_note", "policy_version"])
        if approve:
            noted = {"note": note.strip()} if note.strip() else {}
            await record(clock, pack, reviewer, "approved", note.strip() or "Approved.",
                         changes={"status": change("in review", "approved"), **noted,
                                  "policy_version": compliance.policy.version})
        else:
            await record(clock, pack, reviewer, "changes_requested", note.strip(),
                         changes={"status": change("in review", "changes requested"), "note": note.strip(),
                                  "policy_version": compliance.policy.version})
    shareable.invalidate()
    await review_notices.tell_author(clock, pack, reviewer, approved=approve)
    return pack


async def launchable_campaign(clock: Clock, editor: User, campaign_id: int) -> Campaign:
    """The campaign if `editor` may launch it now; otherwise the reason, raised."""
    if editor.role not in EDITING_ROLES:
        raise Forbidden("Only editors launch campaigns.")
    campaign = await get_campaign(campaign_id)
    if campaign.status == CampaignStatus.LAUNCHED:
        raise Conflict("The campaign is already launched.")
    if not await ContentPack.filter(campaign=campaign, status=PackStatus.APPROVED).exists():
        raise Conflict("A campaign needs an approved content pack before it launches.")
    if campaign.ends_at <= clock.now():
        raise Conflict("The campaign window has already ended.")
    return campaign


async def launch_campaign(
    clock: Clock, editor: User, campaign_id: int, *, organisation: Collection[Channel] = ()
) -> Campaign:
    """Put the approved posts in the audience's feeds and announce them (also on the
    `organisation`'s channels); the brand's own posts wait for the campaign's start (campaigns.brand)."""
    campaign = await launchable_campaign(clock, editor, campaign_id)
    # The status change and the announcement commit together: a launch that fails half-way leaves
    # the campaign unlaunched (so launching again announces it), and of two launches at the same
    # moment only the one whose update finds the campaign unlaunched goes on.
    async with in_transaction():
        launched = await Campaign.filter(id=campaign.id).exclude(status=CampaignStatus.LAUNCHED).update(
            status=CampaignStatus.LAUNCHED, launched_at=clock.now())
        if not launched:
            raise Conflict("The campaign is already launched.")
        campaign.status, campaign.launched_at = CampaignStatus.LAUNCHED, clock.now()
        # Queued in the outbox only: nothing is sent while the editor waits.
        await announce_launch(clock, campaign, organisation=organisation)
        await audit.record(clock, editor, "campaign.launch", f"campaign:{campaign.id}", {
            "campaign": campaign.name, "status": change("draft", "launched"),
            "starts": campaign.starts_at.isoformat(), "ends": campaign.ends_at.isoformat()})
    # After the commit, so no feed read made in between keeps the campaign unlaunched.
    shareable.invalidate()
    return campaign


async def set_featured(clock: Clock, editor: User, post_id: int, featured: bool) -> Post:
    """Feature a post (it goes to the top of the feed) or stop featuring it."""
    if editor.role not in EDITING_ROLES:
        raise Forbidden("Only editors feature posts.")
    post = await Post.get_or_none(id=post_id).select_related("pack")
    if post is None:
        raise NotFound(f"There is no post {post_id}.")
    async with in_transaction():
        post.featured = featured
        await post.save(update_fields=["featured"])
        await record(clock, post.pack, editor, "post.feature" if featured else "post.unfeature",
                     post.title, post=post, changes={"featured": change(not featured, featured)})
    shareable.invalidate()
    return post


async def campaign_content(campaign_id: int) -> tuple[Campaign, list[ContentPack]]:
    """A campaign with its packs, their posts and each post's variants loaded."""
    campaign = await get_campaign(campaign_id)
    packs = (
        await ContentPack.filter(campaign=campaign)
        .prefetch_related("posts__variants")
        .order_by("id")
    )
    return campaign, list(packs)


# --- lifecycle after approval: expiry, archive, corrections ----------------------------------------


async def set_pack_expiry(
    clock: Clock, editor: User, pack_id: int, expires_at: datetime | None
) -> ContentPack:
    """Set or clear when a pack leaves the feed (its queued shares are then cancelled)."""
    if editor.role not in EDITING_ROLES:
        raise Forbidden("Only editors set expiry dates.")
    pack = await get_pack(pack_id)
    if pack.status in (PackStatus.EXPIRED, PackStatus.ARCHIVED):
        raise Conflict(f"The pack is {pack.status.value} already.")
    if expires_at is not None and (expires_at.tzinfo is None or expires_at <= clock.now()):
        raise InvalidInput("The expiry must be a future time with a time zone.", {"field": "expires_at"})
    if expires_at is not None and (out_of_range := calendar_problem(expires_at)):
        raise InvalidInput(out_of_range, {"field": "expires_at"})
    async with in_transaction():
        before = f"{pack.expires_at:%Y-%m-%d %H:%M} UTC" if pack.expires_at else "never"
        pack.expires_at = expires_at
        await pack.save(update_fields=["expires_at"])
        when = f"{expires_at:%Y-%m-%d %H:%M} UTC" if expires_at else "never"
        await record(clock, pack, editor, "expiry_set", f"Expires {when}.",
                     changes={"expires": change(before, when)})
    shareable.invalidate()
    return pack


async def archive_pack(clock: Clock, editor: User, pack_id: int) -> ContentPack:
    """Take an approved or expired pack out of use for good; queued shares of it are cancelled."""
    if editor.role not in EDITING_ROLES:
        raise Forbidden("Only editors archive packs.")
    pack = await get_pack(pack_id)
    if pack.status not in (PackStatus.APPROVED, PackStatus.EXPIRED):
        raise Conflict(f"The pack is {pack.status.value}; only approved or expired packs are archived.")
    async with in_transaction():
        before, pack.status = pack.status, PackStatus.ARCHIVED
        await pack.save(update_fields=["status"])
        await record(clock, pack, editor, "archived", "Archived.",
                     changes={"status": change(before.value, "archived")})
        await cancel_queued_shares(clock, Q(post__pack_id=pack.id), "the content pack was archived")
    shareable.invalidate()
    return pack


async def cancel_queued_shares(clock: Clock, which: Q, reason: str) -> int:
    """Cancel the queued (and paused) shares matching `which`, each with an event saying why."""
    # Guarded on the status: a share a worker claimed meanwhile is publishing and stays.
    return len(await lifecycle.cancel(clock.now(), which, reason))


async def expire_content(clock: Clock) -> tuple[int, int]:
    """The scheduled job: packs past their expiry become expired, and queued shares of expired packs
    or posts are cancelled with a reason. Returns (packs expired, shares cancelled)."""
    now = clock.now()
    packs = await ContentPack.filter(status=PackStatus.APPROVED, expires_at__lte=now)
    cancelled = 0
    for pack in packs:
        async with in_transaction():
            pack.status = PackStatus.EXPIRED
            await pack.save(update_fields=["status"])
            await record(clock, pack, None, "expired", f"Expired at {pack.expires_at:%Y-%m-%d %H:%M} UTC.",
                         changes={"status": change("approved", "expired")})
            cancelled += await cancel_queued_shares(clock, Q(post__pack_id=pack.id), "the content expired")
    async with in_transaction():
        cancelled += await cancel_queued_shares(clock, Q(post__expires_at__lte=now), "the post expired")
    if packs or cancelled:
        shareable.invalidate()
    return len(packs), cancelled


async def propose_correction(
    clock: Clock,
    editor: User,
    variant_id: int,
    *,
    text: str,
    reason: str,
    compliance: ComplianceEngine | None = None,
) -> Correction:
    """Propose a corrected wording for a message of an approved pack; it goes through review again."""
    if editor.role not in EDITING_ROLES:
        raise Forbidden("Only editors correct content.")
    variant = await message_with_pack(variant_id)
    pack = variant.post.pack
    if pack.status not in (PackStatus.APPROVED, PackStatus.EXPIRED):
        raise Conflict("Only approved content is corrected; edit a draft by requesting changes.")
    text, reason = text.strip(), reason.strip()
    if not reason:
        raise InvalidInput("Say what the correction fixes: readers will see it.", {"field": "reason"})
    if text == variant.text:
        raise InvalidInput("The correction is the same as the current text.", {"field": "text"})
    problem = length_problem(variant.network, text)
    if problem:
        raise InvalidInput(problem, {"field": "text"})
    refuse_blocked("The correction was not saved",
                   message_findings(compliance or default_engine(), {variant.network: [text]}))
    if await Correction.filter(variant_id=variant.id, status=CorrectionStatus.IN_REVIEW).exists():
        raise Conflict("A correction of this message is already waiting for review.")
    async with in_transaction():
        correction = await Correction.create(
            variant=variant, original_text=variant.text, corrected_text=text, reason=reason,
            author=editor, proposed_at=clock.now(),
        )
        await record(clock, pack, editor, "correction_proposed", f"“{variant.text}” → “{text}”: {reason}",
                     variant.post, changes={"network": variant.network, "message": change(variant.text, text),
                                            "reason": reason})
    return correction


async def review_correction(
    clock: Clock,
    reviewer: User,
    correction_id: int,
    *,
    approve: bool,
    note: str = "",
    compliance: ComplianceEngine | None = None,
    links: LinkMaker | None = None,
) -> Correction:
    """Approve a correction (the message changes, and everyone who shared it is told) or reject it.

    Queued shares of the original message go out with the corrected one; `links` rebuilds their own
    tracking links (needed when shares carry them, see `wording.correct_queued_shares`).
    """
    if reviewer.role not in REVIEWING_ROLES:
        raise Forbidden("Only reviewers approve corrections.")
    correction = await Correction.get_or_none(id=correction_id).select_related("variant__post__pack")
    if correction is None:
        raise NotFound(f"There is no correction {correction_id}.")
    if correction.status != CorrectionStatus.IN_REVIEW:
        raise Conflict(f"The correction is {correction.status.value} already.")
    variant = correction.variant
    await refuse_a_writer(reviewer, variant.post.pack, "its corrections")
    if approve:
        refuse_blocked("The correction was not approved", message_findings(
            compliance or default_engine(), {variant.network: [correction.corrected_text]}))
    elif not note.strip():
        raise InvalidInput("Say why the correction is rejected.", {"field": "note"})
    now = clock.now()
    async with in_transaction():
        correction.status = CorrectionStatus.APPROVED if approve else CorrectionStatus.REJECTED
        correction.reviewer, correction.reviewed_at = reviewer, now
        await correction.save(update_fields=["status", "reviewer_id", "reviewed_at"])
        pack = variant.post.pack
        if not approve:
            await record(clock, pack, reviewer, "correction_rejected", note.strip(), variant.post,
                         changes={"network": variant.network, "proposed": correction.corrected_text,
                                  "note": note.strip()})
            return correction
        variant.text = correction.corrected_text
        await variant.save(update_fields=["text"])
        await record(clock, pack, reviewer, "correction_approved",
                     f"“{correction.original_text}” → “{correction.corrected_text}”", variant.post,
                     changes={"network": variant.network,
                              "message": change(correction.original_text, correction.corrected_text),
                              "reason": correction.reason})
        await correct_queued_shares(
            now, compliance or default_engine(), links,
            MessageCorrection(variant_id=variant.id, url=variant.post.url, network=variant.network,
                              original=correction.original_text, corrected=correction.corrected_text),
            f"the message was corrected: {correction.reason}",
        )
        shared = await Share.filter(
            variant_id=variant.id, status__in=(ShareStatus.PUBLISHED, ShareStatus.PUBLISHING)
        )
        await CorrectionNotice.bulk_create(
            [CorrectionNotice(user_id=share.user_id,  # type: ignore[attr-defined]
                              correction=correction, share=share, created_at=now)
             for share in shared]
        )
    shareable.invalidate()  # after the commit, so a feed read meanwhile is not kept
    return correction


async def corrections_of(pack_ids: Sequence[int]) -> dict[int, list[Correction]]:
    """Corrections of the packs' messages by variant id, oldest first."""
    grouped: dict[int, list[Correction]] = {}
    for correction in await Correction.filter(variant__post__pack_id__in=list(pack_ids)).order_by("id"):
        grouped.setdefault(correction.variant_id, []).append(correction)
    return grouped
