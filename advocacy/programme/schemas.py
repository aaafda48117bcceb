"""Request and response shapes of the programme API."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

from advocacy.api import NOT_BLANK
from advocacy.documented import OneOf
from advocacy.localtime import zone_names
from advocacy.programme.members import MemberRow
from advocacy.users.emails import EMAIL_ADDRESS, OPTIONAL_EMAIL_ADDRESS
from advocacy.users.schemas import ZONE_PROBLEM


class InvitationCreate(BaseModel):
    model_config = ConfigDict(regex_engine="python-re")  # the address pattern looks ahead

    email: str = Field(max_length=254, pattern=EMAIL_ADDRESS)
    name: str = Field(default="", max_length=200)
    department: str = Field(default="", max_length=100)
    region: str = Field(default="", max_length=100)
    timezone: Annotated[str, OneOf(("", *zone_names()), ZONE_PROBLEM)] = Field(
        default="", description="An IANA name such as Europe/London; empty: UTC")
    manager_email: str = Field(default="", max_length=254, pattern=OPTIONAL_EMAIL_ADDRESS)


class InvitationOut(BaseModel):
    user_id: int
    email: str
    email_sent: bool = Field(description="Whether the invitation email is queued in the notification "
                             "outbox (it goes out from there, with retries)")


class MemberOut(BaseModel):
    id: int
    name: str
    email: str
    department: str
    region: str
    status: str
    acknowledged_version: int | None
    trainings_done: int
    required_training_missing: int

    @classmethod
    def of(cls, row: MemberRow) -> MemberOut:
        return cls(id=row.user.id, name=row.user.name, email=row.user.email, department=row.user.department,
                   region=row.user.region, status=row.status, acknowledged_version=row.acknowledged_version,
                   trainings_done=row.trainings_done, required_training_missing=row.required_missing)


class MembersQuery(BaseModel):
    status: Literal["opted in", "opted out", "invited", "de-identified", ""] = ""
    page: int = Field(default=1, ge=1, le=1_000_000, description="pages of 50 members, by name")


class GuidelinesOut(BaseModel):
    version: int | None
    title: str
    body: str
    published_at: datetime | None
    acknowledged_version: int | None


class Acknowledge(BaseModel):
    version: int = Field(ge=1, le=2**31 - 1)


class BlockerOut(BaseModel):
    message: str
    link: str


class MembershipOut(BaseModel):
    status: str
    cancelled_share_ids: list[int] = []
    disconnected_account_ids: list[int] = []
    sharing_blockers: list[BlockerOut] = []


class ConditionIn(BaseModel):
    kind: Literal["department", "region", "group"]
    value: str = Field(min_length=1, max_length=100, pattern=NOT_BLANK,
                       description="department or region name, or group id")


class SegmentCreate(BaseModel):
    name: str = Field(min_length=1, max_length=100, pattern=NOT_BLANK)
    match: Literal["all", "any"] = "all"
    conditions: list[ConditionIn] = Field(min_length=1, max_length=50)


class SegmentOut(BaseModel):
    id: int
    name: str
    match: str
    conditions: list[str]
    members: int
    campaigns: int


class CampaignSegmentsIn(BaseModel):
    segment_ids: list[Annotated[int, Field(ge=1, le=2**31 - 1)]] = Field(default_factory=list, max_length=100)


class CampaignSegmentsOut(BaseModel):
    campaign_id: int
    segment_ids: list[int]
    audience: int
