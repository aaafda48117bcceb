"""Pausing and resuming the pending shares of one account while it cannot publish.

An account whose token expired, was revoked or was disconnected cannot publish: its waiting shares
are paused (not failed, not cancelled) with the reason, and resumed when the account is connected
again. Each move is conditional on the status it leaves, so a share a dispatcher claimed in the
meantime is never touched twice, and each move is written to the share's history.
"""

from __future__ import annotations

from tortoise.expressions import Q
from tortoise.transactions import in_transaction

from advocacy.clock import Clock
from advocacy.shares.models import Share, ShareEvent, ShareStatus

# Waiting to be published: queued, or due for a reconciliation of an earlier unknown outcome.
PAUSABLE = Q(status=ShareStatus.QUEUED) | Q(status=ShareStatus.UNCONFIRMED, needs_reconcile=True)


async def pause_account_shares(clock: Clock, account_id: int, reason: str) -> list[int]:
    """Pause every waiting share of the account; returns the ids paused.

    A share awaiting reconciliation keeps its `needs_reconcile` flag, so its resumption is still a
    reconciliation and never a blind re-post.
    """
    now = clock.now()
    paused: list[int] = []
    async with in_transaction():
        waiting = await Share.filter(PAUSABLE, account_id=account_id).values_list("id", "status")
        for share_id, status in waiting:
            moved = await Share.filter(id=share_id, status=status).update(
                status=ShareStatus.PAUSED, last_error=reason, updated_at=now,
                lease_owner=None, lease_until=None,
            )
            if moved:
                await ShareEvent.create(
                    share_id=share_id, at=now, from_status=status, to_status=ShareStatus.PAUSED,
                    reason=reason,
                )
                paused.append(share_id)
    return paused


async def pause_share(clock: Clock, share: Share, reason: str) -> bool:
    """Pause one share the caller holds in `publishing` (its attempt met a dead token)."""
    now = clock.now()
    async with in_transaction():
        moved = await Share.filter(
            id=share.id, status=ShareStatus.PUBLISHING, lease_owner=share.lease_owner
        ).update(
            status=ShareStatus.PAUSED, last_error=reason, updated_at=now, lease_owner=None,
            lease_until=None,
        )
        if moved:
            await ShareEvent.create(
                share_id=share.id, at=now, from_status=ShareStatus.PUBLISHING,
                to_status=ShareStatus.PAUSED, reason=reason,
            )
    return bool(moved)


async def resume_account_shares(clock: Clock, account_id: int, reason: str) -> list[int]:
    """Queue the account's paused shares again; returns the ids resumed.

    A share whose time passed while paused goes out at the next dispatch; the others keep their
    planned time. The attempt that met the dead token does not count against the share.
    """
    now = clock.now()
    resumed: list[int] = []
    async with in_transaction():
        paused = await Share.filter(account_id=account_id, status=ShareStatus.PAUSED).values_list(
            "id", "due_at"
        )
        for share_id, due_at in paused:
            moved = await Share.filter(id=share_id, status=ShareStatus.PAUSED).update(
                status=ShareStatus.QUEUED, due_at=max(due_at, now), attempts=0, last_error="",
                updated_at=now,
            )
            if moved:
                await ShareEvent.create(
                    share_id=share_id, at=now, from_status=ShareStatus.PAUSED,
                    to_status=ShareStatus.QUEUED, reason=reason,
                )
                resumed.append(share_id)
    return resumed
