"""Tortoise models for campaigns, content packs, posts and suggested messages."""

from __future__ import annotations

from enum import StrEnum

from tortoise import fields
from tortoise.models import Model


class CampaignStatus(StrEnum):
    DRAFT = "draft"
    LAUNCHED = "launched"


class PackStatus(StrEnum):
    DRAFT = "draft"
    IN_REVIEW = "in_review"
    APPROVED = "approved"


class Campaign(Model):
    id = fields.IntField(primary_key=True)
    name = fields.CharField(max_length=200)
    slug = fields.CharField(max_length=80, unique=True)
    description = fields.TextField(default="")
    starts_at = fields.DatetimeField()
    ends_at = fields.DatetimeField()
    status = fields.CharEnumField(CampaignStatus, max_length=16, default=CampaignStatus.DRAFT)
    created_by: fields.ForeignKeyRelation = fields.ForeignKeyField(
        "models.User", related_name="campaigns_created", on_delete=fields.RESTRICT
    )
    created_at = fields.DatetimeField()
    launched_at = fields.DatetimeField(null=True)

    packs: fields.ReverseRelation[ContentPack]

    class Meta:
        table = "campaigns"


class ContentPack(Model):
    """A set of posts that is reviewed and approved as one."""

    id = fields.IntField(primary_key=True)
    campaign: fields.ForeignKeyRelation[Campaign] = fields.ForeignKeyField(
        "models.Campaign", related_name="packs", on_delete=fields.CASCADE
    )
    title = fields.CharField(max_length=200)
    status = fields.CharEnumField(PackStatus, max_length=16, default=PackStatus.DRAFT)
    author: fields.ForeignKeyRelation = fields.ForeignKeyField(
        "models.User", related_name="packs_authored", on_delete=fields.RESTRICT
    )
    reviewer: fields.ForeignKeyNullableRelation = fields.ForeignKeyField(
        "models.User", related_name="packs_reviewed", null=True, on_delete=fields.RESTRICT
    )
    review_note = fields.TextField(default="")
    submitted_at = fields.DatetimeField(null=True)
    reviewed_at = fields.DatetimeField(null=True)
    created_at = fields.DatetimeField()

    campaign_id: int
    posts: fields.ReverseRelation[Post]

    class Meta:
        table = "content_packs"


class Post(Model):
    """One piece of brand content that ambassadors can reshare."""

    id = fields.IntField(primary_key=True)
    pack: fields.ForeignKeyRelation[ContentPack] = fields.ForeignKeyField(
        "models.ContentPack", related_name="posts", on_delete=fields.CASCADE
    )
    title = fields.CharField(max_length=300)
    url = fields.CharField(max_length=2000)
    created_at = fields.DatetimeField()

    variants: fields.ReverseRelation[MessageVariant]

    class Meta:
        table = "posts"


class MessageVariant(Model):
    """A suggested message for one network. Several per network keep shares from looking identical."""

    id = fields.IntField(primary_key=True)
    post: fields.ForeignKeyRelation[Post] = fields.ForeignKeyField(
        "models.Post", related_name="variants", on_delete=fields.CASCADE
    )
    network = fields.CharField(max_length=16)
    text = fields.TextField()

    class Meta:
        table = "message_variants"


class BrandPost(Model):
    """The brand channel publication of a post, the baseline that ambassadors are compared with."""

    id = fields.IntField(primary_key=True)
    post: fields.ForeignKeyRelation[Post] = fields.ForeignKeyField(
        "models.Post", related_name="brand_posts", on_delete=fields.CASCADE
    )
    account: fields.ForeignKeyRelation = fields.ForeignKeyField(
        "models.SocialAccount", related_name="brand_posts", on_delete=fields.RESTRICT
    )
    network = fields.CharField(max_length=16)
    external_id = fields.CharField(max_length=200)
    published_at = fields.DatetimeField()

    class Meta:
        table = "brand_posts"
        unique_together = (("post", "network"),)
