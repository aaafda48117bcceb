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
    status = fields.CharField(max_length=32, default="connected")
    connected_at = fields.DatetimeField()

    class Meta:
        table = "social_accounts"
        unique_together = (("network", "external_id"),)
