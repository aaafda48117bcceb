"""Publishes due shares: claims them atomically from the database, then calls the connector.

A share moves queued -> publishing -> published | failed | unconfirmed (| back to queued for a
rate limit or a retryable error); each move is one of `lifecycle`'s transitions. The claim marks
rows with a lease owned by this call, so any number of dispatchers in any number of processes never
publish the same share: on PostgreSQL the candidate rows are locked with FOR UPDATE SKIP LOCKED, and
everywhere the conditional UPDATE only takes rows still claimable.

Never twice, never lost:
- An outcome nobody knows (a timeout after sending, a worker whose lease ran out while publishing)
  makes the share `unconfirmed` with `needs_reconcile` set. Its next attempt is a reconciliation:
  the same text is published again, and the platform's duplicate detection names the post that
  already exists (adopted as this share's post). Only an accepted publish - proof that no copy
  existed - creates a post. Nothing is ever retried blindly.
- A rate limit parks the account (or, for per-app quotas, the whole network) in the database until
  the platform's reset; the claim skips parked accounts, so their other shares wait without a call
  to the platform and without using up attempts.
- An expired or revoked token marks the account `needs_reconnect` and pauses its waiting shares with
  that reason (nothing is failed or lost); reconnecting the account resumes them
  (see `accounts.connections`).
- Publications are written down in groups (`record_every`), one transaction per group: a crash
  before a group is written leaves its shares publishing until their lease expires, and they are
  then reconciled like any other unknown outcome.
"""

from __future__ import annotations

import logging
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.exceptions import IntegrityError
from tortoise.expressions import Q
from tortoise.queryset import QuerySet
from tortoise.transactions import in_transaction

from advocacy.accounts.connections import mark_needs_reconnect, pause_reason
from advocacy.accounts.models import SocialAccount
from advocacy.accounts.networks import NetworkRegistry
from advocacy.accounts.parking import NetworkParking, waiting_reason
from advocacy.clock import Clock
from advocacy.leasing import Backoff, Lease, LeasedQueue
from advocacy.shares import lifecycle
from advocacy.shares.models import Share, ShareStatus
from advocacy.shares.pausing import pause_share
from connectors.base import (
    AmbiguousOutcome,
    AuthExpired,
    ConnectorError,
    DuplicatePost,
    PermanentError,
    PublishRequest,
    PublishResult,
    RateLimited,
    TransientError,
)

log = logging.getLogger(__name__)


@dataclass
class BatchState:
    """What one batch learnt about its accounts, so the rest of the batch does not call the platform."""

    # (network, account id) -> the limit; account id None means the whole network (per-app quota).
    parked: dict[tuple[str, int | None], RateLimited] = field(default_factory=dict)
    # account id -> why its token is dead.
    dead_tokens: dict[int, str] = field(default_factory=dict)
    # Publications not yet written down (see _record_published): (share, result, reason).
    published: list[tuple[Share, PublishResult | None, str]] = field(default_factory=list)


@dataclass
class DispatchReport:
    claimed: int = 0
    published: int = 0
    requeued: int = 0
    failed: int = 0
    unconfirmed: int = 0
    paused: int = 0
    published_ids: list[int] = field(default_factory=list)


