"""Tortoise models for shares and their append-only status history."""

from __future__ import annotations

from enum import StrEnum

from tortoise import fields
from tortoise.models import Model


class ShareStatus(StrEnum):
    QUEUED = "queued"
    PUBLISHING = "publishing"
    PUBLISHED = "published"
    FAILED = "failed"
    UNCONFIRMED = "unconfirmed"
    CANCELLED = "cancelled"


ACTIVE_STATUSES = (ShareStatus.QUEUED, ShareStatus.PUBLISHING, ShareStatus.PUBLISHED)


class Share(Model):
    """One reshare. The row is the truth about where the share is. The scheduler only wakes work."""

    id = fields.IntField(primary_key=True)
    user: fields.ForeignKeyRelation = fields.ForeignKeyField(
        "models.User", related_name="shares", on_delete=fields.RESTRICT
    )
    account: fields.ForeignKeyRelation = fields.ForeignKeyField(
        "models.SocialAccount", related_name="shares", on_delete=fields.RESTRICT
    )
    account_id: int  # the foreign key's column, declared for type checkers
    post: fields.ForeignKeyRelation = fields.ForeignKeyField(
        "models.Post", related_name="shares", on_delete=fields.RESTRICT
    )
    variant: fields.ForeignKeyNullableRelation = fields.ForeignKeyField(
        "models.MessageVariant", related_name="shares", null=True, on_delete=fields.SET_NULL
    )
    network = fields.CharField(max_length=16)
    text = fields.TextField()
    status = fields.CharEnumField(ShareStatus, max_length=16, default=ShareStatus.QUEUED)
    due_at = fields.DatetimeField()
    attempts = fields.IntField(default=0)
    lease_owner = fields.CharField(max_length=100, null=True)
    lease_until = fields.DatetimeField(null=True)
    external_id = fields.CharField(max_length=200, null=True)
    external_url = fields.CharField(max_length=2000, null=True)
    published_at = fields.DatetimeField(null=True)
    last_error = fields.TextField(default="")
    # Set while the outcome of an earlier attempt is unknown: the next attempt is a reconciliation
    # (re-publish and let the platform's duplicate detection name the existing post).
    needs_reconcile = fields.BooleanField(default=False)
    created_at = fields.DatetimeField()
    updated_at = fields.DatetimeField()

    class Meta:
        table = "shares"
        indexes = (("status", "due_at"),)


class ShareEvent(Model):
    """One status transition of a share, with when and why."""

    id = fields.IntField(primary_key=True)
    share: fields.ForeignKeyRelation[Share] = fields.ForeignKeyField(
        "models.Share", related_name="events", on_delete=fields.CASCADE
    )
    at = fields.DatetimeField()
    from_status = fields.CharField(max_length=16, null=True)
    to_status = fields.CharField(max_length=16)
    reason = fields.TextField(default="")

    class Meta:
        table = "share_events"
