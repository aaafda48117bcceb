"""Reads the campaign dashboard: delivery funnel, failures, schedule, read-back, each post against
the brand post, and the forecast."""

from __future__ import annotations

from collections import defaultdict

from tortoise.expressions import Q
from tortoise.functions import Sum

from advocacy.links.models import LinkClickDay
from advocacy.programme import targeting
from advocacy.shares.models import Share, ShareEvent, ShareStatus
from advocacy.shares.readback import campaign_readback
from campaigns.models import Campaign
from connectors.sandbox import SandboxParameters
from dashboards.models import TrackedPost
from dashboards.reporting.forecast import forecast_table
from dashboards.reporting.measures import RECORDS, percent_or_none, ratio, sum_reported, weakest_provenance
from dashboards.reporting.report import people_sharing, published_shares, totals_of
from dashboards.reporting.schedule import schedule_heat_map
from dashboards.reporting.slices import Slice
from dashboards.reporting.tables import Table

READBACK_LABELS = {"intact": "as approved", "flagged": "changed", "deleted": "deleted",
                   "unavailable": "not readable", "not yet": "not checked yet"}


async def campaign_tables(
    campaign: Campaign, zone_name: str = "UTC", sandbox: SandboxParameters | None = None
) -> dict[str, Table]:
    """The campaign dashboard's tables; the schedule heat map reads in the time zone `zone_name`, and
    a forecast without history uses the `sandbox` model's parameters."""
    shares = Share.filter(post__pack__campaign_id=campaign.id)
    # Today's membership: the funnel is a snapshot of the campaign's audience now.
    targeted = await targeting.selected_by(campaign).count()
    opted_in = await targeting.audience_of(campaign).count()
    # Distinct people and the per-post sums below come from the database: a campaign can have a
    # hundred thousand shares, and only their people and posts are needed here.
    shared = await people_sharing(shares)
    published = await people_sharing(published_shares(Slice(campaign.id)))
    clicked = len(await LinkClickDay.filter(
        clicks__gt=0, link__share__post__pack__campaign_id=campaign.id
    ).distinct().values_list("link__share__user_id", flat=True))
    tables = {
        "funnel": Table(
            "Delivery funnel (ambassadors)", ("stage", "ambassadors"),
            [("targeted", targeted), ("opted in", opted_in), ("shared", shared), ("published", published),
             ("clicked", clicked)], RECORDS,
            empty="Nobody is in this campaign's audience yet.",
            subtitle="targeted = ambassadors in the campaign's segments (all when it has none), "
                     "invited or opted in; clicked = at least one person followed their short link"),
    }
    reasons: dict[str, int] = defaultdict(int)
    for reason, status in await ShareEvent.filter(
        share__post__pack__campaign_id=campaign.id,
        to_status__in=[ShareStatus.FAILED.value, ShareStatus.UNCONFIRMED.value],
    ).values_list("reason", "to_status"):
        reasons[f"{status}: {(reason or 'no reason given')[:60]}"] += 1
    tables["failures"] = Table("Failed and unconfirmed shares by reason", ("reason", "shares"),
                               sorted(reasons.items(), key=lambda item: -item[1]), RECORDS,
                               empty="No share of this campaign has failed or been left unconfirmed.")
    tables["schedule"] = await schedule_heat_map(campaign.id, zone_name)
    checked = await campaign_readback(campaign.id)
    tables["readback"] = Table(
        "Post-publication check of published shares", ("state", "shares"),
        [(READBACK_LABELS[state], checked.counts[state]) for state in READBACK_LABELS], "measured",
        empty="No share of this campaign is published yet: nothing to check.",
        subtitle=f"{checked.flagged_count} flagged (changed or deleted on the platform); "
                 "details on the campaign's studio page")

    per_post: dict[str, dict[str, list[int | None]]] = defaultdict(lambda: {"ours": [], "brand": []})
    engaged: dict[str, dict[str, list[int | None]]] = defaultdict(lambda: {"ours": [], "brand": []})
    provenances: set[str] = set()
    # Per post, side and provenance: the impressions, and the engagements of the posts that report
    # impressions too (the engagement rate pairs them post by post). NULL sums stay not reported.
    tracked = await TrackedPost.filter(campaign_id=campaign.id).annotate(
        impressions=Sum("latest_impressions"),
        engagements=Sum("latest_engagements", _filter=Q(latest_impressions__not_isnull=True)),
    ).group_by("share__post__title", "brand_post__post__title", "latest_provenance").values_list(
        "share__post__title", "brand_post__post__title", "latest_provenance", "impressions", "engagements")
    for share_title, brand_title, prov, imp, eng in tracked:
        side, title = ("ours", share_title) if share_title is not None else ("brand", brand_title)
        per_post[title][side].append(imp)
        engaged[title][side].append(eng)
        if prov:
            provenances.add(prov)
    rows = []
    for title in sorted(per_post):
        ours_imp, brand_imp = sum_reported(per_post[title]["ours"]), sum_reported(per_post[title]["brand"])
        ours_eng, brand_eng = sum_reported(engaged[title]["ours"]), sum_reported(engaged[title]["brand"])
        rows.append((title, ours_imp, brand_imp, percent_or_none(ratio(ours_eng, ours_imp)),
                     percent_or_none(ratio(brand_eng, brand_imp))))
    tables["per-post"] = Table(
        "Each post: ambassadors vs the brand post",
        ("post", "ambassador impressions", "brand impressions", "ambassador ER (%)", "brand ER (%)"),
        rows, weakest_provenance(provenances),
        empty="No post of this campaign or its brand post has reported impressions yet.")
    mine = await totals_of(TrackedPost.filter(campaign_id=campaign.id, share_id__not_isnull=True))
    tables["forecast"] = await forecast_table(campaign, mine.reach, mine.clicks, sandbox)
    return tables
