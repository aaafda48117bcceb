"""Chooses the connector that serves each network, from settings, and maps accounts to it."""

from __future__ import annotations

from advocacy.accounts.models import Network, SocialAccount
from advocacy.clock import Clock
from advocacy.settings import Settings
from connectors.base import AccountRef, Connector
from connectors.sandbox import SandboxConnector, SandboxNetwork, SandboxParameters


class NetworkRegistry:
    """One connector per network for this process."""

    def __init__(
        self, settings: Settings, clock: Clock, *, fault_kinds: tuple[str, ...] = ("transient",)
    ) -> None:
        self.sandbox = SandboxNetwork(
            SandboxParameters(
                seed=settings.sandbox_seed,
                daily_post_limit=settings.sandbox_daily_post_limit,
                fault_rate=settings.sandbox_fault_rate,
                fault_kinds=fault_kinds,
            ),
            now=clock.now,
        )
        self._connectors: dict[str, Connector] = {
            network.value: SandboxConnector(network.value, self.sandbox) for network in Network
        }

    def connector(self, network: str) -> Connector:
        try:
            return self._connectors[network]
        except KeyError:
            raise ValueError(f"no connector serves {network!r}") from None


def account_ref(account: SocialAccount) -> AccountRef:
    return AccountRef(
        network=account.network.value if isinstance(account.network, Network) else account.network,
        external_id=account.external_id,
        handle=account.handle,
        followers=account.followers,
        is_brand=account.is_brand,
    )
