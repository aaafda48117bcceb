"""The spine in one test: approve, share, dispatch through the sandbox, collect, report."""

from __future__ import annotations

from datetime import timedelta

from advocacy.accounts.networks import NetworkRegistry
from advocacy.clock import SimulatedClock
from advocacy.settings import Settings
from advocacy.shares.dispatch import ShareDispatcher
from advocacy.shares.models import Share, ShareStatus
from advocacy.shares.service import create_share
from campaigns.brand import BrandPublisher
from dashboards.collection.collect import MetricsCollector
from dashboards.reporting.report import campaign_report
from tests import factories


async def test_a_share_travels_from_pick_to_report(database: Settings, clock: SimulatedClock) -> None:
    networks = NetworkRegistry(database, clock)
    await factories.create_brand_channels(clock)
    campaign, post = await factories.create_launched_campaign(clock)
    assert await BrandPublisher(networks, clock).publish_campaign(campaign.id) == 2
    ambassador = await factories.create_user(clock)
    account = await factories.create_account(clock, ambassador, "linkedin")
    variant = await post.variants.filter(network="linkedin").first()
    assert variant is not None

    share = await create_share(
        clock, ambassador, post_id=post.id, account_id=account.id, variant_id=variant.id,
        scheduled_at=clock.now() + timedelta(hours=2),
    )
    dispatcher = ShareDispatcher(networks, clock)
    assert (await dispatcher.run_once()).claimed == 0  # not due yet
    clock.advance(timedelta(hours=2))
    report = await dispatcher.run_once()
    assert report.published_ids == [share.id]
    await share.refresh_from_db()
    assert share.status == ShareStatus.PUBLISHED and share.external_id

    collector = MetricsCollector(networks, clock)
    for _ in range(8):
        clock.advance(timedelta(days=1))
        await collector.run_once()
    summary = await campaign_report(campaign.id)
    assert summary.shares_published == 1
    assert (summary.advocacy.impressions or 0) > 0 and (summary.brand.impressions or 0) > 0
    assert summary.advocacy.provenance == "simulated"
    assert await Share.filter(status=ShareStatus.PUBLISHED).count() == 1
