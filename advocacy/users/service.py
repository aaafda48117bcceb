"""Rules for people: creating accounts, changing their role, deactivating and reactivating them,
checking passwords, issuing and resolving API tokens."""

from __future__ import annotations

import hashlib
import math
import secrets
from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any, NamedTuple

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from pydantic import EmailStr, TypeAdapter, ValidationError
from tortoise.expressions import F
from tortoise.queryset import QuerySet
from tortoise.transactions import in_transaction

from advocacy import audit
from advocacy.clock import Clock
from advocacy.errors import Conflict, Forbidden, InvalidInput, NotAuthenticated, NotFound, TooManyAttempts
from advocacy.settings import Settings
from advocacy.users import repository
from advocacy.users.models import ApiToken, LoginAttempt, PasswordReset, Role, User
from advocacy.users.passwords import check_password
from advocacy.users.repository import Alongside

_hasher = PasswordHasher()
_email = TypeAdapter(EmailStr)
# Verified against when the email is unknown, so a wrong email costs as long as a wrong password.
_DUMMY_HASH = _hasher.hash("not-a-real-password")

# A token's last use is written at most this often: a write on every API request cost more than the
# request itself. The idle timeout of sign-in tokens (whole minutes) can end up to this much early.
LAST_USED_RESOLUTION = timedelta(minutes=1)

# Reset emails one account can be sent within the sign-in throttling window.
PASSWORD_RESETS_PER_WINDOW = 3


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def parse_role(value: str) -> Role:
    try:
        return Role(value)
    except ValueError:
        allowed = ", ".join(r.value for r in Role)
        raise InvalidInput(f"Unknown role {value!r}: choose one of {allowed}.") from None


async def create_user(
    clock: Clock,
    *,
    email: str,
    role: str,
    password: str,
    name: str = "",
    department: str = "",
    region: str = "",
    timezone: str = "UTC",
    opted_in: bool = False,
    password_hash: str | None = None,
    actor: User | None = None,
) -> User:
    """Create an account. Ambassadors are opted in only when `opted_in` says so explicitly."""
    checked_role = parse_role(role)
    try:
        normalised = _email.validate_python(email.strip()).lower()
    except ValidationError:
        raise InvalidInput(f"{email!r} is not a valid email address.") from None
    if password_hash is None:
        check_password(password, (normalised, name))
    if await User.filter(email=normalised).exists():
        raise Conflict(f"An account for {normalised} already exists.")
    now = clock.now()
    user = await User.create(
        email=normalised,
        name=name or normalised.split("@")[0],
        role=checked_role,
        password_hash=password_hash or hash_password(password),
        department=department,
        region=region,
        timezone=timezone,
        opted_in_at=now if opted_in and checked_role == Role.AMBASSADOR else None,
        created_at=now,
    )
    if actor is not None:
        await audit.record(clock, actor, "user.create", f"user:{user.id}",
                           {"email": user.email, "role": user.role.value})
    return user


async def get_user(user_id: int) -> User:
    user = await User.get_or_none(id=user_id)
    if user is None:
        raise NotFound(f"There is no person {user_id}.")
    return user


async def _refuse_removing_the_last_admin(user: User, what: str) -> None:
    """Someone must be left to manage people: the last active admin keeps the role and the account.
    Called inside the change's transaction, with the admins' rows locked (on PostgreSQL), so two
    admins demoting each other at once cannot both succeed."""
    if user.role != Role.ADMIN or not user.is_active:
        return
    admins = await User.filter(role=Role.ADMIN, is_active=True).select_for_update()
    if not {admin.id for admin in admins} - {user.id}:
        raise Conflict(f"{user.name} is the last active admin, so you cannot {what}: "
                       "make someone else an admin first.")


async def change_role(clock: Clock, actor: User | None, user_id: int, role: str) -> User:
    """Give a person another role; it applies from their next request. Nobody changes their own
    role, and the last active admin stays one."""
    wanted = parse_role(role)
    async with in_transaction():
        user = await get_user(user_id)
        if user.role == wanted:
            return user
        if actor is not None and actor.id == user.id:
            raise Forbidden("You cannot change your own role: ask another admin.")
        if user.deidentified_at is not None:
            raise Conflict("This account is de-identified; its role no longer matters.")
        await _refuse_removing_the_last_admin(user, f"make them {wanted.value}")
        before = user.role
        user.role = wanted
        await user.save(update_fields=["role"])
        await audit.record(clock, actor, "role.change", f"user:{user.id}",
                           {"email": user.email, "role": {"from": before.value, "to": wanted.value}})
    return user


