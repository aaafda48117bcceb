"""The audit log: events from every service land in one append-only record admins can read and export."""

from __future__ import annotations

import csv
import html
import io

import httpx

from advocacy import audit
from advocacy.audit.models import AuditEntry
from advocacy.audit.wording import detail_lines
from advocacy.clock import SimulatedClock
from advocacy.compliance import default_engine
from advocacy.settings import Settings
from advocacy.shares.service import cancel_share, create_share
from campaigns import post_edits
from campaigns import service as campaigns
from campaigns.models import ContentPack, MessageVariant
from campaigns.overrides import override_warning
from tests import factories
from tests.test_api import token_for
from tests.test_pages import element, sign_in


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


async def test_every_content_decision_is_recorded_with_who_and_what_and_reads_as_changes(
    client: httpx.AsyncClient, clock: SimulatedClock
) -> None:
    editor = await factories.create_user(clock, "editor", name="Eve Editor")
    reviewer = await factories.create_user(clock, "reviewer", name="Rita Reviewer")
    admin = await factories.create_user(clock, "admin")
    campaign, post = await factories.create_campaign_with_post(
        clock, editor, messages={"x": ["Vote for Smith, says my whole ward. #employee"]})
    pack = await ContentPack.get(campaign_id=campaign.id)
    [variant] = await MessageVariant.filter(post_id=post.id)
    await campaigns.submit_pack(clock, editor, pack.id)
    await override_warning(clock, reviewer, variant.id, rule="political", start=0, end=8,
                           reason="Quoting a patient survey.", compliance=default_engine())
    await campaigns.review_pack(clock, reviewer, pack.id, approve=False, note="Add a LinkedIn message")
    await campaigns.edit_message(clock, editor, variant.id, text="Our ward cares. #employee")
    added = await post_edits.add_message(clock, editor, post.id, network="linkedin",
                                         text="Proud of our ward. #employee")
    await post_edits.edit_post(clock, editor, post.id, title="Our ward", url=post.url)
    await post_edits.delete_message(clock, editor, added.id)
    await campaigns.submit_pack(clock, editor, pack.id)
    await campaigns.review_pack(clock, reviewer, pack.id, approve=True)
    await campaigns.launch_campaign(clock, editor, campaign.id)
    correction = await campaigns.propose_correction(clock, editor, variant.id,
                                                    text="Our ward cares a lot. #employee", reason="Stronger")
    await campaigns.review_correction(clock, reviewer, correction.id, approve=True)
    ambassador, account = await factories.create_ambassador(clock, "x")
    share = await create_share(clock, ambassador, post_id=post.id, account_id=account.id,
                               variant_id=variant.id)
    await cancel_share(clock, ambassador, share.id)
    await campaigns.archive_pack(clock, editor, pack.id)

    entries = await AuditEntry.all().order_by("id")
    steps = [(entry.action, entry.actor_id) for entry in entries if entry.action not in ("user.create",)]
    assert steps == [
        ("campaign.create", editor.id), ("post.add", editor.id), ("pack.submit", editor.id),
        ("finding.override", reviewer.id), ("pack.changes", reviewer.id), ("message.edit", editor.id),
        ("message.add", editor.id), ("post.edit", editor.id), ("message.delete", editor.id),
        ("pack.submit", editor.id), ("pack.approve", reviewer.id), ("campaign.launch", editor.id),
        ("correction.propose", editor.id), ("correction.approve", reviewer.id),
        ("share.create", ambassador.id), ("share.cancel", ambassador.id), ("pack.archive", editor.id),
    ]
    by_action = {entry.action: entry for entry in entries}
    assert by_action["campaign.launch"].target == f"campaign:{campaign.id}"
    assert by_action["message.edit"].target == f"post:{post.id}"
    assert by_action["pack.changes"].details["note"] == "Add a LinkedIn message"

    await sign_in(client, admin)
    page = await client.get("/admin/audit")
    assert page.status_code == 200

    def details(action: str) -> str:
        return html.unescape(element(page.text, f"audit-{by_action[action].id}"))

    assert ("message: Vote for Smith, says my whole ward. #employee → Our ward cares. #employee"
            in details("message.edit"))
    assert "title: Our new cardiac unit opens → Our ward" in details("post.edit")
    assert "status: in review → changes requested" in details("pack.changes")
    assert "note: Add a LinkedIn message" in details("pack.changes")
    assert "status: in review → approved" in details("pack.approve")
    assert "status: draft → launched" in details("campaign.launch")
    assert "reason: Quoting a patient survey." in details("finding.override")
    assert ("message: Our ward cares. #employee → Our ward cares a lot. #employee"
            in details("correction.approve"))
    assert "status: queued → cancelled" in details("share.cancel")
    assert "status: approved → archived" in details("pack.archive")
    assert reviewer.email in details("pack.approve") and editor.email in details("campaign.launch")
    assert "{" not in element(page.text, "audit-entries")  # no raw JSON left


def test_details_read_as_changes_moments_and_words_not_json() -> None:
    assert detail_lines({"role": {"from": "editor", "to": "reviewer"}, "email": "eve@example.org"}) == [
        "role: editor → reviewer", "email: eve@example.org"]
    assert detail_lines({"from": "ambassador", "to": "editor", "via": "oidc"}) == [
        "ambassador → editor", "via: oidc"]
    assert detail_lines({"starts": "2026-12-08T10:00:00+01:00", "active": {"from": True, "to": False},
                         "span": [0, 8], "policy_version": 3, "note": ""}) == [
        "starts: 2026-12-08 09:00 UTC", "active: yes → no", "span: 0, 8", "policy version: 3",
        "note: (none)"]


async def test_the_log_is_read_about_one_target_on_the_page_and_over_the_api(
    client: httpx.AsyncClient, clock: SimulatedClock
) -> None:
    admin, headers = await token_for(clock, "admin")
    await audit.record(clock, admin, "role.change", "user:7", {"role": {"from": "editor", "to": "leader"}})
    await audit.record(clock, admin, "role.change", "user:8", {"role": {"from": "leader", "to": "editor"}})
    api = await client.get("/api/v1/audit", headers=headers, params={"target": "user:7"})
    assert [entry["target"] for entry in api.json()] == ["user:7"]
    await sign_in(client, admin)
    page = await client.get("/admin/audit", params={"target": "user:8"})
    listing = element(page.text, "audit-entries")
    assert "role: leader → editor" in listing and "user:7" not in listing
    nothing = await client.get("/admin/audit", params={"target": "user:9"})
    assert "Nothing recorded about “user:9” yet." in nothing.text
