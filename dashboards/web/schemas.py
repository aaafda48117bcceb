"""Request and response shapes of the reporting API."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Literal

from pydantic import BaseModel, Field, model_validator

from advocacy.api import SETTING_CHOICE
from advocacy.clock import EARLIEST, LATEST
from dashboards.reporting.emv import MAX_RATE, EmvFormulaSpec
from dashboards.reporting.measures import ChannelTotals
from dashboards.reporting.report import CampaignReport
from dashboards.reporting.summary import Summary

# The days a report may cover: every figure the programme can have, with room; a day past the
# calendar's last (9999-12-31, whose next day does not exist) never reaches the date arithmetic.
FIRST_DAY = EARLIEST.date()
LAST_DAY = LATEST.date()


class ReportQuery(BaseModel):
    campaign_id: int | None = Field(default=None, ge=1, le=2**31 - 1)
    start: date | None = Field(default=None, ge=FIRST_DAY, le=LAST_DAY, description="First day")
    end: date | None = Field(default=None, ge=FIRST_DAY, le=LAST_DAY, description="Inclusive last day")
    department: str | None = Field(default=None, max_length=100)
    network: Literal["linkedin", "x"] | None = None

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


class FigureOut(BaseModel):
    key: str
    label: str
    value: float | None = Field(description="None when nothing was reported or it cannot be computed")
    unit: str = Field(description="count, ratio (a fraction, shown as a percentage), multiplier (shown as "
                                  "9.9x) or an ISO 4217 currency code")
    kind: str = Field(description="measured, estimated or simulated; entered for what a person typed in "
                                  "(programme costs); none when there is no figure")
    formula_version: int | None = Field(description="The EMV formula version the figure used")
    note: str


# A rate is a finite number in [0, MAX_RATE]: the same bound the service checks.
Rate = Annotated[float, Field(ge=0, le=MAX_RATE, allow_inf_nan=False)]


class RatesIn(BaseModel):
    cpm: Rate = Field(description="Per 1,000 impressions")
    cpc: Rate = Field(description="Per click")
    per_engagement: Rate


class RatesOut(BaseModel):
    cpm: float
    cpc: float
    per_engagement: float


class FormulaOut(BaseModel):
    version: int
    currency: str
    text: str
    rates: dict[str, RatesOut]

    @classmethod
    def of(cls, formula: EmvFormulaSpec) -> FormulaOut:
        return cls(version=formula.version, currency=formula.currency, text=formula.describe(),
                   rates={n: RatesOut(cpm=r.cpm, cpc=r.cpc, per_engagement=r.per_engagement)
                          for n, r in formula.rates.items()})


class FormulaIn(BaseModel):
    rates: dict[Literal["linkedin", "x"], RatesIn] = Field(min_length=1)
    note: str = Field(default="", max_length=1000)


class SummaryOut(BaseModel):
    campaign_id: int | None
    start: datetime | None
    end: datetime | None
    currency: str
    formula: FormulaOut
    figures: list[FigureOut]

    @classmethod
    def of(cls, summary: Summary) -> SummaryOut:
        return cls(
            campaign_id=summary.campaign_id, start=summary.start, end=summary.end,
            currency=summary.currency, formula=FormulaOut.of(summary.formula),
            figures=[FigureOut(key=f.key, label=f.label, value=f.value, unit=f.unit, kind=f.kind,
                               formula_version=f.formula_version, note=f.note)
                     for f in summary.figures],
        )


class CostIn(BaseModel):
    amount: Decimal = Field(gt=0, lt=10**12, max_digits=14, decimal_places=2, allow_inf_nan=False)
    currency: str = Field(pattern="^[A-Z]{3}$", json_schema_extra={SETTING_CHOICE: "currency"},
                          description="The organisation's currency (costs are kept in it)")
    period_start: date = Field(ge=FIRST_DAY, le=LAST_DAY)
    period_end: date = Field(ge=FIRST_DAY, le=LAST_DAY)
    campaign_id: int | None = Field(default=None, ge=1, le=2**31 - 1)
    note: str = Field(default="", max_length=1000)


class CostOut(BaseModel):
    id: int
    amount: Decimal
    currency: str
    period_start: date
    period_end: date
    campaign_id: int | None
    note: str
