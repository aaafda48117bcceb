"""The simulated network: deterministic metrics, growth curves, rate limits, duplicates and faults."""

from __future__ import annotations

from datetime import timedelta

import pytest

from advocacy.clock import SimulatedClock
from connectors.base import (
    AccountRef,
    DuplicatePost,
    PermanentError,
    PostMetrics,
    PublishRequest,
    RateLimited,
    TransientError,
)
from connectors.sandbox import SandboxConnector, SandboxNetwork, SandboxParameters
from tests.conftest import START

PERSON = AccountRef(network="linkedin", external_id="person-1", handle="ada", followers=1_000)
BRAND = AccountRef(
    network="linkedin", external_id="brand-1", handle="northbrook", followers=1_000, is_brand=True
)


def sandbox(clock: SimulatedClock, **parameters: object) -> SandboxNetwork:
    return SandboxNetwork(SandboxParameters(**parameters), now=clock.now)  # type: ignore[arg-type]


def request(text: str, reference: str = "ref") -> PublishRequest:
    return PublishRequest(text=text, client_reference=reference)


def metrics_after(network: SandboxNetwork, clock: SimulatedClock, post_id: str, hours: float) -> PostMetrics:
    clock.set(START + timedelta(hours=hours))
    found = network.metrics(post_id)
    assert found is not None
    return found


def test_same_seed_gives_same_metrics() -> None:
    figures = []
    for _ in range(2):
        clock = SimulatedClock(START)
        network = sandbox(clock, seed=11)
        post = network.publish("linkedin", PERSON, request("Proud of our nurses"))
        figures.append(metrics_after(network, clock, post.external_id, 48))
    assert figures[0] == figures[1]
    assert figures[0].impressions and figures[0].impressions > 0


def test_different_seed_gives_different_metrics() -> None:
    figures = []
    for seed in (11, 12):
        clock = SimulatedClock(START)
        network = sandbox(clock, seed=seed)
        post = network.publish("linkedin", PERSON, request("Proud of our nurses"))
        found = metrics_after(network, clock, post.external_id, 48)
        figures.append((found.impressions, found.reactions, found.clicks))
    assert figures[0] != figures[1]


def test_account_without_follower_count_gets_a_seeded_one() -> None:
    account = AccountRef(network="x", external_id="no-count", handle="grace")
    first = sandbox(SimulatedClock(START), seed=3).followers_of(account)
    again = sandbox(SimulatedClock(START), seed=3).followers_of(account)
    assert first == again
    assert 150 <= first <= 4_100


@pytest.mark.parametrize("network_name", ["x", "linkedin"])
def test_impressions_grow_then_level_off_and_never_decrease(network_name: str) -> None:
    clock = SimulatedClock(START)
    network = sandbox(clock)
    account = AccountRef(network=network_name, external_id="p1", handle="ada", followers=5_000)
    post = network.publish(network_name, account, request("A new cardiac unit"))
    hours = [0, 1, 2, 4, 8, 16, 24, 48, 96, 192, 384, 672]
    series = [metrics_after(network, clock, post.external_id, h) for h in hours]
    impressions = [m.impressions or 0 for m in series]
    assert impressions[0] == 0
    assert impressions == sorted(impressions), "cumulative impressions never go down"
    for field in ("reach", "reactions", "comments", "reshares", "clicks"):
        values = [getattr(m, field) for m in series]
        assert values == sorted(values), field
    # Fast growth early, almost nothing new after two weeks.
    first_day = impressions[hours.index(24)]
    assert first_day > impressions[-1] * 0.5
    late_growth = impressions[-1] - impressions[hours.index(384)]
    assert late_growth <= impressions[-1] * 0.01


def test_person_and_brand_posts_are_both_labelled_simulated() -> None:
    clock = SimulatedClock(START)
    network = sandbox(clock)
    person = network.publish("linkedin", PERSON, request("Proud of our nurses"))
    brand = network.publish("linkedin", BRAND, request("Our nurses, honoured"))
    person_metrics = metrics_after(network, clock, person.external_id, 72)
    brand_metrics = network.metrics(brand.external_id)
    assert brand_metrics is not None
    assert person_metrics.provenance == brand_metrics.provenance == "simulated"


def test_person_posts_reach_and_engage_more_of_the_same_audience_than_brand_posts() -> None:
    clock = SimulatedClock(START)
    network = sandbox(clock)
    person_ids, brand_ids = [], []
    for i in range(10):
        person_ids.append(network.publish("linkedin", PERSON, request(f"Person post {i}")).external_id)
        brand_ids.append(network.publish("linkedin", BRAND, request(f"Brand post {i}")).external_id)
    clock.advance(timedelta(days=7))
    for person_id, brand_id in zip(person_ids, brand_ids, strict=True):
        person, brand = network.metrics(person_id), network.metrics(brand_id)
        assert person is not None and brand is not None
        assert person.impressions and brand.impressions
        assert person.impressions > brand.impressions
        person_rate = ((person.reactions or 0) + (person.comments or 0)) / person.impressions
        brand_rate = ((brand.reactions or 0) + (brand.comments or 0)) / brand.impressions
        assert person_rate > brand_rate


def test_daily_post_limit_raises_rate_limited_until_the_oldest_post_leaves_the_window() -> None:
    clock = SimulatedClock(START)
    network = sandbox(clock, daily_post_limit=3)
    for i in range(3):
        network.publish("x", PERSON, request(f"Post {i}"))
        clock.advance(timedelta(hours=1))
    with pytest.raises(RateLimited) as refused:
        network.publish("x", PERSON, request("One too many"))
    assert refused.value.until == START + timedelta(hours=24)
    assert refused.value.scope == "account"
    # Another account, and the same account on another network, are not limited.
    other = AccountRef(network="x", external_id="person-2", handle="grace", followers=300)
    network.publish("x", other, request("Not limited"))
    network.publish("linkedin", PERSON, request("Not limited either"))
    clock.set(refused.value.until)
    assert network.publish("x", PERSON, request("Allowed again")).published_at == refused.value.until


