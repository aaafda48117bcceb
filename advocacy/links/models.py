"""Tortoise models for short links, their daily click counts and daily unique visitors."""

from __future__ import annotations

from tortoise import fields
from tortoise.models import Model


class ShortLink(Model):
    """The short link of one share and the only address it ever redirects to."""

    id = fields.IntField(primary_key=True)
    slug = fields.CharField(max_length=32, unique=True)
    share: fields.OneToOneNullableRelation = fields.OneToOneField(
        "models.Share", related_name="link", null=True, on_delete=fields.CASCADE
    )
    target_url = fields.CharField(max_length=4000)
    created_at = fields.DatetimeField()

    class Meta:
        table = "short_links"


class LinkClickDay(Model):
    """Clicks on one link on one day, people and automated fetchers apart.

    `clicks` holds at most the per-visitor cap of each visitor's clicks; what went beyond it is
    counted in `bot_clicks` with the link previews and crawlers."""

    id = fields.IntField(primary_key=True)
    link: fields.ForeignKeyRelation[ShortLink] = fields.ForeignKeyField(
        "models.ShortLink", related_name="click_days", on_delete=fields.CASCADE
    )
    day = fields.DateField()
    clicks = fields.IntField(default=0)
    unique_visitors = fields.IntField(default=0)
    bot_clicks = fields.IntField(default=0)

    class Meta:
        table = "link_click_days"
        unique_together = (("link", "day"),)


class LinkVisitor(Model):
    """A salted hash of one visitor on one day, only to count unique visitors. No address is kept,
    and the rows (with their day's salt) are deleted once the day's count is final."""

    id = fields.IntField(primary_key=True)
    link: fields.ForeignKeyRelation[ShortLink] = fields.ForeignKeyField(
        "models.ShortLink", related_name="visitors", on_delete=fields.CASCADE
    )
    day = fields.DateField()
    visitor = fields.CharField(max_length=32)
    # Every click this visitor sent that day, automated fetches apart; the cap is applied on this.
    clicks = fields.IntField(default=1, db_default=1)

    class Meta:
        table = "link_visitors"
        unique_together = (("link", "day", "visitor"),)


class VisitorSalt(Model):
    """The random salt of the visitor hashes of one day, shared by every web process.

    Deleted with the day's visitor rows once the day is over: without it a hash can no longer be
    matched to an address, however many addresses someone tries."""

    day = fields.DateField(primary_key=True)
    salt = fields.CharField(max_length=64)

    class Meta:
        table = "visitor_salts"
