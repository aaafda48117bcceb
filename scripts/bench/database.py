"""Emptying and migrating the database a benchmark fills, on PostgreSQL or SQLite."""

from __future__ import annotations

from pathlib import Path

from tortoise import Tortoise, connections
from tortoise.backends.base.config_generator import expand_db_url

from advocacy import db
from advocacy.settings import Settings


async def empty_and_migrate(settings: Settings) -> None:
    """Drop everything in the database, then apply the migrations: PostgreSQL loses its public schema,
    SQLite its file. Leaves the ORM closed."""
    if settings.is_postgres:
        await db.init_db(settings)
        try:
            await connections.get("default").execute_script(
                "DROP SCHEMA public CASCADE; CREATE SCHEMA public;")
        finally:
            await Tortoise.close_connections()
    else:
        path = Path(expand_db_url(settings.database_url)["credentials"]["file_path"])
        for leftover in (path, *(path.with_name(path.name + end) for end in ("-wal", "-shm", "-journal"))):
            leftover.unlink(missing_ok=True)
    await db.migrate(settings)
    await Tortoise.close_connections()
