"""Tortoise model of the organisation's compliance policy versions."""

from __future__ import annotations

from typing import Any

from tortoise import fields
from tortoise.models import Model


class PolicyVersion(Model):
    """One saved version of the compliance policy. Versions are kept, never edited."""

    id = fields.IntField(primary_key=True)
    version = fields.IntField(unique=True)
    allowed_numbers: list[str] = fields.JSONField(default=list)
    allowed_addresses: list[str] = fields.JSONField(default=list)
    allowed_emails: list[str] = fields.JSONField(default=list)
    allowed_domains: list[str] = fields.JSONField(default=list)
    blocked_terms: list[str] = fields.JSONField(default=list)
    disclosures: list[str] = fields.JSONField(default=list)
    # Only the rules set to something other than their default: {"political": "block"}.
    severities: dict[str, Any] = fields.JSONField(default=dict)
    created_by: fields.ForeignKeyNullableRelation = fields.ForeignKeyField(
        "models.User", related_name="policy_versions", null=True, on_delete=fields.SET_NULL
    )
    created_by_id: int | None
    created_at = fields.DatetimeField()
    note = fields.TextField(default="")

    class Meta:
        table = "compliance_policy_versions"
