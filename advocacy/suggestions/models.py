"""The suggestion table: a link an ambassador proposed, and what the editors made of it."""

from __future__ import annotations

from enum import StrEnum

from tortoise import fields
from tortoise.models import Model


class SuggestionStatus(StrEnum):
    OPEN = "open"  # waiting in the editors' inbox
    ACCEPTED = "accepted"  # an editor made a post of it
    DECLINED = "declined"  # an editor declined it, with a note for the ambassador


class Suggestion(Model):
    """A link an ambassador proposed in their feed, with their note and message, and its decision."""

    id = fields.IntField(primary_key=True)
    user: fields.ForeignKeyRelation = fields.ForeignKeyField(
        "models.User", related_name="suggestions", on_delete=fields.CASCADE
    )
    user_id: int
    url = fields.CharField(max_length=2000)
    note = fields.TextField(default="")  # why colleagues should share it, for the editors
    message = fields.TextField(default="")  # words the ambassador proposes for the post
    status = fields.CharEnumField(SuggestionStatus, max_length=16, default=SuggestionStatus.OPEN)
    created_at = fields.DatetimeField(db_index=True)
    decided_at = fields.DatetimeField(null=True)
    decided_by: fields.ForeignKeyNullableRelation = fields.ForeignKeyField(
        "models.User", related_name="suggestions_decided", null=True, on_delete=fields.SET_NULL
    )
    decided_by_id: int | None
    decision_note = fields.TextField(default="")  # the editor's words when declining
    # The post made of it: the ambassador's credit once that post is published.
    post: fields.ForeignKeyNullableRelation = fields.OneToOneField(
        "models.Post", related_name="suggestion", null=True, on_delete=fields.SET_NULL
    )
    post_id: int | None

    class Meta:
        table = "suggestions"
