"""Tortoise models for metric snapshots of ambassador shares and brand posts."""

from __future__ import annotations

from enum import StrEnum

from tortoise import fields
from tortoise.models import Model


class Provenance(StrEnum):
    """Where a number came from; every figure shown to a person carries one."""

    MEASURED = "measured"
    ESTIMATED = "estimated"
    SIMULATED = "simulated"


class MetricSnapshot(Model):
    """Cumulative metrics of one share or one brand post at one moment. None means not reported."""

    id = fields.IntField(primary_key=True)
    share: fields.ForeignKeyNullableRelation = fields.ForeignKeyField(
        "models.Share", related_name="snapshots", null=True, on_delete=fields.CASCADE
    )
    brand_post: fields.ForeignKeyNullableRelation = fields.ForeignKeyField(
        "models.BrandPost", related_name="snapshots", null=True, on_delete=fields.CASCADE
    )
    network = fields.CharField(max_length=16)
    captured_at = fields.DatetimeField()
    impressions = fields.IntField(null=True)
    reach = fields.IntField(null=True)
    reactions = fields.IntField(null=True)
    comments = fields.IntField(null=True)
    reshares = fields.IntField(null=True)
    clicks = fields.IntField(null=True)
    provenance = fields.CharEnumField(Provenance, max_length=16)

    class Meta:
        table = "metric_snapshots"
        indexes = (("share_id", "captured_at"), ("brand_post_id", "captured_at"))
