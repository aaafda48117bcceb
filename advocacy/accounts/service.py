"""What a person sees and does with their own connected accounts (the page and the API share it)."""

from __future__ import annotations

from advocacy.accounts.connections import DISCONNECTED, disconnect
from advocacy.accounts.models import AccountNotice, SocialAccount
from advocacy.accounts.networks import NetworkRegistry
from advocacy.clock import Clock
from advocacy.errors import Conflict, NotFound
from advocacy.users.models import User


async def accounts_of(user: User) -> list[SocialAccount]:
    """The person's accounts, connected ones first; disconnected ones stay listed for their history."""
    accounts = await SocialAccount.filter(user_id=user.id, is_brand=False).order_by("network", "id")
    return sorted(accounts, key=lambda a: a.status == DISCONNECTED)


async def open_notices(user: User) -> list[AccountNotice]:
    notices = AccountNotice.filter(user_id=user.id, dismissed_at__isnull=True)
    return await notices.order_by("-created_at", "-id")


async def own_account(user: User, account_id: int) -> SocialAccount:
    account = await SocialAccount.get_or_none(id=account_id, user_id=user.id, is_brand=False)
    if account is None:
        raise NotFound(f"You have no connected account {account_id}.")
    return account


async def disconnect_own(
    clock: Clock, networks: NetworkRegistry, user: User, account_id: int
) -> SocialAccount:
    """The person's Disconnect button: revoke and delete the tokens, pause the waiting shares."""
    account = await own_account(user, account_id)
    if account.status == DISCONNECTED:
        raise Conflict("This account is already disconnected.")
    await disconnect(account, networks, clock, reason="disconnected by its owner")
    return account


async def dismiss_notice(clock: Clock, user: User, notice_id: int) -> None:
    updated = await AccountNotice.filter(id=notice_id, user_id=user.id, dismissed_at__isnull=True).update(
        dismissed_at=clock.now()
    )
    if not updated:
        raise NotFound(f"You have no open notice {notice_id}.")
