"""The reads behind the access guard, as named statements: a signed-in session's person, and a
bearer token with its person. Every request that someone signs asks one of them, so each is one
plain statement written once for both databases, with no query building.

A route may read more about the person in the same statement (`Alongside`): its columns are added
to the guard's row, keyed by the person's id, so the route's first read costs no second round
trip. A row becomes a `User` through the ORM's public `Model.construct`, each value the driver
does not already give as the field's own type converted by its field (`to_python_value`), as the ORM
converts the rows it loads. A token becomes a `TokenUse`: what the guard needs to let its person in.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from typing import Any, TypeVar

from tortoise import get_connection
from tortoise.models import Model

from advocacy.db import placeholder
from advocacy.users.models import ApiToken, User

M = TypeVar("M", bound=Model)
TOKEN_PREFIX = "token_"


@dataclass(frozen=True)
class Alongside:
    """Columns about the person that a route reads in the guard's statement.

    `columns(dialect, me)` is their SQL (`name AS …` expressions), where `me` stands for the
    person's id; their parameters are `values`, numbered from 2 (parameter 1 is the guard's own).
    `key` tells one set of columns from another, so each statement text is made once."""

    key: Hashable
    columns: Callable[[str, str], str]
    values: Sequence[Any] = ()


@dataclass(frozen=True, slots=True)
class TokenUse:
    """A bearer token as the guard reads it, with its person: whether and whom it lets in (see
    `advocacy.users.service.token_user`). Read only; the token itself is an `ApiToken`."""

    id: int
    name: str
    created_at: datetime
    last_used_at: datetime | None
    revoked_at: datetime | None
    session_version: int
    user: User


_TOKEN_COLUMNS = ("id", "name", "created_at", "last_used_at", "revoked_at", "session_version")
_TOKEN_MOMENTS = ("created_at", "last_used_at", "revoked_at")


@cache
def _fields(model: type[Model], dialect: str) -> tuple[tuple[str, str, Callable[[Any], Any] | None], ...]:
    """(attribute, column, conversion) of each stored field of `model`; no conversion for the
    fields the ORM itself takes from this database's driver as they come (its `db_native_fields`,
    which depend on the database: hence the dialect in the key)."""
    native = {name for _, name, _ in model._meta.db_native_fields}
    return tuple((name, column, None if name in native else model._meta.fields_map[name].to_python_value)
                 for name, column in model._meta.fields_db_projection.items())


def loaded(model: type[M], row: Mapping[str, Any], dialect: str) -> M:
    """An instance of `model` as stored, from the columns of `row` read from a `dialect` database."""
    values = {name: row[column] if convert is None else convert(row[column])
              for name, column, convert in _fields(model, dialect)}
    return model.construct(_saved_in_db=True, **values)


def _token_use(row: Mapping[str, Any], dialect: str) -> TokenUse:
    fields = ApiToken._meta.fields_map
    values = {column: row[TOKEN_PREFIX + column] for column in _TOKEN_COLUMNS}
    for column in _TOKEN_MOMENTS:
        values[column] = fields[column].to_python_value(values[column])
    return TokenUse(**values, user=loaded(User, row, dialect))


def _user_columns() -> str:
    return ", ".join(f"u.{column}" for column in User._meta.fields_db_projection.values())


def _more(alongside: Alongside | None, dialect: str) -> str:
    return f", {alongside.columns(dialect, 'u.id')}" if alongside else ""


def session_person_sql(dialect: str, alongside: Alongside | None = None) -> str:
    """The person whose id is parameter 1, as one row (with `alongside`'s columns)."""
    return (f"SELECT {_user_columns()}{_more(alongside, dialect)} FROM users u"
            f" WHERE u.id = {placeholder(dialect, 1)}")


def token_sql(dialect: str, alongside: Alongside | None = None) -> str:
    """The token whose digest is parameter 1 with its person, as one row (the token's columns
    prefixed `token_`; with `alongside`'s columns)."""
    token_columns = ", ".join(f"t.{column} AS {TOKEN_PREFIX}{column}" for column in _TOKEN_COLUMNS)
    return (f"SELECT {token_columns}, {_user_columns()}{_more(alongside, dialect)}"
            f" FROM api_tokens t JOIN users u ON u.id = t.user_id"
            f" WHERE t.token_digest = {placeholder(dialect, 1)}")


# Each statement's text, made once per kind, database and set of columns alongside (by its key).
_STATEMENTS: dict[tuple[Callable[..., str], str, Hashable], str] = {}


async def _row(sql: Callable[[str, Alongside | None], str], first: Any,
               alongside: Alongside | None) -> tuple[Mapping[str, Any] | None, str]:
    """The statement's one row (None when it found none), and the dialect of the database."""
    connection = get_connection("default")
    dialect = connection.capabilities.dialect
    key = (sql, dialect, alongside.key if alongside else None)
    statement = _STATEMENTS.get(key) or _STATEMENTS.setdefault(key, sql(dialect, alongside))
    values = [first, *(alongside.values if alongside else ())]
    _, rows = await connection.execute_query(statement, values)
    return (rows[0] if rows else None), dialect


async def session_person(user_id: int, alongside: Alongside | None = None
                         ) -> tuple[User, Mapping[str, Any]] | None:
    """The person with this id and the row they were read from (holding `alongside`'s columns),
    in one statement; None when there is nobody with that id."""
    row, dialect = await _row(session_person_sql, user_id, alongside)
    return (loaded(User, row, dialect), row) if row is not None else None


async def token_with_person(digest: str, alongside: Alongside | None = None
                            ) -> tuple[TokenUse, Mapping[str, Any]] | None:
    """The token with this digest, its person loaded as `.user`, and the row they were read from
    (holding `alongside`'s columns), in one statement; None for a digest nobody has."""
    row, dialect = await _row(token_sql, digest, alongside)
    if row is None:
        return None
    return _token_use(row, dialect), row
