"""Request and response shapes of the feed and shares API."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import asdict, dataclass
from datetime import datetime
from typing import Annotated, Literal, TypeAlias

from pydantic import BaseModel, ConfigDict, Field

from advocacy.documented import InCalendar, OneOf
from advocacy.localtime import zone_names
from advocacy.shares.models import Share
from advocacy.shares.status import NetworkStatus
from advocacy.users.schemas import ZONE_PROBLEM
from campaigns.models import Post
from campaigns.schemas import VariantOut


class ShareCreate(BaseModel):
    # A time goes with mode "at" and only with it; without a mode, a time means "at".
    model_config = ConfigDict(json_schema_extra={"anyOf": [
        {"properties": {"mode": {"const": "at"}, "scheduled_at": {"type": "string"}},
         "required": ["mode", "scheduled_at"]},
        {"properties": {"mode": {"enum": ["now", "auto"]}, "scheduled_at": {"type": "null"}},
         "required": ["mode"]},
        {"properties": {"mode": {"type": "null"}}},
    ]})

    post_id: int = Field(ge=1, le=2**31 - 1)
    account_id: int = Field(ge=1, le=2**31 - 1)
    variant_id: int | None = Field(default=None, ge=1, le=2**31 - 1)
    text: str | None = Field(default=None, max_length=5000)
    scheduled_at: Annotated[datetime, InCalendar()] | None = Field(
        default=None, description="When to publish (with a time zone); only with mode 'at'."
    )
    mode: Literal["now", "at", "auto"] | None = Field(
        default=None,
        description="now, at scheduled_at, or auto (placed in my sharing hours, under my daily cap, "
        "staggered against colleagues). Omitted: at when scheduled_at is given, else now.",
    )
    confirm_similar: bool = Field(
        default=False,
        description="Share even if the text nearly copies colleagues' shares (a 409 too_similar "
        "otherwise, offering another suggestion). Ignored where the organisation requires an edit.",
    )


class ShareMove(BaseModel):
    # A new time, or auto=true, never both.
    model_config = ConfigDict(json_schema_extra={"anyOf": [
        {"properties": {"auto": {"const": True}, "scheduled_at": {"type": "null"}}, "required": ["auto"]},
        {"properties": {"auto": {"const": False}, "scheduled_at": {"type": "string"}},
         "required": ["scheduled_at"]},
    ]})

    scheduled_at: Annotated[datetime, InCalendar()] | None = Field(
        default=None, description="The new time (with a time zone); omitted with auto=true."
    )
    auto: bool = Field(default=False, description="Let the planner place the share again.")


class ShareOut(BaseModel):
    id: int
    post_id: int
    post_title: str = ""
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
            post_title=share.post.title if isinstance(getattr(share, "post", None), Post) else "",
            account_id=share.account_id,
            network=share.network,
            text=share.text,
            status=share.status.value,
            due_at=share.due_at,
            published_at=share.published_at,
            external_url=share.external_url,
            last_error=share.last_error,
        )


@dataclass(frozen=True, slots=True)
class ShareResult:
    """What one published share gathered: the platform's latest figures (labelled with their
    provenance, None where not reported) and the clicks on its own short link (people only)."""

    impressions: int | None
    engagements: int | None
    provenance: str  # measured, estimated or simulated, as the platform figures are labelled
    clicks: int


# Reads the results of shares by id (shares without any are left out). The reporting layer provides
# it and the composition hands it to the pages through the app state: shares never import reporting.
ShareResults: TypeAlias = Callable[[list[int]], Awaitable[dict[int, ShareResult]]]


class AccountOut(BaseModel):
    id: int
    network: str
    handle: str
    followers: int | None
    status: str


class ColleagueCounts(BaseModel):
    published: int = Field(default=0, description="Colleagues who published this post.")
    scheduled: int = Field(default=0, description="Colleagues whose share of it is waiting.")
    names: list[str] = Field(
        default_factory=list, description="Their names, only where the organisation shows names."
    )


class FeedPost(BaseModel):
    id: int
    campaign: str
    title: str
    url: str
    featured: bool = False
    opens_at: datetime = Field(description="When the post's campaign window opens. Until then it cannot be "
                               "shared now, only at a time from then on or auto-queued; the feed page "
                               "says \"opens <day, time>\" for it.")
    image_url: str = Field(default="", description="The post's picture (its link's Open Graph image), "
                           "served by this service; empty when it has none.")
    image_alt: str = Field(default="", description="The picture's text alternative.")
    variants: list[VariantOut]
    my_share_networks: list[str]
    colleagues: ColleagueCounts = Field(default_factory=ColleagueCounts)


class FeedOut(BaseModel):
    accounts: list[AccountOut]
    posts: list[FeedPost]
    my_shares: list[ShareOut] = Field(default_factory=list)
    timezone: str = "UTC"


class FeedCounts(BaseModel):
    posts: dict[int, ColleagueCounts]


# A time of day as the sharing hours take it: 00:00 to 23:59, and 24:00 for the end of the day.
START_OF_DAY = "^(?:[01][0-9]|2[0-3]):[0-5][0-9]$"
TIME_OF_DAY = f"{START_OF_DAY}|^24:00$"


class SharingPreferencesIn(BaseModel):
    start: str = Field(default="08:00", pattern=START_OF_DAY,
                       description="Start of sharing hours, HH:MM local.")
    end: str = Field(default="18:00", pattern=TIME_OF_DAY,
                     description="End of sharing hours, HH:MM (24:00 ok).")
    days: list[Annotated[int, Field(ge=0, le=6)]] = Field(
        default=[0, 1, 2, 3, 4], min_length=1, max_length=7, description="Sharing days, 0 = Monday."
    )
    daily_cap: int = Field(default=3, ge=1, le=50)
    timezone: Annotated[str, OneOf(("", *zone_names()), ZONE_PROBLEM)] | None = Field(
        default=None, description="IANA zone, e.g. Europe/London; omitted or empty: unchanged.")


class SharingPreferencesOut(BaseModel):
    start: str
    end: str
    days: list[int]
    daily_cap: int
    timezone: str


class ShareRetry(BaseModel):
    share_ids: list[Annotated[int, Field(ge=1, le=2**31 - 1)]] | None = Field(
        default=None, max_length=10_000, description="Which shares; omitted means every failed one."
    )
    account_id: int | None = Field(default=None, ge=1, le=2**31 - 1)


class ShareRetryOut(BaseModel):
    retried: list[int]
    skipped: dict[int, str]


class ParkingOut(BaseModel):
    kind: str = Field(description="quota, credits or retired_version")
    reason: str
    since: datetime | None
    next_probe_at: datetime
    ends_at: datetime | None = Field(description="A quota's own end (midnight UTC for LinkedIn's)")
    probes: int


class NetworkStatusOut(BaseModel):
    network: str
    parking: ParkingOut | None = Field(description="Set while the whole network is on hold")
    accounts: dict[str, int] = Field(description="Ambassador accounts by status")
    accounts_parked: int = Field(description="Accounts rate limited right now")
    expiring_soon: int = Field(description="Connected accounts whose access ends within 7 days")
    shares_waiting: dict[str, int] = Field(description="Unfinished shares by state")


class StatusOut(BaseModel):
    at: datetime
    networks: list[NetworkStatusOut]

    @classmethod
    def of(cls, at: datetime, networks: list[NetworkStatus]) -> StatusOut:
        return cls(at=at, networks=[
            NetworkStatusOut(
                network=n.network, accounts=n.accounts, accounts_parked=n.accounts_parked,
                expiring_soon=n.expiring_soon, shares_waiting=n.shares_waiting,
                parking=ParkingOut(**asdict(n.parking)) if n.parking is not None else None,
            )
            for n in networks
        ])