async def deactivate_user(clock: Clock, actor: User | None, user_id: int) -> tuple[User, int]:
    """Close a person's account: they cannot sign in, every session and sign-in token of theirs
    ends at once (`end_sessions`), and their personal tokens are revoked, so reactivating them
    later brings none back. Returns the person and how many personal tokens were revoked. Nobody
    deactivates themselves, and the last active admin stays active.

    What they had queued to share is the caller's to hold (`advocacy.people.service`)."""
    async with in_transaction():
        user = await get_user(user_id)
        if actor is not None and actor.id == user.id:
            raise Forbidden("You cannot deactivate your own account: ask another admin.")
        if not user.is_active:
            raise Conflict(f"{user.name} is already deactivated.")
        await _refuse_removing_the_last_admin(user, "deactivate them")
        updated = await User.filter(id=user.id, is_active=True).update(is_active=False)
        if not updated:
            raise Conflict(f"{user.name} is already deactivated.")
        user.is_active = False
        await end_sessions(user)
        revoked = await ApiToken.filter(user_id=user.id, revoked_at=None).update(revoked_at=clock.now())
        await audit.record(clock, actor, "user.deactivate", f"user:{user.id}",
                           {"email": user.email, "active": {"from": True, "to": False},
                            "tokens_revoked": revoked})
    return user, revoked


async def reactivate_user(clock: Clock, actor: User | None, user_id: int) -> User:
    """Open a deactivated account again: the person signs in with their password as before (or
    asks for a reset link). A de-identified account stays closed for good."""
    async with in_transaction():
        user = await get_user(user_id)
        if user.deidentified_at is not None:
            raise Conflict("This account is de-identified and cannot be used again.")
        updated = await User.filter(id=user.id, is_active=False).update(is_active=True)
        if not updated:
            raise Conflict(f"{user.name} is already active.")
        user.is_active = True
        await audit.record(clock, actor, "user.reactivate", f"user:{user.id}",
                           {"email": user.email, "active": {"from": False, "to": True}})
    return user


async def authenticate(email: str, password: str) -> User:
    user = await User.get_or_none(email=email.strip().lower(), is_active=True)
    try:
        _hasher.verify(user.password_hash if user else _DUMMY_HASH, password)
    except (VerificationError, InvalidHashError):
        raise NotAuthenticated("The email or password is not right.") from None
    if user is None:
        raise NotAuthenticated("The email or password is not right.")
    return user


async def sign_in(clock: Clock, settings: Settings, email: str, password: str, address: str) -> User:
    """Check a password sign-in, refusing it while this address must wait before guessing this
    account's password again (`login_wait`) or has failed too often across accounts. Attempts live
    in the database, so every web process counts the same ones."""
    now = clock.now()
    normalised = email.strip().lower()[:254]
    address = address[:64]
    recent = LoginAttempt.filter(at__gte=now - timedelta(minutes=settings.login_window_minutes))
    wait = await login_wait(settings, now, recent.filter(email=normalised, address=address))
    if wait is None and await recent.filter(address=address, succeeded=False).count() \
            >= settings.login_max_failures_per_address:
        wait = timedelta(minutes=settings.login_window_minutes)
    if wait is not None:
        await audit.record(clock, None, "sign-in.throttled", normalised, address=address,
                           actor_email=normalised)
        seconds = max(1, math.ceil(wait.total_seconds()))
        raise TooManyAttempts(
            f"Too many failed sign-in attempts. Wait {_duration(seconds)} and try again, or reset "
            "your password.", {"retry_after": seconds})
    try:
        user = await authenticate(normalised, password)
    except NotAuthenticated:
        await LoginAttempt.create(at=now, email=normalised, address=address, succeeded=False)
        await audit.record(clock, None, "sign-in.failed", normalised, address=address,
                           actor_email=normalised)
        raise
    await LoginAttempt.create(at=now, email=normalised, address=address, succeeded=True)
    await audit.record(clock, user, "sign-in", f"user:{user.id}", {"method": "password"}, address=address)
    return user


