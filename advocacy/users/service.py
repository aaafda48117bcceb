"""Rules for people: creating accounts, checking passwords, issuing and resolving API tokens."""

from __future__ import annotations

import hashlib
import secrets

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from pydantic import EmailStr, TypeAdapter, ValidationError

from advocacy.clock import Clock
from advocacy.errors import Conflict, InvalidInput, NotAuthenticated
from advocacy.users.models import ApiToken, Role, User

_hasher = PasswordHasher()
_email = TypeAdapter(EmailStr)
# Verified against when the email is unknown, so a wrong email costs as long as a wrong password.
_DUMMY_HASH = _hasher.hash("not-a-real-password")
MIN_PASSWORD_LENGTH = 8


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
) -> User:
    """Create an account. Ambassadors are opted in only when `opted_in` says so explicitly."""
    checked_role = parse_role(role)
    try:
        normalised = _email.validate_python(email.strip()).lower()
    except ValidationError:
        raise InvalidInput(f"{email!r} is not a valid email address.") from None
    if password_hash is None and len(password) < MIN_PASSWORD_LENGTH:
        raise InvalidInput(f"The password must have at least {MIN_PASSWORD_LENGTH} characters.")
    if await User.filter(email=normalised).exists():
        raise Conflict(f"An account for {normalised} already exists.")
    now = clock.now()
    return await User.create(
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


async def authenticate(email: str, password: str) -> User:
    user = await User.get_or_none(email=email.strip().lower(), is_active=True)
    try:
        _hasher.verify(user.password_hash if user else _DUMMY_HASH, password)
    except (VerificationError, InvalidHashError):
        raise NotAuthenticated("The email or password is not right.") from None
    if user is None:
        raise NotAuthenticated("The email or password is not right.")
    return user


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


async def issue_api_token(clock: Clock, user: User) -> str:
    """A new bearer token; only its digest is kept, so it can be shown exactly once."""
    token = secrets.token_urlsafe(32)
    await ApiToken.create(user=user, token_digest=_digest(token), created_at=clock.now())
    return token


async def user_for_token(clock: Clock, token: str) -> User | None:
    record = await ApiToken.get_or_none(token_digest=_digest(token)).select_related("user")
    if record is None or not record.user.is_active:
        return None
    record.last_used_at = clock.now()
    await record.save(update_fields=["last_used_at"])
    return record.user
