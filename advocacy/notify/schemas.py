"""Request and response shapes of the notifications API."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, Field

from advocacy.addresses import WEB_LINK
from advocacy.notify.models import Delivery, Notification, NotificationPreference
from advocacy.notify.service import WebhookAddresses

FrequencyName = Literal["immediate", "daily", "weekly", "off"]


class NotificationOut(BaseModel):
    id: int
    kind: str
    subject: str
    body: str
    link: str | None
    created_at: datetime
    read: bool

    @classmethod
    def of(cls, notice: Notification) -> NotificationOut:
        return cls(id=notice.id, kind=notice.kind, subject=notice.subject, body=notice.body,
                   link=notice.link, created_at=notice.created_at, read=notice.read_at is not None)


class NotificationPreferencesOut(BaseModel):
    email_enabled: bool
    slack_webhook_url: str
    teams_webhook_url: str
    frequency: FrequencyName
    in_app: bool = True  # always: shown so clients do not have to know

    @classmethod
    def of(cls, preference: NotificationPreference,
           addresses: WebhookAddresses) -> NotificationPreferencesOut:
        return cls(email_enabled=preference.email_enabled,
                   slack_webhook_url=addresses.slack,
                   teams_webhook_url=addresses.teams,
                   frequency=preference.frequency.value)


class NotificationPreferencesIn(BaseModel):
    email_enabled: bool
    slack_webhook_url: str = Field(default="", max_length=2000, pattern=f"^(?:{WEB_LINK})?$")
    teams_webhook_url: str = Field(default="", max_length=2000, pattern=f"^(?:{WEB_LINK})?$")
    frequency: FrequencyName


class DeliveryOut(BaseModel):
    id: int
    notification_id: int
    user_id: int
    channel: str
    status: str
    attempts: int
    due_at: datetime
    sent_at: datetime | None
    last_error: str

    @classmethod
    def of(cls, delivery: Delivery) -> DeliveryOut:
        return cls(id=delivery.id, notification_id=delivery.notification_id, user_id=delivery.user_id,
                   channel=delivery.channel.value, status=delivery.status.value,
                   attempts=delivery.attempts, due_at=delivery.due_at, sent_at=delivery.sent_at,
                   last_error=delivery.last_error)


class OutboxQuery(BaseModel):
    status: Literal["pending", "sending", "sent", "failed", "unconfirmed", "skipped"] | None = None
    limit: int = Field(default=100, ge=1, le=500)
