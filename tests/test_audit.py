"""The audit log: events from every service land in one append-only record admins can read and export."""

from __future__ import annotations

import csv
import io

import httpx

from advocacy import audit
from advocacy.audit.models import AuditEntry
from advocacy.clock import SimulatedClock
from advocacy.settings import Settings
from advocacy.shares.service import cancel_share, create_share
from campaigns import service as campaigns
from campaigns.models import ContentPack
from tests import factories
from tests.test_api import token_for
from tests.test_pages import sign_in


async def test_sign_ins_user_creation_approvals_and_cancellations_are_recorded(
    client: httpx.AsyncClient, clock: SimulatedClock
) -> None:
    admin, headers = await token_for(clock, "admin")
    created = await client.post("/api/v1/users", headers=headers, json={
        "email": "new.reviewer@example.org", "role": "reviewer", "password": "long enough password"})
    assert created.status_code == 201
    await client.post("/api/v1/auth/login", json={"email": "new.reviewer@example.org",
                                                  "password": "long enough password"})
    editor = await factories.create_user(clock, "editor")
    campaign, post = await factories.create_launched_campaign(clock, editor)
    ambassador, account = await factories.create_ambassador(clock)
    share = await create_share(clock, ambassador, post_id=post.id, account_id=account.id, text="Proud")
    await cancel_share(clock, ambassador, share.id)

    entries = {entry.action: entry for entry in await AuditEntry.all()}
    assert entries["user.create"].actor_id == admin.id
    assert entries["user.create"].details == {"email": "new.reviewer@example.org", "role": "reviewer"}
    assert entries["sign-in"].actor_email == "new.reviewer@example.org"
    assert entries["pack.approve"].target == f"pack:{(await ContentPack.get(campaign_id=campaign.id)).id}"
    assert entries["share.cancel"].actor_id == ambassador.id
    assert entries["share.cancel"].target == f"share:{share.id}"


async def test_requesting_changes_is_recorded_apart_from_approval(
    clock: SimulatedClock, database: object
) -> None:
    editor = await factories.create_user(clock, "editor")
    reviewer = await factories.create_user(clock, "reviewer")
    campaign, _ = await factories.create_campaign_with_post(clock, editor)
    pack = await ContentPack.get(campaign_id=campaign.id)
    await campaigns.submit_pack(clock, editor, pack.id)
    await campaigns.review_pack(clock, reviewer, pack.id, approve=False, note="Cite the source")
    entry = await AuditEntry.get(action="pack.changes")
    assert (entry.actor_id, entry.target) == (reviewer.id, f"pack:{pack.id}")


async def test_admin_reads_and_exports_the_log_and_the_export_is_recorded(
    client: httpx.AsyncClient, clock: SimulatedClock
) -> None:
    admin = await factories.create_user(clock, "admin")
    await audit.record(clock, admin, "setting.change", "=HYPERLINK(\"http://evil\")", {"key": "x"},
                       address="-2+3")
    api = await client.get("/api/v1/audit", headers=(await token_for(clock, "admin"))[1])
    assert [entry["action"] for entry in api.json()] == ["setting.change"]
    await sign_in(client, admin)
    page = await client.get("/admin/audit")
    assert page.status_code == 200 and "setting.change" in page.text
    export = await client.get("/admin/audit.csv")
    assert export.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(export.text)))
    # Spreadsheets would run a cell that starts with "=": the export defuses it.
    assert [row["target"] for row in rows if row["action"] == "setting.change"] == ["'=HYPERLINK(\"http://evil\")"]
    # The address comes from a request header anyone can set: defused like every text cell.
    assert [row["address"] for row in rows if row["action"] == "setting.change"] == ["'-2+3"]
    assert await AuditEntry.filter(action="audit.export", actor_id=admin.id).count() == 1


async def test_other_roles_cannot_read_the_log(client: httpx.AsyncClient, clock: SimulatedClock) -> None:
    for role in ("ambassador", "editor", "reviewer", "leader"):
        _, headers = await token_for(clock, role)
        assert (await client.get("/api/v1/audit", headers=headers)).status_code == 403


async def test_forgetting_a_person_replaces_their_email_and_name_only_in_entries_by_or_about_them(
    database: Settings, clock: SimulatedClock
) -> None:
    email = "ann.lee@example.org"
    ann = await factories.create_user(clock, "ambassador", name="Ann Lee", email=email)
    admin = await factories.create_user(clock, "admin")
    await audit.record(clock, admin, "user.update", f"user:{ann.id}", {"was": f"Ann Lee <{email.upper()}>"})
    await audit.record(clock, ann, "notify.channel", f"user:{ann.id}", {"channel": "email"})
    await audit.record(clock, None, "sign-in.failed", email, actor_email=email)

    await audit.forget_person(ann.id, ann.email, ann.name, placeholder_email="gone@deidentified.invalid",
                              placeholder_name="Former ambassador")

    entries = {entry.action: entry for entry in await AuditEntry.all()}
    assert entries["user.update"].details == {"was": "Former ambassador <gone@deidentified.invalid>"}
    assert entries["user.update"].actor_email == admin.email
    assert entries["notify.channel"].actor_email == "gone@deidentified.invalid"
    assert entries["notify.channel"].details == {"channel": "email"}
    failed = entries["sign-in.failed"]
    assert failed.target == failed.actor_email == "gone@deidentified.invalid"
