"""Request and response shapes of the reporting API."""

from __future__ import annotations

from datetime import date, datetime

from pydantic import BaseModel, Field, model_validator

from dashboards.measures import ChannelTotals
from dashboards.report import CampaignReport


class ReportQuery(BaseModel):
    campaign_id: int | None = Field(default=None, ge=1, le=2**31 - 1)
    start: date | None = None
    end: date | None = Field(default=None, description="Inclusive last day")

    @model_validator(mode="after")
    def _ordered(self) -> ReportQuery:
        if self.start and self.end and self.end < self.start:
            raise ValueError("end must not be before start")
        return self


class TotalsOut(BaseModel):
    posts: int
    impressions: int | None = Field(description="None when no post reported it")
    reach: int | None
    engagements: int | None
    clicks: int | None
    engagement_rate: float | None
    click_through_rate: float | None
    provenance: str

    @classmethod
    def of(cls, totals: ChannelTotals) -> TotalsOut:
        return cls(
            posts=totals.posts,
            impressions=totals.impressions,
            reach=totals.reach,
            engagements=totals.engagements,
            clicks=totals.clicks,
            engagement_rate=totals.engagement_rate,
            click_through_rate=totals.click_through_rate,
            provenance=totals.provenance,
        )


class ReportOut(BaseModel):
    campaign_id: int | None
    start: datetime | None
    end: datetime | None
    shares_published: int
    ambassadors_sharing: int
    advocacy: TotalsOut
    brand: TotalsOut
    engagement_rate_ratio: float | None
    amplification: float | None
    click_through_ratio: float | None

    @classmethod
    def of(cls, report: CampaignReport) -> ReportOut:
        return cls(
            campaign_id=report.campaign_id,
            start=report.start,
            end=report.end,
            shares_published=report.shares_published,
            ambassadors_sharing=report.ambassadors_sharing,
            advocacy=TotalsOut.of(report.advocacy),
            brand=TotalsOut.of(report.brand),
            engagement_rate_ratio=report.engagement_rate_ratio,
            amplification=report.amplification,
            click_through_ratio=report.click_through_ratio,
        )
