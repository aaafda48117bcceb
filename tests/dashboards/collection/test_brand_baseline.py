"""The brand baseline from the platforms: the brand's own X post through the normal metrics call,
the LinkedIn page post through organizationalEntityShareStatistics, measured, in the rollups."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta

import pytest

from advocacy.accounts.networks import NetworkRegistry
from advocacy.accounts.tokens import store_tokens
from advocacy.clock import SimulatedClock
from advocacy.settings import Settings
from campaigns.brand import BrandPublisher
from campaigns.models import BrandPost, Post
from dashboards.collection.collect import MetricsCollector
from dashboards.models import DailyRollup, MetricSnapshot
from dashboards.reporting.report import campaign_report
from tests import factories
from tests.fakes.linkedin_server import FakeLinkedIn
from tests.fakes.x_server import FakeX
from tests.shares.test_live_dispatch import live_settings

PAGE = {"impressionCount": 72567, "uniqueImpressionsCount": 16240, "clickCount": 2384,
        "likeCount": 208, "commentCount": 36, "shareCount": 23, "engagement": 0.0359}


@pytest.fixture
async def live(
    database: Settings, clock: SimulatedClock, fake_x: tuple[FakeX, str],
    fake_linkedin: tuple[FakeLinkedIn, str],
) -> AsyncIterator[NetworkRegistry]:
    registry = NetworkRegistry(live_settings(database, fake_x[1], fake_linkedin[1]), clock)
    yield registry
    await registry.close()


async def test_brand_posts_of_the_same_content_are_measured_from_the_platforms(
    database: Settings, clock: SimulatedClock, live: NetworkRegistry,
    fake_x: tuple[FakeX, str], fake_linkedin: tuple[FakeLinkedIn, str],
) -> None:
    x, linkedin = fake_x[0], fake_linkedin[0]
    admin, linkedin_token = linkedin.add_member("Page administrator")
    page_post = linkedin.add_post(admin.sub, "Our new cardiac unit is open")
    linkedin.organization_stats[page_post.urn] = PAGE
    brand_user, x_token = x.add_user("northbrook_brand")
    brand_tweet = x.post_tweet(brand_user.id, "Our new cardiac unit is open")

    campaign, post = await factories.create_launched_campaign(clock)
    await Post.filter(id=post.id).update(brand_ref_linkedin=page_post.urn, brand_ref_x=brand_tweet.id)
    page = await factories.create_account(clock, None, "linkedin", is_brand=True, external_id="2414183")
    handle = await factories.create_account(clock, None, "x", is_brand=True, external_id=brand_user.id)
    for account, token in ((page, linkedin_token), (handle, x_token)):
        await store_tokens(live.cipher, account, access_token=token, refresh_token=None,
                           expires_at=clock.now() + timedelta(days=30))

    assert await BrandPublisher(live, clock).publish_campaign(campaign.id) == 2
    assert {b.external_id for b in await BrandPost.all()} == {page_post.urn, brand_tweet.id}
    brand_posts = [t for t in x.tweets.values() if t.author_id == brand_user.id]
    assert brand_posts == [brand_tweet], "adopted, not posted again"

    clock.advance(timedelta(hours=2))
    await MetricsCollector(live, clock).run_once()

    snapshots = {s.network: s for s in await MetricSnapshot.filter(brand_post_id__not_isnull=True)}
    assert (snapshots["linkedin"].impressions, snapshots["linkedin"].reach,
            snapshots["linkedin"].clicks) == (72567, 16240, 2384)
    n = int(brand_tweet.id) % 97
    assert (snapshots["x"].impressions, snapshots["x"].clicks) == (1000 + n, 14)
    assert {s.provenance for s in snapshots.values()} == {"measured"}

    rolled = {r.network: r for r in await DailyRollup.filter(is_brand=True)}
    assert rolled["linkedin"].engagements == 208 + 36 + 23 and rolled["linkedin"].provenance == "measured"
    report = await campaign_report(campaign.id)
    assert report.brand.impressions == 72567 + 1000 + n and report.brand.provenance == "measured"
