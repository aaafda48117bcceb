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


class TrackedPost(Model):
    """A published share or brand post whose metrics are collected on a decaying schedule.

    It also keeps the latest cumulative figures, so summaries read one row per post instead of
    scanning every snapshot.
    """

    id = fields.IntField(primary_key=True)
    share: fields.ForeignKeyNullableRelation = fields.OneToOneField(
        "models.Share", related_name="tracking", null=True, on_delete=fields.CASCADE
    )
    brand_post: fields.ForeignKeyNullableRelation = fields.OneToOneField(
        "models.BrandPost", related_name="tracking", null=True, on_delete=fields.CASCADE
    )
    account: fields.ForeignKeyRelation = fields.ForeignKeyField(
        "models.SocialAccount", related_name="tracked_posts", on_delete=fields.CASCADE
    )
    campaign: fields.ForeignKeyRelation = fields.ForeignKeyField(
        "models.Campaign", related_name="tracked_posts", on_delete=fields.CASCADE
    )
    network = fields.CharField(max_length=16)
    external_id = fields.CharField(max_length=200)
    published_at = fields.DatetimeField()
    collections_done = fields.IntField(default=0)
    next_collect_at = fields.DatetimeField(null=True)
    latest_impressions = fields.IntField(null=True)
    latest_reach = fields.IntField(null=True)
    latest_engagements = fields.IntField(null=True)
    latest_clicks = fields.IntField(null=True)
    latest_provenance = fields.CharField(max_length=16, null=True)

    class Meta:
        table = "tracked_posts"
        indexes = (("next_collect_at",), ("campaign_id", "published_at"))


class DailyRollup(Model):
    """What one tracked post gained on one day, with the slices dashboards group by.

    The collector adds each new snapshot to it, so dashboards read one row per post and day instead
    of scanning snapshots. None means no snapshot of that day reported the figure.
    """

    id = fields.IntField(primary_key=True)
    day = fields.DateField()
    tracked: fields.ForeignKeyRelation[TrackedPost] = fields.ForeignKeyField(
        "models.TrackedPost", related_name="rollups", on_delete=fields.CASCADE
    )
    campaign: fields.ForeignKeyRelation = fields.ForeignKeyField(
        "models.Campaign", related_name="rollups", on_delete=fields.CASCADE
    )
    is_brand = fields.BooleanField()
    network = fields.CharField(max_length=16)
    user: fields.ForeignKeyNullableRelation = fields.ForeignKeyField(
        "models.User", related_name="rollups", null=True, on_delete=fields.SET_NULL
    )
    department = fields.CharField(max_length=100, default="")
    region = fields.CharField(max_length=100, default="")
    impressions = fields.IntField(null=True)
    reach = fields.IntField(null=True)
    engagements = fields.IntField(null=True)
    clicks = fields.IntField(null=True)
    provenance = fields.CharField(max_length=16)

    class Meta:
        table = "daily_rollups"
        unique_together = (("tracked", "day"),)
        indexes = (("campaign_id", "day"), ("day",))


class DailyTotal(Model):
    """What the programme gained on one day, summed over the posts of one slice.

    The collector adds each batch's gains to it next to the per-post rollups, so the leadership
    dashboard reads a few thousand rows however many posts there are. A slice is the campaign, the
    UTC day the posts were published (for the report's window), ambassadors or brand, network,
    department, region and the provenance of the snapshots that reported the gains. None means no
    snapshot of the slice and day reported the figure; each figure equals the sum of the slice's
    rollups of that day.
    """

    id = fields.IntField(primary_key=True)
    day = fields.DateField()
    campaign: fields.ForeignKeyRelation = fields.ForeignKeyField(
        "models.Campaign", related_name="daily_totals", on_delete=fields.CASCADE
    )
    published_on = fields.DateField()
    is_brand = fields.BooleanField()
    network = fields.CharField(max_length=16)
    department = fields.CharField(max_length=100, default="")
    region = fields.CharField(max_length=100, default="")
    provenance = fields.CharField(max_length=16)
    impressions = fields.BigIntField(null=True)
    reach = fields.BigIntField(null=True)
    engagements = fields.BigIntField(null=True)
    clicks = fields.BigIntField(null=True)

    class Meta:
        table = "daily_totals"
        unique_together = (
            ("day", "campaign", "published_on", "is_brand", "network", "department", "region", "provenance"),
        )


class EmvFormula(Model):
    """One version of the earned media value formula. A change is a new row, never an edit."""

    id = fields.IntField(primary_key=True)
    version = fields.IntField(unique=True)
    currency = fields.CharField(max_length=3)
    rates: dict[str, dict[str, float]] = fields.JSONField()
    note = fields.TextField(default="")
    created_at = fields.DatetimeField()

    class Meta:
        table = "emv_formulas"


class ProgrammeCost(Model):
    """What the programme cost for a period, for one campaign or for the whole programme."""

    id = fields.IntField(primary_key=True)
    campaign: fields.ForeignKeyNullableRelation = fields.ForeignKeyField(
        "models.Campaign", related_name="costs", null=True, on_delete=fields.CASCADE
    )
    period_start = fields.DateField()
    period_end = fields.DateField()
    amount = fields.DecimalField(max_digits=14, decimal_places=2)
    currency = fields.CharField(max_length=3)
    note = fields.TextField(default="")
    created_at = fields.DatetimeField()

    class Meta:
        table = "programme_costs"


class ParticipationDay(Model):
    """Ambassadors invited, opted in and sharing as they were on a day, kept as history."""

    id = fields.IntField(primary_key=True)
    day = fields.DateField(unique=True)
    invited = fields.IntField()
    opted_in = fields.IntField()
    sharing = fields.IntField()

    class Meta:
        table = "participation_days"


class LeaderboardChoice(Model):
    """An ambassador who chose to leave the leaderboard. Their figures still count in every total."""

    id = fields.IntField(primary_key=True)
    user: fields.OneToOneRelation = fields.OneToOneField(
        "models.User", related_name="leaderboard_choice", on_delete=fields.CASCADE
    )
    hidden = fields.BooleanField(default=True)
    changed_at = fields.DatetimeField()

    class Meta:
        table = "leaderboard_choices"
