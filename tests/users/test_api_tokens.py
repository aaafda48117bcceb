"""Personal API tokens: shown once, stored hashed, limited to the role's rights, revocable, and
their last use recorded."""

from __future__ import annotations

import hashlib
from datetime import timedelta

import httpx

from advocacy.audit.models import AuditEntry
from advocacy.clock import SimulatedClock
from advocacy.settings import Settings
from advocacy.users.models import ApiToken
from tests import factories
from tests.test_api import bearer, token_for
from tests.test_pages import csrf_of, sign_in


async def test_token_is_shown_once_and_only_its_digest_is_stored(
    client: httpx.AsyncClient, clock: SimulatedClock
) -> None:
    user, headers = await token_for(clock, "leader")
    created = await client.post("/api/v1/me/tokens", headers=headers, json={"name": "weekly report"})
    assert created.status_code == 201, created.text
    value = created.json()["token"]
    record = await ApiToken.get(id=created.json()["id"])
    assert record.name == "weekly report"
    assert record.token_digest == hashlib.sha256(value.encode()).hexdigest() != value
    listed = await client.get("/api/v1/me/tokens", headers=headers)
    assert value not in listed.text
    assert "weekly report" in [token["name"] for token in listed.json()]
    me = await client.get("/api/v1/me", headers=bearer(value))
    assert me.json()["id"] == user.id


async def test_token_has_its_roles_rights_and_no_more(
    client: httpx.AsyncClient, clock: SimulatedClock
) -> None:
    _, headers = await token_for(clock, "leader")
    value = (await client.post("/api/v1/me/tokens", headers=headers, json={"name": "bi"})).json()["token"]
    assert (await client.get("/api/v1/campaigns", headers=bearer(value))).status_code == 200
    refused = await client.post("/api/v1/campaigns", headers=bearer(value), json={})
    assert refused.status_code == 403


async def test_revoked_token_stops_working_at_once(client: httpx.AsyncClient, clock: SimulatedClock) -> None:
    _, headers = await token_for(clock, "editor")
    created = (await client.post("/api/v1/me/tokens", headers=headers, json={"name": "ci"})).json()
    assert (await client.get("/api/v1/me", headers=bearer(created["token"]))).status_code == 200
    revoked = await client.post(f"/api/v1/me/tokens/{created['id']}/revoke", headers=headers)
    assert revoked.status_code == 200
    assert (await client.get("/api/v1/me", headers=bearer(created["token"]))).status_code == 401
    assert created["id"] not in [token["id"] for token in (await client.get("/api/v1/me/tokens",
                                                                            headers=headers)).json()]
    actions = await AuditEntry.all().order_by("id").values_list("action", flat=True)
    assert actions == ["token.create", "token.revoke"]


async def test_nobody_can_revoke_someone_elses_token(
    client: httpx.AsyncClient, clock: SimulatedClock
) -> None:
    _, owner = await token_for(clock, "editor")
    created = (await client.post("/api/v1/me/tokens", headers=owner, json={"name": "mine"})).json()
    _, admin = await token_for(clock, "admin")
    response = await client.post(f"/api/v1/me/tokens/{created['id']}/revoke", headers=admin)
    assert response.status_code == 404
    assert (await client.get("/api/v1/me", headers=bearer(created["token"]))).status_code == 200


async def test_last_use_is_recorded_on_the_service_clock(
    client: httpx.AsyncClient, clock: SimulatedClock
) -> None:
    _, headers = await token_for(clock, "editor")
    created = (await client.post("/api/v1/me/tokens", headers=headers, json={"name": "ci"})).json()
    assert created["last_used_at"] is None
    clock.advance(timedelta(hours=3))
    await client.get("/api/v1/me", headers=bearer(created["token"]))
    record = await ApiToken.get(id=created["id"])
    assert record.last_used_at == clock.now()


async def test_tokens_page_shows_a_new_token_once_and_revokes(
    client: httpx.AsyncClient, clock: SimulatedClock
) -> None:
    await sign_in(client, await factories.create_user(clock, "ambassador"))
    page = await client.get("/me/tokens")
    created = await client.post("/me/tokens", data={"name": "my script", "csrf_token": csrf_of(page.text)})
    assert created.status_code == 201
    record = await ApiToken.get(name="my script")
    shown = created.text.split('<code>')[2].split("</code>")[0]
    assert hashlib.sha256(shown.encode()).hexdigest() == record.token_digest
    again = await client.get("/me/tokens")
    assert "my script" in again.text and shown not in again.text
    revoked = await client.post(f"/me/tokens/{record.id}/revoke", data={"csrf_token": csrf_of(again.text)})
    assert revoked.status_code == 303
    assert "revoked" in (await client.get("/me/tokens")).text
    await record.refresh_from_db()
    assert record.revoked_at == clock.now()


async def test_sign_in_tokens_end_like_sessions_and_personal_tokens_do_not(
    client: httpx.AsyncClient, clock: SimulatedClock, settings: Settings
) -> None:
    user = await factories.create_user(clock, "leader")
    credentials = {"email": user.email, "password": factories.PASSWORD}
    signed_in = await client.post("/api/v1/auth/login", json=credentials)
    login_headers = bearer(signed_in.json()["token"])
    personal = (await client.post("/api/v1/me/tokens", headers=login_headers, json={"name": "bi"})).json()
    idle = timedelta(minutes=settings.session_idle_minutes)
    # Used within the idle timeout, it keeps working...
    for _ in range(3):
        clock.advance(idle - timedelta(minutes=1))
        assert (await client.get("/api/v1/me", headers=login_headers)).status_code == 200
    # ...left idle longer, it ends.
    clock.advance(idle + timedelta(minutes=1))
    assert (await client.get("/api/v1/me", headers=login_headers)).status_code == 401
    assert (await client.get("/api/v1/me", headers=bearer(personal["token"]))).status_code == 200

    # However busy, a sign-in token ends after the absolute session timeout.
    fresh = await client.post("/api/v1/auth/login", json=credentials)
    busy_headers = bearer(fresh.json()["token"])
    absolute = timedelta(hours=settings.session_absolute_hours)
    step = idle - timedelta(minutes=1)
    elapsed = timedelta()
    while elapsed + step < absolute:
        clock.advance(step)
        elapsed += step
        assert (await client.get("/api/v1/me", headers=busy_headers)).status_code == 200
    clock.advance(step)
    assert (await client.get("/api/v1/me", headers=busy_headers)).status_code == 401
    assert (await client.get("/api/v1/me", headers=bearer(personal["token"]))).status_code == 200


async def test_last_use_is_written_at_most_once_a_minute(
    client: httpx.AsyncClient, clock: SimulatedClock
) -> None:
    _, headers = await token_for(clock, "editor")
    created = (await client.post("/api/v1/me/tokens", headers=headers, json={"name": "ci"})).json()
    await client.get("/api/v1/me", headers=bearer(created["token"]))
    first = clock.now()
    clock.advance(timedelta(seconds=59))
    await client.get("/api/v1/me", headers=bearer(created["token"]))
    assert (await ApiToken.get(id=created["id"])).last_used_at == first
    clock.advance(timedelta(seconds=1))
    await client.get("/api/v1/me", headers=bearer(created["token"]))
    assert (await ApiToken.get(id=created["id"])).last_used_at == clock.now()
