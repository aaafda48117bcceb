"""The one owner of a share's status and history: the allowed transitions and the guarded updates.

Every change of a share's status (and every line of its history) goes through `apply`: it takes
only the shares still in one of the transition's from-states, locks them (FOR UPDATE on
PostgreSQL, in id order so two lockers never deadlock; SQLite runs one writer at a time), moves
them to the target state and writes one `ShareEvent` per share moved, all in one transaction. It
returns what it moved, so a caller that lost a race (a worker claimed the share, the person
cancelled it) knows it did nothing. The named functions below are the transitions callers use.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.expressions import F, Q
from tortoise.transactions import in_transaction

from advocacy.leasing import RELEASED
from advocacy.shares.models import Share, ShareEvent, ShareStatus

QUEUED, PUBLISHING, PUBLISHED = ShareStatus.QUEUED, ShareStatus.PUBLISHING, ShareStatus.PUBLISHED
FAILED, UNCONFIRMED, CANCELLED, PAUSED = (
    ShareStatus.FAILED, ShareStatus.UNCONFIRMED, ShareStatus.CANCELLED, ShareStatus.PAUSED)


@dataclass(frozen=True)
class Transition:
    """A named move of a share from any of `sources` to `target`."""

    name: str
    sources: frozenset[ShareStatus]
    target: ShareStatus

    def allows(self, status: ShareStatus) -> bool:
        return status in self.sources


def _transition(name: str, sources: Sequence[ShareStatus], target: ShareStatus) -> Transition:
    return Transition(name, frozenset(sources), target)


# A new share starts queued (`create_queued`); from there only these moves exist.
CLAIM = _transition("claim", (QUEUED, UNCONFIRMED), PUBLISHING)  # unconfirmed: to reconcile it
PUBLISH = _transition("publish", (PUBLISHING,), PUBLISHED)
REQUEUE = _transition("requeue", (PUBLISHING,), QUEUED)  # rate limited, or a retryable error
FAIL = _transition("fail", (PUBLISHING,), FAILED)
LOSE_TRACK = _transition("lose_track", (PUBLISHING,), UNCONFIRMED)  # the outcome is unknown
PAUSE = _transition("pause", (QUEUED, UNCONFIRMED, PUBLISHING), PAUSED)  # the account cannot publish
RESUME = _transition("resume", (PAUSED,), QUEUED)
CANCEL = _transition("cancel", (QUEUED, PAUSED), CANCELLED)
RETRY = _transition("retry", (FAILED, UNCONFIRMED), QUEUED)
MOVE = _transition("move", (QUEUED,), QUEUED)  # to another time
CORRECT = _transition("correct", (QUEUED,), QUEUED)  # its text follows an approved correction
NOTE = _transition("note", (PUBLISHED,), PUBLISHED)  # what the post-publication check found

TRANSITIONS: tuple[Transition, ...] = (
    CLAIM, PUBLISH, REQUEUE, FAIL, LOSE_TRACK, PAUSE, RESUME, CANCEL, RETRY, MOVE, CORRECT, NOTE,
)

# Waiting shares a transition out of "unconfirmed" may take: only those due for reconciliation.
# (An unconfirmed share left for people to look at moves only when someone retries it.)
AWAITING_RECONCILE = Q(status=UNCONFIRMED, needs_reconcile=True)
WAITING_TO_PUBLISH = Q(status=QUEUED) | AWAITING_RECONCILE


def allowed(source: ShareStatus, target: ShareStatus) -> bool:
    """Whether any transition moves a share from `source` to `target`."""
    return any(t.target == target and t.allows(source) for t in TRANSITIONS)


@dataclass(frozen=True)
class Change:
    """One share a transition moved, and the state it left."""

    share_id: int
    source: ShareStatus


Reason = str | Callable[[Share], str]
Values = Mapping[str, Any]


async def apply(
    transition: Transition,
    now: datetime,
    which: Q,
    *,
    reason: Reason,
    values: Values | None = None,
    per_share: Mapping[int, Values] | None = None,
    per_source: Mapping[ShareStatus, Values] | None = None,
    skip_locked: bool = False,
    conn: BaseDBAsyncClient | None = None,
) -> list[Change]:
    """Move the shares matching `which` that are still in one of the transition's from-states.

    `values` are other columns written with the move (for all shares), `per_source` by the state a
    share leaves, `per_share` by share id (each share then gets its own guarded update). The reason
    is written to each share's history; a callable gets the share's id, status and
    `needs_reconcile`. With `skip_locked`, rows another transaction holds are left to it
    (PostgreSQL). Runs in `conn`'s transaction when given, else in its own.
    """
    if conn is None:
        async with in_transaction() as own:
            return await apply(transition, now, which, reason=reason, values=values, per_share=per_share,
                               per_source=per_source, skip_locked=skip_locked, conn=own)
    rows = await (
        Share.filter(which, status__in=list(transition.sources))
        .using_db(conn)
        .select_for_update(skip_locked=skip_locked, of=(Share._meta.db_table,))
        .order_by("id")
        .only("id", "status", "needs_reconcile")
    )
    if per_share is not None:
        rows = [row for row in rows if row.id in per_share]
    if not rows:
        return []
    common = {"status": transition.target, "updated_at": now, **(values or {})}
    groups: dict[ShareStatus, list[int]] = {}
    for row in rows:
        groups.setdefault(ShareStatus(row.status), []).append(row.id)
    for source, ids in groups.items():
        written = {**common, **(per_source or {}).get(source, {})}
        if per_share is not None:
            for share_id in ids:
                await _guarded(conn, [share_id], source, {**written, **per_share[share_id]})
        else:
            await _guarded(conn, ids, source, written)
    await ShareEvent.bulk_create(
        [
            ShareEvent(share_id=row.id, at=now, from_status=ShareStatus(row.status),
                       to_status=transition.target, reason=reason if isinstance(reason, str) else reason(row))
            for row in rows
        ],
        using_db=conn,
    )
    return [Change(row.id, ShareStatus(row.status)) for row in rows]


async def _guarded(conn: BaseDBAsyncClient, ids: list[int], source: ShareStatus, values: Values) -> None:
    moved = await Share.filter(id__in=ids, status=source).using_db(conn).update(**values)
    if moved != len(ids):
        # The rows were locked (or the database runs one writer at a time) since they were read:
        # another writer changing them in between means the locking assumption broke. Roll back.
        raise RuntimeError(f"shares {ids} changed state while locked for a transition from {source}")


async def create_queued(
    now: datetime, *, reason: str, conn: BaseDBAsyncClient | None = None, **fields: Any
) -> Share:
    """Insert a new queued share with the first line of its history."""
    share = await Share.create(status=QUEUED, created_at=now, updated_at=now, using_db=conn, **fields)
    await ShareEvent.create(share=share, at=now, from_status=None, to_status=QUEUED, reason=reason,
                            using_db=conn)
    return share


# The transitions, named for their callers. Each returns the shares it moved.

async def claim(
    conn: BaseDBAsyncClient, now: datetime, ids: Sequence[int], *, owner: str, lease_until: datetime,
    worker: str, skip_locked: bool = False,
) -> list[Change]:
    """Take these shares for publishing under `owner`'s lease (those still waiting and due)."""
    return await apply(
        CLAIM, now, WAITING_TO_PUBLISH & Q(id__in=list(ids), due_at__lte=now), conn=conn,
        skip_locked=skip_locked,
        values={"lease_owner": owner, "lease_until": lease_until, "attempts": F("attempts") + 1},
        reason=lambda row: ("reconciling, " if row.needs_reconcile else "") + f"claimed by {worker}",
    )


