"""Request and response shapes of the suggestions API."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, Field

from advocacy.addresses import WEB_LINK
from advocacy.suggestions.models import Suggestion


class SuggestionCreate(BaseModel):
    # Lengths are checked by the service, so the API and the feed's form refuse with the same words;
    # a link not of the form http(s)://host is refused by the parser, as the document states it.
    url: str = Field(pattern=f"^{WEB_LINK}$",
                     description="The public web address suggested for colleagues to share")
    note: str = Field(default="", description="Why it is worth sharing, for the editors (optional)")
    message: str = Field(default="", description="A message proposed for the post (optional)")


class SuggestionAccept(BaseModel):
    pack_id: int = Field(ge=1, le=2**31 - 1, description="The draft content pack the post goes into")
    title: str = Field(default="", max_length=300,
                       description="The post's title; empty: the page's own title (Open Graph)")
    messages: dict[str, list[str]] = Field(
        description="Suggested messages per network, e.g. {'linkedin': [...], 'x': [...]}")


class SuggestionDecline(BaseModel):
    note: str = Field(description="Why it is declined, for the ambassador")


class SuggestionOut(BaseModel):
    id: int
    user_id: int
    url: str
    note: str
    message: str
    status: str
    created_at: datetime
    decided_at: datetime | None = None
    decision_note: str = ""
    post_id: int | None = None

    @classmethod
    def of(cls, suggestion: Suggestion) -> SuggestionOut:
        return cls(
            id=suggestion.id, user_id=suggestion.user_id, url=suggestion.url, note=suggestion.note,
            message=suggestion.message, status=suggestion.status.value, created_at=suggestion.created_at,
            decided_at=suggestion.decided_at, decision_note=suggestion.decision_note,
            post_id=suggestion.post_id,
        )
