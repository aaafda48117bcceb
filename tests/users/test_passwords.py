"""New passwords: at least 12 characters, and nothing a guesser would try early."""

from __future__ import annotations

import httpx
import pytest

from advocacy.clock import SimulatedClock
from advocacy.users.models import User
from tests.test_api import token_for


async def create_dana(client: httpx.AsyncClient, clock: SimulatedClock, password: str) -> httpx.Response:
    _, admin = await token_for(clock, "admin")
    return await client.post("/api/v1/users", headers=admin, json={
        "email": "dana.lopez@example.org", "name": "Dana Lopez", "role": "editor", "password": password})


@pytest.mark.parametrize(("password", "says"), [
    ("12345678", "at least 12 characters"),
    ("123456789012", "commonly used password"),
    ("password1234", "Choose a harder password"),
    ("qwertyuiopas", "Choose a harder password"),
    ("dana.lopez1990", "Choose a harder password"),  # the person's own name and a year
])
async def test_short_or_guessable_passwords_are_refused_and_create_nothing(
    client: httpx.AsyncClient, clock: SimulatedClock, password: str, says: str
) -> None:
    response = await create_dana(client, clock, password)
    assert response.status_code == 422, response.text
    error = response.json()["error"]  # a short one is refused by the schema, naming the field
    assert says in " ".join([error["message"], *map(str, error["details"].values())])
    assert not await User.filter(email="dana.lopez@example.org").exists()


async def test_a_long_uncommon_passphrase_is_accepted(
    client: httpx.AsyncClient, clock: SimulatedClock
) -> None:
    assert (await create_dana(client, clock, "harbour lantern seventeen")).status_code == 201


async def test_a_password_longer_than_the_estimator_scores_is_judged_by_its_start(
    client: httpx.AsyncClient, clock: SimulatedClock
) -> None:
    strong = "harbour lantern seventeen quietly folds " * 3  # 120 characters, the first 72 strong
    assert (await create_dana(client, clock, strong)).status_code == 201
    weak = await create_dana(client, clock, "0" * 200)
    assert weak.status_code == 422 and "Choose a harder password" in weak.json()["error"]["message"]