class ShareDispatcher:
    """Claims due shares in batches and publishes each through its network's connector."""

    def __init__(
        self,
        networks: NetworkRegistry,
        clock: Clock,
        *,
        batch_size: int = 100,
        lease_seconds: int = 300,
        max_attempts: int = 5,
        worker_name: str = "worker",
        use_skip_locked: bool = False,
        reconcile_delay_seconds: int = 60,
        record_every: int = 25,
        rng: random.Random | None = None,
    ) -> None:
        self.networks = networks
        self.clock = clock
        self.batch_size = batch_size
        self.lease = timedelta(seconds=lease_seconds)
        self.max_attempts = max_attempts
        self.worker_name = worker_name
        self.use_skip_locked = use_skip_locked
        # Give a platform that was still processing a timed-out request time to finish it before
        # asking again, so its duplicate detection sees the post.
        self.reconcile_delay = timedelta(seconds=reconcile_delay_seconds)
        self.record_every = record_every
        self.rng = rng or random.Random()
        self.queue = LeasedQueue(
            Share, waiting=CLAIMABLE, held=Q(status=ShareStatus.PUBLISHING), batch_size=batch_size,
            lease=self.lease, worker_name=worker_name, use_skip_locked=use_skip_locked,
            related=("account",),
        )
        # A network parked for the whole app is probed with one share at a time.
        self.probe_queue = LeasedQueue(
            Share, waiting=CLAIMABLE, held=Q(status=ShareStatus.PUBLISHING), batch_size=1,
            lease=self.lease, worker_name=worker_name, use_skip_locked=use_skip_locked,
            related=("account",),
        )
        self.parking = NetworkParking(networks.settings, clock)
        self._probes: set[int] = set()
        # The leases of the last claim, renewed while its batch is worked on.
        self._leases: list[str] = []

    async def claim_due(self) -> list[Share]:
        """Atomically take up to `batch_size` due shares for this dispatcher; first, one share of
        each parked network whose wait is over and whose probe this dispatcher won."""
        now = self.clock.now()
        probing = await self.parking.take_probes(now, self.lease)
        # Parked accounts and networks are few: read them first rather than join them into the
        # locking query, which would lock (and make other workers skip) the account rows too.
        parked_accounts = await SocialAccount.filter(parked_until__gt=now).values_list("id", flat=True)
        parked_networks = await self.parking.parked(now)

        def usable(candidates: QuerySet[Share]) -> QuerySet[Share]:
            if parked_accounts:
                candidates = candidates.exclude(account_id__in=parked_accounts)
            return candidates

        def unparked(candidates: QuerySet[Share]) -> QuerySet[Share]:
            candidates = usable(candidates)
            if parked_networks:
                candidates = candidates.exclude(network__in=parked_networks)
            return candidates

        async def take(conn: BaseDBAsyncClient, ids: list[int], lease: Lease) -> None:
            # Only shares still waiting and due: one the ambassador moved to later since is left.
            await lifecycle.claim(conn, now, ids, owner=lease.owner, lease_until=lease.until,
                                  worker=self.worker_name)

        def one_of(network: str) -> Callable[[QuerySet[Share]], QuerySet[Share]]:
            return lambda candidates: usable(candidates).filter(network=network)

        probes: list[Share] = []
        owners: list[str] = []
        for network in probing:
            lease, probe = await self.probe_queue.claim(now, take, narrow=one_of(network))
            if probe:
                probes += probe
                owners.append(lease.owner)
            else:
                await self.parking.release_probe(network, now)
        self._probes = {share.id for share in probes}
        lease, claimed = await self.queue.claim(now, take, narrow=unparked)
        if claimed:
            owners.append(lease.owner)
        self._leases = owners
        return probes + claimed

    async def run_once(self) -> DispatchReport:
        """Expire stale leases, then claim and publish one batch. One failure never stops the rest."""
        report = DispatchReport()
        report.unconfirmed += await self.expire_stale_leases()
        shares = await self.claim_due()
        report.claimed = len(shares)
        async with self.queue.heartbeat(self._leases, self.clock.now):
            await self._work(shares, report)
        return report

    async def _work(self, shares: list[Share], report: DispatchReport) -> None:
        """Publish a claimed batch, in order."""
        # Parkings learnt during this batch: the rest of the batch must not call the platform either.
        batch = BatchState()
        published = batch.published
        for share in shares:
            parked = batch.parked
            limit = parked.get((share.network, share.account_id)) or parked.get((share.network, None))
            dead = batch.dead_tokens.get(share.account_id)
            if dead is None and share.account.status != "connected":
                # Queued before its account broke or was disconnected: wait for the reconnect.
                dead = share.account.status_reason or "the account is not connected"
            probe = share.id in self._probes
            if dead is not None:
                report.paused += 1
                await pause_share(self.clock, share, pause_reason(share.account, dead))
                if probe:  # the platform was not asked: another share probes
                    await self.parking.release_probe(share.network, self.clock.now())
                continue
            if limit is not None:
                await self._requeue_parked(share, limit)
                report.requeued += 1
                continue
            try:
                outcome = await self._publish(share, batch)
            except Exception:
                # An error of ours, after the connector may have published: never retry blindly,
                # and never claim it again by itself (the same error would come back at once): it
                # stays unconfirmed for a person to look at, as an unprovable duplicate does.
                log.exception("dispatch of share %s failed unexpectedly", share.id)
                await self._finish(share, ShareStatus.UNCONFIRMED, "internal error while publishing",
                                   reconcile=False)
                outcome = ShareStatus.UNCONFIRMED
            if probe and (share.network, None) not in batch.parked:
                # The platform answered something else than the network-wide refusal: resume.
                await self.parking.resume(share.network)
            if len(published) >= self.record_every:
                await self._record_published(published, report)
            if outcome == ShareStatus.PUBLISHED:
                pass  # counted when recorded
            elif outcome == ShareStatus.QUEUED:
                report.requeued += 1
            elif outcome == ShareStatus.FAILED:
                report.failed += 1
            elif outcome == ShareStatus.PAUSED:
                report.paused += 1
            else:
                report.unconfirmed += 1
        await self._record_published(published, report)

    async def run_until_idle(self) -> DispatchReport:
        """Publish everything due now (used by the demo's simulated clock and by tests)."""
        total = DispatchReport()
        while True:
            report = await self.run_once()
            for name in ("claimed", "published", "requeued", "failed", "unconfirmed", "paused"):
                setattr(total, name, getattr(total, name) + getattr(report, name))
            total.published_ids.extend(report.published_ids)
            if report.claimed == 0:
                return total

    async def _record_published(
        self, published: list[tuple[Share, PublishResult | None, str]], report: DispatchReport
    ) -> None:
        """Write down a group of publications in one transaction, with their history rows.

        Grouping saves a transaction per share; a crash before the group is written leaves those
        shares publishing until their lease expires, and they are then reconciled, never re-posted.
        """
        if not published:
            return
        now = self.clock.now()
        outcomes = [
            (share, {
                "external_id": result.external_id if result else share.external_id,
                "external_url": result.url if result else None,
                "published_at": result.published_at if result else now,
            }, reason)
            for share, result, reason in published
        ]
        try:
            async with in_transaction() as conn:
                moved = {change.share_id for change in await lifecycle.publish(conn, now, outcomes)}
        except IntegrityError:
            # A post already another share's (the unique (network, external_id) index): write the
            # others down one at a time, and leave that one unconfirmed for a person to look at.
            if len(published) > 1:
                for one in list(published):
                    await self._record_published([one], report)
                published.clear()
                return
            share = published.pop()[0]
            await self._finish(share, ShareStatus.UNCONFIRMED, f"post {share.external_id} is already "
                               "another share's; this share's own post is not known", reconcile=False)
            report.unconfirmed += 1
            return
        for share, _, _ in published:
            if share.id in moved:
                report.published += 1
                report.published_ids.append(share.id)
            else:
                log.warning("share %s lost its lease before it could be marked published", share.id)
        published.clear()

    async def _publish(self, share: Share, batch: BatchState) -> ShareStatus:
        connector = self.networks.connector(share.network)
        # The same text and reference on every attempt: that is what lets the platform's duplicate
        # detection recognise an earlier attempt whose outcome we never heard.
        request = PublishRequest(text=share.text, client_reference=f"share-{share.id}")
        try:
            account = await self.networks.account_ref(share.account)
            try:
                result = await connector.publish(account, request)
            except AuthExpired:
                # A refused access token published nothing. Where the platform offers a refresh,
                # refresh once (under the account's lock) and try again: only a refused refresh
                # means the person must reconnect.
                renewed = await self.networks.renew_rejected_token(share.account, account.access_token)
                if renewed is None:
                    raise
                result = await connector.publish(renewed, request)
        except DuplicatePost as error:
            holder = await self._holder(share, error.existing_id)
            if error.existing_id and holder is None:
                # The platform already holds this very post (an earlier attempt that we did not
                # hear back from): adopt it instead of posting again.
                share.external_id = error.existing_id
                batch.published.append((share, None, "the platform already had this post"))
                return ShareStatus.PUBLISHED
            if holder is not None:
                # Never adopt a post that is another share's: it would be counted twice and this
                # share's own post, if any, never measured.
                reason = (f"the platform names post {error.existing_id} as the duplicate, but that post "
                          f"is share {holder}'s: {error.message}")
            else:
                reason = f"the platform reports a duplicate it does not name: {error.message}"
            if share.needs_reconcile:
                # Probably our earlier attempt, but not provably: a person has to look, not a retry.
                await self._finish(share, ShareStatus.UNCONFIRMED, reason, reconcile=False)
                return ShareStatus.UNCONFIRMED
            await self._finish(share, ShareStatus.FAILED, reason if holder is not None else error.message)
            return ShareStatus.FAILED
        except RateLimited as error:
            await self._park(share, error)
            batch.parked[(share.network, share.account_id if error.scope == "account" else None)] = error
            if error.scope == "app":
                await self._requeue_parked(share, error)
                return ShareStatus.QUEUED
            # Waiting for a limit to reset is not a failed attempt: it must not use up the retries.
            await self._requeue(
                share, error.until, f"rate limited until {error.until:%Y-%m-%d %H:%M} UTC: {error.message}",
                count_attempt=False,
            )
            return ShareStatus.QUEUED
        except AmbiguousOutcome as error:
            if share.attempts >= self.max_attempts:
                reason = f"outcome still unknown after {share.attempts} attempts: {error.message}"
                await self._finish(share, ShareStatus.UNCONFIRMED, reason, reconcile=False)
                return ShareStatus.UNCONFIRMED
            await self._finish(
                share, ShareStatus.UNCONFIRMED, f"outcome unknown, will reconcile: {error.message}",
                reconcile=True, due_at=self.clock.now() + self.reconcile_delay,
            )
            return ShareStatus.UNCONFIRMED
        except TransientError as error:
            if share.attempts >= self.max_attempts:
                reason = f"gave up after {share.attempts} attempts: {error.message}"
                await self._finish_unsuccessful(share, reason)
                return ShareStatus.FAILED
            await self._requeue(share, self.clock.now() + self._backoff(share.attempts), error.message)
            return ShareStatus.QUEUED
        except AuthExpired as error:
            # The platform refused the token, so nothing was published by this attempt. The share
            # keeps any earlier unknown outcome (needs_reconcile) for when it resumes.
            await pause_share(self.clock, share, pause_reason(share.account, error.message))
            await mark_needs_reconnect(self.clock, share.account, error.message)
            # The rest of this batch on that account must not call the platform with a dead token.
            batch.dead_tokens[share.account_id] = error.message
            return ShareStatus.PAUSED
        except (PermanentError, ConnectorError) as error:
            return await self._finish_unsuccessful(share, error.message)
        batch.published.append((share, result, "published"))
        return ShareStatus.PUBLISHED

    async def _holder(self, share: Share, external_id: str | None) -> int | None:
        """The other share that already holds this platform post, if one does."""
        if not external_id:
            return None
        holder = await Share.filter(network=share.network, external_id=external_id).exclude(
            id=share.id).only("id").first()
        return holder.id if holder is not None else None

    async def _finish_unsuccessful(self, share: Share, reason: str) -> ShareStatus:
        """Failed, unless an earlier attempt may have posted it: then it stays unconfirmed."""
        if share.needs_reconcile:
            # Left unconfirmed for people to see; retrying it later reconciles (service.retry_shares).
            await self._finish(share, ShareStatus.UNCONFIRMED, reason, reconcile=False)
            return ShareStatus.UNCONFIRMED
        await self._finish(share, ShareStatus.FAILED, reason)
        return ShareStatus.FAILED

    async def _requeue_parked(self, share: Share, limit: RateLimited) -> None:
        """Back to the queue without using an attempt. A share of a network parked for the whole app
        keeps its time: the claim leaves the network alone until a probe gets through."""
        if limit.scope == "app":
            reason = waiting_reason(share.network, limit)
            await self._requeue(share, share.due_at, reason, count_attempt=False)
            return
        await self._requeue(share, limit.until, f"waiting: the account is parked ({limit.message})",
                            count_attempt=False)

    async def _park(self, share: Share, error: RateLimited) -> None:
        """Persist the parking so every worker, in every process, leaves the account alone."""
        if error.scope == "app":
            await self.parking.park(share.network, error)
            return
        await SocialAccount.filter(
            Q(parked_until__isnull=True) | Q(parked_until__lt=error.until), id=share.account_id
        ).update(parked_until=error.until, parked_reason=error.message)

    def _backoff(self, attempts: int) -> timedelta:
        return SHARE_BACKOFF.delay(attempts, self.rng)

    async def _requeue(
        self, share: Share, due_at: datetime, reason: str, *, count_attempt: bool = True
    ) -> None:
        await lifecycle.requeue(self.clock.now(), share, due_at, reason, count_attempt=count_attempt)

    async def _finish(
        self,
        share: Share,
        status: ShareStatus,
        reason: str,
        *,
        reconcile: bool | None = None,
        due_at: datetime | None = None,
    ) -> None:
        values: dict[str, object] = {}
        if reconcile is not None:
            values["needs_reconcile"] = reconcile
        if due_at is not None:
            values["due_at"] = due_at
        if not await lifecycle.finish(self.clock.now(), share, status, reason, values=values):
            log.warning("share %s lost its lease before it could be marked %s", share.id, status)

    async def expire_stale_leases(self) -> int:
        """Shares stuck in publishing past their lease may have been posted: mark them unconfirmed,
        to be reconciled by the next claim (never re-published blindly)."""
        now = self.clock.now()
        reason = "the publishing worker stopped before it confirmed the outcome; will reconcile"

        async def release(conn: BaseDBAsyncClient, ids: list[int]) -> int:
            return len(await lifecycle.lose_track(conn, now, ids, reason))

        return await self.queue.sweep(now, release)


# Queued shares, and unconfirmed ones waiting for reconciliation.
CLAIMABLE = lifecycle.WAITING_TO_PUBLISH
# Exponential with jitter: 1, 2, 4 ... minutes, capped at an hour.
SHARE_BACKOFF = Backoff(first=timedelta(minutes=1), factor=2, cap=timedelta(hours=1), jitter=True)
