"""The admins' people page over HTTP: find, create, change a role, deactivate, reactivate, send a
reset link; each change audited, each refusal shown beside its person and changing nothing."""

from __future__ import annotations

import html
from datetime import timedelta

import httpx
import pytest

from advocacy.audit.models import AuditEntry
from advocacy.clock import SimulatedClock
from advocacy.errors import Conflict
from advocacy.notify.account_mail import queue_pending_resets
from advocacy.notify.models import Delivery, Notification
from advocacy.settings import Settings
from advocacy.shares.models import Share, ShareStatus
from advocacy.shares.service import create_share
from advocacy.users.models import ApiToken, PasswordReset, Role, User
from advocacy.users.service import change_role, create_personal_token, deactivate_user, issue_api_token
from tests import factories
from tests.test_api import bearer
from tests.test_pages import csrf_of, element, sign_in, submit


async def test_the_page_lists_people_with_their_accounts_and_programme_state_and_finds_them(
    client: httpx.AsyncClient, clock: SimulatedClock
) -> None:
    admin = await factories.create_user(clock, "admin", name="Ann Admin")
    ada, _ = await factories.create_ambassador(clock, "linkedin", name="Ada Lovelace")
    await factories.create_account(clock, ada, "x", handle="ada_x", status="needs_reconnect")
    await factories.create_user(clock, "ambassador", name="Ben Invited", opted_in=False)
    await factories.create_user(clock, "editor", name="Eve Editor")
    await sign_in(client, admin)

    page = await client.get("/admin/users")
    assert page.status_code == 200
    assert '<a href="/admin/users" aria-current="page">People</a>' in page.text
    row = element(page.text, f"person-{ada.id}")
    assert "Ada Lovelace" in row and ada.email in row
    assert '<td class="programme-state" data-label="Programme">opted in</td>' in row
    assert "X ada_x (needs reconnect)" in row and "LinkedIn" in row and "(connected)" in row
    assert "not an ambassador" in element(page.text, f"person-{admin.id}")

    found = await client.get("/admin/users", params={"q": "lovelace"})
    listing = element(found.text, "people-list")
    assert "Ada Lovelace" in listing and "Eve Editor" not in listing and "Ben Invited" not in listing
    invited = await client.get("/admin/users", params={"q": "ben"})
    assert "invited" in element(invited.text, "people-list")
    editors = await client.get("/admin/users", params={"role": "editor"})
    assert "Eve Editor" in element(editors.text, "people-list") and "Ada" not in element(editors.text,
                                                                                          "people-list")
    nobody = await client.get("/admin/users", params={"q": "zzz"})
    assert "Nobody matches “zzz”." in element(nobody.text, "no-people")


@pytest.mark.parametrize("role", ["ambassador", "editor", "reviewer", "leader"])
async def test_only_admins_open_the_people_page(
    role: str, client: httpx.AsyncClient, clock: SimulatedClock
) -> None:
    person = await factories.create_user(clock, role)
    await sign_in(client, person)
    assert (await client.get("/admin/users")).status_code == 403
    assert "/admin/users" not in (await client.get("/me/profile")).text


async def test_admin_creates_a_person_with_a_password_who_then_signs_in(
    client: httpx.AsyncClient, clock: SimulatedClock
) -> None:
    admin = await factories.create_user(clock, "admin")
    await sign_in(client, admin)
    response = await submit(client, "/admin/users", "/admin/users", {
        "name": "Rita Reviewer", "email": "Rita@Example.org", "role": "reviewer",
        "department": "Compliance", "region": "", "password": "harbour lantern seventeen"})
    assert response.status_code == 303
    rita = await User.get(email="rita@example.org")
    assert (rita.role, rita.department, rita.is_active) == (Role.REVIEWER, "Compliance", True)
    shown = await client.get(response.headers["location"])
    assert "Rita Reviewer (reviewer) created: they sign in with the password you chose." in shown.text
    assert "Rita Reviewer" in element(shown.text, f"person-{rita.id}")
    entry = await AuditEntry.get(action="user.create")
    assert (entry.actor_id, entry.target) == (admin.id, f"user:{rita.id}")
    assert entry.details == {"email": "rita@example.org", "role": "reviewer"}
    assert not await PasswordReset.filter(user_id=rita.id).exists()

    client.cookies.clear()
    login = await client.get("/login")
    signed_in = await client.post("/login", data={"email": "rita@example.org",
                                                  "password": "harbour lantern seventeen",
                                                  "csrf_token": csrf_of(login.text)})
    assert (signed_in.status_code, signed_in.headers["location"]) == (303, "/studio")


