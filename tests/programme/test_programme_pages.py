"""The programme's pages over HTTP: invite by email, join, acknowledge, CSV import, segments, leaving."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import timedelta

import httpx
import pytest
from asgi_lifespan import LifespanManager

from advocacy.accounts.models import SocialAccount
from advocacy.app import create_app
from advocacy.audit.models import AuditEntry
from advocacy.clock import SimulatedClock
from advocacy.notify.delivery import NotificationDeliverer
from advocacy.programme import guidelines, segments
from advocacy.programme.models import ConsentEvent, Invitation, TrainingModule
from advocacy.settings import Settings
from advocacy.shares.models import Share, ShareStatus
from advocacy.shares.service import create_share
from advocacy.users.models import User
from campaigns.models import Campaign
from tests import factories
from tests.test_pages import csrf_of, element, sign_in, submit
from tests.users.test_password_reset import Inbox, inbox  # noqa: F401  (the SMTP server fixture)

JOIN_LINK = re.compile(r"http://testserver(/join/[A-Za-z0-9_-]+)")


@pytest.fixture
def mail_settings(database: Settings, inbox: tuple[Inbox, int]) -> Settings:  # noqa: F811
    return database.model_copy(update={"smtp_host": "127.0.0.1", "smtp_port": inbox[1],
                                       "public_base_url": "http://testserver"})


async def deliver_outbox(settings: Settings, clock: SimulatedClock) -> None:
    """Send what the outbox holds, as the worker's notification job does (invitations go there)."""
    async with httpx.AsyncClient() as client:
        await NotificationDeliverer(settings, clock, client).run_until_idle()


@asynccontextmanager
async def app_client(settings: Settings, clock: SimulatedClock) -> AsyncIterator[httpx.AsyncClient]:
    """A client of the app built with these settings, its lifespan running."""
    async with LifespanManager(create_app(settings, clock)) as manager:
        transport = httpx.ASGITransport(app=manager.app)
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
            yield client


@pytest.fixture
async def http(mail_settings: Settings, clock: SimulatedClock) -> AsyncIterator[httpx.AsyncClient]:
    async with app_client(mail_settings, clock) as client:
        yield client


def body_of(message: object) -> str:
    payload = message.get_payload(decode=True)  # type: ignore[attr-defined]
    return payload.decode() if isinstance(payload, bytes) else str(payload)


async def test_invited_person_joins_by_choice_and_the_gate_lifts_after_the_guidelines(
    http: httpx.AsyncClient, clock: SimulatedClock, inbox: tuple[Inbox, int],  # noqa: F811
    mail_settings: Settings,
) -> None:
    admin = await factories.create_user(clock, "admin")
    editor = await factories.create_user(clock, "editor")
    await guidelines.publish_version(clock, admin, title="Guidelines", body="- Disclose your connection")
    _, post = await factories.create_launched_campaign(clock)
    await sign_in(http, editor)  # editors invite too
    sent = await submit(http, "/programme", "/programme/invite", {
        "email": "ines@example.org", "name": "Ines", "department": "Pharmacy", "region": "West",
        "timezone": "America/Denver", "manager_email": "boss@example.org"})
    assert sent.status_code == 303
    await deliver_outbox(mail_settings, clock)
    [message] = inbox[0].messages
    assert message["To"] == "ines@example.org"
    match = JOIN_LINK.search(body_of(message))
    assert match, body_of(message)
    path = match.group(1)
    assert path.split("/")[-1] not in str(await Invitation.all().values_list("token_digest", flat=True))
    members = await http.get("/programme")
    assert "ines@example.org" in members.text and "invited" in element(members.text, "members")

    http.cookies.clear()
    page = await http.get(path)
    assert page.status_code == 200 and "voluntary" in page.text
    assert re.search(r'name="opt_in" value="yes"\s*>', page.text), "the consent box starts unticked"
    unticked = await http.post(path, data={"csrf_token": csrf_of(page.text), "password": "a good password",
                                           "password_again": "a good password"})
    assert unticked.status_code == 400 and "tick the box" in unticked.text
    ines = await User.get(email="ines@example.org")
    assert ines.opted_in_at is None and await ConsentEvent.filter(user_id=ines.id).count() == 0

    joined = await http.post(path, data={"csrf_token": csrf_of(unticked.text), "password": "a good password",
                                         "password_again": "a good password", "opt_in": "yes"})
    assert joined.status_code == 303 and joined.headers["location"] == "/guidelines"
    [event] = await ConsentEvent.filter(user_id=ines.id)
    assert event.action == "opt_in" and event.guideline_version == 1
    assert (await http.get(path)).status_code == 410  # used once

    account = await factories.create_account(clock, await User.get(id=ines.id))
    feed = await http.get("/feed")
    assert "acknowledge the social media guidelines" in element(feed.text, "sharing-blockers")
    assert 'action="/feed/share"' not in feed.text
    refused = await http.post("/feed/share", data={"csrf_token": csrf_of(feed.text), "post_id": str(post.id),
                                                    "account_id": str(account.id), "text": "Proud #employee"})
    assert refused.status_code == 403 and await Share.all().count() == 0

    ack = await submit(http, "/guidelines", "/guidelines/acknowledge", {"version": "1"})
    assert ack.status_code == 303
    feed = await http.get("/feed")
    assert 'id="sharing-blockers"' not in feed.text and 'action="/feed/share"' in feed.text
    shared = await http.post("/feed/share", data={"csrf_token": csrf_of(feed.text), "post_id": str(post.id),
                                                   "account_id": str(account.id), "text": "Proud #employee"})
    assert shared.status_code == 303 and await Share.all().count() == 1
    assert await AuditEntry.filter(action="programme.invite").count() == 1
    assert await AuditEntry.filter(action="programme.opt-in", target=f"user:{ines.id}").count() == 1


