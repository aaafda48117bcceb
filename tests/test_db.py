"""The database set-up: PostgreSQL pool connections come back without the reset round trip."""

from __future__ import annotations

import pytest
from tortoise import connections
from tortoise.transactions import in_transaction

from advocacy.db import SessionlessConnection
from advocacy.settings import Settings
from advocacy.users.models import User
from tests import factories


@pytest.mark.postgres
async def test_pool_connections_skip_the_reset_query_and_transactions_still_end(
    database: Settings, clock
) -> None:  # type: ignore[no-untyped-def]
    if not database.is_postgres:
        pytest.skip("needs PostgreSQL: the asyncpg pool")
    client = connections.get("default")
    async with client.acquire_connection() as connection:
        assert isinstance(connection._con, SessionlessConnection)
        assert connection._con.get_reset_query() == ""
    person = await factories.create_user(clock, "ambassador")
    with pytest.raises(RuntimeError):
        async with in_transaction():
            await User.filter(id=person.id).update(name="Rolled back")
            raise RuntimeError("the request failed")
    assert (await User.get(id=person.id)).name != "Rolled back"
    # No pooled connection was left inside a transaction.
    _, rows = await client.execute_query(
        "SELECT count(*) AS stuck FROM pg_stat_activity"
        " WHERE datname = current_database() AND state LIKE 'idle in transaction%'")
    assert rows[0]["stuck"] == 0
