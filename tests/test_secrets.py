"""Secrets stay secret: passwords and tokens never reach logs, error pages or API answers.

Every logger is captured at DEBUG (the ORM's SQL included) while a run signs in, uses tokens and
hits a server error; then the captured text and every response body are searched for the values.
"""

from __future__ import annotations

import logging

import httpx
import pytest
from tortoise import connections

from advocacy.clock import SimulatedClock
from advocacy.users.models import LoginAttempt
from tests import factories
from tests.test_pages import csrf_of

PASSWORD = "Secret-Passw0rd-that-must-not-leak"


async def test_passwords_and_tokens_never_reach_logs_or_answers(
    client: httpx.AsyncClient, clock: SimulatedClock, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    user = await factories.create_user(clock, "admin", password=PASSWORD, password_hash=None)
    answers: list[httpx.Response] = []

    login = await client.post("/api/v1/auth/login", json={"email": user.email, "password": PASSWORD})
    assert login.status_code == 200
    login_token = login.json()["token"]
    bearer = {"Authorization": f"Bearer {login_token}"}
    created = await client.post("/api/v1/me/tokens", headers=bearer, json={"name": "exporter"})
    personal_token = created.json()["token"]
    answers += [
        await client.get("/api/v1/me", headers={"Authorization": f"Bearer {personal_token}"}),
        await client.get("/api/v1/me/tokens", headers=bearer),
        await client.get("/api/v1/audit", headers=bearer),
        # Errors a client causes: a wrong password, a malformed body, a revoked token.
        await client.post("/api/v1/auth/login", json={"email": user.email, "password": PASSWORD + "x"}),
        await client.post("/api/v1/users", headers=bearer, json={"email": "bad", "role": "admin",
                                                                  "password": PASSWORD}),
        await client.post(f"/api/v1/me/tokens/{created.json()['id']}/revoke", headers=bearer),
        await client.get("/api/v1/me", headers={"Authorization": f"Bearer {personal_token}"}),
    ]
    page = await client.get("/login")
    answers.append(await client.post("/login", data={"email": user.email, "password": PASSWORD,
                                                     "csrf_token": csrf_of(page.text)}))
    answers.append(await client.get("/admin/audit"))
    answers.append(await client.get("/admin/audit.csv"))

    # An error on our side in the middle of checking a password: the table it writes to is gone.
    conn = connections.get("default")
    table = LoginAttempt._meta.db_table
    await conn.execute_script(f"ALTER TABLE {table} RENAME TO {table}_away")
    try:
        for path in ("/api/v1/auth/login", "/login"):
            if path == "/login":
                page = await client.get("/login")
                failed = await client.post(path, data={"email": user.email, "password": PASSWORD,
                                                       "csrf_token": csrf_of(page.text)})
            else:
                failed = await client.post(path, json={"email": user.email, "password": PASSWORD})
            assert failed.status_code == 500
            answers.append(failed)
    finally:
        await conn.execute_script(f"ALTER TABLE {table}_away RENAME TO {table}")
    assert any(record.exc_info for record in caplog.records), "the server error was logged"

    # The formatted log (tracebacks included) and each record's arguments, which a formatter may drop.
    logged = caplog.text + "\n".join(repr(record.args) for record in caplog.records)
    for secret in (PASSWORD, login_token, personal_token):
        assert secret not in logged
        for answer in answers:
            assert secret not in answer.text, f"{answer.request.method} {answer.request.url}"
    # The login answer itself is the only place the token ever appears.
    assert login_token in login.text and personal_token in created.text
