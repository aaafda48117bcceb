"""Token health: keeps connected accounts able to publish, ahead of need.

One pass (the scheduler runs it every `token_health_interval_seconds`):
- X access tokens that expire before the next pass (plus the refresh margin) are refreshed now,
  under the account's row lock, with the rotated refresh token stored in the same transaction
  (`XTokenRefresher`); a refused refresh token marks the account "needs reconnect".
- LinkedIn tokens last 60 days and ordinary apps get no refresh token: their owner is reminded to
  reconnect N days before expiry (settings, 14 and 3 by default), each reminder once per token.
- A token past its expiry that cannot be refreshed marks the account "needs reconnect", which
  pauses its waiting shares and tells its owner (`connections.mark_needs_reconnect`).
One account failing never stops the pass for the others.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import timedelta

from advocacy.accounts.connections import (
    CONNECTED,
    mark_needs_reconnect,
    network_label,
    network_of,
    notify_owner,
)
from advocacy.accounts.models import Network, SocialAccount
from advocacy.accounts.networks import NetworkRegistry
from advocacy.clock import Clock
from advocacy.localtime import format_local
from advocacy.settings import Settings
from advocacy.users.models import User
from connectors.base import AuthExpired, ConnectorError

log = logging.getLogger(__name__)


@dataclass
class HealthReport:
    refreshed: int = 0
    reminded: int = 0
    needs_reconnect: list[int] = field(default_factory=list)
    errors: int = 0
    # Owners told that the platform would not renew an access that still works for a while.
    warned: int = 0


def reminder_days(settings: Settings) -> list[int]:
    """The reminder thresholds, most urgent first."""
    return sorted({int(d) for d in settings.linkedin_reconnect_reminder_days.split(",") if d.strip()})


class TokenHealth:
    def __init__(self, settings: Settings, networks: NetworkRegistry, clock: Clock) -> None:
        self.settings = settings
        self.networks = networks
        self.clock = clock
        self.days = reminder_days(settings)
        # Refresh anything that would expire before the pass after this one could refresh it.
        self.refresh_window = timedelta(
            seconds=settings.token_health_interval_seconds + settings.x_token_refresh_margin_seconds
        )

    async def run_once(self) -> HealthReport:
        report = HealthReport()
        now = self.clock.now()
        horizon = now + max(self.refresh_window, timedelta(days=max(self.days, default=0)))
        due = await SocialAccount.filter(
            status=CONNECTED, is_brand=False, token_expires_at__isnull=False, token_expires_at__lte=horizon
        ).order_by("token_expires_at", "id")
        for account in due:
            try:
                await self._check(account, report)
            except Exception:
                report.errors += 1
                log.exception("token health check of account %s failed", account.id)
        return report

    async def _check(self, account: SocialAccount, report: HealthReport) -> None:
        now = self.clock.now()
        assert account.token_expires_at is not None
        if account.token_expires_at <= now + self.refresh_window and account.refresh_token_encrypted:
            try:
                if await self.networks.refresh_if_due(account, self.refresh_window):
                    report.refreshed += 1
                    return
            except AuthExpired as error:
                if account.token_expires_at > now:
                    # The current access still works: keep sharing with it, and tell the owner
                    # in time to reconnect before it ends.
                    if await self._warn_refresh_refused(account, error.message):
                        report.warned += 1
                    return
                await mark_needs_reconnect(
                    self.clock, account, f"{error.message}, and the current access has ended")
                report.needs_reconnect.append(account.id)
                return
            except ConnectorError as error:
                # The platform is down: the next pass (or the dispatcher) tries again.
                log.warning("refreshing the token of account %s failed: %s", account.id, error.message)
                report.errors += 1
                return
        if account.token_expires_at <= now:
            owner = await User.get_or_none(id=account.user_id)  # type: ignore[attr-defined]
            when = format_local(account.token_expires_at, owner)
            await mark_needs_reconnect(self.clock, account, f"the access token expired on {when}")
            report.needs_reconnect.append(account.id)
            return
        if network_of(account) == Network.LINKEDIN.value and await self._remind(account):
            report.reminded += 1

    async def _warn_refresh_refused(self, account: SocialAccount, why: str) -> bool:
        """Tell the owner, once per token, that the access cannot be renewed and when it ends."""
        assert account.token_expires_at is not None
        owner = await User.get_or_none(id=account.user_id)  # type: ignore[attr-defined]
        ends = format_local(account.token_expires_at, owner)
        label = network_label(account)
        message = (
            f"{label} would not renew the connection of {account.handle}: {why}. Shares keep going "
            f"out until the current access ends on {ends}; reconnect the account before then so "
            "nothing has to wait."
        )
        key = f"refresh_refused:{account.id}:{account.token_expires_at.isoformat()}"
        return await notify_owner(self.clock, account, "refresh_refused", key, message)

    async def _remind(self, account: SocialAccount) -> bool:
        """Send the most urgent reminder whose day has come, unless it was sent for this token."""
        assert account.token_expires_at is not None
        left = account.token_expires_at - self.clock.now()
        due = [d for d in self.days if left <= timedelta(days=d)]
        if not due:
            return False
        days = due[0]
        owner = await User.get_or_none(id=account.user_id)  # type: ignore[attr-defined]
        ends = format_local(account.token_expires_at, owner)
        in_days = max(1, round(left / timedelta(days=1)))
        message = (
            f"Your {network_label(account)} access for {account.handle} ends on {ends} (in {in_days} "
            f"day{'s' if in_days != 1 else ''}). {network_label(account)} asks people to approve again "
            "every 60 days: reconnect before then so your scheduled shares keep going out."
        )
        key = f"expiry:{account.id}:{account.token_expires_at.isoformat()}:{days}"
        return await notify_owner(self.clock, account, f"expiry_{days}d", key, message)
