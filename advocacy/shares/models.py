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
    # Waiting for its account to be reconnected: nothing was published, nothing is lost.
    PAUSED = "paused"


# A paused share is still the person's pending share of that post on that network.
ACTIVE_STATUSES = (ShareStatus.QUEUED, ShareStatus.PUBLISHING, ShareStatus.PUBLISHED, ShareStatus.PAUSED)
# A person has at most one share of a post per network in these states: an unconfirmed share may
# already be on the platform, so it blocks a second one too (it is retried, which reconciles).
# A partial unique index (migration 0006) holds this even when two requests race.
BLOCKING_STATUSES = (*ACTIVE_STATUSES, ShareStatus.UNCONFIRMED)
ONE_SHARE_INDEX = "uniq_shares_person_post_network"
# Shares that count for the daily cap and the stagger: waiting, going out, or out.
PLANNED_STATUSES = BLOCKING_STATUSES


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
    # The compliance policy version that judged the text when the share was queued.
    policy_version = fields.IntField(null=True)
    created_at = fields.DatetimeField()
    updated_at = fields.DatetimeField()

    class Meta:
        table = "shares"
        indexes = (("status", "due_at"),)
        # A platform post is one share's: reconciliation never adopts a post another share holds.
        unique_together = (("network", "external_id"),)


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


class OneTapUse(Model):
    """A one-tap share link (from a notification) that was used: its nonce makes a second use
    refusable. The link itself is signed and carries its person, post, action and expiry."""

    id = fields.IntField(primary_key=True)
    nonce = fields.CharField(max_length=64, unique=True)
    user: fields.ForeignKeyRelation = fields.ForeignKeyField(
        "models.User", related_name="one_tap_uses", on_delete=fields.CASCADE
    )
    user_id: int
    used_at = fields.DatetimeField()
    # When the link stops working: past it the row proves nothing and is deleted. Empty for uses
    # recorded before it was kept (see one_tap.forget_used_links).
    expires_at = fields.DatetimeField(null=True)

    class Meta:
        table = "one_tap_uses"


class ReadbackState(StrEnum):
    """What reading a published share back from its platform found."""

    INTACT = "intact"  # the approved text and the disclosure are still there
    FLAGGED = "flagged"  # the text was edited away from the approved one, or lost its disclosure
    DELETED = "deleted"  # the platform says the post is gone
    UNAVAILABLE = "unavailable"  # the platform would not say (no permission, not kept)


FLAGGED_STATES = (ReadbackState.FLAGGED, ReadbackState.DELETED)


class ReadbackCheck(Model):
    """One reading of a published share from its platform, compared with the approved text.

    The latest row of a share is its current state; earlier rows stay as its history.
    """

    id = fields.IntField(primary_key=True)
    share: fields.ForeignKeyRelation[Share] = fields.ForeignKeyField(
        "models.Share", related_name="readbacks", on_delete=fields.CASCADE
    )
    checked_at = fields.DatetimeField()
    state = fields.CharEnumField(ReadbackState, max_length=16)
    approved_text_kept = fields.BooleanField(null=True)
    disclosure_kept = fields.BooleanField(null=True)
    shown_text = fields.TextField(default="")
    detail = fields.TextField(default="")

    class Meta:
        table = "share_readbacks"
        indexes = (("share_id", "checked_at"),)


class SharingPreference(Model):
    """When a person is happy for auto-queued shares to go out, read in their own time zone."""

    id = fields.IntField(primary_key=True)
    user: fields.OneToOneRelation = fields.OneToOneField(
        "models.User", related_name="sharing_preference", on_delete=fields.CASCADE
    )
    # Minutes after local midnight: sharing hours are [start_minute, end_minute).
    start_minute = fields.IntField(default=8 * 60)
    end_minute = fields.IntField(default=18 * 60)
    # Weekdays as digits, 0 for Monday: "01234" is Monday to Friday.
    days = fields.CharField(max_length=7, default="01234")
    daily_cap = fields.IntField(default=3)
    updated_at = fields.DatetimeField()

    class Meta:
        table = "sharing_preferences"