async def test_csv_import_page_lists_bad_lines_and_imports_nothing(
    http: httpx.AsyncClient, clock: SimulatedClock, inbox: tuple[Inbox, int],  # noqa: F811
    mail_settings: Settings,
) -> None:
    admin = await factories.create_user(clock, "admin")
    await sign_in(http, admin)
    page = await http.get("/programme")
    assert "No one here yet" in page.text
    bad = b"email,name,time zone\nok@example.org,Ok,UTC\nbroken,Bad,UTC\n"
    response = await http.post("/programme/import", data={"csrf_token": csrf_of(page.text)},
                               files={"file": ("people.csv", bad, "text/csv")})
    assert response.status_code == 400
    result = element(response.text, "import-result")
    assert "Nothing was imported" in result and "broken" in result and ">3<" in result
    assert await User.filter(email="ok@example.org").count() == 0 and inbox[0].messages == []

    good = b"email,name,time zone\nok@example.org,Ok,UTC\nfine@example.org,Fine,Europe/Paris\n"
    response = await http.post("/programme/import", data={"csrf_token": csrf_of(page.text)},
                               files={"file": ("people.csv", good, "text/csv")})
    assert response.status_code == 201 and "2 people invited" in response.text
    await deliver_outbox(mail_settings, clock)
    assert sorted(m["To"] for m in inbox[0].messages) == ["fine@example.org", "ok@example.org"]


async def test_segment_page_counts_members_live_and_campaign_targets_segments(
    http: httpx.AsyncClient, clock: SimulatedClock
) -> None:
    editor = await factories.create_user(clock, "editor")
    campaign, _ = await factories.create_launched_campaign(clock, editor=editor)
    await factories.create_user(clock, "ambassador", department="Nursing", region="North")
    await factories.create_user(clock, "ambassador", department="Pharmacy", region="North")
    await sign_in(http, editor)
    assert "No segments yet" in (await http.get("/programme/segments")).text
    preview = await http.get("/programme/segments/preview", params={
        "match": "all", "kind_0": "department", "value_0": "Nursing", "kind_1": "region", "value_1": "North"})
    assert preview.json() == {"count": 1, "error": None, "warnings": []}
    preview = await http.get("/programme/segments/preview", params={
        "match": "any", "kind_0": "department", "value_0": "Nursing", "kind_1": "department",
        "value_1": "Pharmacy"})
    assert preview.json()["count"] == 2
    bad = await http.get("/programme/segments/preview", params={"kind_0": "planet", "value_0": "Mars"})
    assert bad.status_code == 422 and "Unknown condition" in bad.json()["error"]

    empty = await submit(http, "/programme/segments", "/programme/segments",
                         {"name": "Nobody", "match": "all"})
    assert empty.status_code == 422 and "at least one condition" in empty.text
    saved = await submit(http, "/programme/segments", "/programme/segments", {
        "name": "Nurses", "match": "all", "kind_0": "department", "value_0": "Nursing"})
    assert saved.status_code == 303
    page = await http.get(f"/studio/campaigns/{campaign.id}")
    assert "Reaches every" in element(page.text, "targeting")
    segment_id = re.search(r'name="segment_id" value="(\d+)"', page.text).group(1)  # type: ignore[union-attr]
    target = await http.post(f"/studio/campaigns/{campaign.id}/segments",
                             data={"csrf_token": csrf_of(page.text), "segment_id": segment_id})
    assert target.status_code == 303
    page = await http.get(f"/studio/campaigns/{campaign.id}")
    assert '<strong class="audience-count">1</strong>' in element(page.text, "targeting")
    assert await AuditEntry.filter(action="campaign.segments").count() == 1


