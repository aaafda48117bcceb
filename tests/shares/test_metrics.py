"""/metrics: the status figures as Prometheus gauges, for a scraper holding the metrics token only."""

from __future__ import annotations

from datetime import timedelta

import httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families
from starlette.applications import Starlette

from advocacy.accounts.models import AccountStatus, AppParking, ParkingKind
from advocacy.clock import SimulatedClock
from advocacy.settings import Settings
from connectors.base import AmbiguousOutcome
from tests import factories
from tests.shares.test_dispatch import dispatcher, queue_shares
from tests.test_api import token_for

METRICS_TOKEN = "scrape-token-0123456789"


@pytest.fixture
def application(database: Settings, clock: SimulatedClock) -> Starlette:
    from advocacy.app import create_app

    return create_app(database.model_copy(update={"metrics_token": METRICS_TOKEN}), clock)


def samples(text: str) -> dict[tuple[str, frozenset[tuple[str, str]]], float]:
    return {
        (sample.name, frozenset(sample.labels.items())): sample.value
        for family in text_string_to_metric_families(text) for sample in family.samples
    }


def value(figures: dict[tuple[str, frozenset[tuple[str, str]]], float], name: str, **labels: str) -> float:
    return figures[(name, frozenset(labels.items()))]


async def test_a_scrape_with_the_token_reads_the_same_figures_as_the_status_api(
    database: Settings, clock: SimulatedClock, client: httpx.AsyncClient,
) -> None:
    _, posts = await factories.create_launched_campaign_with_posts(clock, 2)
    await queue_shares(clock, posts[:1])
    await queue_shares(clock, posts[1:], at=clock.now() + timedelta(hours=3))
    worker = dispatcher(database, clock)
    worker.networks.sandbox.inject_fault("linkedin", AmbiguousOutcome("read timeout"), after_publish=True)
    assert (await worker.run_until_idle()).unconfirmed == 1
    await AppParking.create(
        network="x", kind=ParkingKind.QUOTA, reason="X answered 429: application day limit",
        since=clock.now(), until=clock.now() + timedelta(minutes=15),
        ends_at=clock.now() + timedelta(hours=5))
    ambassador = await factories.create_user(clock, "ambassador")
    await factories.create_account(clock, ambassador, "x", status=AccountStatus.NEEDS_RECONNECT)
    _, admin_token = await token_for(clock, "admin")
    answer = await client.get("/api/v1/status", headers=admin_token)
    status = {n["network"]: n for n in answer.json()["networks"]}

    response = await client.get("/metrics", headers={"Authorization": f"Bearer {METRICS_TOKEN}"})

    assert response.status_code == 200 and response.headers["content-type"].startswith("text/plain")
    figures = samples(response.text)
    x_parking = status["x"]["parking"]
    assert value(figures, "advocacy_network_parked", network="x", kind=x_parking["kind"],
                 reason=x_parking["reason"]) == 1
    assert value(figures, "advocacy_network_parking_ends_timestamp_seconds", network="x") == (
        clock.now() + timedelta(hours=5)).timestamp()
    assert value(figures, "advocacy_network_parking_next_probe_timestamp_seconds", network="x") == (
        clock.now() + timedelta(minutes=15)).timestamp()
    assert status["linkedin"]["parking"] is None
    assert value(figures, "advocacy_network_parked", network="linkedin", kind="", reason="") == 0
    for network, of in status.items():
        for state, count in of["shares_waiting"].items():
            assert value(figures, "advocacy_shares_waiting", network=network, state=state) == count
        for account_status, count in of["accounts"].items():
            assert value(figures, "advocacy_accounts", network=network, status=account_status) == count
        assert value(figures, "advocacy_accounts_rate_limited", network=network) == of["accounts_parked"]
        assert value(figures, "advocacy_accounts_expiring_soon", network=network) == of["expiring_soon"]
    # The seeded state, read through both: one queued and one unconfirmed share, one reconnect.
    linkedin_waiting = status["linkedin"]["shares_waiting"]
    assert linkedin_waiting["queued"] == 1 and linkedin_waiting["unconfirmed"] == 1
    assert status["x"]["accounts"]["needs_reconnect"] == 1


@pytest.mark.parametrize("headers", [
    {}, {"Authorization": "Bearer wrong-token"}, {"Authorization": METRICS_TOKEN}])
async def test_a_scrape_without_the_token_is_refused_with_no_figures(
    database: Settings, clock: SimulatedClock, client: httpx.AsyncClient, headers: dict[str, str],
) -> None:
    await factories.create_launched_campaign_with_posts(clock, 1)
    response = await client.get("/metrics", headers=headers)
    assert response.status_code == 401
    assert "advocacy_" not in response.text and "metrics token" in response.text


async def test_with_no_metrics_token_set_the_address_is_not_served(
    database: Settings, clock: SimulatedClock,
) -> None:
    from asgi_lifespan import LifespanManager

    from advocacy.app import create_app

    async with LifespanManager(create_app(database, clock)) as manager:
        transport = httpx.ASGITransport(app=manager.app, raise_app_exceptions=False)
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as http:
            for headers in ({}, {"Authorization": "Bearer "}, {"Authorization": f"Bearer {METRICS_TOKEN}"}):
                response = await http.get("/metrics", headers=headers)
                assert response.status_code == 404 and "advocacy_" not in response.text
