"""The leased claim queue over a table of due rows: claim a batch under a lease, sweep expired leases,
back off between attempts. Share dispatch and notification delivery both run on it.

A claim reads due rows that are waiting (on PostgreSQL with FOR UPDATE SKIP LOCKED, so workers
in any number of processes take disjoint rows; SQLite runs one writer at a time) and, in the same
transaction, hands their ids to the caller's `take`, which moves them out of waiting under the
lease (`lease_owner`, `lease_until`) with a conditional update. A row whose lease ran out is found
by `sweep`, which hands it to the caller's `release`: what an attempt nobody finished means (sent or
not) is the caller's to say, never the queue's.

While a worker lives, `heartbeat` renews its leases (every third of the lease), so a lease can be
short - a killed worker's rows come back soon after it died - without cutting off a slow attempt.
"""

from __future__ import annotations

import asyncio
import logging
import random
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from contextlib import asynccontextmanager, suppress
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Generic, TypeVar

from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.expressions import Q
from tortoise.models import Model
from tortoise.queryset import QuerySet
from tortoise.transactions import in_transaction

M = TypeVar("M", bound=Model)
log = logging.getLogger(__name__)

# The lease columns of a row no worker holds.
RELEASED: dict[str, Any] = {"lease_owner": None, "lease_until": None}


@dataclass(frozen=True)
class Lease:
    """One claim's hold on its rows: who holds them and until when."""

    owner: str
    until: datetime

    def columns(self) -> dict[str, Any]:
        return {"lease_owner": self.owner, "lease_until": self.until}


@dataclass(frozen=True)
class Backoff:
    """The wait after `attempts` failed tries: `first` x `factor`^(attempts-1), at most `cap`.

    With `jitter`, a random point in the upper half of that wait, so rows that failed together
    do not all come back in the same second.
    """

    first: timedelta
    factor: float
    cap: timedelta
    jitter: bool = False

    def delay(self, attempts: int, rng: random.Random | None = None) -> timedelta:
        ceiling = min(self.first * self.factor ** max(attempts - 1, 0), self.cap)
        if not self.jitter:
            return ceiling
        seconds = ceiling.total_seconds()
        return timedelta(seconds=(rng or random.Random()).uniform(seconds / 2, seconds))


# Moves the claimed ids out of waiting under the lease (in the claim's transaction).
Take = Callable[[BaseDBAsyncClient, list[int], Lease], Awaitable[object]]
# Says what an expired lease means for these ids (in the sweep's transaction); returns how many.
Release = Callable[[BaseDBAsyncClient, list[int]], Awaitable[int]]


class LeasedQueue(Generic[M]):
    """Claims and sweeps the rows of `model`: `waiting` ones may be claimed once due, `held` ones
    are under a lease."""

    def __init__(
        self,
        model: type[M],
        *,
        waiting: Q,
        held: Q,
        batch_size: int,
        lease: timedelta,
        worker_name: str,
        use_skip_locked: bool,
        related: Sequence[str] = (),
    ) -> None:
        self.model = model
        self.waiting = waiting
        self.held = held
        self.batch_size = batch_size
        self.lease = lease
        self.worker_name = worker_name
        self.use_skip_locked = use_skip_locked
        self.related = tuple(related)

    def _locked(self, query: QuerySet[M]) -> QuerySet[M]:
        return query.select_for_update(skip_locked=True) if self.use_skip_locked else query

    async def claim(
        self,
        now: datetime,
        take: Take,
        *,
        narrow: Callable[[QuerySet[M]], QuerySet[M]] | None = None,
    ) -> tuple[Lease, list[M]]:
        """Take up to `batch_size` due rows (`narrow` leaves some out) under a new lease.

        Returns the lease and the rows it holds (with `related` loaded), oldest due first.
        """
        while True:
            lease = Lease(f"{self.worker_name}:{uuid.uuid4().hex}", now + self.lease)
            async with in_transaction() as conn:
                candidates = self.model.filter(self.waiting, due_at__lte=now)
                if narrow is not None:
                    candidates = narrow(candidates)
                candidates = self._locked(
                    candidates.order_by("due_at", "id").limit(self.batch_size).using_db(conn))
                # Model rows, not values_list(): Tortoise drops FOR UPDATE from values queries.
                ids = [row.pk for row in await candidates.only("id")]
                if not ids:
                    return lease, []
                await take(conn, ids, lease)
                claimed = await (
                    self.model.filter(self.held, lease_owner=lease.owner)
                    .using_db(conn).select_related(*self.related).order_by("due_at", "id")
                )
            # Found rows but claimed none: another worker took them between our read and our
            # update (no row locks). Look again rather than report "nothing due".
            if claimed:
                return lease, list(claimed)

    async def sweep(self, now: datetime, release: Release) -> int:
        """Hand the held rows whose lease ran out to `release`; returns how many it released.

        Two sweeps at once each take their own rows (skip locked), so none is released twice.
        """
        async with in_transaction() as conn:
            expired = self._locked(self.model.filter(self.held, lease_until__lt=now).using_db(conn))
            ids = [row.pk for row in await expired.order_by("id").only("id")]
            if not ids:
                return 0
            return await release(conn, ids)

    async def renew(self, owners: Sequence[str], now: datetime) -> int:
        """Extend the leases of `owners` on the rows they still hold to `now` + the lease length."""
        if not owners:
            return 0
        return await self.model.filter(self.held, lease_owner__in=list(owners)).update(
            lease_until=now + self.lease)

    @asynccontextmanager
    async def heartbeat(
        self, owners: Sequence[str], now: Callable[[], datetime], *, every: float | None = None
    ) -> AsyncIterator[None]:
        """Renew the leases of `owners` every `every` seconds (a third of the lease) while the block
        runs: a live worker keeps its rows however slow the work, a dead one stops renewing."""
        interval = self.lease.total_seconds() / 3 if every is None else every

        async def beat() -> None:
            while True:
                await asyncio.sleep(interval)
                try:
                    await self.renew(owners, now())
                except Exception:
                    # The next beat tries again; a lease that runs out is swept, never lost.
                    log.exception("renewing the leases %s failed", list(owners))

        task = asyncio.create_task(beat()) if owners else None
        try:
            yield
        finally:
            if task is not None:
                task.cancel()
                with suppress(asyncio.CancelledError):
                    await task
