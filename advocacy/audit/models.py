"""Tortoise model of the append-only audit log."""

from __future__ import annotations

from typing import Any

from tortoise import fields
from tortoise.models import Model


class AuditEntry(Model):
    """One thing that happened: who, when, what, to which target; never changed but to forget a person.

    Only `service.forget_person` rewrites entries: a de-identified person's email and name leave them.
    """

    id = fields.IntField(primary_key=True)
    at = fields.DatetimeField(db_index=True)
    # The email is kept beside the id so the entry stays readable if the account is removed.
    actor_id = fields.IntField(null=True)
    actor_email = fields.CharField(max_length=254, default="")
    action = fields.CharField(max_length=64, db_index=True)
    target = fields.CharField(max_length=200, default="")
    details: dict[str, Any] = fields.JSONField(default=dict)
    address = fields.CharField(max_length=64, default="")

    class Meta:
        table = "audit_entries"