async def test_leaving_from_the_membership_page_cancels_and_disconnects_and_rejoining_is_logged(
    http: httpx.AsyncClient, clock: SimulatedClock
) -> None:
    _, post = await factories.create_launched_campaign(clock)
    person, account = await factories.create_ambassador(clock)
    share = await create_share(clock, person, post_id=post.id, account_id=account.id, text="Proud #employee",
                               scheduled_at=clock.now() + timedelta(hours=2))
    await sign_in(http, person)
    page = await http.get("/me/programme")
    assert "opted in" in element(page.text, "membership") and "data-confirm" in page.text
    left = await submit(http, "/me/programme", "/me/programme/leave", {})
    assert left.status_code == 303
    page = await http.get("/me/programme")
    assert "1 waiting share was cancelled" in page.text and "opted out" in element(page.text, "membership")
    assert (await Share.get(id=share.id)).status == ShareStatus.CANCELLED
    assert (await SocialAccount.get(id=account.id)).status == "disconnected"
    feed = await http.get("/feed")
    assert "You left the programme" in element(feed.text, "sharing-blockers")

    not_ticked = await submit(http, "/me/programme", "/me/programme/rejoin", {})
    assert not_ticked.status_code == 303 and (await User.get(id=person.id)).opted_in_at is None
    back = await submit(http, "/me/programme", "/me/programme/rejoin", {"opt_in": "yes"})
    assert back.status_code == 303 and (await User.get(id=person.id)).opted_in_at is not None
    actions = await ConsentEvent.filter(user_id=person.id).order_by("id").values_list("action", flat=True)
    assert list(actions) == ["opt_out", "opt_in"]


async def test_guidelines_edit_publishes_a_version_and_escapes_markup(
    http: httpx.AsyncClient, clock: SimulatedClock
) -> None:
    admin = await factories.create_user(clock, "admin")
    await sign_in(http, admin)
    assert "Write the first version" in (await http.get("/guidelines")).text
    empty = await submit(http, "/admin/guidelines", "/admin/guidelines", {"title": "G", "body": " "})
    assert empty.status_code == 422 and "cannot be empty" in empty.text
    done = await submit(http, "/admin/guidelines", "/admin/guidelines",
                        {"title": "Our guidelines", "body": "# Privacy\n\n<img src=x onerror=alert(1)>"})
    assert done.status_code == 303
    page = await http.get("/guidelines")
    article = element(page.text, "guidelines")
    assert "<h2>Privacy</h2>" in article and "<img" not in article and "&lt;img" in article
    assert "Version 1" in article


async def test_new_campaign_form_targets_chosen_segments_and_refuses_unknown_ones(
    http: httpx.AsyncClient, clock: SimulatedClock
) -> None:
    editor = await factories.create_user(clock, "editor")
    segment = await segments.save_segment(clock, editor, name="Pharmacists", match="all",
                                          conditions=[("department", "Pharmacy")])
    await sign_in(http, editor)
    studio = await http.get("/studio")
    assert "Pharmacists" in element(studio.text, "new-campaign-audience")
    form = {"csrf_token": csrf_of(studio.text), "name": "Flu season", "starts_at": "2026-11-03T09:00",
            "ends_at": "2026-11-20T09:00"}
    refused = await http.post("/studio/campaigns", data={**form, "segment_id": "4242"})
    assert refused.status_code == 422 and "no longer exists" in refused.text
    assert await Campaign.filter(name="Flu season").count() == 0
    made = await http.post("/studio/campaigns", data={**form, "segment_id": str(segment.id)})
    assert made.status_code == 303
    campaign = await Campaign.get(name="Flu season")
    assert await segments.campaign_segment_ids(campaign.id) == [segment.id]


async def test_admin_requires_a_module_and_the_ambassador_completes_it_from_its_page(
    http: httpx.AsyncClient, clock: SimulatedClock
) -> None:
    admin = await factories.create_user(clock, "admin")
    person = await factories.create_user(clock, "ambassador")
    module = await TrainingModule.create(slug="privacy", title="Patient privacy",
                                         summary="Never identify a patient.", body="- No names\n- No dates",
                                         created_at=clock.now())
    await sign_in(http, admin)
    required = await submit(http, "/training", f"/training/{module.id}/required", {"required": "yes"})
    assert required.status_code == 303 and (await TrainingModule.get(id=module.id)).required
    assert await AuditEntry.filter(action="training.required").count() == 1

    await sign_in(http, person)
    feed = await http.get("/feed")
    assert "Patient privacy" in element(feed.text, "sharing-blockers")
    page = await http.get(f"/training/{module.id}")
    assert "<li>No names</li>" in element(page.text, "module")
    done = await submit(http, f"/training/{module.id}", f"/training/{module.id}/complete", {})
    assert done.status_code == 303
    assert "complete" in element((await http.get("/training")).text, f"module-{module.id}")
    assert 'id="sharing-blockers"' not in (await http.get("/feed")).text
    refused = await submit(http, "/training", f"/training/{module.id}/required", {"required": "no"})
    assert refused.status_code == 403 and (await TrainingModule.get(id=module.id)).required
