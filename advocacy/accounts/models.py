"""Tortoise models for connected social accounts and brand channels."""

from __future__ import annotations

from enum import StrEnum

from tortoise import fields
from tortoise.models import Model


class Network(StrEnum):
    LINKEDIN = "linkedin"
    X = "x"


# How each network's name is written for people.
NETWORK_LABELS = {Network.LINKEDIN.value: "LinkedIn", Network.X.value: "X"}


class SocialAccount(Model):
    """A profile on one network that an ambassador (or the brand) publishes through."""

    id = fields.IntField(primary_key=True)
    user: fields.ForeignKeyNullableRelation = fields.ForeignKeyField(
        "models.User", related_name="social_accounts", null=True, on_delete=fields.CASCADE
    )
    network = fields.CharEnumField(Network, max_length=16)
    handle = fields.CharField(max_length=200)
    external_id = fields.CharField(max_length=200)
    followers = fields.IntField(null=True)
    is_brand = fields.BooleanField(default=False)
    # "connected" or "needs_reconnect" (the platform said the token expired or was revoked).
    status = fields.CharField(max_length=32, default="connected")
    status_reason = fields.TextField(default="")
    connected_at = fields.DatetimeField()
    # OAuth tokens, Fernet-encrypted with the token key from settings (see accounts/tokens.py).
    access_token_encrypted: str | None = fields.TextField(null=True)  # type: ignore[assignment]
    refresh_token_encrypted: str | None = fields.TextField(null=True)  # type: ignore[assignment]
    token_expires_at = fields.DatetimeField(null=True)
    # A rate-limited account is parked: none of its shares is tried before this time.
    parked_until = fields.DatetimeField(null=True)
    parked_reason = fields.TextField(default="")

    class Meta:
        table = "social_accounts"
        unique_together = (("network", "external_id"),)


class AppParking(Model):
    """A network on which the whole application is rate limited until `until` (per-app quotas)."""

    network = fields.CharField(max_length=16, primary_key=True)
    until = fields.DatetimeField()
    reason = fields.TextField(default="")

    class Meta:
        table = "app_parkings"
