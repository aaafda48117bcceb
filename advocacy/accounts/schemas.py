"""Request and response shapes of the accounts API."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel

from advocacy.accounts.models import NETWORK_LABELS, AccountNotice, Network, SocialAccount


class ConnectedAccountOut(BaseModel):
    id: int
    network: str
    network_label: str
    handle: str
    followers: int | None
    # connected, needs_reconnect or disconnected
    status: str
    status_reason: str
    connected_at: datetime
    token_expires_at: datetime | None

    @classmethod
    def of(cls, account: SocialAccount) -> ConnectedAccountOut:
        network = account.network.value if isinstance(account.network, Network) else str(account.network)
        return cls(
            id=account.id, network=network, network_label=NETWORK_LABELS.get(network, network),
            handle=account.handle, followers=account.followers, status=account.status,
            status_reason=account.status_reason, connected_at=account.connected_at,
            token_expires_at=account.token_expires_at,
        )


class AccountNoticeOut(BaseModel):
    id: int
    account_id: int
    kind: str
    message: str
    created_at: datetime

    @classmethod
    def of(cls, notice: AccountNotice) -> AccountNoticeOut:
        return cls(id=notice.id, account_id=notice.account_id,  # type: ignore[attr-defined]
                   kind=notice.kind, message=notice.message, created_at=notice.created_at)


class AccountsOut(BaseModel):
    accounts: list[ConnectedAccountOut]
    notices: list[AccountNoticeOut]
