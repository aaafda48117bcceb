"""Rules and transactions of suggestions: an ambassador proposes a link, an editor makes a post of it
or declines it, and the ambassador is told either way.

A suggestion is decided once: the decision is a guarded update from "open", so two editors acting
at the same moment cannot both make a post of it, and a request repeated changes nothing more.
Making a post goes through `campaigns.service.add_post`, so the post is checked like any other and
its pack is reviewed as usual: nothing an ambassador suggests reaches a feed without a reviewer.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta

from tortoise.expressions import Q
from tortoise.transactions import in_transaction

from advocacy.addresses import is_public_url
from advocacy.audit import service as audit
from advocacy.clock import Clock
from advocacy.compliance import ComplianceEngine
from advocacy.errors import Conflict, Forbidden, InvalidInput, NotFound, TooManyAttempts
from advocacy.notify import service as notify
from advocacy.suggestions.models import Suggestion, SuggestionStatus
from advocacy.users.models import User
from campaigns import service as campaigns
from campaigns.models import CampaignStatus, ContentPack, PackStatus

URL_LIMIT = 2000  # a post's link column
NOTE_LIMIT = 1000
MESSAGE_LIMIT = 3000  # the longest message any network takes (LinkedIn)
DECISION_NOTE_LIMIT = 2000
WINDOW = timedelta(hours=24)
# A suggestion's post is published, and the suggestion earns its points, once the post's pack is
# approved (expiry and archiving come only after that) and its campaign is launched.
PUBLISHED_PACKS = (PackStatus.APPROVED, PackStatus.EXPIRED, PackStatus.ARCHIVED)
PUBLISHED = Q(post__pack__status__in=PUBLISHED_PACKS, post__pack__campaign__status=CampaignStatus.LAUNCHED)


def is_published(suggestion: Suggestion) -> bool:
    """`PUBLISHED` for one suggestion whose post, pack and campaign are loaded."""
    post = suggestion.post if suggestion.post_id is not None else None
    return post is not None and post.pack.status in PUBLISHED_PACKS and (
        post.pack.campaign.status == CampaignStatus.LAUNCHED)


def _too_long(what: str, text: str, limit: int) -> str | None:
    return f"{what} is {len(text):,} characters long; the limit is {limit:,}." if len(text) > limit else None


async def suggest(
    clock: Clock, user: User, *, url: str, note: str = "", message: str = "", per_day: int,
    allow_private: bool = False,
) -> Suggestion:
    """Record a link an ambassador of the programme proposes, for the editors' inbox.

    Refused with every reason at once, saving nothing, when the link is no public web address or
    the note or message is too long; refused when the person already sent `per_day` suggestions in
    the last 24 hours, or already has this link waiting."""
    url, note, message = url.strip(), note.strip(), message.strip()
    problems: dict[str, str] = {}
    if not url:
        problems["url"] = "Paste the link you suggest."
    elif (long_url := _too_long("The link", url, URL_LIMIT)) is not None:
        problems["url"] = long_url
    elif (bad := campaigns.link_problem(url)) is not None:
        problems["url"] = bad
    elif not allow_private and not await is_public_url(url):
        problems["url"] = "The link points inside a private network: suggest a page anyone can open."
    for field, what, text, limit in (("note", "The note", note, NOTE_LIMIT),
                                     ("message", "The message", message, MESSAGE_LIMIT)):
        if (long := _too_long(what, text, limit)) is not None:
            problems[field] = long
    if problems:
        raise InvalidInput("The suggestion was not sent: " + " ".join(problems.values()), problems)
    now = clock.now()
    async with in_transaction() as conn:
        # The person's row is locked while their suggestions are counted, so two at the same moment
        # cannot both pass the daily cap; an opt-out waits for it too.
        member = await User.filter(id=user.id).using_db(conn).select_for_update().first()
        if member is None or not member.is_opted_in_ambassador:
            raise Forbidden("Only ambassadors of the programme can suggest links.")
        mine = Suggestion.filter(user_id=user.id).using_db(conn)
        if await mine.filter(url=url, status=SuggestionStatus.OPEN).exists():
            raise Conflict("You already suggested this link; the editors have it in their inbox.",
                           {"field": "url"})
        recent: list[datetime] = await mine.filter(  # type: ignore[assignment]
            created_at__gt=now - WINDOW).order_by("created_at").values_list("created_at", flat=True)
        if len(recent) >= per_day:
            again = recent[len(recent) - per_day] + WINDOW
            raise TooManyAttempts(
                f"You sent {per_day} suggestions in the last 24 hours, the most there can be; you can "
                f"suggest again from {again:%Y-%m-%d %H:%M} UTC.", {"retry_at": again.isoformat()})
        return await Suggestion.create(user_id=user.id, url=url, note=note, message=message,
                                       created_at=now, using_db=conn)


def _refuse_non_editor(editor: User) -> None:
    if editor.role not in campaigns.EDITING_ROLES:
        raise Forbidden("Only editors decide on suggestions.")


async def get_suggestion(suggestion_id: int) -> Suggestion:
    found = await Suggestion.get_or_none(id=suggestion_id).select_related("user", "decided_by", "post")
    if found is None:
        raise NotFound(f"There is no suggestion {suggestion_id}.")
    return found


async def get_open_suggestion(suggestion_id: int) -> Suggestion:
    """The suggestion if it still waits for a decision; otherwise the reason, raised."""
    suggestion = await get_suggestion(suggestion_id)
    if suggestion.status != SuggestionStatus.OPEN:
        raise Conflict(f"The suggestion was already {suggestion.status.value}.")
    return suggestion


async def open_suggestions() -> list[Suggestion]:
    """The editors' inbox: every suggestion waiting for a decision, oldest first."""
    return await Suggestion.filter(status=SuggestionStatus.OPEN).select_related("user").order_by(
        "created_at", "id")


