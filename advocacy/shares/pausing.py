"""Pausing and resuming the pending shares of one account while it cannot publish.

An account whose token expired, was revoked or was disconnected cannot publish: its waiting shares
are paused (not failed, not cancelled) with the reason, and resumed when the account is connected
again. Each move goes through `lifecycle`, so a share a dispatcher claimed in the meantime is never
touched twice, and each move is written to the share's history.
"""

from __future__ import annotations

from tortoise.expressions import Q

from advocacy.clock import Clock
from advocacy.shares import lifecycle
from advocacy.shares.models import Share


async def pause_account_shares(clock: Clock, account_id: int, reason: str) -> list[int]:
    """Pause every waiting share of the account; returns the ids paused.

    A share awaiting reconciliation keeps its `needs_reconcile` flag, so its resumption is still a
    reconciliation and never a blind re-post.
    """
    paused = await lifecycle.pause_waiting(clock.now(), Q(account_id=account_id), reason)
    return [change.share_id for change in paused]


async def pause_share(clock: Clock, share: Share, reason: str) -> bool:
    """Pause one share the caller holds in `publishing` (its attempt met a dead token)."""
    return await lifecycle.pause_held(clock.now(), share, reason)


async def resume_account_shares(clock: Clock, account_id: int, reason: str) -> list[int]:
    """Queue the account's paused shares again; returns the ids resumed.

    A share whose time passed while paused goes out at the next dispatch; the others keep their
    planned time. The attempt that met the dead token does not count against the share.
    """
    resumed = await lifecycle.resume(clock.now(), Q(account_id=account_id), reason)
    return [change.share_id for change in resumed]