async def login_wait(settings: Settings, now: datetime, attempts: QuerySet[LoginAttempt]) -> timedelta | None:
    """How long one address must still wait before trying one account's password again, given
    their recent `attempts`; None when it may try now.

    The first failures are free; after them the delay doubles with every failure, up to the
    window. It is counted per account *and* address, so nobody elsewhere can lock a person out,
    and a success from that address starts the count again."""
    last_success = await attempts.filter(succeeded=True).order_by("-id").first()
    failures = attempts.filter(succeeded=False)
    if last_success is not None:
        failures = failures.filter(id__gt=last_success.id)
    # Past this many the delay is the window anyway: no need to read every failure.
    enough = settings.login_free_failures + 32
    times = await failures.order_by("-id").limit(enough).values_list("at", flat=True)
    beyond = len(times) - settings.login_free_failures
    if beyond < 0:
        return None
    window = timedelta(minutes=settings.login_window_minutes)
    delay = min(timedelta(seconds=settings.login_first_delay_seconds) * 2 ** min(beyond, 30), window)
    left = times[0] + delay - now
    return left if left > timedelta(0) else None


def _duration(seconds: int) -> str:
    if seconds < 120:
        return f"{seconds} seconds"
    return f"{math.ceil(seconds / 60)} minutes"


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


async def issue_api_token(clock: Clock, user: User, name: str = "") -> str:
    """A new bearer token; only its digest is kept, so it can be shown exactly once."""
    token = secrets.token_urlsafe(32)
    await ApiToken.create(user=user, token_digest=_digest(token), name=name, created_at=clock.now(),
                          session_version=user.session_version)
    return token


async def end_sessions(user: User) -> None:
    """End every browser session and sign-in token of `user` at once, wherever they are: each
    carries the session version it started under, and the guard refuses any other than the
    current one. Personal tokens are left alone (they are revoked one by one)."""
    await User.filter(id=user.id).update(session_version=F("session_version") + 1)
    user.session_version += 1


async def create_personal_token(clock: Clock, user: User, name: str) -> tuple[ApiToken, str]:
    """A named token for a programmatic client; it has the rights of `user`'s role, no more."""
    label = name.strip()
    if not label:
        raise InvalidInput("Name the token after the client that will use it.", {"name": "required"})
    token = secrets.token_urlsafe(32)
    record = await ApiToken.create(user=user, token_digest=_digest(token), name=label[:100],
                                   created_at=clock.now())
    await audit.record(clock, user, "token.create", f"token:{record.id}", {"name": record.name})
    return record, token


async def tokens_of(user: User) -> list[ApiToken]:
    return await ApiToken.filter(user_id=user.id, revoked_at=None).order_by("-created_at", "-id")


async def revoke_token(clock: Clock, user: User, token_id: int) -> ApiToken:
    """Revoke one of `user`'s own tokens; it stops working at once."""
    record = await ApiToken.get_or_none(id=token_id, user_id=user.id, revoked_at=None)
    if record is None:
        raise NotFound(f"You have no active token {token_id}.")
    record.revoked_at = clock.now()
    await record.save(update_fields=["revoked_at"])
    await audit.record(clock, user, "token.revoke", f"token:{record.id}", {"name": record.name})
    return record


def sign_in_token_expired(record: repository.TokenUse, settings: Settings, now: datetime) -> bool:
    """A token handed out by signing in through the API lives like a browser session: it ends after
    the idle and the absolute session timeouts. Named personal tokens last until revoked."""
    if record.name:
        return False
    if now - record.created_at > timedelta(hours=settings.session_absolute_hours):
        return True
    return now - (record.last_used_at or record.created_at) > timedelta(minutes=settings.session_idle_minutes)


class Signed(NamedTuple):
    """The person a request is signed in as, and the row they were read from: it holds the columns
    a route asked to read alongside them (`repository.Alongside`)."""

    user: User
    row: Mapping[str, Any]


async def session_person(
    user_id: int, session_version: int, alongside: Alongside | None = None
) -> Signed | None:
    """The active person with this id whose sessions are at `session_version` (see
    `end_sessions`), read by one plain statement (with `alongside`'s columns): every signed-in
    page asks."""
    found = await repository.session_person(user_id, alongside)
    if found is None:
        return None
    user, row = found
    return Signed(user, row) if user.is_active and user.session_version == session_version else None


async def token_person(clock: Clock, settings: Settings, token: str,
                       alongside: Alongside | None = None) -> Signed | None:
    """The person `token` stands for, if it may be used now (`token_user`), read with the token in
    one plain statement (with `alongside`'s columns): every API request asks."""
    found = await repository.token_with_person(_digest(token), alongside)
    if found is None:
        return None
    record, row = found
    user = await token_user(clock, settings, record)
    return Signed(user, row) if user is not None else None


