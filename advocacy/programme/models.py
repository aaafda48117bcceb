"""Tortoise models of the ambassador programme: consent, guidelines, training, invitations, segments."""

from __future__ import annotations

from enum import StrEnum

from tortoise import fields
from tortoise.models import Model


class ConsentAction(StrEnum):
    OPT_IN = "opt_in"
    OPT_OUT = "opt_out"
    DEIDENTIFY = "deidentify"


class ConsentEvent(Model):
    """One step of a person joining or leaving the programme. Rows are only ever appended."""

    id = fields.IntField(primary_key=True)
    user: fields.ForeignKeyRelation = fields.ForeignKeyField(
        "models.User", related_name="consent_events", on_delete=fields.RESTRICT
    )
    user_id: int
    action = fields.CharEnumField(ConsentAction, max_length=16)
    at = fields.DatetimeField()
    # The guideline version in force when the step was taken (none while no guidelines exist).
    guideline_version = fields.IntField(null=True)
    # Who took the step: the person themself, or an admin acting for them.
    by: fields.ForeignKeyNullableRelation = fields.ForeignKeyField(
        "models.User", related_name="consent_events_made", null=True, on_delete=fields.SET_NULL
    )
    note = fields.TextField(default="")

    class Meta:
        table = "consent_events"
        indexes = (("user_id", "at"),)


class GuidelineVersion(Model):
    """One version of the organisation social media guidelines. Versions are kept, never edited."""

    id = fields.IntField(primary_key=True)
    version = fields.IntField(unique=True)
    title = fields.CharField(max_length=200)
    body = fields.TextField()
    created_by: fields.ForeignKeyNullableRelation = fields.ForeignKeyField(
        "models.User", related_name="guideline_versions", null=True, on_delete=fields.SET_NULL
    )
    created_at = fields.DatetimeField()

    class Meta:
        table = "guideline_versions"


class GuidelineAcknowledgement(Model):
    """A person read and accepted one guideline version."""

    id = fields.IntField(primary_key=True)
    user: fields.ForeignKeyRelation = fields.ForeignKeyField(
        "models.User", related_name="guideline_acknowledgements", on_delete=fields.CASCADE
    )
    user_id: int
    version: fields.ForeignKeyRelation[GuidelineVersion] = fields.ForeignKeyField(
        "models.GuidelineVersion", related_name="acknowledgements", on_delete=fields.RESTRICT
    )
    version_id: int
    at = fields.DatetimeField()

    class Meta:
        table = "guideline_acknowledgements"
        unique_together = (("user", "version"),)


class TrainingModule(Model):
    """A training module an ambassador reads and marks complete. Admins may make it required."""

    id = fields.IntField(primary_key=True)
    slug = fields.CharField(max_length=80, unique=True)
    title = fields.CharField(max_length=200)
    summary = fields.TextField(default="")
    body = fields.TextField(default="")
    position = fields.IntField(default=0)
    minutes = fields.IntField(default=10)
    required = fields.BooleanField(default=False)
    created_at = fields.DatetimeField()

    class Meta:
        table = "training_modules"


class TrainingCompletion(Model):
    """A person completed one training module."""

    id = fields.IntField(primary_key=True)
    user: fields.ForeignKeyRelation = fields.ForeignKeyField(
        "models.User", related_name="training_completions", on_delete=fields.CASCADE
    )
    user_id: int
    module: fields.ForeignKeyRelation[TrainingModule] = fields.ForeignKeyField(
        "models.TrainingModule", related_name="completions", on_delete=fields.CASCADE
    )
    module_id: int
    completed_at = fields.DatetimeField()

    class Meta:
        table = "training_completions"
        unique_together = (("user", "module"),)


class Invitation(Model):
    """An emailed link to join the programme. Only the SHA-256 digest of its token is stored."""

    id = fields.IntField(primary_key=True)
    user: fields.ForeignKeyRelation = fields.ForeignKeyField(
        "models.User", related_name="invitations", on_delete=fields.CASCADE
    )
    user_id: int
    token_digest = fields.CharField(max_length=64, unique=True)
    invited_by: fields.ForeignKeyNullableRelation = fields.ForeignKeyField(
        "models.User", related_name="invitations_sent", null=True, on_delete=fields.SET_NULL
    )
    created_at = fields.DatetimeField()
    expires_at = fields.DatetimeField()
    used_at = fields.DatetimeField(null=True)
    # Set when a newer invitation to the same person replaces this one.
    replaced_at = fields.DatetimeField(null=True)

    class Meta:
        table = "invitations"


class PersonGroup(Model):
    """A named group of people (a committee, a team across departments) segments can target."""

    id = fields.IntField(primary_key=True)
    name = fields.CharField(max_length=100, unique=True)
    created_at = fields.DatetimeField()

    class Meta:
        table = "person_groups"


class GroupMember(Model):
    """One person in one named group."""

    id = fields.IntField(primary_key=True)
    group: fields.ForeignKeyRelation[PersonGroup] = fields.ForeignKeyField(
        "models.PersonGroup", related_name="members", on_delete=fields.CASCADE
    )
    group_id: int
    user: fields.ForeignKeyRelation = fields.ForeignKeyField(
        "models.User", related_name="group_memberships", on_delete=fields.CASCADE
    )
    user_id: int

    class Meta:
        table = "group_members"
        unique_together = (("group", "user"),)


class SegmentMatch(StrEnum):
    ALL = "all"
    ANY = "any"


class ConditionKind(StrEnum):
    DEPARTMENT = "department"
    REGION = "region"
    GROUP = "group"


class Segment(Model):
    """A named audience: people who meet all (or any) of its conditions."""

    id = fields.IntField(primary_key=True)
    name = fields.CharField(max_length=100, unique=True)
    match = fields.CharEnumField(SegmentMatch, max_length=8, default=SegmentMatch.ALL)
    created_at = fields.DatetimeField()
    updated_at = fields.DatetimeField()

    conditions: fields.ReverseRelation[SegmentCondition]

    class Meta:
        table = "segments"


class SegmentCondition(Model):
    """One condition of a segment: a department, a region or membership of a group."""

    id = fields.IntField(primary_key=True)
    segment: fields.ForeignKeyRelation[Segment] = fields.ForeignKeyField(
        "models.Segment", related_name="conditions", on_delete=fields.CASCADE
    )
    segment_id: int
    kind = fields.CharEnumField(ConditionKind, max_length=16)
    # The department or region name. Empty for a group condition.
    value = fields.CharField(max_length=100, default="")
    group: fields.ForeignKeyNullableRelation[PersonGroup] = fields.ForeignKeyField(
        "models.PersonGroup", related_name="conditions", null=True, on_delete=fields.CASCADE
    )
    group_id: int | None

    class Meta:
        table = "segment_conditions"


class CampaignSegment(Model):
    """A campaign targets a segment. A campaign with none reaches every opted-in ambassador."""

    id = fields.IntField(primary_key=True)
    campaign: fields.ForeignKeyRelation = fields.ForeignKeyField(
        "models.Campaign", related_name="segment_links", on_delete=fields.CASCADE
    )
    campaign_id: int
    segment: fields.ForeignKeyRelation[Segment] = fields.ForeignKeyField(
        "models.Segment", related_name="campaign_links", on_delete=fields.RESTRICT
    )
    segment_id: int

    class Meta:
        table = "campaign_segments"
        unique_together = (("campaign", "segment"),)
