"""De-identification over HTTP: afterwards the audit log, its export and the programme's member list
hold neither the person's email nor their name."""

from __future__ import annotations

import httpx

from advocacy.clock import SimulatedClock
from tests.test_api import token_for
from tests.test_pages import csrf_of, sign_in

EMAIL, NAME, PASSWORD = "jane.doe@example.org", "Jane Doe", "a long enough password"


async def test_after_deidentify_no_audit_entry_export_or_member_list_holds_the_email_or_name(
    client: httpx.AsyncClient, clock: SimulatedClock
) -> None:
    admin, token = await token_for(clock, "admin")
    created = await client.post("/api/v1/users", headers=token, json={
        "email": EMAIL, "name": NAME, "role": "ambassador", "password": PASSWORD, "opted_in": True})
    assert created.status_code == 201
    wrong = await client.post("/api/v1/auth/login", json={"email": EMAIL.title(), "password": "nope"})
    assert wrong.status_code == 401
    login = await client.get("/login")
    signed_in = await client.post("/login", data={
        "email": EMAIL, "password": PASSWORD, "csrf_token": csrf_of(login.text)})
    assert signed_in.status_code == 303
    programme = await client.get("/me/programme")
    gone = await client.post("/me/programme/deidentify", data={
        "confirm": "yes", "csrf_token": csrf_of(programme.text)})
    assert gone.status_code == 303 and gone.headers["location"] == "/login"

    entries = (await client.get("/api/v1/audit", headers=token, params={"limit": 500})).json()
    assert {"user.create", "sign-in.failed", "sign-in", "programme.opt-out", "programme.deidentify"} <= {
        entry["action"] for entry in entries}
    members = await client.get("/api/v1/programme/members", headers=token)
    assert members.status_code == 200 and "Former ambassador" in members.text
    await sign_in(client, admin)
    log_page, export = await client.get("/admin/audit"), await client.get("/admin/audit.csv")
    assert log_page.status_code == 200 and export.status_code == 200
    assert f"former-ambassador-{created.json()['id']}@deidentified.invalid" in export.text
    for text in (str(entries), members.text, log_page.text, export.text):
        assert EMAIL not in text.lower() and NAME not in text
