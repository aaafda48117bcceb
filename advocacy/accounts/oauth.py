"""Connecting an account: the OAuth redirect, the callback, and keeping what the platform gave.

X goes through OAuth 2.0 with PKCE (tweepy's `OAuth2UserHandler`), LinkedIn through its
three-legged flow (python-linkedin-v2's `LinkedInAuthentication` on the /oauth/v2/ endpoints).
Each authorization in flight is a `ConnectAttempt` row bound to the person and to a random value in
their session cookie; its state is good once (the row is deleted by the callback that uses it), and
only a callback from the same person in the same browser can use it. A refused, replayed or failed
callback changes nothing but that row.

With `network_mode = "sandbox"` there is no platform to ask: connecting makes a simulated account.
"""

from __future__ import annotations

import asyncio
import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from tortoise.transactions import in_transaction

from advocacy.accounts.connections import CONNECTED, network_label
from advocacy.accounts.models import NETWORK_LABELS, ConnectAttempt, Network, SocialAccount
from advocacy.accounts.networks import NetworkRegistry
from advocacy.accounts.parking import NetworkParking
from advocacy.audit import service as audit
from advocacy.clock import Clock
from advocacy.errors import Conflict, DomainError, InvalidInput
from advocacy.settings import Settings
from advocacy.shares.pausing import resume_account_shares
from advocacy.users.models import User
from connectors.base import (
    AccountRef,
    AuthExpired,
    ConnectorError,
    PermanentError,
    Profile,
    RateLimited,
    TransientError,
)
from connectors.linkedin import LinkedInConnector, LinkedInOAuth
from connectors.linkedin.oauth import scopes_for
from connectors.x import XConnector
from connectors.x.oauth import XOAuth

SESSION_BINDING = "oauth_binding"
ATTEMPT_LIFETIME = timedelta(minutes=15)


class ConnectRefused(DomainError):
    """The platform or the person said no, or the callback does not belong to an attempt of ours."""

    status_code = 400
    code = "connect_refused"


class PlatformUnavailable(DomainError):
    status_code = 502
    code = "platform_unavailable"


@dataclass(frozen=True)
class ConnectResult:
    account: SocialAccount
    reconnected: bool
    resumed_shares: list[int]


def redirect_uri(settings: Settings, network: str) -> str:
    """The callback address to register with the platform's app."""
    base = settings.oauth_redirect_base_url or settings.public_base_url
    return f"{base.rstrip('/')}/accounts/callback/{network}"


