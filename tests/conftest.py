"""Shared fixtures: a migrated database (SQLite by default, PostgreSQL when asked), a simulated
clock, the app behind an in-process HTTP client, and plain async factories for people and content.

Set ADVOCACY_TEST_DATABASE_URL (e.g. postgres://postgres@127.0.0.1:5432/test) to run the whole suite
on PostgreSQL. The database it names is emptied.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime

import httpx
import pytest
from asgi_lifespan import LifespanManager
from starlette.applications import Starlette
from tortoise import Tortoise, connections

from advocacy import db
from advocacy.clock import SimulatedClock
from advocacy.settings import Settings
from campaigns import shareable
from tests.fakes import chat_webhooks, linkedin_server, x_server
from tests.fakes.serving import serve

START = datetime(2026, 11, 2, 8, 0, tzinfo=UTC)


def _database_url() -> str:
    url = os.environ.get("ADVOCACY_TEST_DATABASE_URL")
    if url:
        return url
    directory = tempfile.mkdtemp(prefix="advocacy-test-")
    return f"sqlite://{directory}/test.sqlite3"


@pytest.fixture(scope="session")
def settings() -> Settings:
    return Settings(env="test", database_url=_database_url(), secret_key="test-secret-key" * 3)


@pytest.fixture(scope="session")
async def migrated(settings: Settings) -> AsyncIterator[Settings]:
    """Applies the real migrations once, on an empty database."""
    if settings.is_postgres:
        await db.init_db(settings)
        conn = connections.get("default")
        await conn.execute_script("DROP SCHEMA public CASCADE; CREATE SCHEMA public;")
        await db.close_db()
    await db.migrate(settings)
    await db.close_db()
    yield settings


@pytest.fixture
async def database(migrated: Settings) -> AsyncIterator[Settings]:
    """An open ORM on an emptied database for each test."""
    await db.init_db(migrated)
    conn = connections.get("default")
    # Every table of every model, so a new model is emptied between tests without a list to keep.
    tables = [model._meta.db_table for model in Tortoise.apps["models"].values()]
    if migrated.is_postgres:
        await conn.execute_script(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE;")
    else:
        # Foreign keys off while emptying, so the order of the tables does not matter.
        await conn.execute_script(
            "PRAGMA foreign_keys = OFF;"
            + "".join(f"DELETE FROM {t};" for t in tables)
            + "DELETE FROM sqlite_sequence; PRAGMA foreign_keys = ON;"
        )
    # The posts this process keeps for the feed came from the previous test's rows.
    shareable.invalidate()
    yield migrated
    await Tortoise.close_connections()


@pytest.fixture
def clock() -> SimulatedClock:
    return SimulatedClock(START)


@pytest.fixture
def application(database: Settings, clock: SimulatedClock) -> Starlette:
    """The Starlette application itself (its route table), before its lifespan runs."""
    from advocacy.app import create_app

    return create_app(database, clock)


@pytest.fixture
async def app(application: Starlette):  # type: ignore[no-untyped-def]
    """The application with its lifespan running, as requests see it."""
    async with LifespanManager(application) as manager:
        yield manager.app


@pytest.fixture
async def client(app) -> AsyncIterator[httpx.AsyncClient]:  # type: ignore[no-untyped-def]
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as http:
        yield http


# The local X and LinkedIn servers, started once per session on free 127.0.0.1 ports.
@pytest.fixture(scope="session")
def fake_x() -> Iterator[tuple[x_server.FakeX, str]]:
    state = x_server.FakeX()
    with serve(x_server.build_app(state)) as url:
        yield state, url


@pytest.fixture(scope="session")
def fake_linkedin() -> Iterator[tuple[linkedin_server.FakeLinkedIn, str]]:
    state = linkedin_server.FakeLinkedIn()
    with serve(linkedin_server.build_app(state)) as url:
        yield state, url


# The local server standing in for Slack and Teams webhooks and the Teams workflow, emptied per test.
@pytest.fixture(scope="session")
def chat_server() -> Iterator[tuple[chat_webhooks.FakeChat, str]]:
    state = chat_webhooks.FakeChat()
    with serve(chat_webhooks.build_app(state)) as url:
        yield state, url


@pytest.fixture
def chat(chat_server: tuple[chat_webhooks.FakeChat, str]) -> tuple[chat_webhooks.FakeChat, str]:
    chat_server[0].reset()
    return chat_server
