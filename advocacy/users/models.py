"""Tortoise models for people and their API tokens."""

from __future__ import annotations

from enum import StrEnum

from tortoise import fields
from tortoise.models import Model


class Role(StrEnum):
    AMBASSADOR = "ambassador"
    EDITOR = "editor"
    REVIEWER = "reviewer"
    LEADER = "leader"
    ADMIN = "admin"


class User(Model):
    """A person who signs in. Ambassadors additionally carry programme membership fields."""

    id = fields.IntField(primary_key=True)
    email = fields.CharField(max_length=254, unique=True)
    name = fields.CharField(max_length=200)
    role = fields.CharEnumField(Role, max_length=20)
    password_hash = fields.CharField(max_length=255)
    department = fields.CharField(max_length=100, default="")
    region = fields.CharField(max_length=100, default="")
    timezone = fields.CharField(max_length=64, default="UTC")
    opted_in_at = fields.DatetimeField(null=True)
    is_active = fields.BooleanField(default=True)
    created_at = fields.DatetimeField()

    class Meta:
        table = "users"

    @property
    def is_opted_in_ambassador(self) -> bool:
        return self.role == Role.AMBASSADOR and self.opted_in_at is not None and self.is_active


class ApiToken(Model):
    """A bearer token for API clients. Only its SHA-256 digest is stored."""

    id = fields.IntField(primary_key=True)
    user: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "models.User", related_name="api_tokens", on_delete=fields.CASCADE
    )
    token_digest = fields.CharField(max_length=64, unique=True)
    created_at = fields.DatetimeField()
    last_used_at = fields.DatetimeField(null=True)

    class Meta:
        table = "api_tokens"
