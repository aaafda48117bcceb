"""What an admin does to a person's account, and the list the people page shows.

The rules of accounts live in `advocacy.users.service` (creating, changing a role, deactivating,
reactivating, password resets); this module adds what reaches beyond the account: a deactivated
person's waiting shares are paused, so nothing goes out in the name of someone who left, and they
are queued again when the account is reactivated.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field

from tortoise.expressions import Q
from tortoise.transactions import in_transaction

from advocacy import audit
from advocacy.accounts.connections import network_label
from advocacy.accounts.models import SocialAccount
from advocacy.clock import Clock
from advocacy.errors import Conflict, InvalidInput
from advocacy.programme.members import status_of
from advocacy.settings import Settings
from advocacy.shares import lifecycle
from advocacy.users import service as users
from advocacy.users.models import Role, User

PAGE_SIZE = 50
# Written on each share paused at deactivation: reactivation queues exactly these again.
DEACTIVATED = "the person's account was deactivated"
REACTIVATED = "the person's account was reactivated"
STATES = {"active": {"is_active": True}, "deactivated": {"is_active": False}}
FIELD_LIMITS = {"name": 200, "department": 100, "region": 100}


@dataclass(frozen=True)
class AccountLine:
    network: str
    handle: str
    status: str


@dataclass(frozen=True)
class PersonRow:
    user: User
    programme: str  # an ambassador's membership, or that the role does not share
    accounts: list[AccountLine] = field(default_factory=list)


@dataclass(frozen=True)
class Created:
    user: User
    # True when no password was given: the person was sent a link to choose one.
    link_sent: bool


async def people_page(query: str = "", role: str = "", state: str = "", page: int = 1
                      ) -> tuple[list[PersonRow], int]:
    """One page of people by name (matching `query` in name or email, of one role and state), with
    their connected accounts and programme state, and how many match in all."""
    people = User.all()
    words = query.strip()[:254]
    if words:
        people = people.filter(Q(name__icontains=words) | Q(email__icontains=words))
    if role in set(Role):
        people = people.filter(role=Role(role))
    if state in STATES:
        people = people.filter(**STATES[state])
    total = await people.count()
    found = await people.order_by("name", "id").offset((max(page, 1) - 1) * PAGE_SIZE).limit(PAGE_SIZE)
    accounts: dict[int, list[AccountLine]] = {}
    for account in await SocialAccount.filter(user_id__in=[p.id for p in found], is_brand=False) \
            .order_by("network", "id"):
        accounts.setdefault(account.user_id, []).append(  # type: ignore[attr-defined]
            AccountLine(network_label(account), account.handle, account.status.value.replace("_", " ")))
    rows = [PersonRow(p, programme_state(p), accounts.get(p.id, [])) for p in found]
    return rows, total


def programme_state(user: User) -> str:
    if user.role != Role.AMBASSADOR:
        return "not an ambassador"
    return status_of(user)


async def create_person(clock: Clock, settings: Settings, admin: User, *, email: str, name: str,
                        role: str, department: str = "", region: str = "", password: str = "") -> Created:
    """Create an account through the one way accounts are made (`users.create_user`). Without a
    password, the account has none that works and the person is sent a link to choose one, through
    the outbox like every reset."""
    for label, value in (("name", name), ("department", department), ("region", region)):
        if len(value.strip()) > FIELD_LIMITS[label]:
            raise InvalidInput(f"The {label} is longer than {FIELD_LIMITS[label]} characters.",
                               {"field": label})
    if len(email.strip()) > 254:
        raise InvalidInput("The email address is longer than 254 characters.", {"field": "email"})
    unusable = None if password else users.hash_password(secrets.token_urlsafe(32))
    user = await users.create_user(
        clock, email=email, role=role, password=password, password_hash=unusable, name=name.strip(),
        department=department.strip(), region=region.strip(), actor=admin)
    if password:
        return Created(user, link_sent=False)
    await users.start_password_reset(clock, settings, user.email, requested_by=admin)
    return Created(user, link_sent=True)


async def deactivate_person(clock: Clock, admin: User | None, user_id: int) -> tuple[User, int]:
    """Deactivate the account (`users.deactivate_user`: sign-in, sessions and tokens end) and pause
    what they had waiting to share; returns the person and how many shares were paused."""
    async with in_transaction():
        user, _ = await users.deactivate_user(clock, admin, user_id)
        paused = await lifecycle.pause_waiting(clock.now(), Q(user_id=user.id), DEACTIVATED)
        if paused:
            await audit.record(clock, admin, "shares.pause", f"user:{user.id}",
                               {"shares": len(paused), "reason": DEACTIVATED})
    return user, len(paused)


async def reactivate_person(clock: Clock, admin: User | None, user_id: int) -> tuple[User, int]:
    """Reactivate the account and queue again the shares its deactivation paused (not those paused
    for another reason, such as an account to reconnect); returns the person and how many."""
    async with in_transaction():
        user = await users.reactivate_user(clock, admin, user_id)
        resumed = await lifecycle.resume(clock.now(), Q(user_id=user.id, last_error=DEACTIVATED),
                                         REACTIVATED)
        if resumed:
            await audit.record(clock, admin, "shares.resume", f"user:{user.id}",
                               {"shares": len(resumed), "reason": REACTIVATED})
    return user, len(resumed)


async def send_reset_link(clock: Clock, settings: Settings, admin: User, user_id: int) -> User:
    """Send the person a link to choose a new password (through the outbox, as when they ask
    themselves); their password keeps working until they use it."""
    user = await users.get_user(user_id)
    if not user.is_active:
        raise Conflict(f"{user.name} is deactivated: reactivate the account before sending a link.")
    if await users.start_password_reset(clock, settings, user.email, requested_by=admin) is None:
        raise Conflict(f"{user.name} was sent {users.PASSWORD_RESETS_PER_WINDOW} links in the last "
                       f"{settings.login_window_minutes} minutes: wait before sending another.")
    return user
