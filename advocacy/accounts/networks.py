"""Chooses the connector that serves each network, from settings, and maps accounts to it.

`network_mode = "sandbox"` serves both networks from the seeded simulated network; `"live"`
serves them from the real X and LinkedIn connectors, with URLs and credentials from settings.
One HTTP client per process: the registry owns it and closes it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

import httpx

from advocacy.accounts.models import Network, SocialAccount
from advocacy.accounts.tokens import XTokenRefresher
from advocacy.cipher import TokenCipher
from advocacy.clock import Clock
from advocacy.settings import Settings
from connectors.base import AccountRef, Connector, ConnectorError
from connectors.linkedin import LinkedInConnector
from connectors.sandbox import SandboxConnector, SandboxNetwork, SandboxParameters
from connectors.x import XConnector, revoke_x_token


@dataclass(frozen=True)
class Revocation:
    """What the platform said when asked to revoke an account's tokens."""

    # "revoked", "failed" (asked, but the platform refused or could not be reached), or
    # "unsupported" (the platform offers no revocation for this flow: the tokens lapse there).
    outcome: str
    detail: str = ""


class NetworkRegistry:
    """One connector per network for this process, and the process's HTTP client."""

    def __init__(
        self, settings: Settings, clock: Clock, *, fault_kinds: tuple[str, ...] = ("transient",)
    ) -> None:
        self.settings = settings
        self.cipher = TokenCipher(settings.token_key, settings.env)
        self.sandbox = SandboxNetwork(
            SandboxParameters(
                seed=settings.sandbox_seed,
                daily_post_limit=settings.sandbox_daily_post_limit,
                fault_rate=settings.sandbox_fault_rate,
                fault_kinds=fault_kinds,
            ),
            now=clock.now,
        )
        # The process's one HTTP client, for platform calls and everything else that leaves it
        # (webhooks, link previews): made with the registry in the lifespan or the worker, closed
        # with it at shutdown.
        self._http = httpx.AsyncClient(timeout=httpx.Timeout(settings.connector_timeout_seconds))
        self._x_refresher: XTokenRefresher | None = None
        self._connectors: dict[str, Connector]
        if settings.network_mode == "live":
            self._x_refresher = XTokenRefresher(settings, self.cipher, self._http, clock)
            self._connectors = {
                Network.X.value: XConnector(
                    api_base_url=settings.x_api_base_url, now=clock.now,
                    timeout_seconds=settings.connector_timeout_seconds,
                ),
                Network.LINKEDIN.value: LinkedInConnector(
                    api_base_url=settings.linkedin_api_base_url, version=settings.linkedin_version,
                    now=clock.now, http=self._http,
                ),
            }
        else:
            self._connectors = {
                network.value: SandboxConnector(network.value, self.sandbox) for network in Network
            }

    @property
    def http(self) -> httpx.AsyncClient:
        """The process's HTTP client."""
        return self._http

    def connector(self, network: str) -> Connector:
        try:
            return self._connectors[network]
        except KeyError:
            raise ValueError(f"no connector serves {network!r}") from None

    async def refresh_if_due(self, account: SocialAccount, within: timedelta) -> bool:
        """Refresh an X token that expires within `within` (ahead of need); False if not refreshable.

        Raises AuthExpired when X refuses the refresh token.
        """
        network = account.network.value if isinstance(account.network, Network) else account.network
        if network != Network.X.value or self._x_refresher is None:
            return False
        await self._x_refresher.access_token(account, margin=within, strict=True)
        return True

    async def renew_rejected_token(self, account: SocialAccount, rejected: str | None) -> AccountRef | None:
        """After the platform refused the access token `rejected`: the account with a renewed one
        (X: one refresh under the row lock), or None where the network offers no refresh.

        Raises AuthExpired when the platform refuses the refresh too.
        """
        network = account.network.value if isinstance(account.network, Network) else account.network
        if network != Network.X.value or self._x_refresher is None:
            return None
        return account_ref(account, access_token=await self._x_refresher.renew(account, rejected))

    async def account_ref(self, account: SocialAccount) -> AccountRef:
        """The account as a connector sees it, with a usable access token (refreshed if due)."""
        network = account.network.value if isinstance(account.network, Network) else account.network
        if network == Network.X.value and self._x_refresher is not None:
            token = await self._x_refresher.access_token(account)
        else:
            token = self.cipher.decrypt(account.access_token_encrypted)
        return account_ref(account, access_token=token)

    async def revoke_tokens(self, account: SocialAccount) -> Revocation:
        """Revoke the account's stored tokens at the platform, where the platform allows it.

        X offers POST /2/oauth2/revoke; the refresh token is revoked first (it is the one that
        lives on), then the access token. LinkedIn documents no revocation endpoint for member
        tokens: deleting them here is all there is, and they lapse at LinkedIn when they expire.
        """
        network = account.network.value if isinstance(account.network, Network) else account.network
        if self._http is None:
            return Revocation("unsupported", "the simulated network holds no real tokens")
        if network != Network.X.value:
            return Revocation(
                "unsupported",
                "LinkedIn offers no token revocation endpoint; the token was deleted here and "
                "lapses at LinkedIn when it expires (members can remove the app in their settings)",
            )
        try:
            tokens = [
                (self.cipher.decrypt(account.refresh_token_encrypted), "refresh_token"),
                (self.cipher.decrypt(account.access_token_encrypted), "access_token"),
            ]
        except ConnectorError as error:
            return Revocation("failed", error.message)
        try:
            for token, hint in tokens:
                if token:
                    await revoke_x_token(
                        self._http, revoke_url=self.settings.x_revoke_url,
                        client_id=self.settings.x_client_id, client_secret=self.settings.x_client_secret,
                        token=token, token_type_hint=hint,
                    )
        except ConnectorError as error:
            return Revocation("failed", error.message)
        return Revocation("revoked")

    async def close(self) -> None:
        for connector in self._connectors.values():
            close = getattr(connector, "close", None)
            if close is not None:
                await close()
        await self._http.aclose()


def account_ref(account: SocialAccount, access_token: str | None = None) -> AccountRef:
    return AccountRef(
        network=account.network.value if isinstance(account.network, Network) else account.network,
        external_id=account.external_id,
        handle=account.handle,
        followers=account.followers,
        access_token=access_token,
        is_brand=account.is_brand,
    )