async def token_user(clock: Clock, settings: Settings, record: repository.TokenUse | None) -> User | None:
    """The person `record` (read with its person as `record.user`) stands for, if it may be used
    now: not revoked, its person active, a sign-in token within the session timeouts. Notes the
    use, at most once per `LAST_USED_RESOLUTION`."""
    if record is None or record.revoked_at is not None or not record.user.is_active:
        return None
    # A sign-in token ends with the sessions of its person (sign-out, password reset).
    if not record.name and record.session_version != record.user.session_version:
        return None
    if sign_in_token_expired(record, settings, clock.now()):
        return None
    now = clock.now()
    if record.last_used_at is None or now - record.last_used_at >= LAST_USED_RESOLUTION:
        await ApiToken.filter(id=record.id).update(last_used_at=now)
    return record.user


async def start_password_reset(
    clock: Clock, settings: Settings, email: str, *, requested_by: User | None = None
) -> PasswordReset | None:
    """A reset of the account with this email (its person loaded as `.user`), or None when there
    is none or it was sent enough links lately. `requested_by` is the admin who sent it for them
    (the audit log names them); by default the person asked themselves.

    The caller queues the email (`advocacy.notify.account_mail`) and answers the same either way, so
    the form reveals no accounts. The reset has no working link yet: `issue_reset_token` makes it
    when the email leaves, so no usable token waits in the outbox."""
    normalised = email.strip().lower()[:254]
    user = await User.get_or_none(email=normalised, is_active=True)
    now = clock.now()
    # The same work either way, one read and one write, so the time of the answer tells nothing.
    recent = await PasswordReset.filter(
        user_id=user.id if user else 0,
        created_at__gte=now - timedelta(minutes=settings.login_window_minutes)).count()
    if user is None:
        await audit.record(clock, None, "password.reset-requested", "", {"account": False},
                           actor_email=normalised)
        return None
    # A few links per sign-in window are plenty; more would let anyone flood a mailbox.
    if recent >= PASSWORD_RESETS_PER_WINDOW:
        await audit.record(clock, requested_by or user, "password.reset-throttled", f"user:{user.id}")
        return None
    async with in_transaction():
        # The digest of a token nobody will ever see: the reset works once its link is issued.
        reset = await PasswordReset.create(
            user=user, token_digest=_digest(secrets.token_urlsafe(32)), created_at=now,
            expires_at=now + timedelta(minutes=settings.password_reset_minutes))
        await audit.record(clock, requested_by or user, "password.reset-requested", f"user:{user.id}",
                           {"email": user.email} if requested_by else None)
    return reset


async def issue_reset_token(clock: Clock, reset_id: int) -> str | None:
    """A working token for the reset, made as its email leaves (a link sent again replaces the
    one before); None once it was used, replaced by a spent one, or expired."""
    token = secrets.token_urlsafe(32)
    issued = await PasswordReset.filter(id=reset_id, used_at=None, expires_at__gt=clock.now()).update(
        token_digest=_digest(token))
    return token if issued else None


async def finish_password_reset(clock: Clock, token: str, new_password: str) -> User:
    """Set a new password with a reset token; the token, and every other one of the account, is spent.

    Whoever knew the old password is shut out: every session and sign-in token of the account
    ends, and its personal tokens are revoked (one might have been made by an intruder)."""
    now = clock.now()
    async with in_transaction():
        reset = await PasswordReset.get_or_none(token_digest=_digest(token)).select_related("user")
        if reset is None or reset.used_at is not None or reset.expires_at <= now or not reset.user.is_active:
            raise InvalidInput("This reset link is not valid any more. Ask for a new one.")
        check_password(new_password, (reset.user.email, reset.user.name))
        # Only one request may spend the token, even when two arrive at once.
        spent = await PasswordReset.filter(id=reset.id, used_at=None).update(used_at=now)
        if not spent:
            raise InvalidInput("This reset link is not valid any more. Ask for a new one.")
        await PasswordReset.filter(user_id=reset.user.id, used_at=None).update(used_at=now)
        user = reset.user
        user.password_hash = hash_password(new_password)
        await user.save(update_fields=["password_hash"])
        await end_sessions(user)
        revoked = await ApiToken.filter(user_id=user.id, revoked_at=None).update(revoked_at=now)
        await audit.record(clock, user, "password.reset", f"user:{user.id}", {"tokens_revoked": revoked})
    return user
