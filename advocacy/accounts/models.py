"""Tortoise models for connected social accounts and brand channels."""

from __future__ import annotations

from enum import StrEnum

from tortoise import fields
from tortoise.models import Model


class Network(StrEnum):
    LINKEDIN = "linkedin"
    X = "x"


class AccountStatus(StrEnum):
    """Whether an account can publish: "needs reconnect" when the platform said its token expired or
    was revoked; "disconnected" by the person, or at opt-out (the tokens are deleted, the history
    stays)."""

    CONNECTED = "connected"
    NEEDS_RECONNECT = "needs_reconnect"
    DISCONNECTED = "disconnected"


# How each network's name is written for people.
NETWORK_LABELS = {Network.LINKEDIN.value: "LinkedIn", Network.X.value: "X"}


def network_name(network: str) -> str:
    """A network's name as people write it ("LinkedIn", "X"), for every sentence shown to a person."""
    return NETWORK_LABELS.get(network, network)


class SocialAccount(Model):
    """A profile on one network that an ambassador (or the brand) publishes through."""

    id = fields.IntField(primary_key=True)
    user: fields.ForeignKeyNullableRelation = fields.ForeignKeyField(
        "models.User", related_name="social_accounts", null=True, on_delete=fields.CASCADE
    )
    network = fields.CharEnumField(Network, max_length=16)
    handle = fields.CharField(max_length=200)
    external_id = fields.CharField(max_length=200)
    followers = fields.IntField(null=True)
    is_brand = fields.BooleanField(default=False)
    status = fields.CharEnumField(AccountStatus, max_length=32, default=AccountStatus.CONNECTED)
    status_reason = fields.TextField(default="")
    connected_at = fields.DatetimeField()
    # OAuth tokens, Fernet-encrypted with the token key from settings (see accounts/tokens.py).
    access_token_encrypted: str | None = fields.TextField(null=True)
    refresh_token_encrypted: str | None = fields.TextField(null=True)
    token_expires_at = fields.DatetimeField(null=True)
    # A rate-limited account is parked: none of its shares is tried before this time.
    parked_until = fields.DatetimeField(null=True)
    parked_reason = fields.TextField(default="")

    class Meta:
        table = "social_accounts"
        unique_together = (("network", "external_id"),)


class ParkingKind(StrEnum):
    """Why a whole network is parked: a daily or monthly quota, X credits used up, or a LinkedIn API
    version LinkedIn retired (the last two wait for an operator)."""

    QUOTA = "quota"
    CREDITS = "credits"
    RETIRED_VERSION = "retired_version"


class AppParking(Model):
    """A network on which the whole application waits until `until`, then probes with one share.

    `probes` counts the probes that met the same answer since the parking began.
    """

    network = fields.CharField(max_length=16, primary_key=True)
    until = fields.DatetimeField()
    reason = fields.TextField(default="")
    kind = fields.CharEnumField(ParkingKind, max_length=32, default=ParkingKind.QUOTA, db_default="quota")
    since = fields.DatetimeField(null=True)
    # The quota's own end (midnight UTC for LinkedIn's daily ones): probing never goes past it.
    ends_at = fields.DatetimeField(null=True)
    probes = fields.IntField(default=0, db_default=0)
    # The operator setting in force when parked (LinkedIn: the API version): a process started with
    # another value asks the platform at once instead of waiting for the next probe.
    setting = fields.CharField(max_length=64, default="", db_default="")

    class Meta:
        table = "app_parkings"


class AccountNotice(Model):
    """A message to an ambassador about one of their accounts, shown on their pages until dismissed.

    `key` makes each notice happen once: a reconnect nudge is keyed by the account, the token
    expiry it is about and how many days ahead it was sent.
    """

    id = fields.IntField(primary_key=True)
    user: fields.ForeignKeyRelation = fields.ForeignKeyField(
        "models.User", related_name="account_notices", on_delete=fields.CASCADE
    )
    account: fields.ForeignKeyRelation = fields.ForeignKeyField(
        "models.SocialAccount", related_name="notices", on_delete=fields.CASCADE
    )
    kind = fields.CharField(max_length=32)
    key = fields.CharField(max_length=200, unique=True)
    message = fields.TextField()
    created_at = fields.DatetimeField()
    dismissed_at = fields.DatetimeField(null=True)

    class Meta:
        table = "account_notices"


class ConnectAttempt(Model):
    """One OAuth authorization in flight, bound to the person and the browser session that began it.

    Only hashes of the state and of the session binding are kept, and the PKCE verifier is
    encrypted. The row is deleted when the callback arrives, so each state is good once.
    """

    id = fields.IntField(primary_key=True)
    user: fields.ForeignKeyRelation = fields.ForeignKeyField(
        "models.User", related_name="connect_attempts", on_delete=fields.CASCADE
    )
    network = fields.CharField(max_length=16)
    state_hash = fields.CharField(max_length=64, unique=True)
    session_hash = fields.CharField(max_length=64)
    code_verifier_encrypted: str | None = fields.TextField(null=True)
    created_at = fields.DatetimeField()
    expires_at = fields.DatetimeField()

    class Meta:
        table = "connect_attempts"
