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
    EXPIRED = "expired"
    ARCHIVED = "archived"


class CorrectionStatus(StrEnum):
    IN_REVIEW = "in_review"
    APPROVED = "approved"
    REJECTED = "rejected"


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
    # When the brand's own posts of the campaign went out: at its start, not at its launch.
    brand_published_at = fields.DatetimeField(null=True)

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
    # The compliance policy version that judged the pack when it was approved.
    policy_version = fields.IntField(null=True)
    created_at = fields.DatetimeField()
    # After this moment the pack leaves the feed and its queued shares are cancelled.
    expires_at = fields.DatetimeField(null=True)

    campaign_id: int
    posts: fields.ReverseRelation[Post]

    @property
    def state(self) -> str:
        """The status as people read it: a draft a reviewer sent back is "changes_requested"."""
        if self.status == PackStatus.DRAFT and self.reviewed_at is not None:
            return "changes_requested"
        return self.status.value

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
    expires_at = fields.DatetimeField(null=True)
    # The link preview, from the page Open Graph tags when the editor asks for it.
    link_title = fields.CharField(max_length=300, default="")
    link_description = fields.TextField(default="")
    link_image = fields.CharField(max_length=2000, default="")
    media_url = fields.CharField(max_length=2000, default="")
    # The brand own publication per network, for native reshares: a LinkedIn URN, an X post id.
    brand_ref_linkedin = fields.CharField(max_length=200, default="")
    brand_ref_x = fields.CharField(max_length=200, default="")
    # Editors feature a post to put it at the top of every feed that shows it.
    featured = fields.BooleanField(default=False)

    variants: fields.ReverseRelation[MessageVariant]

    class Meta:
        table = "posts"


class PostImage(Model):
    """A post's picture: its link's Open Graph image, fetched once when the post is written and served
    by this service from its own address, so no feed ever loads it from the other site."""

    id = fields.IntField(primary_key=True)
    post: fields.OneToOneRelation[Post] = fields.OneToOneField(
        "models.Post", related_name="image", on_delete=fields.CASCADE
    )
    # The SHA-256 of the bytes: the picture's address, unguessable and never reused for other bytes,
    # so browsers may keep it for good.
    digest = fields.CharField(max_length=64, db_index=True)
    content_type = fields.CharField(max_length=32)
    data = fields.BinaryField()
    alt = fields.CharField(max_length=300)
    source_url = fields.CharField(max_length=2000)
    fetched_at = fields.DatetimeField()

    post_id: int

    @staticmethod
    def path_of(digest: str) -> str:
        return f"/media/images/{digest}"

    class Meta:
        table = "post_images"


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


class Revision(Model):
    """One change to a pack or its posts: who, when and what."""

    id = fields.IntField(primary_key=True)
    pack: fields.ForeignKeyRelation[ContentPack] = fields.ForeignKeyField(
        "models.ContentPack", related_name="revisions", on_delete=fields.CASCADE
    )
    post: fields.ForeignKeyNullableRelation[Post] = fields.ForeignKeyField(
        "models.Post", related_name="revisions", null=True, on_delete=fields.CASCADE
    )
    author: fields.ForeignKeyNullableRelation = fields.ForeignKeyField(
        "models.User", related_name="revisions", null=True, on_delete=fields.RESTRICT
    )
    at = fields.DatetimeField()
    action = fields.CharField(max_length=40)
    detail = fields.TextField(default="")

    class Meta:
        table = "revisions"


class Correction(Model):
    """A corrected wording of an approved message. It is reviewed again before it replaces the text."""

    id = fields.IntField(primary_key=True)
    variant: fields.ForeignKeyRelation[MessageVariant] = fields.ForeignKeyField(
        "models.MessageVariant", related_name="corrections", on_delete=fields.CASCADE
    )
    original_text = fields.TextField()
    corrected_text = fields.TextField()
    reason = fields.TextField(default="")
    status = fields.CharEnumField(CorrectionStatus, max_length=16, default=CorrectionStatus.IN_REVIEW)
    author: fields.ForeignKeyRelation = fields.ForeignKeyField(
        "models.User", related_name="corrections_proposed", on_delete=fields.RESTRICT
    )
    reviewer: fields.ForeignKeyNullableRelation = fields.ForeignKeyField(
        "models.User", related_name="corrections_reviewed", null=True, on_delete=fields.RESTRICT
    )
    proposed_at = fields.DatetimeField()
    reviewed_at = fields.DatetimeField(null=True)

    variant_id: int

    class Meta:
        table = "corrections"


class CorrectionNotice(Model):
    """Tells an ambassador that a post they shared was corrected, with the new text and their post."""

    id = fields.IntField(primary_key=True)
    user: fields.ForeignKeyRelation = fields.ForeignKeyField(
        "models.User", related_name="correction_notices", on_delete=fields.CASCADE
    )
    correction: fields.ForeignKeyRelation[Correction] = fields.ForeignKeyField(
        "models.Correction", related_name="notices", on_delete=fields.CASCADE
    )
    share: fields.ForeignKeyRelation = fields.ForeignKeyField(
        "models.Share", related_name="correction_notices", on_delete=fields.CASCADE
    )
    created_at = fields.DatetimeField()
    read_at = fields.DatetimeField(null=True)

    class Meta:
        table = "correction_notices"
        unique_together = (("correction", "share"),)


class FindingOverride(Model):
    """A reviewer accepted one compliance warning on a message, with their reason. Kept, never edited.

    It holds for the words it was made on: once the message's text changes it no longer applies.
    """

    id = fields.IntField(primary_key=True)
    variant: fields.ForeignKeyRelation[MessageVariant] = fields.ForeignKeyField(
        "models.MessageVariant", related_name="overrides", on_delete=fields.CASCADE
    )
    variant_id: int
    message_text = fields.TextField()
    rule = fields.CharField(max_length=64)
    start = fields.IntField()
    end = fields.IntField()
    words = fields.TextField(default="")
    policy_version = fields.IntField()
    reason = fields.TextField()
    reviewer: fields.ForeignKeyRelation = fields.ForeignKeyField(
        "models.User", related_name="finding_overrides", on_delete=fields.RESTRICT
    )
    reviewer_id: int
    at = fields.DatetimeField()

    class Meta:
        table = "finding_overrides"