def _held(share: Share) -> Q:
    # Only the dispatcher that holds the share's lease may end its attempt.
    return Q(id=share.id, lease_owner=share.lease_owner)


async def publish(
    conn: BaseDBAsyncClient, now: datetime, outcomes: Sequence[tuple[Share, Values, str]]
) -> list[Change]:
    """Mark held shares published, each with its platform post (`Values`) and reason."""
    if not outcomes:
        return []
    which = Q(*[_held(share) for share, _, _ in outcomes], join_type=Q.OR)
    reasons = {share.id: reason for share, _, reason in outcomes}
    return await apply(
        PUBLISH, now, which, conn=conn, values={**RELEASED, "needs_reconcile": False},
        per_share={share.id: post for share, post, _ in outcomes}, reason=lambda row: reasons[row.id],
    )


async def requeue(now: datetime, share: Share, due_at: datetime, reason: str, *,
                  count_attempt: bool = True) -> bool:
    """Give a held share back to the queue, due at `due_at`."""
    values: dict[str, Any] = {**RELEASED, "due_at": due_at, "last_error": reason}
    if not count_attempt:
        values["attempts"] = F("attempts") - 1
    return bool(await apply(REQUEUE, now, _held(share), reason=reason, values=values))


async def finish(
    now: datetime, share: Share, status: ShareStatus, reason: str, *, values: Values | None = None
) -> bool:
    """End a held share's attempt as failed or unconfirmed (`values`: e.g. whether to reconcile)."""
    transition = {FAILED: FAIL, UNCONFIRMED: LOSE_TRACK}[status]
    return bool(await apply(transition, now, _held(share), reason=reason,
                            values={**RELEASED, "last_error": reason, **(values or {})}))


