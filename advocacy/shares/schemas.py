"""Request and response shapes of the feed and shares API."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from pydantic import BaseModel, Field

from advocacy.shares.models import Share
from campaigns.schemas import VariantOut


class ShareCreate(BaseModel):
    post_id: int = Field(ge=1, le=2**31 - 1)
    account_id: int = Field(ge=1, le=2**31 - 1)
    variant_id: int | None = Field(default=None, ge=1, le=2**31 - 1)
    text: str | None = Field(default=None, max_length=5000)
    scheduled_at: datetime | None = Field(
        default=None, description="When to publish (with a time zone); omitted means now."
    )


class ShareOut(BaseModel):
    id: int
    post_id: int
    account_id: int
    network: str
    text: str
    status: str
    due_at: datetime
    published_at: datetime | None
    external_url: str | None
    last_error: str

    @classmethod
    def of(cls, share: Share) -> ShareOut:
        return cls(
            id=share.id,
            post_id=share.post_id,  # type: ignore[attr-defined]
            account_id=share.account_id,  # type: ignore[attr-defined]
            network=share.network,
            text=share.text,
            status=share.status.value,
            due_at=share.due_at,
            published_at=share.published_at,
            external_url=share.external_url,
            last_error=share.last_error,
        )


class AccountOut(BaseModel):
    id: int
    network: str
    handle: str
    followers: int | None
    status: str


class FeedPost(BaseModel):
    id: int
    campaign: str
    title: str
    url: str
    variants: list[VariantOut]
    my_share_networks: list[str]


class FeedOut(BaseModel):
    accounts: list[AccountOut]
    posts: list[FeedPost]


class ShareRetry(BaseModel):
    share_ids: list[Annotated[int, Field(ge=1, le=2**31 - 1)]] | None = Field(
        default=None, max_length=10_000, description="Which shares; omitted means every failed one."
    )
    account_id: int | None = Field(default=None, ge=1, le=2**31 - 1)


class ShareRetryOut(BaseModel):
    retried: list[int]
    skipped: dict[int, str]
