"""One contract for every connector: the sandbox, X (fake server) and LinkedIn (fake server)."""

from __future__ import annotations

import itertools

import pytest

from connectors.base import (
    AmbiguousOutcome,
    AuthExpired,
    DuplicatePost,
    PublishRequest,
    RateLimited,
    TransientError,
)
from tests.connectors.platforms import Platform

_texts = itertools.count(1)


def fresh_request() -> PublishRequest:
    n = next(_texts)
    return PublishRequest(f"Proud of our new cardiac unit, post {n} https://example.org/{n}", f"ref-{n}")


async def test_published_post_is_known_to_the_metrics_call(platform: Platform) -> None:
    result = await platform.connector.publish(platform.account, fresh_request())
    [metrics] = await platform.connector.fetch_metrics(platform.account, [result.external_id])
    assert metrics.external_id == result.external_id
    assert metrics.impressions is not None and metrics.reactions is not None
    assert metrics.provenance in ("measured", "simulated")


async def test_same_text_again_is_a_duplicate_naming_the_first_post(platform: Platform) -> None:
    request = fresh_request()
    first = await platform.connector.publish(platform.account, request)
    with pytest.raises(DuplicatePost) as raised:
        await platform.connector.publish(platform.account, request)
    assert raised.value.existing_id == first.external_id
    assert platform.posts_with(request.text) == 1


async def test_rate_limit_says_until_when(platform: Platform) -> None:
    platform.allow_one_post_per_window()
    await platform.connector.publish(platform.account, fresh_request())
    with pytest.raises(RateLimited) as raised:
        await platform.connector.publish(platform.account, fresh_request())
    assert raised.value.until > platform.now()
    assert raised.value.scope == "account"


async def test_revoked_token_is_auth_expired(platform: Platform) -> None:
    platform.revoke_token()
    request = fresh_request()
    with pytest.raises(AuthExpired):
        await platform.connector.publish(platform.account, request)
    assert platform.posts_with(request.text) == 0


async def test_server_error_is_transient_and_posts_nothing(platform: Platform) -> None:
    platform.fail_next_with_server_error()
    request = fresh_request()
    with pytest.raises(TransientError):
        await platform.connector.publish(platform.account, request)
    assert platform.posts_with(request.text) == 0
    assert (await platform.connector.publish(platform.account, request)).external_id


async def test_lost_answer_is_ambiguous_and_publishing_again_names_the_post(platform: Platform) -> None:
    platform.lose_the_next_answer_after_posting()
    request = fresh_request()
    with pytest.raises(AmbiguousOutcome):
        await platform.connector.publish(platform.account, request)
    assert platform.posts_with(request.text) == 1
    platform.answer_promptly()
    with pytest.raises(DuplicatePost) as raised:
        await platform.connector.publish(platform.account, request)
    assert raised.value.existing_id is not None
    assert platform.posts_with(request.text) == 1


async def test_metrics_of_unknown_posts_are_left_out(platform: Platform) -> None:
    known = await platform.connector.publish(platform.account, fresh_request())
    metrics = await platform.connector.fetch_metrics(
        platform.account, [platform.unknown_id, known.external_id]
    )
    assert [m.external_id for m in metrics] == [known.external_id]


async def test_profile_reports_the_follower_count(platform: Platform) -> None:
    profile = await platform.connector.fetch_profile(platform.account)
    assert profile.followers == platform.followers


async def test_published_post_reads_back_with_its_words(platform: Platform) -> None:
    request = fresh_request()
    result = await platform.connector.publish(platform.account, request)
    [content] = await platform.connector.fetch_posts(platform.account, [result.external_id])
    assert content.external_id == result.external_id and content.state == "found"
    assert content.text is not None and content.text.startswith("Proud of our new cardiac unit, post")
