"""Publishes a launched campaign's posts on the brand's own channels, the baseline for comparison.

They go out at the campaign's start, not at its launch: a campaign launched two days ahead keeps
its brand posts until then (`publish_due`, a scheduled job, finds the campaigns whose start has
come). Each campaign's brand posts are claimed once (`Campaign.brand_published_at`), so two
workers never publish them twice.

With the live networks, when the brand already published a post itself (its URN or id is stored on
the post as `brand_ref_<network>`, the post ambassadors reshare), that publication is adopted as the
baseline instead of publishing the same content on the brand channel a second time.
"""

from __future__ import annotations

import logging

from advocacy.accounts.models import AccountStatus, SocialAccount
from advocacy.accounts.networks import NetworkRegistry
from advocacy.clock import Clock
from campaigns.models import BrandPost, Campaign, CampaignStatus, MessageVariant, PackStatus, Post
from connectors.base import ConnectorError, PublishRequest

log = logging.getLogger(__name__)
# What a stored brand reference must look like for the platform's metrics calls to measure it.
ADOPTABLE = {"linkedin": ("urn:li:share:", "urn:li:ugcPost:"), "x": tuple("0123456789")}


class BrandPublisher:
    """Posts each approved post once per brand channel, after the launch has committed."""

    def __init__(self, networks: NetworkRegistry, clock: Clock) -> None:
        self.networks = networks
        self.clock = clock

    async def publish_due(self) -> int:
        """Publish the brand posts of every launched campaign whose start has come; how many."""
        now = self.clock.now()
        due = await Campaign.filter(
            status=CampaignStatus.LAUNCHED, brand_published_at__isnull=True, starts_at__lte=now,
            ends_at__gt=now,
        ).order_by("starts_at", "id")
        published = 0
        for campaign in due:
            published += await self.publish_campaign(campaign.id)
        return published

    async def publish_campaign(self, campaign_id: int) -> int:
        """Publish (or adopt) each post's brand publication per channel, once the launched campaign
        has started and only once; how many were new (0 before the start: `publish_due` later)."""
        claimed = await Campaign.filter(
            id=campaign_id, status=CampaignStatus.LAUNCHED, brand_published_at__isnull=True,
            starts_at__lte=self.clock.now(),
        ).update(brand_published_at=self.clock.now())
        if not claimed:
            return 0
        channels = await SocialAccount.filter(is_brand=True, status=AccountStatus.CONNECTED)
        posts = await Post.filter(
            pack__campaign_id=campaign_id, pack__status=PackStatus.APPROVED
        ).order_by("id")
        published = 0
        # The sandbox measures only the posts it published itself: it cannot adopt a real one.
        live = self.networks.settings.network_mode == "live"
        for post in posts:
            for channel in channels:
                network = channel.network.value
                if await BrandPost.filter(post=post, network=network).exists():
                    continue
                existing = str(getattr(post, f"brand_ref_{network}", "") or "").strip()
                if live and existing.startswith(ADOPTABLE[network]):
                    # The brand's own post already exists: measure it, do not post it again. Its true
                    # publication time is the platform's; launch time bounds the snapshot schedule.
                    await BrandPost.create(post=post, account=channel, network=network,
                                           external_id=existing, published_at=self.clock.now())
                    published += 1
                    continue
                variant = await MessageVariant.filter(post=post, network=network).order_by("id").first()
                text = variant.text if variant else post.title
                if post.url not in text:
                    text = f"{text}\n\n{post.url}"
                try:
                    result = await self.networks.connector(network).publish(
                        await self.networks.account_ref(channel),
                        PublishRequest(text=text, client_reference=f"brand-{post.id}-{network}"),
                    )
                except ConnectorError as error:
                    # The campaign stays launched; the baseline for this post is simply missing.
                    log.warning("brand post %s on %s not published: %s", post.id, network, error.message)
                    continue
                await BrandPost.create(
                    post=post,
                    account=channel,
                    network=network,
                    external_id=result.external_id,
                    published_at=result.published_at,
                )
                published += 1
        return published
