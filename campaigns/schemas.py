"""Request and response shapes of the campaigns API."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from pydantic import BaseModel, Field

from advocacy.addresses import WEB_LINK
from advocacy.api import NOT_BLANK
from advocacy.documented import InCalendar
from campaigns.models import Campaign, ContentPack, FindingOverride, MessageVariant, Post


class CampaignCreate(BaseModel):
    name: str = Field(min_length=1, max_length=200, pattern=NOT_BLANK)
    description: str = Field(default="", max_length=5000)
    starts_at: Annotated[datetime, InCalendar()]
    ends_at: Annotated[datetime, InCalendar()]
    pack_title: str = Field(default="", max_length=200)


class PostCreate(BaseModel):
    title: str = Field(min_length=1, max_length=300)
    url: str = Field(max_length=2000, pattern=f"^{WEB_LINK}$")
    messages: dict[str, list[str]] = Field(
        description="Suggested messages per network, e.g. {'linkedin': [...], 'x': [...]}"
    )
    expires_at: Annotated[datetime, InCalendar()] | None = Field(
        default=None, description="When the post leaves the feed")
    brand_ref_linkedin: str = Field(default="", max_length=200, description="The brand's LinkedIn post URN")
    brand_ref_x: str = Field(default="", max_length=200, description="The brand's X post id")


class MessageCreate(BaseModel):
    network: str = Field(description="linkedin or x")
    text: str = Field(min_length=1, max_length=5000)


class PostEdit(BaseModel):
    title: str = Field(min_length=1, max_length=300)
    url: str = Field(max_length=2000, pattern=f"^{WEB_LINK}$")


class ReviewRequest(BaseModel):
    approve: bool
    note: str = Field(default="", max_length=5000)


class VariantOut(BaseModel):
    id: int
    network: str
    text: str

    @classmethod
    def of(cls, variant: MessageVariant) -> VariantOut:
        return cls(id=variant.id, network=variant.network, text=variant.text)


class PostOut(BaseModel):
    id: int
    pack_id: int
    title: str
    url: str
    expires_at: datetime | None = None
    brand_ref_linkedin: str = ""
    brand_ref_x: str = ""
    link_title: str = ""
    link_description: str = ""
    link_image: str = ""
    featured: bool = False
    variants: list[VariantOut]

    @classmethod
    def of(cls, post: Post, variants: list[MessageVariant]) -> PostOut:
        return cls(
            id=post.id,
            pack_id=post.pack_id,  # type: ignore[attr-defined]
            title=post.title,
            url=post.url,
            expires_at=post.expires_at,
            brand_ref_linkedin=post.brand_ref_linkedin,
            brand_ref_x=post.brand_ref_x,
            link_title=post.link_title,
            link_description=post.link_description,
            link_image=post.link_image,
            featured=post.featured,
            variants=[VariantOut.of(v) for v in variants],
        )


class PackOut(BaseModel):
    id: int
    title: str
    status: str
    state: str = Field(description="The status as people read it: a draft that a reviewer sent back "
                       "is \"changes_requested\"")
    author_id: int
    reviewer_id: int | None
    review_note: str
    policy_version: int | None = Field(default=None, description="The compliance policy version that "
                                       "judged the pack when it was approved")
    posts: list[PostOut]

    @classmethod
    def of(cls, pack: ContentPack, posts: list[PostOut]) -> PackOut:
        return cls(
            id=pack.id,
            title=pack.title,
            status=pack.status.value,
            state=pack.state,
            author_id=pack.author_id,  # type: ignore[attr-defined]
            reviewer_id=pack.reviewer_id,  # type: ignore[attr-defined]
            review_note=pack.review_note,
            policy_version=pack.policy_version,
            posts=posts,
        )


class CampaignOut(BaseModel):
    id: int
    name: str
    slug: str
    description: str
    status: str
    starts_at: datetime
    ends_at: datetime
    packs: list[PackOut] = []

    @classmethod
    def of(cls, campaign: Campaign, packs: list[PackOut] | None = None) -> CampaignOut:
        return cls(
            id=campaign.id,
            name=campaign.name,
            slug=campaign.slug,
            description=campaign.description,
            status=campaign.status.value,
            starts_at=campaign.starts_at,
            ends_at=campaign.ends_at,
            packs=packs or [],
        )


class FeatureRequest(BaseModel):
    featured: bool = Field(description="True puts the post at the top of the feed.")


# A position in a message: far beyond any network's limit, so only a tampered request reaches it.
MAX_SPAN = 999_999
Offset = Annotated[int, Field(ge=0, le=MAX_SPAN)]


class OverrideRequest(BaseModel):
    rule: str = Field(min_length=1, max_length=64, description="The warning's rule, as the check names it")
    span: tuple[Offset, Offset] = Field(
        description="The warning's [start, end) in the message, as the check says")
    reason: str = Field(max_length=2000, description="Why the warning does not apply (required)")


class OverrideOut(BaseModel):
    id: int
    variant_id: int
    rule: str
    span: tuple[int, int]
    words: str
    reason: str
    reviewer_id: int
    at: datetime
    policy_version: int

    @classmethod
    def of(cls, override: FindingOverride) -> OverrideOut:
        return cls(id=override.id, variant_id=override.variant_id, rule=override.rule,
                   span=(override.start, override.end), words=override.words, reason=override.reason,
                   reviewer_id=override.reviewer_id, at=override.at, policy_version=override.policy_version)