async def decided_suggestions(limit: int = 20) -> list[Suggestion]:
    """The latest decisions, newest first, so editors see what became of recent suggestions."""
    return await (Suggestion.exclude(status=SuggestionStatus.OPEN)
                  .select_related("user", "decided_by", "post__pack").order_by("-decided_at", "-id")
                  .limit(limit))


async def draft_packs() -> list[ContentPack]:
    """The packs a suggestion can become a post of: drafts, newest campaign first."""
    return await ContentPack.filter(status=PackStatus.DRAFT).select_related("campaign").order_by(
        "-campaign__starts_at", "-id")


async def _decide(clock: Clock, editor: User, suggestion_id: int, status: SuggestionStatus,
                  note: str = "") -> Suggestion:
    """Move an open suggestion to its decision and audit it (call inside the transaction that
    makes it)."""
    decided = await Suggestion.filter(id=suggestion_id, status=SuggestionStatus.OPEN).update(
        status=status, decided_at=clock.now(), decided_by_id=editor.id, decision_note=note)
    suggestion = await get_suggestion(suggestion_id)
    if not decided:
        raise Conflict(f"The suggestion was already {suggestion.status.value}.")
    await audit.record(clock, editor, f"suggestion.{status.value}", f"suggestion:{suggestion.id}",
                       {"url": suggestion.url, **({"note": note} if note else {})})
    return suggestion


async def accept(
    clock: Clock,
    editor: User,
    suggestion_id: int,
    *,
    pack_id: int,
    title: str,
    messages: Mapping[str, Sequence[str]],
    compliance: ComplianceEngine | None = None,
    link_preview: Mapping[str, str] | None = None,
) -> Suggestion:
    """Make a post of the suggested link in a draft pack (checked as every post is, and reviewed
    with its pack), and tell the ambassador. Nothing changes when the post is refused."""
    _refuse_non_editor(editor)
    await get_suggestion(suggestion_id)  # a missing one is a 404 before anything else
    async with in_transaction():
        suggestion = await _decide(clock, editor, suggestion_id, SuggestionStatus.ACCEPTED)
        post = await campaigns.add_post(
            clock, editor, pack_id, title=title, url=suggestion.url, messages=messages,
            compliance=compliance, link_preview=link_preview,
        )
        await Suggestion.filter(id=suggestion.id).update(post_id=post.id)
        pack = await campaigns.get_pack(pack_id)
        await campaigns.record(clock, pack, editor, "suggestion_accepted",
                               _origin(suggestion), post)
        await notify.notify(
            clock, suggestion.user, "suggestion_accepted",
            f"Your suggestion is becoming a post: {post.title}",
            f"{editor.name} made a post of the link you suggested ({suggestion.url}) in “{pack.title}” "
            f"of the campaign “{pack.campaign.name}”. It reaches your colleagues' feeds once a reviewer "
            "approves it and the campaign is launched; then it counts towards your points.",
            link="/me/suggestions", dedupe_key=f"suggestion-accepted:{suggestion.id}",
        )
    return await get_suggestion(suggestion_id)


def _origin(suggestion: Suggestion) -> str:
    # No name: a revision is kept as written, and an ambassador may later be de-identified (the
    # suggestion's own page shows who, by their current name).
    said = f" Their note: {suggestion.note}" if suggestion.note else ""
    return f"From an ambassador's suggestion ({suggestion.id}) of {suggestion.url}.{said}"


async def decline(clock: Clock, editor: User, suggestion_id: int, *, note: str) -> Suggestion:
    """Decline a suggestion with a note saying why, and tell the ambassador."""
    _refuse_non_editor(editor)
    await get_suggestion(suggestion_id)
    note = note.strip()
    if not note:
        raise InvalidInput("Say why, for the ambassador who suggested it.", {"field": "note"})
    if (long := _too_long("The note", note, DECISION_NOTE_LIMIT)) is not None:
        raise InvalidInput(long, {"field": "note"})
    async with in_transaction():
        suggestion = await _decide(clock, editor, suggestion_id, SuggestionStatus.DECLINED, note)
        await notify.notify(
            clock, suggestion.user, "suggestion_declined", "Your suggestion was declined",
            f"{editor.name} declined the link you suggested ({suggestion.url}).\n\n"
            f"{editor.name}'s note: {note}",
            link="/me/suggestions", dedupe_key=f"suggestion-declined:{suggestion.id}",
        )
    return suggestion


async def suggestions_of(user: User, limit: int = 50) -> list[Suggestion]:
    """The person's own suggestions, newest first, with what became of each."""
    return await Suggestion.filter(user_id=user.id).select_related(
        "decided_by", "post__pack__campaign").order_by("-created_at", "-id").limit(limit)
