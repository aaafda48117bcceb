"""What launching a campaign will do, shown before the editor confirms: audience, posts, window,
and when the brand's own posts go out."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from advocacy.accounts.models import NETWORK_LABELS, AccountStatus, SocialAccount
from advocacy.programme.targeting import audience_of
from campaigns.models import Campaign, CampaignStatus, MessageVariant, PackStatus, Post


@dataclass(frozen=True)
class LaunchPlan:
    campaign: Campaign
    audience: int  # opted-in ambassadors the campaign reaches now
    posts: int  # approved posts that go into their feeds
    networks: list[str]  # the networks the posts have suggested messages for, by label
    brand_channels: int  # connected brand channels that publish each post
    starts_later: bool  # the start is still to come: the brand posts wait for it


async def launch_plan(now: datetime, campaign: Campaign) -> LaunchPlan:
    approved = Post.filter(pack__campaign_id=campaign.id, pack__status=PackStatus.APPROVED)
    networks = set(await MessageVariant.filter(
        post__pack__campaign_id=campaign.id, post__pack__status=PackStatus.APPROVED,
    ).distinct().values_list("network", flat=True))
    return LaunchPlan(
        campaign=campaign,
        audience=await audience_of(campaign).count(),
        posts=await approved.count(),
        networks=[label for key, label in NETWORK_LABELS.items() if key in networks],
        brand_channels=await SocialAccount.filter(is_brand=True, status=AccountStatus.CONNECTED).count(),
        starts_later=campaign.starts_at > now,
    )


def campaign_state(campaign: Campaign, now: datetime) -> str:
    """The campaign's state as people read it: "draft", "launched", "ended", or "starts" when it is
    launched and its start is still to come (the date is added where it is shown)."""
    if campaign.status != CampaignStatus.LAUNCHED:
        return campaign.status.value
    if campaign.starts_at > now:
        return "starts"
    return "ended" if campaign.ends_at <= now else "launched"
