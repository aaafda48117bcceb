"""X connector specifics, over tweepy against the fake X server."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import httpx
import pytest

from connectors.base import AuthExpired, PublishRequest, RateLimited
from connectors.x import refresh_x_token
from connectors.x.client import CREDITS_PROBE_INTERVAL, _RebasedSession
from tests.connectors.platforms import XPlatform
from tests.fakes.x_server import FakeX


@pytest.fixture
async def x(fake_x: tuple[FakeX, str]) -> AsyncIterator[XPlatform]:
    platform = XPlatform.create(*fake_x)
    yield platform
    platform.state.credits_depleted = False
    await platform.close()


async def test_quote_of_the_brand_post_references_it(x: XPlatform) -> None:
    brand, _ = x.state.add_user("brand")
    brand_post = x.state.post_tweet(brand.id, "Our new cardiac unit is open")
    result = await x.connector.publish(
        x.account, PublishRequest("Proud to work here", "q-1", reshare_of=brand_post.id)
    )
    assert x.state.tweets[result.external_id].quote_of == brand_post.id


async def test_link_is_added_to_a_post_that_lacks_it(x: XPlatform) -> None:
    result = await x.connector.publish(
        x.account, PublishRequest("Read about it", "l-1", link_url="https://example.org/news")
    )
    tweet = x.state.tweets[result.external_id]
    assert re.fullmatch(r"Read about it\n\nhttps://t\.co/\w+", tweet.text)
    assert tweet.links == ("https://example.org/news",)


async def test_native_repost_resolves_the_user_and_a_second_repost_counts_as_done(x: XPlatform) -> None:
    brand, _ = x.state.add_user("brand2")
    brand_post = x.state.post_tweet(brand.id, "Brand news")
    await x.connector.repost(x.account, brand_post.id)
    await x.connector.repost(x.account, brand_post.id)
    assert (x.account.external_id, brand_post.id) in x.state.retweets


async def test_credits_depleted_parks_the_whole_app_with_the_reason(x: XPlatform) -> None:
    x.state.credits_depleted = True
    before = datetime.now(UTC)
    with pytest.raises(RateLimited, match="credits") as raised:
        await x.connector.publish(x.account, PublishRequest("No credit", "c-1"))
    assert raised.value.scope == "app"
    assert before + CREDITS_PROBE_INTERVAL <= raised.value.until <= datetime.now(UTC) + CREDITS_PROBE_INTERVAL


async def test_rate_limit_waits_until_the_reset_header(x: XPlatform) -> None:
    reset = int((datetime.now(UTC) + timedelta(minutes=7)).timestamp())
    x.state.fail_next(429, {"title": "Too Many Requests", "detail": "Too Many Requests",
                            "type": "about:blank", "status": 429},
                      {"x-rate-limit-reset": str(reset), "x-rate-limit-remaining": "0"})
    with pytest.raises(RateLimited) as raised:
        await x.connector.publish(x.account, PublishRequest("Limited", "r-1"))
    assert raised.value.until == datetime.fromtimestamp(reset, UTC)
    assert raised.value.scope == "account"


async def test_app_daily_cap_parks_the_whole_app(x: XPlatform) -> None:
    reset = int((datetime.now(UTC) + timedelta(hours=5)).timestamp())
    x.state.fail_next(429, {"title": "Too Many Requests", "detail": "Too Many Requests",
                            "type": "about:blank", "status": 429},
                      {"x-rate-limit-reset": str(reset - 3600), "x-app-limit-24hour-remaining": "0",
                       "x-app-limit-24hour-reset": str(reset)})
    with pytest.raises(RateLimited) as raised:
        await x.connector.publish(x.account, PublishRequest("Capped", "r-2"))
    assert (raised.value.scope, raised.value.until) == ("app", datetime.fromtimestamp(reset, UTC))


async def test_owner_metrics_are_read_only_for_own_posts_under_30_days(x: XPlatform) -> None:
    own = await x.connector.publish(x.account, PublishRequest("Mine", "m-1"))
    old = x.state.post_tweet(x.account.external_id, "Old one", datetime.now(UTC) - timedelta(days=40))
    other, _ = x.state.add_user("someone")
    theirs = x.state.post_tweet(other.id, "Not mine")
    metrics = {m.external_id: m for m in await x.connector.fetch_metrics(
        x.account, [own.external_id, old.id, theirs.id])}
    assert metrics[own.external_id].clicks == 14
    assert metrics[old.id].clicks is None and metrics[theirs.id].clicks is None
    assert metrics[theirs.id].impressions is not None


async def test_refresh_rotates_the_refresh_token_and_the_old_one_is_spent(fake_x: tuple[FakeX, str]) -> None:
    state, url = fake_x
    user, _ = state.add_user("refresher")
    old = state.issue_refresh_token(user.id)
    now = datetime.now(UTC)
    async with httpx.AsyncClient() as http:
        tokens = await refresh_x_token(http, token_url=f"{url}/2/oauth2/token", client_id="id",
                                       client_secret="secret", refresh_token=old, now=now)
        assert tokens.refresh_token and tokens.refresh_token != old
        assert tokens.expires_at == now + timedelta(hours=2)
        assert state.tokens[tokens.access_token] == user.id
        with pytest.raises(AuthExpired):
            await refresh_x_token(http, token_url=f"{url}/2/oauth2/token", client_id="id",
                                  client_secret="secret", refresh_token=old, now=now)


def test_tweepy_host_is_rewritten_to_the_configured_base_url() -> None:
    class Recorder:
        def request(self, method: str, url: str, **kwargs: object) -> str:
            return url

    session = _RebasedSession(Recorder(), "http://127.0.0.1:9/")  # type: ignore[arg-type]
    assert session.request("GET", "https://api.twitter.com/2/users/me") == "http://127.0.0.1:9/2/users/me"


async def test_non_public_metrics_are_never_asked_for_posts_over_30_days_old(x: XPlatform) -> None:
    fresh = x.state.post_tweet(x.account.external_id, "Fresh", datetime.now(UTC) - timedelta(days=29))
    old = x.state.post_tweet(x.account.external_id, "Stale", datetime.now(UTC) - timedelta(days=31))
    before = len(x.state.lookups)
    metrics = {m.external_id: m for m in await x.connector.fetch_metrics(x.account, [fresh.id, old.id])}
    restricted = {"non_public_metrics", "organic_metrics"}
    asked = x.state.lookups[before:]
    assert all(old.id not in ids for ids, fields in asked if fields & restricted)
    assert any(fresh.id in ids for ids, fields in asked if fields & restricted)
    assert x.state.refused_fields == []  # X was never asked for a field it refuses
    assert metrics[fresh.id].clicks == 14 and metrics[old.id].clicks is None
    assert metrics[old.id].impressions is not None  # public metrics still arrive


async def test_fake_refuses_non_public_metrics_of_an_old_post_as_x_does(x: XPlatform) -> None:
    old = x.state.post_tweet(x.account.external_id, "Ancient", datetime.now(UTC) - timedelta(days=45))
    response = await x.connector._client(x.account).get_tweets(
        [old.id], tweet_fields=["non_public_metrics"], user_auth=False)
    assert "non_public_metrics" not in response.data[0].data
    assert response.errors[0]["type"].endswith("not-authorized-for-field")


async def test_read_back_returns_the_text_as_x_shows_it(x: XPlatform) -> None:
    result = await x.connector.publish(
        x.account, PublishRequest("Care & compassion <3", "rb-1", link_url="https://example.org/a"))
    [content] = await x.connector.fetch_posts(x.account, [result.external_id])
    assert content.state == "found"
    assert re.fullmatch(r"Care &amp; compassion &lt;3\n\nhttps://t\.co/\w+", content.text or "")


async def test_read_back_of_a_deleted_post_says_deleted(x: XPlatform) -> None:
    result = await x.connector.publish(x.account, PublishRequest("Soon gone", "rb-2"))
    kept = await x.connector.publish(x.account, PublishRequest("Still here", "rb-3"))
    del x.state.tweets[result.external_id]
    gone, there = await x.connector.fetch_posts(x.account, [result.external_id, kept.external_id])
    assert (gone.state, there.state) == ("deleted", "found")
    assert "Could not find" in gone.detail
