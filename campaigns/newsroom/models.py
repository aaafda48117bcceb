"""Tortoise models of the newsroom import: the feeds editors subscribed and the items read from them."""

from __future__ import annotations

from tortoise import fields
from tortoise.models import Model


class NewsroomFeed(Model):
    """An RSS or Atom feed the worker reads: its new items become draft posts of `pack`.

    One row per address ever subscribed: unsubscribing keeps it (inactive) with its items, so
    subscribing the same address again imports nothing that was imported before."""

    id = fields.IntField(primary_key=True)
    url = fields.CharField(max_length=2000, unique=True)
    title = fields.CharField(max_length=300, default="")  # the feed's own title, from its last read
    pack: fields.ForeignKeyRelation = fields.ForeignKeyField(
        "models.ContentPack", related_name="newsroom_feeds", on_delete=fields.CASCADE
    )
    active = fields.BooleanField(default=True)
    subscribed_by: fields.ForeignKeyNullableRelation = fields.ForeignKeyField(
        "models.User", related_name="newsroom_feeds", null=True, on_delete=fields.SET_NULL
    )
    subscribed_at = fields.DatetimeField()
    # The validators of the last answer, sent back so an unchanged feed answers 304 with no body.
    etag = fields.CharField(max_length=500, default="")
    last_modified = fields.CharField(max_length=100, default="")
    checked_at = fields.DatetimeField(null=True)
    # When a worker reads it next: the poll interval after a good read, the backoff after a failure,
    # and (while a worker reads it) the end of that worker's hold.
    next_check_at = fields.DatetimeField()
    failures = fields.IntField(default=0)  # failed reads in a row
    last_error = fields.TextField(default="")
    failing_since = fields.DatetimeField(null=True)

    pack_id: int
    items: fields.ReverseRelation[NewsroomItem]

    class Meta:
        table = "newsroom_feeds"


class NewsroomItem(Model):
    """One item of a feed, imported once: unique per feed by its guid (or its link without one)."""

    id = fields.IntField(primary_key=True)
    feed: fields.ForeignKeyRelation[NewsroomFeed] = fields.ForeignKeyField(
        "models.NewsroomFeed", related_name="items", on_delete=fields.CASCADE
    )
    key = fields.CharField(max_length=64)  # SHA-256 of the guid, or of the link
    title = fields.CharField(max_length=300)
    link = fields.CharField(max_length=2000)
    published_at = fields.DatetimeField(null=True)
    found_at = fields.DatetimeField()
    # The draft post it became; none while it waits to be filed (its feed's pack was no longer a
    # draft) or once an editor deleted that post.
    post: fields.ForeignKeyNullableRelation = fields.ForeignKeyField(
        "models.Post", related_name="newsroom_items", null=True, on_delete=fields.SET_NULL
    )
    filed_at = fields.DatetimeField(null=True)

    feed_id: int
    post_id: int | None

    class Meta:
        table = "newsroom_items"
        unique_together = (("feed", "key"),)
