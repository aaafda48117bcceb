"""Joining and leaving the programme: opt in, opt out (effective at once), and de-identification.

Every step is appended to the consent log (`ConsentEvent`) with the guideline version in force.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

from tortoise.expressions import F, Q
from tortoise.transactions import in_transaction

from advocacy import audit
from advocacy.accounts.connections import disconnect
from advocacy.accounts.models import SocialAccount
from advocacy.accounts.networks import NetworkRegistry
from advocacy.clock import Clock
from advocacy.errors import Conflict, Forbidden
from advocacy.programme import guidelines
from advocacy.programme.models import ConsentAction, ConsentEvent, GroupMember
from advocacy.shares import lifecycle
from advocacy.shares.models import Share, ShareStatus
from advocacy.users.models import LoginAttempt, Role, User

log = logging.getLogger(__name__)
LEFT_REASON = "cancelled: the ambassador left the programme"


@dataclass
class OptOutOutcome:
    cancelled_share_ids: list[int] = field(default_factory=list)
    disconnected_account_ids: list[int] = field(default_factory=list)


async def _log(clock: Clock, user: User, action: ConsentAction, by: User | None, note: str = "") -> None:
    current = await guidelines.current_version()
    await ConsentEvent.create(user_id=user.id, action=action, at=clock.now(),
                              guideline_version=current.version if current else None,
                              by_id=by.id if by else None, note=note)


async def opt_in(clock: Clock, user: User, *, by: User | None = None) -> User:
    """Join (or rejoin) the programme. Only the person themself decides: `by` is recorded when
    it is someone else (the demo seeding, an import of consents collected elsewhere)."""
    if user.role != Role.AMBASSADOR:
        raise Forbidden("Only ambassador accounts can join the programme.")
    if user.deidentified_at is not None:
        raise Conflict("This account was de-identified and cannot rejoin; ask for a new invitation.")
    if user.opted_in_at is not None:
        return user
    now = clock.now()
    async with in_transaction():
        await User.filter(id=user.id).update(opted_in_at=now, opted_out_at=None)
        await _log(clock, user, ConsentAction.OPT_IN, by or user)
    user.opted_in_at, user.opted_out_at = now, None
    await audit.record(clock, by or user, "programme.opt-in", f"user:{user.id}")
    return user


async def opt_out(
    clock: Clock, user: User, networks: NetworkRegistry, *, by: User | None = None
) -> OptOutOutcome:
    """Leave the programme, effective when this returns.

    Every waiting (queued or paused) share of the person is cancelled. A dispatcher claiming the
    same rows at the same moment either took a share first (it is then in flight, as it was before
    the opt-out) or finds it cancelled: the cancelling update takes only rows still waiting, under
    their row locks on PostgreSQL. Shares awaiting reconciliation are not re-published. Then the
    person's connected accounts are disconnected: tokens revoked at the platform where its API
    allows, deleted here. Published shares and their metrics stay for the programme's totals; the
    person leaves the leaderboards (which show opted-in people only).
    """
    now = clock.now()
    outcome = OptOutOutcome()
    async with in_transaction() as conn:
        # Lock the person first, so two opt-outs (or an opt-out and a rejoin) do not interleave.
        locked = await User.filter(id=user.id).using_db(conn).select_for_update().first()
        if locked is None or locked.opted_in_at is None:
            raise Conflict("You are not in the programme, so there is nothing to leave.")
        await User.filter(id=user.id).using_db(conn).update(opted_in_at=None, opted_out_at=now)
        # The cancel locks the rows FOR UPDATE (without SKIP LOCKED): it waits for a claim in
        # progress, and PostgreSQL then re-reads the row and leaves it if the claim moved it out
        # of "queued".
        cancelled = await lifecycle.cancel(now, Q(user_id=user.id), LEFT_REASON,
                                           values={"last_error": LEFT_REASON}, conn=conn)
        ids = [change.share_id for change in cancelled]
        outcome.cancelled_share_ids = ids
        # An unconfirmed share would be published again to reconcile it: not for someone who left.
        await Share.filter(user_id=user.id, status=ShareStatus.UNCONFIRMED, needs_reconcile=True) \
            .using_db(conn).update(needs_reconcile=False, last_error=LEFT_REASON, updated_at=now)
        await _log(clock, user, ConsentAction.OPT_OUT, by or user)
    user.opted_in_at, user.opted_out_at = None, now
    accounts = SocialAccount.filter(user_id=user.id, is_brand=False).exclude(status="disconnected")
    for account in await accounts:
        try:
            await disconnect(account, networks, clock, reason="the ambassador left the programme")
            outcome.disconnected_account_ids.append(account.id)
        except Exception:  # one account failing must not keep the others' tokens
            log.exception("could not disconnect account %s after opt-out", account.id)
    await audit.record(clock, by or user, "programme.opt-out", f"user:{user.id}",
                       {"cancelled_shares": len(ids),
                        "disconnected_accounts": len(outcome.disconnected_account_ids)})
    return outcome


def placeholder_email(user_id: int) -> str:
    return f"former-ambassador-{user_id}@deidentified.invalid"


async def deidentify(clock: Clock, user: User, networks: NetworkRegistry) -> User:
    """Replace the person's name and email with a placeholder, for good.

    They leave the programme first if they had not. Shares, metrics and totals stay, attached to
    the placeholder; the account can no longer sign in. The consent log keeps the step; the audit
    log's entries by or about them name the placeholder instead.
    """
    if user.role != Role.AMBASSADOR:
        raise Forbidden("Only ambassador accounts can be de-identified here.")
    if user.deidentified_at is not None:
        raise Conflict("This account is already de-identified.")
    if user.opted_in_at is not None:
        await opt_out(clock, user, networks)
    now = clock.now()
    placeholder = f"Former ambassador {user.id}"
    async with in_transaction():
        await User.filter(id=user.id).update(
            name=placeholder, email=placeholder_email(user.id), manager_email="",
            password_hash="!deidentified", is_active=False, deidentified_at=now,
            session_version=F("session_version") + 1)
        await GroupMember.filter(user_id=user.id).delete()
        # Sign-in attempts are kept by address for throttling: the address goes with the name.
        await LoginAttempt.filter(email=user.email).delete()
        await SocialAccount.filter(user_id=user.id, is_brand=False).update(handle="(de-identified)")
        await _log(clock, user, ConsentAction.DEIDENTIFY, user)
        # Earlier entries (their account's creation, sign-ins, failed ones by address, leaving)
        # would otherwise name them in every page and export of the audit log.
        await audit.forget_person(user.id, user.email, user.name,
                                  placeholder_email=placeholder_email(user.id), placeholder_name=placeholder)
    await audit.record(clock, None, "programme.deidentify", f"user:{user.id}",
                       actor_email=placeholder_email(user.id))
    user.name, user.email = placeholder, placeholder_email(user.id)
    user.deidentified_at, user.is_active = now, False
    return user


async def consent_history(user: User) -> list[ConsentEvent]:
    return await ConsentEvent.filter(user_id=user.id).order_by("at", "id")
