"""Rules and transactions of the newsroom import: subscribing a feed, unsubscribing, filing an item.

Only editors and admins subscribe; the feed's address is checked like every address the service
fetches (well formed, http(s), and not inside a private network unless allowed) before anything is
saved, and again at every read. An item becomes a post of a pack in draft, with no suggested
message yet: it is never approved by itself, the pack goes through review like any other.
"""

from __future__ import annotations

from collections.abc import Mapping

from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from advocacy import audit
from advocacy.addresses import Reach, reach_of
from advocacy.clock import Clock
from advocacy.errors import Conflict, Forbidden, InvalidInput, NotFound
from advocacy.users.models import User
from campaigns.models import ContentPack, PackStatus, Post
from campaigns.newsroom.models import NewsroomFeed, NewsroomItem
from campaigns.service import EDITING_ROLES, link_problem, record

MAX_URL = 2000


def refuse_non_editors(user: User, what: str) -> None:
    if user.role not in EDITING_ROLES:
        raise Forbidden(f"Only editors {what}.")


async def draft_pack(pack_id: int | None) -> ContentPack:
    """The pack posts are filed into: it must exist and be a draft (posts are added to drafts only)."""
    pack = None if pack_id is None else await ContentPack.get_or_none(id=pack_id).select_related("campaign")
    if pack is None:
        raise InvalidInput("Choose the content pack its items go to.", {"field": "pack_id"})
    if pack.status != PackStatus.DRAFT:
        raise InvalidInput(f"The pack “{pack.title}” is {pack.state.replace('_', ' ')}: choose a pack "
                           "in draft, where posts can still be added.", {"field": "pack_id"})
    return pack


async def feed_address_problem(url: str, *, allow_private: bool) -> str | None:
    """Why `url` cannot be subscribed, or None: a full http(s) address whose host resolves, and
    (unless allowed) only to public addresses."""
    if not url:
        return "Enter the feed's address."
    if len(url) > MAX_URL:
        return f"The feed address is longer than {MAX_URL:,} characters."
    problem = link_problem(url)
    if problem is not None:
        return problem.replace("The link", "The feed address")
    reach = await reach_of(url)
    if reach == Reach.UNRESOLVED:
        return "The feed address names a host that cannot be found."
    if reach == Reach.PRIVATE and not allow_private:
        return "The feed address points inside a private network."
    return None


async def subscribe(
    clock: Clock, editor: User, *, url: str, pack_id: int | None, allow_private: bool = False
) -> NewsroomFeed:
    """Subscribe the feed at `url`: the worker reads it next and files its items into the pack."""
    refuse_non_editors(editor, "subscribe newsroom feeds")
    url = url.strip()
    problem = await feed_address_problem(url, allow_private=allow_private)
    if problem is not None:
        raise InvalidInput(problem, {"field": "url"})
    pack = await draft_pack(pack_id)
    now = clock.now()
    existing = await NewsroomFeed.get_or_none(url=url)
    if existing is not None and existing.active:
        raise Conflict("This feed is subscribed already.")
    try:
        async with in_transaction():
            if existing is None:
                feed = await NewsroomFeed.create(url=url, pack=pack, subscribed_by=editor, subscribed_at=now,
                                                 next_check_at=now)
            else:
                # Subscribed again: its items read before stay imported once, and are not read again.
                feed = existing
                feed.pack, feed.active, feed.subscribed_by, feed.subscribed_at = pack, True, editor, now
                feed.next_check_at, feed.failures, feed.last_error, feed.failing_since = now, 0, "", None
                await feed.save()
    except IntegrityError:
        # The same address subscribed by someone else at the same moment.
        raise Conflict("This feed is subscribed already.") from None
    await audit.record(clock, editor, "newsroom.subscribe", f"newsroom-feed:{feed.id}",
                       {"url": url, "pack_id": pack.id})
    return feed


async def unsubscribe(clock: Clock, editor: User, feed_id: int) -> NewsroomFeed:
    """Stop reading the feed; the posts it brought stay where they are."""
    refuse_non_editors(editor, "unsubscribe newsroom feeds")
    feed = await NewsroomFeed.get_or_none(id=feed_id, active=True)
    if feed is None:
        raise NotFound(f"There is no subscribed feed {feed_id}.")
    stopped = await NewsroomFeed.filter(id=feed.id, active=True).update(active=False)
    if not stopped:
        raise NotFound(f"There is no subscribed feed {feed_id}.")
    feed.active = False
    await audit.record(clock, editor, "newsroom.unsubscribe", f"newsroom-feed:{feed.id}", {"url": feed.url})
    return feed


async def create_draft_post(
    clock: Clock, item: NewsroomItem, pack: ContentPack, preview: Mapping[str, str], source: str,
    by: User | None = None,
) -> Post:
    """The item as a post of the draft `pack`, with its link preview; call inside a transaction."""
    post = await Post.create(
        pack=pack, title=item.title[:300], url=item.link, created_at=clock.now(),
        link_title=preview.get("title", "")[:300], link_description=preview.get("description", ""),
        link_image=preview.get("image", "")[:2000],
    )
    await record(clock, pack, by, "post_imported", f"“{post.title}” from the newsroom feed {source}.", post)
    item.post, item.filed_at = post, clock.now()
    await item.save(update_fields=["post_id", "filed_at"])
    return post


async def file_item(
    clock: Clock, editor: User, item_id: int, pack_id: int | None, preview: Mapping[str, str]
) -> Post:
    """File an item that waits (its feed's pack had left draft) into a draft pack, as a post."""
    refuse_non_editors(editor, "file newsroom items")
    item = await NewsroomItem.get_or_none(id=item_id).select_related("feed")
    if item is None:
        raise NotFound(f"There is no newsroom item {item_id}.")
    if item.filed_at is not None:
        raise Conflict("This item is filed already.")
    pack = await draft_pack(pack_id)
    async with in_transaction():
        # Guarded on filed_at: of two editors filing it at once, one files it.
        claimed = await NewsroomItem.filter(id=item.id, filed_at__isnull=True).update(filed_at=clock.now())
        if not claimed:
            raise Conflict("This item is filed already.")
        return await create_draft_post(clock, item, pack, preview, item.feed.title or item.feed.url, editor)
