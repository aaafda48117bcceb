"""Retrying failed shares in bulk, after the cause is fixed, through the service and the API."""

from __future__ import annotations

import httpx

from advocacy.accounts.models import SocialAccount
from advocacy.clock import SimulatedClock
from advocacy.settings import Settings
from advocacy.shares.models import Share, ShareStatus
from advocacy.users.service import issue_api_token
from connectors.base import PermanentError
from tests import factories
from tests.shares.test_dispatch import dispatcher, queue_shares
from tests.test_api import bearer


async def fail_by_revoked_token(database: Settings, clock: SimulatedClock, posts: int = 2) -> list[Share]:
    """Shares the platform refused, on an account whose token then broke.

    (A dead token met while publishing pauses shares rather than failing them; see test_connections.)
    """
    _, made = await factories.create_launched_campaign_with_posts(clock, posts)
    shares = await queue_shares(clock, made, network="x")
    worker = dispatcher(database, clock)
    worker.networks.sandbox.inject_fault("x", PermanentError("refused"), times=posts)
    await worker.run_until_idle()
    assert {s.status for s in await Share.all()} == {ShareStatus.FAILED}
    await SocialAccount.filter(id=shares[0].account_id).update(status="needs_reconnect")
    return shares


async def test_ambassador_retries_own_failed_shares_after_reconnecting_and_they_publish(
    database: Settings, clock: SimulatedClock, client: httpx.AsyncClient
) -> None:
    shares = await fail_by_revoked_token(database, clock)
    owner = await shares[0].user
    token = await issue_api_token(clock, owner)
    headers = bearer(token)

    response = await client.post("/api/v1/shares/retry", json={}, headers=headers)
    assert response.status_code == 200
    assert response.json()["retried"] == []
    assert set(response.json()["skipped"]) == {str(s.id) for s in shares}

    await SocialAccount.filter(id=shares[0].account_id).update(status="connected", status_reason="")
    response = await client.post("/api/v1/shares/retry", json={}, headers=headers)
    assert sorted(response.json()["retried"]) == sorted(s.id for s in shares)
    assert (await dispatcher(database, clock).run_until_idle()).published == len(shares)


async def test_ambassador_cannot_retry_someone_elses_share(
    database: Settings, clock: SimulatedClock, client: httpx.AsyncClient
) -> None:
    shares = await fail_by_revoked_token(database, clock, posts=1)
    await SocialAccount.filter(id=shares[0].account_id).update(status="connected")
    stranger, _ = await factories.create_ambassador(clock, "x")
    token = await issue_api_token(clock, stranger)

    response = await client.post(
        "/api/v1/shares/retry", json={"share_ids": [shares[0].id]}, headers=bearer(token)
    )
    assert response.json()["retried"] == []
    assert (await Share.get(id=shares[0].id)).status == ShareStatus.FAILED


async def test_editor_retries_anyones_failed_shares(
    database: Settings, clock: SimulatedClock, client: httpx.AsyncClient
) -> None:
    shares = await fail_by_revoked_token(database, clock)
    await SocialAccount.filter(id=shares[0].account_id).update(status="connected")
    editor = await factories.create_user(clock, "editor")
    token = await issue_api_token(clock, editor)

    response = await client.post("/api/v1/shares/retry", json={}, headers=bearer(token))
    assert sorted(response.json()["retried"]) == sorted(s.id for s in shares)
    assert {s.status for s in await Share.all()} == {ShareStatus.QUEUED}
