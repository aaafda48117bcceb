"""OAuth tokens at rest: Fernet-encrypted columns, and X's refresh before expiry under a row lock."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

import httpx
from tortoise.transactions import in_transaction

from advocacy.accounts.models import AccountStatus, SocialAccount
from advocacy.cipher import TokenCipher
from advocacy.clock import Clock
from advocacy.settings import Settings
from connectors.base import AuthExpired
from connectors.x import refresh_x_token


async def store_tokens(
    cipher: TokenCipher, account: SocialAccount, *, access_token: str, refresh_token: str | None,
    expires_at: datetime | None,
) -> None:
    """Keep an account's new tokens (after connecting) and mark it connected again."""
    account.access_token_encrypted = cipher.encrypt(access_token)
    account.refresh_token_encrypted = cipher.encrypt(refresh_token)
    account.token_expires_at = expires_at
    account.status, account.status_reason = AccountStatus.CONNECTED, ""
    await account.save(update_fields=[
        "access_token_encrypted", "refresh_token_encrypted", "token_expires_at", "status", "status_reason",
    ])


class XTokenRefresher:
    """Refreshes an X access token shortly before it expires.

    X refresh tokens are single use and rotate on every refresh, so two workers refreshing the same
    account at once would leave one of them with a spent token: the refresh runs while holding the
    account row's lock, and the new pair is written in that same transaction.
    """

    def __init__(
        self, settings: Settings, cipher: TokenCipher, http: httpx.AsyncClient, clock: Clock
    ) -> None:
        self.settings = settings
        self.cipher = cipher
        self.http = http
        self.clock = clock
        self.margin = timedelta(seconds=settings.x_token_refresh_margin_seconds)

    def _fresh(self, account: SocialAccount, margin: timedelta) -> bool:
        return account.token_expires_at is None or account.token_expires_at > self.clock.now() + margin

    def _usable(self, account: SocialAccount) -> bool:
        return account.token_expires_at is not None and account.token_expires_at > self.clock.now()

    async def access_token(
        self, account: SocialAccount, *, margin: timedelta | None = None, strict: bool = False
    ) -> str | None:
        """A usable access token, refreshed first when it expires within `margin` (default: the
        configured refresh margin).

        When X refuses the refresh but the current access token has time left, that token is used
        until it expires (a refresh ahead of need is no reason to stop sharing); with `strict` the
        refusal is raised instead (token health, which tells the owner).
        """
        margin = self.margin if margin is None else margin
        if self._fresh(account, margin):
            return self.cipher.decrypt(account.access_token_encrypted)
        try:
            await self._refresh(account, lambda locked: not self._fresh(locked, margin))
        except AuthExpired:
            if strict or not self._usable(account):
                raise
        return self.cipher.decrypt(account.access_token_encrypted)

    async def renew(self, account: SocialAccount, rejected: str | None) -> str | None:
        """A new access token after X refused `rejected`: refreshed under the row lock, unless
        another worker already replaced the refused token (then that one). Raises AuthExpired when
        X refuses the refresh token too."""
        def still_rejected(locked: SocialAccount) -> bool:
            return self.cipher.decrypt(locked.access_token_encrypted) in (rejected, None)

        await self._refresh(account, still_rejected)
        return self.cipher.decrypt(account.access_token_encrypted)

    async def _refresh(self, account: SocialAccount, needed: Callable[[SocialAccount], bool]) -> None:
        """Refresh while holding the account row's lock if `needed` still says so once it is held;
        `account` ends with the tokens stored now (ours, or another worker's)."""
        async with in_transaction() as conn:
            locked = await SocialAccount.filter(id=account.id).select_for_update().using_db(conn).get()
            if needed(locked):
                refresh_token = self.cipher.decrypt(locked.refresh_token_encrypted)
                if not refresh_token:
                    raise AuthExpired("the X access is no longer valid and no refresh token is stored")
                tokens = await refresh_x_token(
                    self.http, token_url=self.settings.x_token_url, client_id=self.settings.x_client_id,
                    client_secret=self.settings.x_client_secret, refresh_token=refresh_token,
                    now=self.clock.now(),
                )
                locked.access_token_encrypted = self.cipher.encrypt(tokens.access_token)
                # Without a new refresh token X did not rotate it: the old one is still the one.
                if tokens.refresh_token:
                    locked.refresh_token_encrypted = self.cipher.encrypt(tokens.refresh_token)
                locked.token_expires_at = tokens.expires_at
                await locked.save(
                    using_db=conn,
                    update_fields=["access_token_encrypted", "refresh_token_encrypted", "token_expires_at"],
                )
            # Someone else may have refreshed while we waited for the lock: use theirs.
            account.access_token_encrypted = locked.access_token_encrypted
            account.refresh_token_encrypted = locked.refresh_token_encrypted
            account.token_expires_at = locked.token_expires_at
