"""The accounts page and API in sandbox mode: simulated connect, disconnect after confirming,
notices, and each person seeing and changing only their own accounts."""

from __future__ import annotations

from datetime import timedelta

import httpx

from advocacy.accounts.connections import mark_needs_reconnect
from advocacy.accounts.models import AccountNotice, SocialAccount
from advocacy.audit.models import AuditEntry
from advocacy.clock import SimulatedClock
from advocacy.settings import Settings
from advocacy.shares.models import Share, ShareStatus
from advocacy.users.service import issue_api_token
from tests import factories
from tests.shares.test_dispatch import dispatcher, queue_shares
from tests.test_api import bearer
from tests.test_pages import csrf_of, sign_in


async def test_empty_accounts_page_explains_why_to_connect(
    database: Settings, clock: SimulatedClock, client: httpx.AsyncClient
) -> None:
    await sign_in(client, await factories.create_user(clock, "ambassador"))
    page = await client.get("/accounts")
    assert page.status_code == 200
    assert "You have no connected account yet" in page.text and "only post what you choose" in page.text
    assert 'id="connect-x"' in page.text and 'id="connect-linkedin"' in page.text
    feed = await client.get("/feed")
    assert 'href="/accounts"' in feed.text


async def test_sandbox_connect_makes_a_simulated_account_and_shares_from_it_publish(
    database: Settings, clock: SimulatedClock, client: httpx.AsyncClient
) -> None:
    user = await factories.create_user(clock, "ambassador", name="Sam Sandbox")
    await sign_in(client, user)
    page = await client.get("/accounts")
    response = await client.post("/accounts/connect/linkedin", data={"csrf_token": csrf_of(page.text)})
    assert response.status_code == 303 and response.headers["location"] == "/accounts"
    page = await client.get("/accounts")
    assert "Your simulated LinkedIn account is connected" in page.text and "sam-sandbox" in page.text
    account = await SocialAccount.get(user_id=user.id)
    assert account.status == "connected" and account.followers is not None
    again = await client.post("/accounts/connect/linkedin", data={"csrf_token": csrf_of(page.text)})
    assert again.status_code == 303 and await SocialAccount.filter(user_id=user.id).count() == 1


async def test_disconnect_asks_for_confirmation_then_pauses_waiting_shares(
    database: Settings, clock: SimulatedClock, client: httpx.AsyncClient
) -> None:
    _, posts = await factories.create_launched_campaign_with_posts(clock, 1)
    [share] = await queue_shares(clock, posts, at=clock.now() + timedelta(hours=2))
    account = await SocialAccount.get(id=share.account_id)
    await sign_in(client, await account.user)

    listed = await client.get("/accounts")
    assert f'id="disconnect-{account.id}"' in listed.text and "Yes, disconnect" not in listed.text
    confirm = await client.get(f"/accounts?disconnect={account.id}")
    assert "Yes, disconnect" in confirm.text and "paused until you reconnect" in confirm.text
    assert (await SocialAccount.get(id=account.id)).status == "connected"  # asking changes nothing
    response = await client.post(f"/accounts/{account.id}/disconnect",
                                 data={"csrf_token": csrf_of(confirm.text)})
    assert response.status_code == 303
    page = await client.get("/accounts")
    assert "is disconnected; nothing more will be posted" in page.text
    assert (await SocialAccount.get(id=account.id)).status == "disconnected"
    assert (await Share.get(id=share.id)).status == ShareStatus.PAUSED
    clock.advance(timedelta(hours=3))
    assert (await dispatcher(database, clock).run_until_idle()).claimed == 0


async def test_a_person_cannot_disconnect_someone_elses_account(
    database: Settings, clock: SimulatedClock, client: httpx.AsyncClient
) -> None:
    _, theirs = await factories.create_ambassador(clock, "x")
    me = await factories.create_user(clock, "ambassador")
    await sign_in(client, me)
    page = await client.get("/accounts")
    response = await client.post(f"/accounts/{theirs.id}/disconnect", data={"csrf_token": csrf_of(page.text)})
    assert response.status_code == 404 and "You have no connected account" in response.text
    assert (await SocialAccount.get(id=theirs.id)).status == "connected"