def _digest(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()


def _network(value: str) -> str:
    if value not in NETWORK_LABELS:
        raise InvalidInput(f"There is no network called {value!r}: choose X or LinkedIn.")
    return value


def is_configured(settings: Settings, network: str) -> bool:
    if settings.network_mode != "live":
        return True
    client_id = settings.x_client_id if network == Network.X.value else settings.linkedin_client_id
    return bool(client_id)


class AccountConnector:
    """Starts and finishes OAuth connections for one process (it uses the registry's HTTP client)."""

    def __init__(self, settings: Settings, networks: NetworkRegistry, clock: Clock) -> None:
        self.settings = settings
        self.networks = networks
        self.clock = clock

    def _x(self) -> XOAuth:
        s = self.settings
        return XOAuth(
            client_id=s.x_client_id, client_secret=s.x_client_secret,
            redirect_uri=redirect_uri(s, Network.X.value), authorize_url=s.x_authorize_url,
            token_url=s.x_token_url, timeout_seconds=s.connector_timeout_seconds,
        )

    def _linkedin(self) -> LinkedInOAuth:
        s = self.settings
        return LinkedInOAuth(
            client_id=s.linkedin_client_id, client_secret=s.linkedin_client_secret,
            redirect_uri=redirect_uri(s, Network.LINKEDIN.value), authorize_url=s.linkedin_authorize_url,
            token_url=s.linkedin_token_url, http=self.networks.http,
            scopes=scopes_for(s.linkedin_post_analytics),
        )

    async def start(self, user: User, network: str, session: dict[str, object]) -> str:
        """Begin connecting: returns the platform address to send the person to.

        In sandbox mode the simulated account is made at once and the address is our own page.
        """
        network = _network(network)
        if self.settings.network_mode != "live":
            await self._connect_simulated(user, network)
            return "/accounts"
        if not is_configured(self.settings, network):
            raise ConnectRefused(
                f"{NETWORK_LABELS[network]} is not set up on this service yet: an administrator must "
                f"register an app and fill in its client id (see the README)."
            )
        binding = session.get(SESSION_BINDING)
        if not isinstance(binding, str):
            binding = secrets.token_urlsafe(24)
            session[SESSION_BINDING] = binding
        now = self.clock.now()
        verifier: str | None = None
        if network == Network.X.value:
            # Builds the PKCE pair: synchronous library code, kept off the event loop.
            authorization = await asyncio.to_thread(self._x().authorization)
            url, state, verifier = authorization.url, authorization.state, authorization.code_verifier
        else:
            state = secrets.token_urlsafe(32)
            url = self._linkedin().authorization_url(state)
        await ConnectAttempt.filter(expires_at__lt=now).delete()  # old abandoned attempts
        await ConnectAttempt.create(
            user_id=user.id, network=network, state_hash=_digest(state), session_hash=_digest(binding),
            code_verifier_encrypted=self.networks.cipher.encrypt(verifier), created_at=now,
            expires_at=now + ATTEMPT_LIFETIME,
        )
        return url

    async def _take_attempt(
        self, user: User, network: str, state: str, session: dict[str, object]
    ) -> ConnectAttempt:
        """The attempt this callback answers, removed so that its state cannot be used again."""
        binding = session.get(SESSION_BINDING)
        attempt = await ConnectAttempt.get_or_none(state_hash=_digest(state)) if state else None
        if attempt is None:
            raise ConnectRefused(
                "This connection link was already used or never started here. "
                "Nothing was changed: start again from your accounts page."
            )
        # Whatever follows, this state is spent: a second callback with it finds nothing.
        taken = await ConnectAttempt.filter(id=attempt.id).delete()
        if (
            not taken
            or attempt.user_id != user.id  # type: ignore[attr-defined]
            or not isinstance(binding, str)
            or attempt.session_hash != _digest(binding)
            or attempt.network != network
        ):
            raise ConnectRefused(
                "This connection was started by someone else or in another browser. "
                "Nothing was changed: start again from your accounts page."
            )
        if attempt.expires_at <= self.clock.now():
            raise ConnectRefused(
                "This connection took too long and expired. Nothing was changed: start again."
            )
        return attempt

    async def finish(
        self, user: User, network: str, params: dict[str, str], session: dict[str, object]
    ) -> ConnectResult:
        """Handle the platform's redirect back: check it, exchange the code, keep the account."""
        network = _network(network)
        label = NETWORK_LABELS[network]
        attempt = await self._take_attempt(user, network, params.get("state", ""), session)
        error = params.get("error")
        if error:
            if error in ("access_denied", "user_cancelled_login", "user_cancelled_authorize"):
                raise ConnectRefused(f"You did not allow the connection at {label}. Nothing was changed.")
            raise ConnectRefused(f"{label} did not connect the account ({error}). Nothing was changed.")
        code = params.get("code", "")
        if not code:
            raise ConnectRefused(f"{label} sent no authorization code back. Nothing was changed.")
        try:
            if network == Network.X.value:
                verifier = self.networks.cipher.decrypt(attempt.code_verifier_encrypted) or ""
                # requests-based library code: kept off the event loop.
                x = await asyncio.to_thread(self._x().exchange_code, code, verifier, self.clock.now())
                access, refresh, expires_at = x.access_token, x.refresh_token, x.expires_at
            else:
                li = await self._linkedin().exchange_code(code, self.clock.now())
                access, refresh, expires_at = li.access_token, li.refresh_token, li.expires_at
            profile = await self._profile(network, access)
        except RateLimited as failure:
            if failure.scope == "app":
                # Every account would fail alike (a retired API version, a quota): the admins are
                # told and the platform's sharing waits, as when a share meets it.
                await NetworkParking(self.settings, self.clock).park(network, failure)
            if failure.kind == "retired_version":
                raise ConnectRefused(
                    f"{label} no longer accepts the API version this service is set to use, so the "
                    "account cannot be connected now. Nothing was changed: an administrator has been "
                    "told and must update the service's LinkedIn version setting; try again after that."
                ) from failure
            raise PlatformUnavailable(
                f"{label} is not taking more requests from this service for now ({failure.message}). "
                "Nothing was changed: try again later."
            ) from failure
        except (AuthExpired, PermanentError) as failure:
            raise ConnectRefused(f"{label} refused the connection: {failure.message}. Nothing was changed.") \
                from failure
        except TransientError as failure:
            raise PlatformUnavailable(
                f"{label} could not be reached or failed ({failure.message}). Nothing was changed: "
                "try again in a few minutes."
            ) from failure
        except ConnectorError as failure:
            raise ConnectRefused(f"{label}: {failure.message}. Nothing was changed.") from failure
        try:
            return await self._keep(user, network, profile, access, refresh, expires_at)
        except Conflict:
            # Someone else's account: the tokens just issued are not kept, so give them back.
            unkept = SocialAccount(
                network=network, access_token_encrypted=self.networks.cipher.encrypt(access),
                refresh_token_encrypted=self.networks.cipher.encrypt(refresh),
            )
            await self.networks.revoke_tokens(unkept)
            raise

    async def _profile(self, network: str, access_token: str) -> Profile:
        connector = self.networks.connector(network)
        if isinstance(connector, XConnector):
            return await connector.fetch_profile(
                AccountRef(network=network, external_id="", handle="", access_token=access_token)
            )
        assert isinstance(connector, LinkedInConnector)
        return await connector.fetch_member(access_token)

    async def _keep(
        self, user: User, network: str, profile: Profile, access: str, refresh: str | None,
        expires_at: datetime | None,
    ) -> ConnectResult:
        cipher = self.networks.cipher
        now = self.clock.now()
        async with in_transaction():
            existing = await SocialAccount.filter(
                network=network, external_id=profile.external_id
            ).select_for_update().first()
            if existing is not None and existing.user_id != user.id:  # type: ignore[attr-defined]
                raise Conflict(
                    f"The {NETWORK_LABELS[network]} account {profile.handle} is already connected by "
                    "someone else here. Each account can belong to one person: sign in to "
                    f"{NETWORK_LABELS[network]} as yourself, or ask an administrator."
                )
            values: dict[str, Any] = {
                "handle": profile.handle, "status": CONNECTED, "status_reason": "",
                "access_token_encrypted": cipher.encrypt(access),
                "refresh_token_encrypted": cipher.encrypt(refresh),
                "token_expires_at": expires_at, "parked_until": None, "parked_reason": "",
            }
            if profile.followers is not None:
                values["followers"] = profile.followers
            if existing is None:
                values["followers"] = profile.followers
                account = await SocialAccount.create(
                    user_id=user.id, network=network, external_id=profile.external_id,
                    connected_at=now, **values,
                )
            else:
                await SocialAccount.filter(id=existing.id).update(**values)
                account = await SocialAccount.get(id=existing.id)
        resumed: list[int] = []
        if existing is not None:
            resumed = await resume_account_shares(
                self.clock, account.id, f"resumed: the {network_label(account)} account was reconnected"
            )
        await audit.record(
            self.clock, user, "account.reconnect" if existing else "account.connect",
            f"social_account:{account.id}",
            {"network": network, "handle": account.handle, "followers": account.followers,
             "shares_resumed": len(resumed)},
        )
        return ConnectResult(account, existing is not None, resumed)

    async def _connect_simulated(self, user: User, network: str) -> SocialAccount:
        """Sandbox mode: a simulated account for this person, as if the platform had said yes."""
        external_id = f"sandbox-{network}-{user.id}"
        handle = (user.name or user.email.split("@")[0]).lower().replace(" ", "-")[:60]
        profile = Profile(external_id, handle, 150 + (user.id * 7919) % 2400)
        result = await self._keep(user, network, profile, f"sandbox-{secrets.token_urlsafe(12)}", None, None)
        return result.account
