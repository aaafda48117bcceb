"""Tortoise ORM configuration, start-up and migrations for SQLite and PostgreSQL."""

from __future__ import annotations

from typing import Any

import asyncpg
from tortoise import Tortoise, get_connections
from tortoise.backends.base.config_generator import expand_db_url

from advocacy.settings import Settings, get_settings

MODEL_MODULES = [
    "advocacy.users.models",
    "advocacy.accounts.models",
    "campaigns.models",
    "advocacy.shares.models",
    "advocacy.links.models",
    "dashboards.models",
    "advocacy.audit.models",
    "advocacy.compliance.models",
    "advocacy.programme.models",
    "advocacy.notify.models",
    "campaigns.newsroom.models",
    "advocacy.suggestions.models",
]


class SessionlessConnection(asyncpg.Connection):
    """A PostgreSQL connection of the pool that is returned without the reset query.

    asyncpg resets every connection it takes back (advisory locks, cursors, LISTEN, settings), a
    round trip on every release, so on every query outside a transaction: half the work of a short
    read. Our sessions keep none of that state (locks are transaction-scoped, there is no LISTEN
    or SET), so there is nothing to reset; an open transaction is still rolled back by asyncpg.
    """

    def get_reset_query(self) -> str:
        return ""


def _connection(database_url: str) -> str | dict[str, Any]:
    config = expand_db_url(database_url)
    if config["engine"] != "tortoise.backends.asyncpg":
        return database_url
    config["credentials"]["connection_class"] = SessionlessConnection
    return config


def tortoise_config(database_url: str) -> dict[str, Any]:
    return {
        "connections": {"default": _connection(database_url)},
        "apps": {
            "models": {
                "models": MODEL_MODULES,
                "default_connection": "default",
                "migrations": "advocacy.migrations",
            }
        },
        "use_tz": True,
        "timezone": "UTC",
    }


def placeholder(dialect: str, number: int) -> str:
    """The numbered parameter mark of raw SQL: $n on PostgreSQL, ?n on SQLite (which reads ?NNN),
    so one statement text serves both databases."""
    return f"${number}" if dialect == "postgres" else f"?{number}"


# Read by the `tortoise` command line (`tortoise -c advocacy.db.TORTOISE_ORM makemigrations`).
TORTOISE_ORM = tortoise_config(get_settings().database_url)


async def init_db(settings: Settings) -> None:
    """Open the ORM for a process that is not the web app (CLI, worker, demo)."""
    await Tortoise.init(config=tortoise_config(settings.database_url), _enable_global_fallback=True)


async def migrate(settings: Settings) -> None:
    """Apply every pending schema migration."""
    from tortoise.migrations.api import migrate as run_migrations

    await run_migrations(config=tortoise_config(settings.database_url))


async def close_db() -> None:
    await get_connections().close_all()
