"""The guard's reads of a person: the session's person and a token with its person come back as the
ORM loads them (same values, same types), each in one statement, and save like loaded ones."""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import Any

import pytest
from tortoise.models import Model

from advocacy.clock import SimulatedClock
from advocacy.settings import Settings
from advocacy.users import repository
from advocacy.users.models import ApiToken, User
from advocacy.users.service import end_sessions, issue_api_token
from tests import factories


def stored(instance: Model) -> dict[str, tuple[type, Any]]:
    return {name: (type(getattr(instance, name)), getattr(instance, name))
            for name in instance._meta.fields_db_projection}


async def test_the_session_person_is_the_person_as_the_orm_loads_them(
    database: Settings, clock: SimulatedClock, caplog: pytest.LogCaptureFixture
) -> None:
    person, _ = await factories.create_ambassador(clock, timezone="Europe/Paris")
    clock.advance(timedelta(hours=1))
    await end_sessions(person)
    caplog.clear()
    with caplog.at_level(logging.DEBUG, logger="tortoise.db_client"):
        found = await repository.session_person(person.id)
    assert len([r for r in caplog.records if r.name == "tortoise.db_client"]) == 1
    assert found is not None
    user, _ = found
    assert stored(user) == stored(await User.get(id=person.id))
    assert user.opted_in_at is not None and user.opted_in_at.utcoffset() == timedelta(0)
    # Loaded as stored: a change saves as an update of that row, not a second person.
    user.name = "Renamed"
    await user.save(update_fields=["name"])
    assert [u.name for u in await User.filter(email=person.email)] == ["Renamed"]
    assert await repository.session_person(person.id + 1000) is None


async def test_a_token_comes_with_its_person_as_the_orm_loads_them(
    database: Settings, clock: SimulatedClock
) -> None:
    person, _ = await factories.create_ambassador(clock)
    await issue_api_token(clock, person, "my app")
    record = await ApiToken.get(user_id=person.id)
    record.last_used_at = clock.now()
    await record.save(update_fields=["last_used_at"])
    found = await repository.token_with_person(record.token_digest)
    assert found is not None
    token, _ = found
    # The guard's record of the token holds the stored token's values, of the same types.
    loaded_token = stored(await ApiToken.get(id=record.id))
    for name in ("id", "name", "created_at", "last_used_at", "revoked_at", "session_version"):
        assert (type(getattr(token, name)), getattr(token, name)) == loaded_token[name]
    assert token.last_used_at is not None
    assert stored(token.user) == stored(await User.get(id=person.id))
    assert await repository.token_with_person("0" * 64) is None


async def test_columns_alongside_the_person_come_in_the_same_row(
    database: Settings, clock: SimulatedClock
) -> None:
    person, account = await factories.create_ambassador(clock)
    await issue_api_token(clock, person, "my app")
    digest = (await ApiToken.get(user_id=person.id)).token_digest

    def accounts(dialect: str, me: str) -> str:
        return (f"(SELECT COUNT(*) FROM social_accounts a WHERE a.user_id = {me}"
                f" AND a.network = {'$2' if dialect == 'postgres' else '?2'}) AS accounts")

    alongside = repository.Alongside(key="test-accounts", columns=accounts, values=[account.network])
    by_session = await repository.session_person(person.id, alongside)
    by_token = await repository.token_with_person(digest, alongside)
    assert by_session is not None and by_token is not None
    assert by_session[1]["accounts"] == by_token[1]["accounts"] == 1
