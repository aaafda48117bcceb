"""Request and response shapes of the people API."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

from advocacy.documented import OneOf
from advocacy.localtime import zone_names
from advocacy.users.emails import EMAIL_ADDRESS
from advocacy.users.models import ApiToken, Role, User
from advocacy.users.passwords import MIN_PASSWORD_LENGTH

ZONE_PROBLEM = "{value} is not a time zone; use a name like Europe/London"


class LoginRequest(BaseModel):
    email: str = Field(min_length=3, max_length=254)
    password: str = Field(min_length=1, max_length=1024)


class TokenResponse(BaseModel):
    token: str


class UserOut(BaseModel):
    id: int
    email: str
    name: str
    role: str
    department: str
    region: str
    timezone: str
    opted_in: bool

    @classmethod
    def of(cls, user: User) -> UserOut:
        return cls(
            id=user.id,
            email=user.email,
            name=user.name,
            role=user.role.value,
            department=user.department,
            region=user.region,
            timezone=user.timezone,
            opted_in=user.opted_in_at is not None,
        )


class UserCreate(BaseModel):
    model_config = ConfigDict(regex_engine="python-re")  # the address pattern looks ahead

    email: str = Field(max_length=254, pattern=EMAIL_ADDRESS)
    role: Role
    password: str = Field(min_length=MIN_PASSWORD_LENGTH, max_length=1024)
    name: str = Field(default="", max_length=200)
    department: str = Field(default="", max_length=100)
    region: str = Field(default="", max_length=100)
    timezone: Annotated[str, OneOf(zone_names(), ZONE_PROBLEM)] = Field(
        default="UTC", description="An IANA name such as Europe/London")
    opted_in: bool = False


class TokenCreate(BaseModel):
    name: str = Field(min_length=1, max_length=100)


class TokenOut(BaseModel):
    """A personal token as listed: never the token itself, which is shown once, at creation."""

    id: int
    name: str
    created_at: datetime
    last_used_at: datetime | None

    @classmethod
    def of(cls, token: ApiToken) -> TokenOut:
        return cls(id=token.id, name=token.name, created_at=token.created_at, last_used_at=token.last_used_at)


class TokenCreated(TokenOut):
    token: str
