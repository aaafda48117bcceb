"""`/metrics`: the operator status figures as Prometheus gauges, for a scraper holding the metrics token.

The figures are read at each scrape through `network_status`, the status page's own function, into a
registry made for that scrape (never the process-wide default one). With no token set the route
answers 404, so a deployment exposes nothing until it chooses to.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterator

from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, generate_latest
from prometheus_client.metrics_core import GaugeMetricFamily, Metric
from prometheus_client.registry import Collector
from starlette.exceptions import HTTPException
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Route

from advocacy.auth import bearer_token
from advocacy.shares.status import NetworkStatus, network_status
from advocacy.state import AppRequest


class StatusCollector(Collector):
    """The figures of one `network_status` reading, as gauge families labelled by network."""

    def __init__(self, networks: list[NetworkStatus]) -> None:
        self.networks = networks

    def collect(self) -> Iterator[Metric]:
        parked = GaugeMetricFamily(
            "advocacy_network_parked", "1 while the whole network is on hold, with its kind and reason",
            labels=["network", "kind", "reason"])
        ends = GaugeMetricFamily(
            "advocacy_network_parking_ends_timestamp_seconds",
            "When a network's hold ends, if known (Unix time)", labels=["network"])
        probe = GaugeMetricFamily(
            "advocacy_network_parking_next_probe_timestamp_seconds",
            "When a parked network is next tried with one share (Unix time)", labels=["network"])
        accounts = GaugeMetricFamily(
            "advocacy_accounts", "Ambassador accounts by token status", labels=["network", "status"])
        rate_limited = GaugeMetricFamily(
            "advocacy_accounts_rate_limited", "Accounts rate limited right now", labels=["network"])
        expiring = GaugeMetricFamily(
            "advocacy_accounts_expiring_soon", "Connected accounts whose access ends within 7 days",
            labels=["network"])
        waiting = GaugeMetricFamily(
            "advocacy_shares_waiting", "Unfinished shares by state", labels=["network", "state"])
        for n in self.networks:
            parking = n.parking
            if parking is None:
                parked.add_metric([n.network, "", ""], 0)
            else:
                parked.add_metric([n.network, parking.kind, parking.reason], 1)
                probe.add_metric([n.network], parking.next_probe_at.timestamp())
                if parking.ends_at is not None:
                    ends.add_metric([n.network], parking.ends_at.timestamp())
            for status, count in n.accounts.items():
                accounts.add_metric([n.network, status], count)
            rate_limited.add_metric([n.network], n.accounts_parked)
            expiring.add_metric([n.network], n.expiring_soon)
            for state, count in n.shares_waiting.items():
                waiting.add_metric([n.network, state], count)
        yield from (parked, ends, probe, accounts, rate_limited, expiring, waiting)


def exposition(networks: list[NetworkStatus]) -> bytes:
    """The text exposition format of these figures, from a registry of their own."""
    registry = CollectorRegistry(auto_describe=False)
    registry.register(StatusCollector(networks))
    return generate_latest(registry)


async def metrics(request: AppRequest) -> Response:
    expected = request.state["settings"].metrics_token
    if not expected:
        raise HTTPException(404)  # the same answer as for any address we do not serve
    sent = bearer_token(request.headers.get("authorization", ""))
    if sent is None or not secrets.compare_digest(sent.encode(), expected.encode()):
        return PlainTextResponse(
            "Send the metrics token: 'Authorization: Bearer <ADVOCACY_METRICS_TOKEN>'.", status_code=401,
            headers={"WWW-Authenticate": "Bearer"})
    body = exposition(await network_status(request.state["clock"].now()))
    return Response(body, media_type=CONTENT_TYPE_LATEST)


routes = [Route("/metrics", metrics, name="metrics")]
