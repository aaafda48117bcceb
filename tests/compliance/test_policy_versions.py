"""Compliance policy versions over the API: each save a new audited version, bad input changing
nothing, the engine following the newest version in every process, and results naming the version."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import httpx

from advocacy.audit.models import AuditEntry
from advocacy.clock import SimulatedClock
from advocacy.compliance import versions
from advocacy.compliance.catalogue import PATIENT_RULES
from advocacy.compliance.current import CurrentPolicy
from advocacy.compliance.models import PolicyVersion
from advocacy.settings import Settings
from advocacy.shares.models import Share
from advocacy.shares.service import create_share
from advocacy.users.service import issue_api_token
from campaigns import service as campaigns
from campaigns.models import ContentPack
from tests import factories

PHONE_TEXT = "Book at our Lakeside clinic on 312-555-0148. I work at Northbrook Health and I'm proud."


async def bearer(clock: SimulatedClock, role: str) -> dict[str, str]:
    user = await factories.create_user(clock, role)
    return {"Authorization": f"Bearer {await issue_api_token(clock, user)}"}


async def current_policy(client: httpx.AsyncClient, headers: dict[str, str]) -> dict[str, Any]:
    response = await client.get("/api/v1/compliance/policy", headers=headers)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


async def check(client: httpx.AsyncClient, headers: dict[str, str], text: str) -> dict[str, Any]:
    response = await client.post("/api/v1/compliance/check", json={"text": text, "network": "linkedin"},
                                 headers=headers)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


async def save(client: httpx.AsyncClient, headers: dict[str, str], **changes: Any) -> httpx.Response:
    body = (await current_policy(client, headers))["policy"]
    return await client.post("/api/v1/compliance/policy", headers=headers,
                             json={**body, "note": "A change.", **changes})


async def test_saving_makes_a_new_audited_version_and_the_check_follows_it(
    client: httpx.AsyncClient, clock: SimulatedClock
) -> None:
    admin = await bearer(clock, "admin")
    before = await check(client, admin, PHONE_TEXT)
    assert before["policy_version"] == 0 and before["ok"] is False
    assert [f["rule"] for f in before["findings"]] == ["phone_number"]

    saved = await save(client, admin, allowed_numbers=["(312) 555-0148"], note="The Lakeside clinic line.",
                       base_version=0)
    assert saved.status_code == 201, saved.text
    version = saved.json()
    assert version["version"] == 1 and version["note"] == "The Lakeside clinic line."
    assert version["changes"] == ["Allowed phone numbers: added “(312) 555-0148”"]

    after = await check(client, admin, PHONE_TEXT)
    assert after == {"ok": True, "findings": [], "policy_version": 1}
    [entry] = await AuditEntry.filter(action="compliance.policy")
    assert entry.target == "compliance-policy:1"
    assert entry.details["note"] == "The Lakeside clinic line."
    assert entry.details["changes"] == version["changes"]


async def test_every_save_is_kept_and_the_history_says_who_when_and_what(
    client: httpx.AsyncClient, clock: SimulatedClock
) -> None:
    admin = await bearer(clock, "admin")
    assert (await save(client, admin, allowed_domains=["northbrookhealth.org"])).status_code == 201
    clock.advance(timedelta(minutes=5))
    assert (await save(client, admin, severities={"political": "block"}, note="Stricter.")).status_code == 201
    overview = await current_policy(client, admin)
    assert overview["version"] == 2
    assert [v["version"] for v in overview["history"]] == [2, 1]
    newest, first = overview["history"]
    assert newest["changes"] == ["Political activity: warn → block"] and newest["note"] == "Stricter."
    assert first["changes"] == ["Allowed email domains: added “northbrookhealth.org”"]
    assert first["policy"]["severities"] == {} and newest["policy"]["severities"] == {"political": "block"}
    assert newest["created_by"].startswith("Admin ")
    # The first version is unchanged by the second.
    kept = await PolicyVersion.get(version=1)
    assert kept.allowed_domains == ["northbrookhealth.org"] and kept.severities == {}


async def test_per_rule_severities_and_allowed_domains_change_what_the_check_reports(
    client: httpx.AsyncClient, clock: SimulatedClock
) -> None:
    admin = await bearer(clock, "admin")
    political = "Vote for Smith, says my whole ward. #employee"
    email = "Write to jane.doe@northbrookhealth.org to volunteer. #employee I'm proud."
    assert (await check(client, admin, political))["ok"] is True
    assert (await check(client, admin, email))["ok"] is False
    response = await save(client, admin, severities={"political": "block", "first_person": "off"},
                          allowed_domains=["@NorthbrookHealth.org"])
    assert response.status_code == 201, response.text
    strict = await check(client, admin, political)
    assert strict["ok"] is False and strict["policy_version"] == 1
    assert [(f["rule"], f["severity"]) for f in strict["findings"]] == [("political", "block")]
    assert await check(client, admin, email) == {"ok": True, "findings": [], "policy_version": 1}


async def test_an_unreadable_phone_number_is_refused_and_nothing_is_saved(
    client: httpx.AsyncClient, clock: SimulatedClock
) -> None:
    admin = await bearer(clock, "admin")
    response = await save(client, admin, allowed_numbers=["312-555-0148", "call us"])
    assert response.status_code == 422
    error = response.json()["error"]
    assert "“call us” is not a phone number" in error["details"]["problems"]["allowed_numbers"]
    assert await PolicyVersion.all().count() == 0
    assert not await AuditEntry.filter(action="compliance.policy").exists()
    assert (await check(client, admin, PHONE_TEXT))["policy_version"] == 0


async def test_no_patient_identifier_rule_can_be_lowered(
    client: httpx.AsyncClient, clock: SimulatedClock
) -> None:
    admin = await bearer(clock, "admin")
    assert {"medical_record_number", "patient_name", "social_security_number"} <= PATIENT_RULES
    for rule in sorted(PATIENT_RULES):
        for setting in ("warn", "off"):
            response = await save(client, admin, severities={rule: setting})
            assert response.status_code == 422, (rule, setting)
            assert "always blocks" in response.json()["error"]["details"]["problems"]["severities"]
    assert await PolicyVersion.all().count() == 0
    mrn = await check(client, admin, "Patient MRN 12345678 in our care. #employee")
    assert [(f["rule"], f["severity"]) for f in mrn["findings"]] == [("medical_record_number", "block")]


async def test_other_bad_input_is_refused_and_changes_nothing(
    client: httpx.AsyncClient, clock: SimulatedClock
) -> None:
    admin = await bearer(clock, "admin")
    refused = {
        "allowed_emails": await save(client, admin, allowed_emails=["press at example.org"]),
        "allowed_domains": await save(client, admin, allowed_domains=["not a domain"]),
        "allowed_addresses": await save(client, admin, allowed_addresses=["Lakeshore Drive"]),
        "disclosures": await save(client, admin, disclosures=[]),
        "severities": await save(client, admin, severities={"no_such_rule": "block"}),
        "note": await save(client, admin, allowed_domains=["example.org"], note="  "),
    }
    for field, response in refused.items():
        assert response.status_code == 422, field
        details = response.json()["error"]["details"]  # the service's problems, or the parser's fields
        assert field in details.get("problems", details), field
    unchanged = await save(client, admin)
    assert unchanged.status_code == 422 and "Nothing was saved" in unchanged.json()["error"]["message"]
    assert await PolicyVersion.all().count() == 0
    assert not await AuditEntry.filter(action="compliance.policy").exists()


async def test_a_save_based_on_an_older_version_is_refused(
    client: httpx.AsyncClient, clock: SimulatedClock
) -> None:
    admin = await bearer(clock, "admin")
    assert (await save(client, admin, allowed_domains=["example.org"], base_version=0)).status_code == 201
    stale = await save(client, admin, allowed_domains=["example.com"], base_version=0)
    assert stale.status_code == 409 and "version 1 was saved" in stale.json()["error"]["message"]
    assert await PolicyVersion.all().count() == 1


async def test_only_admins_read_or_save_the_policy(client: httpx.AsyncClient, clock: SimulatedClock) -> None:
    for role in ("editor", "reviewer", "ambassador", "leader"):
        headers = await bearer(clock, role)
        assert (await client.get("/api/v1/compliance/policy", headers=headers)).status_code == 403
        response = await client.post("/api/v1/compliance/policy", headers=headers,
                                     json={"disclosures": ["#employee"], "note": "mine"})
        assert response.status_code == 403
    assert await PolicyVersion.all().count() == 0


async def test_a_kept_engine_follows_a_version_saved_by_another_process(
    database: Settings, clock: SimulatedClock
) -> None:
    # Two web processes, each with its own kept engine; one saves, the other notices at its next use.
    mine, theirs = CurrentPolicy(database), CurrentPolicy(database)
    kept = await theirs.engine()
    assert kept.policy.version == 0 and await theirs.engine() is kept
    admin = await factories.create_user(clock, "admin")
    draft = versions.parse_draft({"allowed_numbers": ["312-555-0148"], "disclosures": ["#employee"]}, {},
                                 "US")
    await versions.save_version(clock, admin, draft, "The Lakeside clinic line.", database)
    assert (await mine.engine()).policy.version == 1
    renewed = await theirs.engine()
    assert renewed.policy.version == 1
    assert "phone_number" in {f.rule for f in kept.check(PHONE_TEXT, "linkedin")}
    assert "phone_number" not in {f.rule for f in renewed.check(PHONE_TEXT, "linkedin")}


async def test_shares_and_approved_packs_record_the_version_that_judged_them(
    client: httpx.AsyncClient, database: Settings, clock: SimulatedClock
) -> None:
    admin = await factories.create_user(clock, "admin")
    draft = versions.parse_draft({"disclosures": ["#employee", "I work at {organization}"]}, {}, "US")
    await versions.save_version(clock, admin, draft, "Fewer disclosures.", database)
    engine = await CurrentPolicy(database).engine()
    editor = await factories.create_user(clock, "editor")
    reviewer = await factories.create_user(clock, "reviewer")
    campaign, post = await factories.create_campaign_with_post(clock, editor)
    pack = await ContentPack.get(campaign_id=campaign.id)
    await campaigns.submit_pack(clock, editor, pack.id, compliance=engine)
    await campaigns.review_pack(clock, reviewer, pack.id, approve=True, compliance=engine)
    await campaigns.launch_campaign(clock, editor, campaign.id)
    assert (await ContentPack.get(id=pack.id)).policy_version == 1
    headers = {"Authorization": f"Bearer {await issue_api_token(clock, editor)}"}
    described = await client.get(f"/api/v1/campaigns/{campaign.id}", headers=headers)
    assert [p["policy_version"] for p in described.json()["packs"]] == [1]
    approval = await AuditEntry.get(action="pack.approve")
    assert approval.details["policy_version"] == 1
    ambassador, account = await factories.create_ambassador(clock)
    share = await create_share(clock, ambassador, post_id=post.id, account_id=account.id,
                               text="Proud of our new cardiac unit.", compliance=engine)
    assert (await Share.get(id=share.id)).policy_version == 1