async def lose_track(conn: BaseDBAsyncClient, now: datetime, ids: Sequence[int], reason: str) -> list[Change]:
    """Shares whose publishing worker's lease ran out: unconfirmed, to be reconciled."""
    return await apply(
        LOSE_TRACK, now, Q(id__in=list(ids), lease_until__lt=now), reason=reason, conn=conn,
        values={**RELEASED, "needs_reconcile": True, "due_at": now, "last_error": reason},
    )


async def pause_waiting(now: datetime, which: Q, reason: str) -> list[Change]:
    """Pause the waiting shares matching `which`; one awaiting reconciliation keeps that flag."""
    return await apply(PAUSE, now, which & WAITING_TO_PUBLISH, reason=reason,
                       values={**RELEASED, "last_error": reason})


async def pause_held(now: datetime, share: Share, reason: str) -> bool:
    """Pause a share its dispatcher holds (its attempt met a dead token)."""
    return bool(await apply(PAUSE, now, _held(share) & Q(status=PUBLISHING), reason=reason,
                            values={**RELEASED, "last_error": reason}))


async def resume(now: datetime, which: Q, reason: str) -> list[Change]:
    """Queue paused shares again; one whose time passed while paused is due now."""
    async with in_transaction() as conn:
        resumed = await apply(RESUME, now, which, reason=reason, conn=conn,
                              values={"attempts": 0, "last_error": ""})
        ids = [change.share_id for change in resumed]
        if ids:
            await Share.filter(id__in=ids, due_at__lt=now).using_db(conn).update(due_at=now)
    return resumed


async def cancel(
    now: datetime, which: Q, reason: str, *, values: Values | None = None,
    conn: BaseDBAsyncClient | None = None,
) -> list[Change]:
    """Cancel the waiting (queued or paused) shares matching `which`."""
    return await apply(CANCEL, now, which, reason=reason, values=values, conn=conn)


async def retry(now: datetime, share_id: int, reason: str) -> bool:
    """Queue a failed or unconfirmed share again, due now; an unconfirmed one is reconciled."""
    return bool(await apply(
        RETRY, now, Q(id=share_id), reason=reason, values={"due_at": now, "attempts": 0},
        per_source={FAILED: {"needs_reconcile": False}, UNCONFIRMED: {"needs_reconcile": True}},
    ))


async def move(now: datetime, share_id: int, due_at: datetime, reason: str) -> bool:
    """Move a queued share no dispatcher holds to another time."""
    return bool(await apply(MOVE, now, Q(id=share_id, lease_owner__isnull=True), reason=reason,
                            values={"due_at": due_at}))


async def correct(now: datetime, share_id: int, *, was: str, text: str, reason: str) -> bool:
    """Give a queued share a corrected text, if its text is still `was`."""
    return bool(await apply(CORRECT, now, Q(id=share_id, text=was), reason=reason, values={"text": text}))


async def note(now: datetime, share_id: int, reason: str) -> bool:
    """Write what was found about a published share to its history."""
    return bool(await apply(NOTE, now, Q(id=share_id), reason=reason))