async def test_needs_reconnect_notice_shows_on_the_page_and_can_be_dismissed(
    database: Settings, clock: SimulatedClock, client: httpx.AsyncClient
) -> None:
    user, account = await factories.create_ambassador(clock, "x")
    await mark_needs_reconnect(clock, account, "Unauthorized")
    await sign_in(client, user)
    page = await client.get("/accounts")
    notice = await AccountNotice.get(user_id=user.id)
    assert f'id="account-notice-{notice.id}"' in page.text and "needs to be reconnected" in page.text
    assert f'id="reconnect-{account.id}"' in page.text and "Needs reconnecting" in page.text
    response = await client.post(f"/accounts/notices/{notice.id}/dismiss",
                                 data={"csrf_token": csrf_of(page.text)})
    assert response.status_code == 303
    assert f'id="account-notice-{notice.id}"' not in (await client.get("/accounts")).text
    again = await client.post(f"/accounts/notices/{notice.id}/dismiss",
                              data={"csrf_token": csrf_of(page.text)})
    assert again.status_code == 404


async def test_api_lists_my_accounts_and_notices_only(
    database: Settings, clock: SimulatedClock, client: httpx.AsyncClient
) -> None:
    user, account = await factories.create_ambassador(clock, "linkedin")
    await factories.create_ambassador(clock, "x")  # someone else's
    await mark_needs_reconnect(clock, account, "the access token expired")
    headers = bearer(await issue_api_token(clock, user))

    response = await client.get("/api/v1/accounts", headers=headers)
    assert response.status_code == 200
    body = response.json()
    assert [a["id"] for a in body["accounts"]] == [account.id]
    assert body["accounts"][0]["status"] == "needs_reconnect"
    assert body["accounts"][0]["status_reason"] == "the access token expired"
    assert body["accounts"][0]["network_label"] == "LinkedIn"
    assert [n["kind"] for n in body["notices"]] == ["needs_reconnect"]


async def test_api_disconnect_is_mine_only_and_once(
    database: Settings, clock: SimulatedClock, client: httpx.AsyncClient
) -> None:
    user, account = await factories.create_ambassador(clock, "x")
    _, theirs = await factories.create_ambassador(clock, "x")
    headers = bearer(await issue_api_token(clock, user))

    response = await client.post(f"/api/v1/accounts/{account.id}/disconnect", headers=headers)
    assert response.status_code == 200 and response.json()["status"] == "disconnected"
    again = await client.post(f"/api/v1/accounts/{account.id}/disconnect", headers=headers)
    assert again.status_code == 409 and again.json()["error"]["code"] == "conflict"
    other = await client.post(f"/api/v1/accounts/{theirs.id}/disconnect", headers=headers)
    assert other.status_code == 404
    assert (await SocialAccount.get(id=theirs.id)).status == "connected"
    assert await AuditEntry.filter(action="account.disconnect").count() == 1


async def test_editors_have_no_accounts_page(
    database: Settings, clock: SimulatedClock, client: httpx.AsyncClient
) -> None:
    await sign_in(client, await factories.create_user(clock, "editor"))
    assert (await client.get("/accounts")).status_code == 403


async def test_a_paused_share_shows_in_my_shares_with_its_reason_and_can_be_cancelled(
    database: Settings, clock: SimulatedClock, client: httpx.AsyncClient
) -> None:
    _, posts = await factories.create_launched_campaign_with_posts(clock, 1)
    [share] = await queue_shares(clock, posts, network="x", at=clock.now() + timedelta(hours=2))
    account = await SocialAccount.get(id=share.account_id)
    await mark_needs_reconnect(clock, account, "Unauthorized")
    await sign_in(client, await account.user)
    feed = await client.get("/feed")
    assert 'class="status paused"' in feed.text and "needs to be reconnected (Unauthorized)" in feed.text
    response = await client.post(f"/feed/shares/{share.id}/cancel", data={"csrf_token": csrf_of(feed.text)})
    assert response.status_code == 303
    assert (await Share.get(id=share.id)).status == ShareStatus.CANCELLED
