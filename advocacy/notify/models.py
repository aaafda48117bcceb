"""Tortoise models for notifications, their per-channel deliveries and each person's preferences."""

from __future__ import annotations

from enum import StrEnum

from tortoise import fields
from tortoise.models import Model


class Frequency(StrEnum):
    IMMEDIATE = "immediate"
    DAILY = "daily"
    WEEKLY = "weekly"
    OFF = "off"


class Channel(StrEnum):
    EMAIL = "email"
    SLACK = "slack"
    TEAMS = "teams"
    # The organisation's Slack app: a direct message with share buttons (new posts only).
    SLACK_APP = "slack_app"
    # The organisation's Teams channel or workflow: an Adaptive Card per person (new posts only).
    TEAMS_APP = "teams_app"


class DeliveryStatus(StrEnum):
    PENDING = "pending"
    SENDING = "sending"
    SENT = "sent"
    FAILED = "failed"
    # The worker stopped (or the server did not answer) after the message may have left: it is not
    # sent again, so nobody gets it twice. An admin can see it and retry it on purpose.
    UNCONFIRMED = "unconfirmed"
    # Not sent because the person turned the channel or notifications off before it was due.
    SKIPPED = "skipped"


class Notification(Model):
    """One notice to one person. It is shown in the app and is the outbox of its deliveries."""

    id = fields.IntField(primary_key=True)
    user: fields.ForeignKeyRelation = fields.ForeignKeyField(
        "models.User", related_name="notifications", on_delete=fields.CASCADE
    )
    user_id: int
    kind = fields.CharField(max_length=40)
    subject = fields.CharField(max_length=300)
    body = fields.TextField()
    link = fields.CharField(max_length=2000, null=True)
    # The posts the notice offers one-tap share actions for, as comma-separated ids (a launch or a
    # "new posts for you" digest); empty for every other notice.
    post_ids = fields.CharField(max_length=200, default="", db_default="")
    # Chosen by the caller so the same notice is never queued twice for a person.
    dedupe_key = fields.CharField(max_length=200)
    created_at = fields.DatetimeField()
    read_at = fields.DatetimeField(null=True)

    class Meta:
        table = "notifications"
        unique_together = (("user", "dedupe_key"),)
        indexes = (("user_id", "created_at"),)


class Delivery(Model):
    """The sending of one notification on one channel. The row is the truth about whether it went."""

    id = fields.IntField(primary_key=True)
    notification: fields.ForeignKeyRelation[Notification] = fields.ForeignKeyField(
        "models.Notification", related_name="deliveries", on_delete=fields.CASCADE
    )
    notification_id: int
    user: fields.ForeignKeyRelation = fields.ForeignKeyField(
        "models.User", related_name="deliveries", on_delete=fields.CASCADE
    )
    user_id: int
    channel = fields.CharEnumField(Channel, max_length=16)
    status = fields.CharEnumField(DeliveryStatus, max_length=16, default=DeliveryStatus.PENDING)
    # Waiting for the person's daily or weekly digest rather than going out on its own.
    in_digest = fields.BooleanField(default=False)
    due_at = fields.DatetimeField()
    attempts = fields.IntField(default=0)
    lease_owner = fields.CharField(max_length=100, null=True)
    lease_until = fields.DatetimeField(null=True)
    sent_at = fields.DatetimeField(null=True)
    last_error = fields.TextField(default="")
    created_at = fields.DatetimeField()
    updated_at = fields.DatetimeField()

    class Meta:
        table = "notification_deliveries"
        unique_together = (("notification", "channel"),)
        indexes = (("status", "due_at"),)


class NotificationPreference(Model):
    """How one person wants to hear from the service. In-app notices are always kept."""

    id = fields.IntField(primary_key=True)
    user: fields.OneToOneRelation = fields.OneToOneField(
        "models.User", related_name="notification_preference", on_delete=fields.CASCADE
    )
    user_id: int
    email_enabled = fields.BooleanField(default=True)
    # Encrypted like OAuth tokens: a webhook address lets whoever holds it post to the channel.
    # Empty when the person has none; the database default lets the columns join a filled table.
    slack_webhook_encrypted = fields.TextField(default="", db_default="")
    teams_webhook_encrypted = fields.TextField(default="", db_default="")
    frequency = fields.CharEnumField(Frequency, max_length=16, default=Frequency.DAILY)
    # When the last weekly "new posts for you" digest was made: the next one starts from here.
    posts_digest_at = fields.DatetimeField(null=True)
    updated_at = fields.DatetimeField()

    class Meta:
        table = "notification_preferences"
