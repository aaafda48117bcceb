"""The reads behind the access guard, as named statements: a signed-in session's person, and a
bearer token with its person. Every request that someone signs asks one of them, so each is one
plain statement written once for both databases, with no query building.

A route may read more about the person in the same statement (`Alongside`): its columns are added
to the guard's row, keyed by the person's id, so the route's first read costs no second round
trip. Rows become `User` and `ApiToken` through the ORM's public `Model.construct`, each value
converted by its own field (`to_python_value`), as the ORM converts the rows it loads.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any, TypeVar

from tortoise import connections
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


@cache
def _fields(model: type[Model]) -> tuple[tuple[str, str, Callable[[Any], Any]], ...]:
    """(attribute, column, conversion) of each stored field of `model`."""
    return tuple((name, column, model._meta.fields_map[name].to_python_value)
                 for name, column in model._meta.fields_db_projection.items())


def loaded(model: type[M], row: Mapping[str, Any], prefix: str = "", **related: Model) -> M:
    """An instance of `model` as stored, from the columns of `row` named `prefix` + column."""
    values = {name: convert(row[prefix + column]) for name, column, convert in _fields(model)}
    return model.construct(_saved_in_db=True, **values, **related)


def _user_columns() -> str:
    return ", ".join(f"u.{column}" for _, column, _ in _fields(User))


def _more(alongside: Alongside | None, dialect: str) -> str:
    return f", {alongside.columns(dialect, 'u.id')}" if alongside else ""


def session_person_sql(dialect: str, alongside: Alongside | None = None) -> str:
    """The person whose id is parameter 1, as one row (with `alongside`'s columns)."""
    return (f"SELECT {_user_columns()}{_more(alongside, dialect)} FROM users u"
            f" WHERE u.id = {placeholder(dialect, 1)}")


def token_sql(dialect: str, alongside: Alongside | None = None) -> str:
    """The token whose digest is parameter 1 with its person, as one row (the token's columns
    prefixed `token_`; with `alongside`'s columns)."""
    token_columns = ", ".join(f"t.{column} AS {TOKEN_PREFIX}{column}" for _, column, _ in _fields(ApiToken))
    return (f"SELECT {token_columns}, {_user_columns()}{_more(alongside, dialect)}"
            f" FROM api_tokens t JOIN users u ON u.id = t.user_id"
            f" WHERE t.token_digest = {placeholder(dialect, 1)}")


# Each statement's text, made once per kind, database and set of columns alongside (by its key).
_STATEMENTS: dict[tuple[Callable[..., str], str, Hashable], str] = {}


async def _row(sql: Callable[[str, Alongside | None], str], first: Any,
               alongside: Alongside | None) -> Mapping[str, Any] | None:
    connection = connections.get("default")
    dialect = connection.capabilities.dialect
    key = (sql, dialect, alongside.key if alongside else None)
    statement = _STATEMENTS.get(key) or _STATEMENTS.setdefault(key, sql(dialect, alongside))
    values = [first, *(alongside.values if alongside else ())]
    _, rows = await connection.execute_query(statement, values)
    return rows[0] if rows else None


async def session_person(user_id: int, alongside: Alongside | None = None
                         ) -> tuple[User, Mapping[str, Any]] | None:
    """The person with this id and the row they were read from (holding `alongside`'s columns),
    in one statement; None when there is nobody with that id."""
    row = await _row(session_person_sql, user_id, alongside)
    return (loaded(User, row), row) if row is not None else None


async def token_with_person(digest: str, alongside: Alongside | None = None
                            ) -> tuple[ApiToken, Mapping[str, Any]] | None:
    """The token with this digest, its person loaded as `.user`, and the row they were read from
    (holding `alongside`'s columns), in one statement; None for a digest nobody has."""
    row = await _row(token_sql, digest, alongside)
    if row is None:
        return None
    return loaded(ApiToken, row, TOKEN_PREFIX, user=loaded(User, row)), row
