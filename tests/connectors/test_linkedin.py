"""LinkedIn connector specifics, over httpx against the fake LinkedIn server."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import replace
from datetime import UTC, datetime, time, timedelta
from urllib.parse import parse_qs, urlparse

import httpx
import pytest

from connectors.base import AuthExpired, PermanentError, PublishRequest, RateLimited
from connectors.linkedin import LinkedInOAuth, escape_commentary
from tests.connectors.platforms import LinkedInPlatform
from tests.fakes.linkedin_server import FakeLinkedIn

RESERVED_TEXT = "Our unit (finally) opened! #proud @team [x] <3 a_b *c* ~d~ {e} | f \\ g"


@pytest.fixture
async def linkedin(fake_linkedin: tuple[FakeLinkedIn, str]) -> AsyncIterator[LinkedInPlatform]:
    platform = LinkedInPlatform.create(*fake_linkedin)
    yield platform
    platform.state.app_quota_exhausted = False
    await platform.close()


async def test_reserved_characters_are_escaped_so_the_post_is_not_truncated(
    linkedin: LinkedInPlatform, fake_linkedin: tuple[FakeLinkedIn, str]
) -> None:
    result = await linkedin.connector.publish(linkedin.account, PublishRequest(RESERVED_TEXT, "e-1"))
    assert linkedin.state.posts[result.external_id].commentary == RESERVED_TEXT

    # The same text unescaped, straight on the wire: LinkedIn answers 201 and cuts it silently.
    _, url = fake_linkedin
    async with httpx.AsyncClient(base_url=url) as http:
        response = await http.post("/rest/posts", headers={
            "Authorization": f"Bearer {linkedin.token}", "LinkedIn-Version": "202611",
            "X-Restli-Protocol-Version": "2.0.0"}, json={
            "author": f"urn:li:person:{linkedin.account.external_id}", "commentary": RESERVED_TEXT + "!",
            "visibility": "PUBLIC", "lifecycleState": "PUBLISHED"})
    assert response.status_code == 201
    assert linkedin.state.posts[response.headers["x-restli-id"]].commentary == "Our unit "


def test_escaping_backslashes_every_reserved_character() -> None:
    assert escape_commentary("(a) #b") == "\\(a\\) \\#b"
    assert escape_commentary("plain text, 100%!") == "plain text, 100%!"


async def test_reshare_carries_the_brand_post_as_parent(linkedin: LinkedInPlatform) -> None:
    brand = linkedin.state.add_post("1", "Brand news")
    result = await linkedin.connector.publish(
        linkedin.account, PublishRequest("Proud of this", "rs-1", reshare_of=brand.urn)
    )
    assert result.external_id.startswith("urn:li:share:")
    assert linkedin.state.posts[result.external_id].parent == brand.urn
    assert result.url == f"https://www.linkedin.com/feed/update/{result.external_id}/"


async def test_activity_urn_is_refused_before_calling_linkedin(linkedin: LinkedInPlatform) -> None:
    with pytest.raises(PermanentError, match="activity"):
        await linkedin.connector.publish(
            linkedin.account, PublishRequest("x", "rs-2", reshare_of="urn:li:activity:123")
        )


async def test_retired_version_holds_the_whole_app_and_says_which_setting_to_change(
    fake_linkedin: tuple[FakeLinkedIn, str],
) -> None:
    platform = LinkedInPlatform.create(*fake_linkedin, version="202301")
    with pytest.raises(RateLimited, match="202301.*ADVOCACY_LINKEDIN_VERSION") as raised:
        await platform.connector.publish(platform.account, PublishRequest("Old", "v-1"))
    assert (raised.value.scope, raised.value.kind) == ("app", "retired_version")
    await platform.close()


async def test_revoked_token_says_it_was_revoked(linkedin: LinkedInPlatform) -> None:
    linkedin.revoke_token()
    with pytest.raises(AuthExpired, match="revoked"):
        await linkedin.connector.fetch_profile(linkedin.account)


async def test_application_day_quota_parks_the_app_until_midnight_utc(linkedin: LinkedInPlatform) -> None:
    linkedin.state.app_quota_exhausted = True
    with pytest.raises(RateLimited) as raised:
        await linkedin.connector.publish(linkedin.account, PublishRequest("Quota", "qa-1"))
    tomorrow = datetime.combine(datetime.now(UTC).date() + timedelta(days=1), time(0), tzinfo=UTC)
    assert (raised.value.scope, raised.value.until) == ("app", tomorrow)


@pytest.mark.parametrize("version", ["202604", "202611"])
async def test_analytics_read_both_metric_type_shapes(
    fake_linkedin: tuple[FakeLinkedIn, str], version: str
) -> None:
    platform = LinkedInPlatform.create(*fake_linkedin, version=version)
    post = await platform.connector.publish(platform.account, PublishRequest(f"Shape {version}", "s"))
    [metrics] = await platform.connector.fetch_metrics(platform.account, [post.external_id])
    n = int(post.external_id.rsplit(":", 1)[1]) % 89
    assert (metrics.impressions, metrics.reach, metrics.reactions) == (1200 + n, 900 + n, 40 + n)
    assert (metrics.comments, metrics.reshares) == (5, 2)
    await platform.close()


async def test_without_analytics_permission_metrics_fall_back_to_social_actions(
    fake_linkedin: tuple[FakeLinkedIn, str],
) -> None:
    platform = LinkedInPlatform.create(*fake_linkedin, analytics_granted=False)
    post = await platform.connector.publish(platform.account, PublishRequest("Fallback", "f-1"))
    [metrics] = await platform.connector.fetch_metrics(platform.account, [post.external_id])
    assert (metrics.reactions, metrics.comments, metrics.impressions) == (31, 4, None)
    await platform.close()


async def test_organization_statistics_report_posts_without_activity_as_zeros(
    linkedin: LinkedInPlatform,
) -> None:
    active, quiet = linkedin.state.add_post("2", "Brand A"), linkedin.state.add_post("2", "Brand B")
    linkedin.state.organization_stats[active.urn] = {
        "impressionCount": 72567, "uniqueImpressionsCount": 16240, "clickCount": 2384,
        "likeCount": 208, "commentCount": 36, "shareCount": 23, "engagement": 0.0359}
    stats = await linkedin.connector.fetch_organization_statistics(
        linkedin.account, "urn:li:organization:2414183", [active.urn, quiet.urn]
    )
    assert [(s.external_id, s.impressions, s.reactions) for s in stats] == [
        (active.urn, 72567, 208), (quiet.urn, 0, 0)]


async def test_oauth_uses_the_configured_v2_endpoints_and_exchanges_the_code(
    fake_linkedin: tuple[FakeLinkedIn, str],
) -> None:
    state, url = fake_linkedin
    member, _ = state.add_member("Oauth Person")
    state.codes["the-code"] = member.sub
    async with httpx.AsyncClient() as http:
        oauth = LinkedInOAuth(client_id="cid", client_secret="secret", redirect_uri="https://app/cb",
                              authorize_url=f"{url}/oauth/v2/authorization",
                              token_url=f"{url}/oauth/v2/accessToken", http=http)
        authorize = urlparse(oauth.authorization_url("st4te"))
        assert authorize.path == "/oauth/v2/authorization"
        query = parse_qs(authorize.query)
        assert query["state"] == ["st4te"] and "w_member_social" in query["scope"][0]
        now = datetime.now(UTC)
        tokens = await oauth.exchange_code("the-code", now)
    assert state.tokens[tokens.access_token] == member.sub
    assert tokens.scopes == ("openid", "profile", "w_member_social")
    assert tokens.expires_at == now + timedelta(seconds=5183999)


async def test_read_back_returns_the_escaped_commentary(linkedin: LinkedInPlatform) -> None:
    result = await linkedin.connector.publish(linkedin.account, PublishRequest(RESERVED_TEXT, "rb-1"))
    [content] = await linkedin.connector.fetch_posts(linkedin.account, [result.external_id])
    assert content.state == "found"
    assert content.text == escape_commentary(RESERVED_TEXT)


async def test_read_back_of_a_deleted_post_says_deleted(linkedin: LinkedInPlatform) -> None:
    result = await linkedin.connector.publish(linkedin.account, PublishRequest("Gone soon", "rb-2"))
    del linkedin.state.posts[result.external_id]
    [content] = await linkedin.connector.fetch_posts(linkedin.account, [result.external_id])
    assert content.state == "deleted"


async def test_read_back_without_the_read_permission_is_unavailable_not_an_error(
    fake_linkedin: tuple[FakeLinkedIn, str],
) -> None:
    platform = LinkedInPlatform.create(*fake_linkedin, read_granted=False)
    try:
        result = await platform.connector.publish(platform.account, PublishRequest("Private", "rb-3"))
        [content] = await platform.connector.fetch_posts(platform.account, [result.external_id])
        assert content.state == "unavailable" and "403" in content.detail
    finally:
        await platform.close()


async def test_brand_page_posts_are_measured_by_the_page_share_statistics(
    linkedin: LinkedInPlatform,
) -> None:
    post = linkedin.state.add_post("1", "Brand page post")
    linkedin.state.organization_stats[post.urn] = {
        "impressionCount": 72567, "uniqueImpressionsCount": 16240, "clickCount": 2384,
        "likeCount": 208, "commentCount": 36, "shareCount": 23, "engagement": 0.0359}
    brand = replace(linkedin.account, external_id="2414183", is_brand=True)
    [metrics] = await linkedin.connector.fetch_metrics(brand, [post.urn])
    assert (metrics.impressions, metrics.reach, metrics.clicks) == (72567, 16240, 2384)
    assert (metrics.reactions, metrics.comments, metrics.reshares) == (208, 36, 23)
    assert metrics.provenance == "measured"
