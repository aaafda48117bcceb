"""What an operator watches: each network's parking, its accounts' token health and its waiting shares."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from tortoise.functions import Count
from tortoise.queryset import QuerySet

from advocacy.accounts.models import NETWORK_LABELS, AccountStatus, AppParking, Network, SocialAccount
from advocacy.shares.models import Share, ShareStatus

# Shares not finished yet, in the order they move.
WAITING_STATES = (ShareStatus.QUEUED, ShareStatus.PUBLISHING, ShareStatus.UNCONFIRMED, ShareStatus.PAUSED)
# A connected account whose access ends within this is counted as expiring soon.
EXPIRING_WITHIN = timedelta(days=7)


@dataclass(frozen=True)
class Parking:
    kind: str
    reason: str
    since: datetime | None
    next_probe_at: datetime
    ends_at: datetime | None
    probes: int


@dataclass(frozen=True)
class NetworkStatus:
    network: str
    label: str
    parking: Parking | None
    accounts: dict[str, int] = field(default_factory=dict)
    accounts_parked: int = 0
    expiring_soon: int = 0
    shares_waiting: dict[str, int] = field(default_factory=dict)


async def network_status(now: datetime) -> list[NetworkStatus]:
    """One entry per network: a handful of grouped counts, whatever the number of shares."""
    parkings = {row.network: row for row in await AppParking.all()}
    accounts = await _counts(SocialAccount.filter(is_brand=False), "status")
    parked = await _counts(SocialAccount.filter(parked_until__gt=now))
    expiring = await _counts(SocialAccount.filter(
        status=AccountStatus.CONNECTED, is_brand=False, token_expires_at__lte=now + EXPIRING_WITHIN))
    waiting = await _counts(Share.filter(status__in=WAITING_STATES), "status")
    result = []
    for network in Network:
        row = parkings.get(network.value)
        result.append(NetworkStatus(
            network=network.value,
            label=NETWORK_LABELS[network.value],
            parking=Parking(str(row.kind), row.reason, row.since, row.until, row.ends_at, row.probes)
            if row is not None else None,
            accounts={status.value: accounts[(network.value, status.value)] for status in AccountStatus},
            accounts_parked=parked[(network.value, "")],
            expiring_soon=expiring[(network.value, "")],
            shares_waiting={state.value: waiting[(network.value, state.value)] for state in WAITING_STATES},
        ))
    return result


async def _counts(rows: QuerySet[Any], by: str | None = None) -> Counter[tuple[str, str]]:
    """How many rows per (network, `by`), counted by the database."""
    columns = ("network", by) if by else ("network",)
    grouped = await rows.annotate(n=Count("id")).group_by(*columns).values_list(*columns, "n")
    return Counter({(str(row[0]), str(row[1]) if by else ""): int(row[-1]) for row in grouped})
