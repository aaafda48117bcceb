"""Publishes a launched campaign's posts on the brand's own channels, the baseline for comparison."""

from __future__ import annotations

import logging

from advocacy.accounts.models import SocialAccount
from advocacy.accounts.networks import NetworkRegistry
from advocacy.clock import Clock
from campaigns.models import BrandPost, MessageVariant, PackStatus, Post
from connectors.base import ConnectorError, PublishRequest

log = logging.getLogger(__name__)


class BrandPublisher:
    """Posts each approved post once per brand channel, after the launch has committed."""

    def __init__(self, networks: NetworkRegistry, clock: Clock) -> None:
        self.networks = networks
        self.clock = clock

    async def publish_campaign(self, campaign_id: int) -> int:
        channels = await SocialAccount.filter(is_brand=True, status="connected")
        posts = await Post.filter(
            pack__campaign_id=campaign_id, pack__status=PackStatus.APPROVED
        ).order_by("id")
        published = 0
        for post in posts:
            for channel in channels:
                network = channel.network.value
                if await BrandPost.filter(post=post, network=network).exists():
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
