"""The life of a connected account after the OAuth dance: losing its token, and disconnecting.

`mark_needs_reconnect` is what happens when a platform says a token expired or was revoked (the
dispatcher, the token health job): the account is marked, its waiting shares are paused with the
reason, and its owner is told on their pages.

`disconnect` is what a person's "Disconnect" button and their opt-out both call: the tokens are
revoked at the platform where its API allows, deleted here whatever the platform says, and the
account's waiting shares are paused (an opt-out cancels them first). The account row stays, so the
history of what it published stays with it.
"""

from __future__ import annotations

import logging

from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from advocacy.accounts.models import AccountNotice, AccountStatus, Network, SocialAccount, network_name
from advocacy.accounts.networks import NetworkRegistry
from advocacy.audit import service as audit
from advocacy.clock import Clock
from advocacy.notify.service import notify
from advocacy.shares.pausing import pause_account_shares
from advocacy.users.models import User

log = logging.getLogger(__name__)

CONNECTED = AccountStatus.CONNECTED
NEEDS_RECONNECT = AccountStatus.NEEDS_RECONNECT
DISCONNECTED = AccountStatus.DISCONNECTED


def network_of(account: SocialAccount) -> str:
    return account.network.value if isinstance(account.network, Network) else str(account.network)


def network_label(account: SocialAccount) -> str:
    return network_name(network_of(account))


async def disconnect(
    account: SocialAccount, networks: NetworkRegistry, clock: Clock, *, reason: str
) -> None:
    """Revoke the account's tokens at the platform (where allowed), delete them here, mark the
    account disconnected, pause its waiting shares and record who did it and what the platform said.

    A platform that is down or refuses does not stop the disconnection: the tokens are deleted here
    anyway and the failed revocation is recorded in the audit log.
    """
    # Read the tokens as stored now: a refresh may have rotated them since `account` was loaded.
    current = await SocialAccount.get(id=account.id)
    revocation = await networks.revoke_tokens(current)
    if revocation.outcome == "failed":
        log.warning("revoking the tokens of account %s at %s failed: %s",
                    account.id, network_of(account), revocation.detail)
    label = network_label(account)
    async with in_transaction():
        await SocialAccount.filter(id=account.id).update(
            status=DISCONNECTED, status_reason=reason, access_token_encrypted=None,
            refresh_token_encrypted=None, token_expires_at=None,
        )
        paused = await pause_account_shares(
            clock, account.id, f"paused: the {label} account was disconnected ({reason})"
        )
    owner = await User.get_or_none(id=account.user_id) if account.user_id else None  # type: ignore[attr-defined]
    await audit.record(
        clock, owner, "account.disconnect", f"social_account:{account.id}",
        {
            "network": network_of(account), "handle": account.handle, "reason": reason,
            "revocation": revocation.outcome, "revocation_detail": revocation.detail,
            "shares_paused": len(paused),
        },
    )
    account.status, account.status_reason = DISCONNECTED, reason
    account.access_token_encrypted = account.refresh_token_encrypted = None
    account.token_expires_at = None


def pause_reason(account: SocialAccount, reason: str) -> str:
    return f"paused: the {network_label(account)} account needs to be reconnected ({reason})"


async def mark_needs_reconnect(clock: Clock, account: SocialAccount, reason: str) -> list[int]:
    """The platform refused the account's token: mark it, pause its waiting shares, tell its owner.

    Returns the ids of the shares paused. Marking an account that is already marked only pauses
    what is still waiting; the owner is told once per time the account breaks.
    """
    now = clock.now()
    async with in_transaction():
        newly = await SocialAccount.filter(id=account.id, status=CONNECTED).update(
            status=NEEDS_RECONNECT, status_reason=reason
        )
        paused = await pause_account_shares(clock, account.id, pause_reason(account, reason))
    account.status, account.status_reason = NEEDS_RECONNECT, reason
    if newly and account.user_id is not None:  # type: ignore[attr-defined]
        label = network_label(account)
        # No count: shares of the same dispatch batch are paused just after this.
        message = (
            f"Your {label} account {account.handle} needs to be reconnected: {reason}. "
            "Shares waiting to go out through it are paused, and go out once you reconnect."
        )
        await notify_owner(clock, account, "needs_reconnect",
                           f"reconnect:{account.id}:{now.isoformat()}", message)
        owner = await User.get_or_none(id=account.user_id)  # type: ignore[attr-defined]
        await audit.record(clock, owner, "account.needs_reconnect", f"social_account:{account.id}",
                           {"network": network_of(account), "reason": reason, "shares_paused": len(paused)})
    return paused


async def notify_owner(
    clock: Clock, account: SocialAccount, kind: str, key: str, message: str
) -> bool:
    """Tell the account's owner, once per `key`; False if already told.

    This is the one place account news reaches a person: a notice on their accounts page, and the
    same news through their notification channels (email, Slack, Teams) at their chosen frequency.
    """
    try:
        await AccountNotice.create(
            user_id=account.user_id, account_id=account.id, kind=kind, key=key,  # type: ignore[attr-defined]
            message=message, created_at=clock.now(),
        )
    except IntegrityError:
        return False
    owner = await User.get_or_none(id=account.user_id)  # type: ignore[attr-defined]
    if owner is not None:
        await notify(clock, owner, f"account_{kind}", f"Your {network_label(account)} account needs you",
                     message, link="/accounts", dedupe_key=f"account:{key}")
    return True
