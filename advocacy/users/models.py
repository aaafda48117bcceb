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
    # Programme membership beyond opting in: see advocacy/programme (the consent log is the history).
    opted_out_at = fields.DatetimeField(null=True)
    deidentified_at = fields.DatetimeField(null=True)
    manager_email = fields.CharField(max_length=254, default="")
    is_active = fields.BooleanField(default=True)
    created_at = fields.DatetimeField()
    # Sessions and sign-in tokens carry the value they started under; raising it (sign-out, a
    # password reset, deactivation) ends every one of them at once.
    session_version = fields.IntField(default=0, db_default=0)

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
    # Empty for the token a sign-in through the API hands out, named for a personal token.
    name = fields.CharField(max_length=100, default="")
    created_at = fields.DatetimeField()
    last_used_at = fields.DatetimeField(null=True)
    revoked_at = fields.DatetimeField(null=True)
    # The person's session version when a sign-in token was issued (see `User.session_version`).
    session_version = fields.IntField(default=0, db_default=0)

    class Meta:
        table = "api_tokens"


class LoginAttempt(Model):
    """One password sign-in attempt, kept so every web process counts the same failures."""

    id = fields.IntField(primary_key=True)
    at = fields.DatetimeField(db_index=True)
    email = fields.CharField(max_length=254, db_index=True)
    address = fields.CharField(max_length=64, db_index=True)
    succeeded = fields.BooleanField()

    class Meta:
        table = "login_attempts"


class PasswordReset(Model):
    """A single-use password reset link. Only the SHA-256 digest of its token is stored."""

    id = fields.IntField(primary_key=True)
    user: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "models.User", related_name="password_resets", on_delete=fields.CASCADE
    )
    token_digest = fields.CharField(max_length=64, unique=True)
    created_at = fields.DatetimeField()
    expires_at = fields.DatetimeField()
    used_at = fields.DatetimeField(null=True)
    # When its email was put in the notification outbox (advocacy.notify.account_mail).
    queued_at = fields.DatetimeField(null=True)

    class Meta:
        table = "password_resets"
