"""Response and query shapes of the audit log API."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, Field

from advocacy.audit.models import AuditEntry


class AuditQuery(BaseModel):
    action: str | None = Field(default=None, max_length=64)
    target: str | None = Field(default=None, max_length=200,
                               description='What the entries are about, e.g. "user:12"')
    limit: int = Field(default=200, ge=1, le=1000)


class AuditEntryOut(BaseModel):
    id: int
    at: datetime
    actor_id: int | None
    actor_email: str
    action: str
    target: str
    details: dict[str, Any]
    address: str

    @classmethod
    def of(cls, entry: AuditEntry) -> AuditEntryOut:
        return cls(id=entry.id, at=entry.at, actor_id=entry.actor_id, actor_email=entry.actor_email,
                   action=entry.action, target=entry.target, details=entry.details, address=entry.address)