async def test_a_person_created_without_a_password_is_sent_a_link_through_the_outbox(
    client: httpx.AsyncClient, clock: SimulatedClock, database: Settings
) -> None:
    admin = await factories.create_user(clock, "admin")
    await sign_in(client, admin)
    response = await submit(client, "/admin/users", "/admin/users", {
        "name": "Leo Leader", "email": "leo@example.org", "role": "leader", "password": ""})
    assert response.status_code == 303
    leo = await User.get(email="leo@example.org")
    shown = await client.get(response.headers["location"])
    assert "a link to choose a password is on its way to leo@example.org" in shown.text
    assert await PasswordReset.filter(user_id=leo.id).count() == 1
    assert await queue_pending_resets(clock, database) == 1
    [notice] = await Notification.filter(user_id=leo.id)
    assert notice.kind == "password_reset"
    assert await Delivery.filter(notification=notice).count() == 1
    entry = await AuditEntry.get(action="password.reset-requested")
    assert (entry.actor_id, entry.target) == (admin.id, f"user:{leo.id}")


@pytest.mark.parametrize(("fields", "message"), [
    ({"email": "not-an-email", "password": ""}, "is not a valid email address"),
    ({"email": "x@example.org", "password": "short"}, "at least 12 characters"),
    ({"email": "x@example.org", "password": "", "role": "owner"}, "Unknown role 'owner'"),
    ({"email": "taken@example.org", "password": ""}, "An account for taken@example.org already exists."),
    ({"email": "x@example.org", "password": "", "name": "n" * 201}, "The name is longer than 200"),
])
async def test_bad_input_when_creating_is_an_inline_error_that_changes_nothing(
    fields: dict[str, str], message: str, client: httpx.AsyncClient, clock: SimulatedClock
) -> None:
    admin = await factories.create_user(clock, "admin")
    await factories.create_user(clock, "editor", email="taken@example.org")
    await sign_in(client, admin)
    before = (await User.all().count(), await AuditEntry.filter(action="user.create").count(),
              await PasswordReset.all().count())
    response = await submit(client, "/admin/users", "/admin/users", {
        "name": "Someone", "role": "editor", **fields})
    assert response.status_code in (409, 422)
    assert message in html.unescape(element(response.text, "people-error"))
    # What was typed stays in the form, to be corrected.
    assert f'value="{fields["email"]}"' in element(response.text, "people-create")
    after = (await User.all().count(), await AuditEntry.filter(action="user.create").count(),
             await PasswordReset.all().count())
    assert after == before


async def test_admin_changes_a_role_and_it_is_audited_as_old_to_new(
    client: httpx.AsyncClient, clock: SimulatedClock
) -> None:
    admin = await factories.create_user(clock, "admin")
    eve = await factories.create_user(clock, "editor", name="Eve Editor")
    await sign_in(client, admin)
    response = await submit(client, "/admin/users", f"/admin/users/{eve.id}/role", {"role": "reviewer"})
    assert response.status_code == 303
    await eve.refresh_from_db()
    assert eve.role == Role.REVIEWER
    assert "Eve Editor is now reviewer." in (await client.get(response.headers["location"])).text
    entry = await AuditEntry.get(action="role.change")
    assert entry.details == {"email": eve.email, "role": {"from": "editor", "to": "reviewer"}}
    log = await client.get("/admin/audit")
    assert "role: editor → reviewer" in element(log.text, "audit-entries")
    # Each person's row links to the entries about them, and only those.
    history = f"/admin/audit?target=user%3A{eve.id}"
    assert f'href="{history}"' in element((await client.get("/admin/users")).text, f"person-{eve.id}")
    about_eve = element((await client.get(history)).text, "audit-entries")
    assert "role.change" in about_eve and "sign-in" not in about_eve and about_eve.count("<tr id=") == 1

    refused = await submit(client, "/admin/users", f"/admin/users/{eve.id}/role", {"role": "boss"})
    assert refused.status_code == 422
    assert "Unknown role 'boss'" in html.unescape(element(refused.text, f"person-{eve.id}-error"))
    await eve.refresh_from_db()
    assert eve.role == Role.REVIEWER and await AuditEntry.filter(action="role.change").count() == 1


async def test_an_admin_cannot_demote_or_deactivate_themselves(
    client: httpx.AsyncClient, clock: SimulatedClock
) -> None:
    admin = await factories.create_user(clock, "admin")
    await factories.create_user(clock, "admin")  # another admin: the rule is about oneself
    await sign_in(client, admin)
    page = await client.get("/admin/users")
    mine = element(page.text, f"person-{admin.id}")
    assert "Deactivate" not in mine and "Change role" not in mine
    for action, data in (("deactivate", {}), ("role", {"role": "editor"})):
        refused = await client.post(f"/admin/users/{admin.id}/{action}",
                                    data={**data, "csrf_token": csrf_of(page.text)})
        assert refused.status_code == 403
        assert "ask another admin" in element(refused.text, f"person-{admin.id}-error")
    await admin.refresh_from_db()
    assert (admin.role, admin.is_active) == (Role.ADMIN, True)
    assert not await AuditEntry.filter(action__in=("role.change", "user.deactivate")).exists()


