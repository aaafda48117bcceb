"""Request bodies: refused with 413 past their route's limit before they are read, and JSON nested
beyond any request of ours refused with 422."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest

from advocacy.api import MAX_JSON_DEPTH
from advocacy.app import MULTIPART_ALLOWANCE
from advocacy.clock import SimulatedClock
from advocacy.programme.invitations import MAX_IMPORT_BYTES
from advocacy.settings import Settings
from advocacy.users.models import LoginAttempt
from tests import factories
from tests.test_api import assert_error
from tests.test_pages import csrf_of, sign_in


async def test_a_json_body_over_the_limit_is_refused_with_413_and_nothing_happens(
    client: httpx.AsyncClient, clock: SimulatedClock, settings: Settings
) -> None:
    user = await factories.create_user(clock, "editor")
    padding = "x" * settings.max_body_bytes
    response = await client.post("/api/v1/auth/login",
                                 json={"email": user.email, "password": factories.PASSWORD, "pad": padding})
    error = assert_error(response, 413, "too_large")
    assert error["message"] == "The request is larger than this address accepts (1 MB)."
    assert await LoginAttempt.all().count() == 0


async def test_a_streamed_body_without_a_length_is_cut_off_at_the_limit(
    client: httpx.AsyncClient, settings: Settings
) -> None:
    async def chunks() -> AsyncIterator[bytes]:
        for _ in range(settings.max_body_bytes // 65_536 + 2):
            yield b" " * 65_536

    response = await client.post("/api/v1/auth/login", content=chunks(),
                                 headers={"content-type": "application/json"})
    assert "content-length" not in response.request.headers
    assert_error(response, 413, "too_large")


async def test_a_form_over_the_limit_gets_a_413_page(client: httpx.AsyncClient, settings: Settings) -> None:
    page = await client.get("/login")
    response = await client.post("/login", data={"csrf_token": csrf_of(page.text), "email": "a@example.org",
                                                  "password": "p" * settings.max_body_bytes})
    assert response.status_code == 413
    assert "The request is larger than this address accepts (1 MB)." in response.text


async def test_the_csv_import_takes_its_own_documented_limit(
    client: httpx.AsyncClient, clock: SimulatedClock, settings: Settings
) -> None:
    await sign_in(client, await factories.create_user(clock, "admin"))
    page = await client.get("/programme")
    header = b"email,name,time zone\n"
    # Larger than other requests may be, within the import's own limit: read, and judged by the importer.
    within = header + b"a@example.org,A,UTC\n" * ((settings.max_body_bytes + 100_000) // 20)
    assert settings.max_body_bytes < len(within) < MAX_IMPORT_BYTES
    response = await client.post("/programme/import", data={"csrf_token": csrf_of(page.text)},
                                 files={"file": ("people.csv", within, "text/csv")})
    assert response.status_code == 400 and "more than 5,000 people" in response.text
    beyond = header + b"a" * (MAX_IMPORT_BYTES + MULTIPART_ALLOWANCE)
    response = await client.post("/programme/import", data={"csrf_token": csrf_of(page.text)},
                                 files={"file": ("people.csv", beyond, "text/csv")})
    assert response.status_code == 413 and "(2.1 MB)" in response.text


@pytest.mark.parametrize("depth", [MAX_JSON_DEPTH + 1, 400, 50_000])
async def test_deeply_nested_json_is_a_422_even_before_sign_in(client: httpx.AsyncClient, depth: int) -> None:
    for body in (b"[" * depth + b"]" * depth, b'{"email":' * depth + b"1" + b"}" * depth):
        response = await client.post("/api/v1/auth/login", content=body,
                                     headers={"content-type": "application/json"})
        error = assert_error(response, 422, "invalid_input")
        assert error["message"] == f"The request body is nested more than {MAX_JSON_DEPTH} levels deep."


@pytest.mark.parametrize("token_id", ["2147483648", "9223372036854775808", "9" * 5000])
async def test_ids_beyond_the_columns_are_404_on_every_route(
    client: httpx.AsyncClient, clock: SimulatedClock, token_id: str
) -> None:
    user = await factories.create_user(clock, "editor")
    await sign_in(client, user)
    page = await client.get("/me/tokens")
    response = await client.post(f"/me/tokens/{token_id}/revoke", data={"csrf_token": csrf_of(page.text)})
    assert response.status_code == 404 and "Page not found" in response.text
    token = (await client.post("/api/v1/auth/login",
                               json={"email": user.email, "password": factories.PASSWORD})).json()["token"]
    response = await client.post(f"/api/v1/me/tokens/{token_id}/revoke",
                                 headers={"Authorization": f"Bearer {token}"})
    assert_error(response, 404, "not_found")
