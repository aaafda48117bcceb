"""Networks parked for the whole application: why and until when, one probing share, and the admins told.

A per-app limit (a daily quota), X's credits used up or a LinkedIn API version LinkedIn retired stop
every share of a network alike. The network is parked in the database (`AppParking`), so every
worker in every process leaves it alone: its shares stay queued and use up no attempts. When the
wait ends one worker wins the probe (a conditional update of the row) and sends a single share;
the same answer parks the network again for twice as long (up to the cap, never past a quota's own
reset), any other answer resumes it. Admins are told once per parking, in-app and on their channels.
A parking for a retired LinkedIn version made under another version than the one now configured
is over as soon as a process with the new setting looks.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from tortoise.exceptions import IntegrityError

from advocacy.accounts.models import NETWORK_LABELS, AppParking, ParkingKind
from advocacy.clock import Clock
from advocacy.leasing import Backoff
from advocacy.notify.service import notify_audience
from advocacy.settings import Settings
from advocacy.users.models import Role, User
from connectors.base import RateLimited

# What the parking means for the people whose shares wait (the platform's words are for admins).
WAITING = {
    ParkingKind.QUOTA: "{label} sharing is at its daily limit for this service; your share waits and "
                       "goes out by itself when the limit lifts",
    ParkingKind.CREDITS: "{label} sharing is on hold for this service until an administrator acts "
                         "(they have been told); your share waits and goes out by itself after that",
    ParkingKind.RETIRED_VERSION: "{label} sharing is on hold for this service until an administrator "
                                 "acts (they have been told); your share waits and goes out by itself "
                                 "after that",
}
ADMIN_NOTICE = "network_parked"


class NetworkParking:
    """Parks, probes and resumes whole networks for this process's settings."""

    def __init__(self, settings: Settings, clock: Clock) -> None:
        self.settings = settings
        self.clock = clock
        self.probe_backoff = Backoff(
            first=timedelta(seconds=settings.parking_probe_first_seconds), factor=2,
            cap=timedelta(seconds=settings.parking_probe_cap_seconds),
        )

    def setting_of(self, network: str) -> str:
        """The operator setting a parking of `network` depends on (LinkedIn: its API version)."""
        return self.settings.linkedin_version if network == "linkedin" else ""

    async def parked(self, now: datetime) -> list[str]:
        """The networks nothing may be sent to now. A retired-version parking made under another
        version than this process's ends here: the operator changed the setting."""
        rows = await AppParking.filter(until__gt=now)
        stale = [row.network for row in rows if self._settled(row)]
        if stale:
            await AppParking.filter(network__in=stale, kind=ParkingKind.RETIRED_VERSION).delete()
        return [row.network for row in rows if row.network not in stale]

    def _settled(self, row: AppParking) -> bool:
        return row.kind == ParkingKind.RETIRED_VERSION and row.setting != self.setting_of(row.network)

    async def take_probes(self, now: datetime, hold: timedelta) -> list[str]:
        """The networks whose wait is over and whose probe this caller won: each stays parked for
        everyone else for `hold` (if the prober dies, another one probes after that)."""
        won = []
        for row in await AppParking.filter(until__lte=now):
            if self._settled(row):
                await AppParking.filter(network=row.network, until=row.until).delete()
                continue
            if await AppParking.filter(network=row.network, until=row.until).update(until=now + hold):
                won.append(row.network)
        return won

    async def release_probe(self, network: str, now: datetime) -> None:
        """Nothing was waiting to probe with: the next share that comes probes at once."""
        await AppParking.filter(network=network, until__gt=now).update(until=now)

    async def park(self, network: str, error: RateLimited) -> AppParking:
        """Park `network` after `error` (first time, or a probe that met the same answer)."""
        now = self.clock.now()
        kind = ParkingKind(error.kind)
        ends_at = error.until if kind == ParkingKind.QUOTA else None
        row = await AppParking.get_or_none(network=network)
        if row is None:
            try:
                row = await AppParking.create(
                    network=network, until=self._next_probe(now, 0, ends_at), reason=error.message,
                    kind=kind, since=now, ends_at=ends_at, probes=0, setting=self.setting_of(network),
                )
            except IntegrityError:
                row = await AppParking.get(network=network)  # another worker parked it just now
            else:
                await self._tell_admins(row)
                return row
        row.probes += 1
        row.kind, row.reason, row.ends_at = kind, error.message, ends_at
        row.setting = self.setting_of(network)
        row.until = max(row.until, self._next_probe(now, row.probes, ends_at))
        await row.save()
        return row

    def _next_probe(self, now: datetime, probes: int, ends_at: datetime | None) -> datetime:
        probe = now + self.probe_backoff.delay(probes + 1)
        return min(probe, ends_at) if ends_at is not None else probe

    async def resume(self, network: str) -> bool:
        """The probe got through: the network is no longer parked."""
        return bool(await AppParking.filter(network=network).delete())

    async def _tell_admins(self, row: AppParking) -> None:
        label = NETWORK_LABELS.get(row.network, row.network)
        if row.kind == ParkingKind.QUOTA:
            then = f"it lifts by {row.ends_at:%Y-%m-%d %H:%M} UTC at the latest" if row.ends_at else ""
            what = f"{label} refused more posts from this service today: {row.reason}. {then}."
        else:
            what = (f"{label} refuses every post from this service: {row.reason}. Nothing can go out "
                    f"to {label} until this is fixed.")
        body = (f"{what} {label} shares wait in the queue (no attempts are used); one share probes "
                f"{label} now and then, and sharing resumes by itself once it gets through.")
        await notify_audience(
            self.clock, User.filter(role=Role.ADMIN, is_active=True), ADMIN_NOTICE,
            f"{label} sharing is on hold for the whole service", body, link="/admin/status",
            dedupe_key=f"parking:{row.network}:{row.since.isoformat() if row.since else ''}",
        )


def waiting_reason(network: str, error: RateLimited) -> str:
    """What a share waiting on a parked network says to its ambassador."""
    label = NETWORK_LABELS.get(network, network)
    return "waiting: " + WAITING[ParkingKind(error.kind)].format(label=label)
