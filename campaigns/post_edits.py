"""Changing a draft pack's posts (a draft, or one a reviewer sent back): add a message to a post,
change a post's title or link, delete a message or a post. Every message is checked for length and
by the compliance engine as on creation; after approval, changes go through corrections."""

from __future__ import annotations

from tortoise.transactions import in_transaction

from advocacy.clock import Clock
from advocacy.compliance import ComplianceEngine, default_engine
from advocacy.errors import Conflict, Forbidden, InvalidInput, NotFound
from advocacy.users.models import User
from campaigns.models import MessageVariant, PackStatus, Post
from campaigns.service import (
    EDITING_ROLES,
    change,
    link_problem,
    message_findings,
    record,
    refuse_blocked,
)
from campaigns.text_limits import length_problem

DRAFT_ONLY = "Posts change only while the pack is a draft; after approval, propose a correction."


async def editable_post(editor: User, post_id: int) -> Post:
    """The post with its pack, if `editor` may change it now; otherwise why not, raised."""
    if editor.role not in EDITING_ROLES:
        raise Forbidden("Only editors change posts.")
    post = await Post.get_or_none(id=post_id).select_related("pack")
    if post is None:
        raise NotFound(f"There is no post {post_id}.")
    if post.pack.status != PackStatus.DRAFT:
        raise Conflict(DRAFT_ONLY)
    return post


async def add_message(
    clock: Clock, editor: User, post_id: int, *, network: str, text: str,
    compliance: ComplianceEngine | None = None,
) -> MessageVariant:
    """Add one suggested message for `network` to a post of a draft pack."""
    post = await editable_post(editor, post_id)
    text = text.strip()
    problem = length_problem(network, text)
    if problem:
        raise InvalidInput(problem, {"field": "text"})
    refuse_blocked("The message was not added",
                   message_findings(compliance or default_engine(), {network: [text]}))
    async with in_transaction():
        variant = await MessageVariant.create(post=post, network=network, text=text)
        await record(clock, post.pack, editor, "message_added", f"{network}: “{text}”", post,
                     changes={"network": network, "message": text})
    return variant


async def edit_post(clock: Clock, editor: User, post_id: int, *, title: str, url: str) -> Post:
    """Change a post's title and link; both are checked as when the post was added."""
    post = await editable_post(editor, post_id)
    title, url = title.strip(), url.strip()
    problems = {}
    if not title:
        problems["title"] = "The post needs a title."
    elif len(title) > 300:
        problems["title"] = "The title is longer than 300 characters."
    if len(url) > 2000:
        problems["url"] = "The link is longer than 2,000 characters."
    elif (problem := link_problem(url)) is not None:
        problems["url"] = problem
    if problems:
        raise InvalidInput("The post was not saved: " + " ".join(problems.values()), problems)
    changes = [f"{label}: “{before}” → “{after}”" for label, before, after in
               (("title", post.title, title), ("link", post.url, url)) if before != after]
    if not changes:
        return post
    before_title, before_url = post.title, post.url
    async with in_transaction():
        post.title, post.url = title, url
        await post.save(update_fields=["title", "url"])
        await record(clock, post.pack, editor, "post_edited", "; ".join(changes), post,
                     changes={label: change(before, after) for label, before, after in
                              (("title", before_title, title), ("link", before_url, url)) if before != after})
    return post


async def delete_message(clock: Clock, editor: User, variant_id: int) -> Post:
    """Delete a suggested message; a post keeps at least one (delete the post instead)."""
    variant = await MessageVariant.get_or_none(id=variant_id)
    if variant is None:
        raise NotFound(f"There is no message {variant_id}.")
    post = await editable_post(editor, variant.post_id)  # type: ignore[attr-defined]
    if await MessageVariant.filter(post_id=post.id).count() == 1:
        raise Conflict("This is the post's only message: add another first, or delete the post.")
    async with in_transaction():
        await variant.delete()
        await record(clock, post.pack, editor, "message_deleted", f"{variant.network}: “{variant.text}”",
                     post, changes={"network": variant.network, "message": variant.text})
    return post


async def delete_post(clock: Clock, editor: User, post_id: int) -> Post:
    """Delete a post of a draft pack with its messages; the pack's history keeps its title."""
    post = await editable_post(editor, post_id)
    async with in_transaction():
        count = await MessageVariant.filter(post_id=post.id).count()
        await post.delete()
        # Not attached to the post: its own history rows go with it, this one stays with the pack.
        await record(clock, post.pack, editor, "post_deleted",
                     f"Post “{post.title}” with {count} message(s).",
                     changes={"post": post.title, "messages": count}, target=f"post:{post.id}")
    return post