def test_same_text_twice_raises_duplicate_post_naming_the_first() -> None:
    clock = SimulatedClock(START)
    network = sandbox(clock)
    first = network.publish("linkedin", PERSON, request("Proud of our nurses", "share-1"))
    clock.advance(timedelta(hours=3))
    with pytest.raises(DuplicatePost) as refused:
        network.publish("linkedin", PERSON, request("Proud of our nurses", "share-1"))
    assert refused.value.existing_id == first.external_id
    assert network.published_for("share-1") == first


def test_same_text_is_allowed_again_after_a_day_and_from_another_account() -> None:
    clock = SimulatedClock(START)
    network = sandbox(clock)
    first = network.publish("linkedin", PERSON, request("Proud of our nurses"))
    other = network.publish("linkedin", BRAND, request("Proud of our nurses"))
    assert other.external_id != first.external_id
    clock.advance(timedelta(hours=24, seconds=1))
    again = network.publish("linkedin", PERSON, request("Proud of our nurses"))
    assert again.external_id != first.external_id


def test_injected_fault_fails_the_next_calls_on_that_network_only() -> None:
    clock = SimulatedClock(START)
    network = sandbox(clock)
    network.inject_fault("x", TransientError("gateway timeout"), times=2)
    network.inject_fault("linkedin", PermanentError("account suspended"))
    for i in range(2):
        with pytest.raises(TransientError, match="gateway timeout"):
            network.publish("x", PERSON, request(f"Try {i}", f"x-{i}"))
        assert network.published_for(f"x-{i}") is None
    with pytest.raises(PermanentError):
        network.publish("linkedin", PERSON, request("Try", "li"))
    assert network.publish("x", PERSON, request("Third time", "x-2")).external_id.startswith("x-")
    assert network.publish("linkedin", PERSON, request("Second", "li-2")).external_id.startswith("linkedin-")


def test_fault_rate_draws_repeat_for_a_seed() -> None:
    def outcomes(seed: int) -> list[bool]:
        clock = SimulatedClock(START)
        network = sandbox(clock, seed=seed, fault_rate=0.5, daily_post_limit=1_000)
        results = []
        for i in range(40):
            try:
                network.publish("x", PERSON, request(f"Post {i}"))
            except TransientError:
                results.append(False)
            else:
                results.append(True)
        return results

    first = outcomes(5)
    assert first == outcomes(5)
    assert 5 < first.count(False) < 35, "about half of the calls fail"
    assert first != outcomes(6)


async def test_metrics_of_unknown_or_garbage_ids_are_left_out() -> None:
    clock = SimulatedClock(START)
    network = sandbox(clock)
    connector = SandboxConnector("x", network)
    real = await connector.publish(PERSON, request("A real post"))
    linkedin_post = network.publish("linkedin", PERSON, request("On LinkedIn"))
    clock.advance(timedelta(hours=5))
    future_epoch = int((clock.now() + timedelta(days=1)).timestamp())
    asked = [
        real.external_id,
        "",
        "garbage",
        "x-p-",
        "x-p-1000-1700000000-1",  # no account part
        "x-q-person-1-1000-1700000000-1",  # unknown kind of account
        "x-p-person-1-1000-1700000000-z",  # sequence is not a number
        "x-p-person-1-1000-99999999999999999999-1",  # a time no clock can show
        f"x-p-person-1-1000-{future_epoch}-1",  # not published yet
        "facebook-p-person-1-1000-1700000000-1",  # a network the sandbox does not simulate
        linkedin_post.external_id,  # another network's post
    ]
    found = await connector.fetch_metrics(PERSON, asked)
    assert [m.external_id for m in found] == [real.external_id]
    assert found[0].impressions and found[0].impressions > 0


async def test_account_external_ids_containing_dashes_work() -> None:
    clock = SimulatedClock(START)
    network = sandbox(clock)
    connector = SandboxConnector("linkedin", network)
    account = AccountRef(
        network="linkedin", external_id="urn-li-person-42-7", handle="dash", followers=2_000
    )
    post = await connector.publish(account, request("Dashes in my id"))
    assert "urn-li-person-42-7" in post.external_id
    clock.advance(timedelta(days=2))
    [found] = await connector.fetch_metrics(account, [post.external_id])
    assert found.external_id == post.external_id
    assert found.impressions and found.impressions > 0
    # Followers are read back from the id, not confused by the dashes of the account id.
    plain = AccountRef(network="linkedin", external_id="plain", handle="p", followers=2_000)
    plain_post = network.publish("linkedin", plain, request("No dashes"))
    clock.advance(timedelta(days=2))
    plain_found = network.metrics(plain_post.external_id)
    assert plain_found is not None and plain_found.impressions


async def test_profile_reports_the_account_follower_count() -> None:
    connector = SandboxConnector("x", sandbox(SimulatedClock(START)))
    profile = await connector.fetch_profile(PERSON)
    assert (profile.external_id, profile.handle, profile.followers) == ("person-1", "ada", 1_000)


def test_sandbox_refuses_a_network_it_does_not_simulate() -> None:
    with pytest.raises(ValueError, match="facebook"):
        SandboxConnector("facebook", sandbox(SimulatedClock(START)))
