"""Publishes due shares: claims them atomically from the database, then calls the connector.

A share moves queued -> publishing -> published | failed | unconfirmed (| back to queued for a
rate limit or a retryable error). The claim marks rows with a lease owned by this call, so any number
of dispatchers in any number of processes never publish the same share: on PostgreSQL the candidate
rows are locked with FOR UPDATE SKIP LOCKED, and everywhere the conditional UPDATE only takes rows
still queued. A share whose lease ran out while publishing may or may not be on the platform: it
becomes `unconfirmed` and is never retried blindly.
"""

from __future__ import annotations

import logging
import random
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from tortoise.transactions import in_transaction

from advocacy.accounts.networks import NetworkRegistry, account_ref
from advocacy.clock import Clock
from advocacy.shares.models import Share, ShareEvent, ShareStatus
from connectors.base import (
    AuthExpired,
    ConnectorError,
    DuplicatePost,
    PermanentError,
    PublishRequest,
    RateLimited,
    TransientError,
)

log = logging.getLogger(__name__)


@dataclass
class DispatchReport:
    claimed: int = 0
    published: int = 0
    requeued: int = 0
    failed: int = 0
    unconfirmed: int = 0
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
        rng: random.Random | None = None,
    ) -> None:
        self.networks = networks
        self.clock = clock
        self.batch_size = batch_size
        self.lease = timedelta(seconds=lease_seconds)
        self.max_attempts = max_attempts
        self.worker_name = worker_name
        self.use_skip_locked = use_skip_locked
        self.rng = rng or random.Random()

    async def claim_due(self) -> list[Share]:
        """Atomically take up to `batch_size` due shares for this dispatcher."""
        while True:
            found, claimed = await self._claim_batch()
            # Found rows but claimed none: another dispatcher took them between our read and our
            # update (no row locks). Look again rather than report "nothing due".
            if claimed or not found:
                return claimed

    async def _claim_batch(self) -> tuple[int, list[Share]]:
        now = self.clock.now()
        owner = f"{self.worker_name}:{uuid.uuid4().hex}"
        async with in_transaction() as conn:
            candidates = (
                Share.filter(status=ShareStatus.QUEUED, due_at__lte=now)
                .order_by("due_at", "id")
                .limit(self.batch_size)
                .using_db(conn)
            )
            if self.use_skip_locked:
                candidates = candidates.select_for_update(skip_locked=True)
            # Model rows, not values_list(): Tortoise drops FOR UPDATE from values queries.
            ids = [share.id for share in await candidates.only("id")]
            if not ids:
                return 0, []
            await (
                Share.filter(id__in=ids, status=ShareStatus.QUEUED)
                .using_db(conn)
                .update(
                    status=ShareStatus.PUBLISHING,
                    lease_owner=owner,
                    lease_until=now + self.lease,
                    attempts=_increment("attempts"),
                    updated_at=now,
                )
            )
            claimed = (
                await Share.filter(lease_owner=owner, status=ShareStatus.PUBLISHING)
                .using_db(conn)
                .select_related("account")
                .order_by("due_at", "id")
            )
            await ShareEvent.bulk_create(
                [
                    ShareEvent(
                        share_id=share.id,
                        at=now,
                        from_status=ShareStatus.QUEUED,
                        to_status=ShareStatus.PUBLISHING,
                        reason=f"claimed by {self.worker_name}",
                    )
                    for share in claimed
                ],
                using_db=conn,
            )
        return len(ids), list(claimed)

    async def run_once(self) -> DispatchReport:
        """Expire stale leases, then claim and publish one batch. One failure never stops the rest."""
        report = DispatchReport()
        report.unconfirmed += await self.expire_stale_leases()
        shares = await self.claim_due()
        report.claimed = len(shares)
        for share in shares:
            try:
                outcome = await self._publish(share)
            except Exception:
                # An error of ours, after the connector may have published: never retry blindly.
                log.exception("dispatch of share %s failed unexpectedly", share.id)
                await self._finish(share, ShareStatus.UNCONFIRMED, "internal error while publishing")
                outcome = ShareStatus.UNCONFIRMED
            if outcome == ShareStatus.PUBLISHED:
                report.published += 1
                report.published_ids.append(share.id)
            elif outcome == ShareStatus.QUEUED:
                report.requeued += 1
            elif outcome == ShareStatus.FAILED:
                report.failed += 1
            else:
                report.unconfirmed += 1
        return report

    async def run_until_idle(self) -> DispatchReport:
        """Publish everything due now (used by the demo's simulated clock and by tests)."""
        total = DispatchReport()
        while True:
            report = await self.run_once()
            for name in ("claimed", "published", "requeued", "failed", "unconfirmed"):
                setattr(total, name, getattr(total, name) + getattr(report, name))
            total.published_ids.extend(report.published_ids)
            if report.claimed == 0:
                return total

    async def _publish(self, share: Share) -> ShareStatus:
        connector = self.networks.connector(share.network)
        request = PublishRequest(text=share.text, client_reference=f"share-{share.id}")
        try:
            result = await connector.publish(account_ref(share.account), request)
        except DuplicatePost as error:
            if error.existing_id:
                # The platform already holds this very post (an earlier attempt that we did not
                # hear back from): adopt it instead of posting again.
                await self._finish(
                    share,
                    ShareStatus.PUBLISHED,
                    "the platform already had this post",
                    external_id=error.existing_id,
                )
                return ShareStatus.PUBLISHED
            await self._finish(share, ShareStatus.FAILED, error.message)
            return ShareStatus.FAILED
        except RateLimited as error:
            # Waiting for a limit to reset is not a failed attempt: it must not use up the retries.
            await self._requeue(
                share, error.until, f"rate limited until {error.until:%Y-%m-%d %H:%M} UTC",
                count_attempt=False,
            )
            return ShareStatus.QUEUED
        except TransientError as error:
            if share.attempts >= self.max_attempts:
                reason = f"gave up after {share.attempts} attempts: {error.message}"
                await self._finish(share, ShareStatus.FAILED, reason)
                return ShareStatus.FAILED
            await self._requeue(share, self.clock.now() + self._backoff(share.attempts), error.message)
            return ShareStatus.QUEUED
        except (AuthExpired, PermanentError, ConnectorError) as error:
            await self._finish(share, ShareStatus.FAILED, error.message)
            return ShareStatus.FAILED
        await self._finish(
            share,
            ShareStatus.PUBLISHED,
            "published",
            external_id=result.external_id,
            external_url=result.url,
            published_at=result.published_at,
        )
        return ShareStatus.PUBLISHED

    def _backoff(self, attempts: int) -> timedelta:
        # Exponential with full jitter: 1, 2, 4 ... minutes, capped at an hour.
        ceiling = min(60 * 60, 60 * 2 ** max(0, attempts - 1))
        return timedelta(seconds=self.rng.uniform(ceiling / 2, ceiling))

    async def _requeue(
        self, share: Share, due_at: datetime, reason: str, *, count_attempt: bool = True
    ) -> None:
        now = self.clock.now()
        values: dict[str, object] = {
            "status": ShareStatus.QUEUED,
            "due_at": due_at,
            "lease_owner": None,
            "lease_until": None,
            "last_error": reason,
            "updated_at": now,
        }
        if not count_attempt:
            values["attempts"] = _increment("attempts", -1)
        async with in_transaction():
            moved = await Share.filter(
                id=share.id, status=ShareStatus.PUBLISHING, lease_owner=share.lease_owner
            ).update(**values)
            if moved:
                await ShareEvent.create(
                    share_id=share.id,
                    at=now,
                    from_status=ShareStatus.PUBLISHING,
                    to_status=ShareStatus.QUEUED,
                    reason=reason,
                )

    async def _finish(
        self,
        share: Share,
        status: ShareStatus,
        reason: str,
        *,
        external_id: str | None = None,
        external_url: str | None = None,
        published_at: datetime | None = None,
    ) -> None:
        now = self.clock.now()
        values: dict[str, object] = {
            "status": status,
            "lease_owner": None,
            "lease_until": None,
            "updated_at": now,
        }
        if status == ShareStatus.PUBLISHED:
            values.update(
                external_id=external_id,
                external_url=external_url,
                published_at=published_at or now,
            )
        else:
            values["last_error"] = reason
        async with in_transaction():
            moved = await Share.filter(
                id=share.id, status=ShareStatus.PUBLISHING, lease_owner=share.lease_owner
            ).update(**values)
            if moved:
                await ShareEvent.create(
                    share_id=share.id,
                    at=now,
                    from_status=ShareStatus.PUBLISHING,
                    to_status=status,
                    reason=reason,
                )
            else:
                log.warning("share %s lost its lease before it could be marked %s", share.id, status)

    async def expire_stale_leases(self) -> int:
        """Shares stuck in publishing past their lease may have been posted: mark them unconfirmed."""
        now = self.clock.now()
        async with in_transaction():
            stale = await Share.filter(
                status=ShareStatus.PUBLISHING, lease_until__lt=now
            ).values_list("id", flat=True)
            if not stale:
                return 0
            reason = "the publishing worker stopped before it confirmed the outcome"
            await Share.filter(id__in=stale, status=ShareStatus.PUBLISHING).update(
                status=ShareStatus.UNCONFIRMED,
                lease_owner=None,
                lease_until=None,
                last_error=reason,
                updated_at=now,
            )
            await ShareEvent.bulk_create(
                [
                    ShareEvent(
                        share_id=share_id,
                        at=now,
                        from_status=ShareStatus.PUBLISHING,
                        to_status=ShareStatus.UNCONFIRMED,
                        reason=reason,
                    )
                    for share_id in stale
                ]
            )
        return len(stale)


def _increment(column: str, by: int = 1):  # type: ignore[no-untyped-def]
    from tortoise.expressions import F

    return F(column) + by