async def test_the_last_active_admin_is_never_removed(database: Settings, clock: SimulatedClock) -> None:
    only = await factories.create_user(clock, "admin", name="Only Admin")

    # From the command line there is no acting admin: the rule still holds.
    with pytest.raises(Conflict, match="Only Admin is the last active admin"):
        await deactivate_user(clock, None, only.id)
    with pytest.raises(Conflict, match="last active admin"):
        await change_role(clock, None, only.id, "editor")
    second = await factories.create_user(clock, "admin")
    await deactivate_user(clock, None, only.id)
    with pytest.raises(Conflict, match="last active admin"):
        await change_role(clock, None, second.id, "leader")
    assert await User.filter(role=Role.ADMIN, is_active=True).count() == 1


async def test_deactivation_ends_sessions_and_tokens_and_pauses_shares_until_reactivation(
    client: httpx.AsyncClient, clock: SimulatedClock
) -> None:
    admin = await factories.create_user(clock, "admin")
    _, post = await factories.create_launched_campaign(clock)
    ada, account = await factories.create_ambassador(clock, name="Ada Ambassador")
    share = await create_share(clock, ada, post_id=post.id, account_id=account.id, text="Proud of us",
                               scheduled_at=clock.now() + timedelta(hours=2))
    sign_in_token = await issue_api_token(clock, ada)
    _, personal = await create_personal_token(clock, ada, "my script")
    # Ada is signed in in her own browser.
    async with httpx.AsyncClient(transport=client._transport, base_url="http://testserver") as hers:
        await sign_in(hers, ada)
        assert (await hers.get("/feed")).status_code == 200

        await sign_in(client, admin)
        response = await submit(client, "/admin/users", f"/admin/users/{ada.id}/deactivate", {})
        assert response.status_code == 303
        shown = await client.get(response.headers["location"])
        assert ("Ada Ambassador is deactivated: they can no longer sign in, and every session and "
                "token of theirs has ended. Their 1 waiting share(s) are paused.") in shown.text
        assert "deactivated" in element(shown.text, f"person-{ada.id}")

        # Her open session ends at once; her tokens stop working; she cannot sign in again.
        assert (await hers.get("/feed")).headers["location"].startswith("/login")
        login = await hers.get("/login")
        again = await hers.post("/login", data={"email": ada.email, "password": factories.PASSWORD,
                                                "csrf_token": csrf_of(login.text)})
        assert again.status_code == 400 and "The email or password is not right." in again.text
    for token in (sign_in_token, personal):
        assert (await client.get("/api/v1/me", headers=bearer(token))).status_code == 401
    assert await ApiToken.filter(user_id=ada.id, revoked_at=None).count() == 0
    await share.refresh_from_db()
    assert share.status == ShareStatus.PAUSED
    entry = await AuditEntry.get(action="user.deactivate")
    assert (entry.actor_id, entry.target) == (admin.id, f"user:{ada.id}")
    assert entry.details["tokens_revoked"] == 2

    response = await submit(client, "/admin/users", f"/admin/users/{ada.id}/reactivate", {})
    shown = await client.get(response.headers["location"])
    assert "Ada Ambassador is active again and can sign in. Their 1 paused share(s) are queued again." \
        in shown.text
    await share.refresh_from_db()
    assert share.status == ShareStatus.QUEUED
    assert await AuditEntry.filter(action="user.reactivate", actor_id=admin.id).count() == 1
    # Reactivating brings back no token: the revoked ones stay revoked.
    assert (await client.get("/api/v1/me", headers=bearer(personal))).status_code == 401
    await sign_in(client, ada)
    assert (await client.get("/feed")).status_code == 200
    assert await Share.filter(user_id=ada.id).count() == 1


async def test_admin_sends_a_reset_link_and_refusals_change_nothing(
    client: httpx.AsyncClient, clock: SimulatedClock, database: Settings
) -> None:
    admin = await factories.create_user(clock, "admin")
    eve = await factories.create_user(clock, "editor", name="Eve Editor")
    await sign_in(client, admin)
    for _ in range(3):
        sent = await submit(client, "/admin/users", f"/admin/users/{eve.id}/reset", {})
        assert sent.status_code == 303
    assert "A link to choose a new password is on its way to " + eve.email in (
        await client.get(sent.headers["location"])).text
    assert await PasswordReset.filter(user_id=eve.id).count() == 3
    # Three links per sign-in window, as when people ask themselves: the fourth is refused inline.
    refused = await submit(client, "/admin/users", f"/admin/users/{eve.id}/reset", {})
    assert refused.status_code == 409
    assert "wait before sending another" in element(refused.text, f"person-{eve.id}-error")
    assert await PasswordReset.filter(user_id=eve.id).count() == 3
    await deactivate_user(clock, admin, eve.id)
    refused = await submit(client, "/admin/users", f"/admin/users/{eve.id}/reset", {})
    assert "reactivate the account before sending a link" in element(refused.text, f"person-{eve.id}-error")
    missing = await submit(client, "/admin/users", "/admin/users/999999/deactivate", {})
    assert missing.status_code == 404 and "There is no person 999999." in missing.text
