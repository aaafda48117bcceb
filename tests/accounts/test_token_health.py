"""Token health: X tokens refreshed ahead of need (one rotation even when two workers race),
LinkedIn reconnect reminders 14 and 3 days ahead (each once), and expired tokens pausing shares."""

from __future__ import annotations

import asyncio
import json
import os
import sys
from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path

import pytest

from advocacy.accounts.health import TokenHealth
from advocacy.accounts.models import AccountNotice, SocialAccount
from advocacy.accounts.networks import NetworkRegistry
from advocacy.accounts.tokens import store_tokens
from advocacy.clock import SimulatedClock
from advocacy.notify.models import Notification
from advocacy.scheduler import build_scheduler
from advocacy.settings import Settings
from advocacy.shares.dispatch import ShareDispatcher
from advocacy.shares.models import Share, ShareStatus
from tests import factories
from tests.accounts.test_tokens import live_settings
from tests.fakes.x_server import FakeX
from tests.shares.test_dispatch import queue_shares


@pytest.fixture
async def sandbox(database: Settings, clock: SimulatedClock) -> AsyncIterator[NetworkRegistry]:
    registry = NetworkRegistry(database, clock)
    yield registry
    await registry.close()


@pytest.fixture
async def live(
    database: Settings, clock: SimulatedClock, fake_x: tuple[FakeX, str]
) -> AsyncIterator[NetworkRegistry]:
    registry = NetworkRegistry(live_settings(database, fake_x[1]), clock)
    yield registry
    await registry.close()


async def linkedin_account(
    clock: SimulatedClock, registry: NetworkRegistry, days: float = 60
) -> SocialAccount:
    _, account = await factories.create_ambassador(clock, "linkedin")
    await store_tokens(registry.cipher, account, access_token="AQV-token", refresh_token=None,
                       expires_at=clock.now() + timedelta(days=days))
    return account


async def reminders(account: SocialAccount) -> list[str]:
    return [n.kind for n in await AccountNotice.filter(account_id=account.id).order_by("id")]


async def test_linkedin_owner_is_reminded_14_and_3_days_before_expiry_each_once(
    database: Settings, clock: SimulatedClock, sandbox: NetworkRegistry,
) -> None:
    account = await linkedin_account(clock, sandbox)
    health = TokenHealth(database, sandbox, clock)

    assert (await health.run_once()).reminded == 0
    clock.advance(timedelta(days=45, hours=23))  # 14 days and 1 hour left
    assert (await health.run_once()).reminded == 0
    clock.advance(timedelta(hours=2))  # 13 days 23 hours left
    assert (await health.run_once()).reminded == 1
    assert (await health.run_once()).reminded == 0
    clock.advance(timedelta(days=5))
    assert (await health.run_once()).reminded == 0
    assert await reminders(account) == ["expiry_14d"]

    clock.advance(timedelta(days=6, hours=1))  # under 3 days left
    assert (await health.run_once()).reminded == 1
    assert (await health.run_once()).reminded == 0
    assert await reminders(account) == ["expiry_14d", "expiry_3d"]
    notice = await AccountNotice.get(account_id=account.id, kind="expiry_3d")
    assert "in 3 days" in notice.message and "reconnect before then" in notice.message
    assert (await SocialAccount.get(id=account.id)).status == "connected"
    # The same reminders go out through the owner's notification channels, each once.
    sent = await Notification.filter(user_id=account.user_id).order_by("id")  # type: ignore[attr-defined]
    assert [(n.kind, n.link) for n in sent] == [("account_expiry_14d", "/accounts"),
                                                ("account_expiry_3d", "/accounts")]
    assert sent[1].body == notice.message


async def test_a_token_first_seen_close_to_expiry_gets_only_the_most_urgent_reminder(
    database: Settings, clock: SimulatedClock, sandbox: NetworkRegistry,
) -> None:
    account = await linkedin_account(clock, sandbox, days=2)
    assert (await TokenHealth(database, sandbox, clock).run_once()).reminded == 1
    assert await reminders(account) == ["expiry_3d"]


async def test_reconnecting_gives_the_new_token_its_own_reminders(
    database: Settings, clock: SimulatedClock, sandbox: NetworkRegistry,
) -> None:
    account = await linkedin_account(clock, sandbox, days=10)
    health = TokenHealth(database, sandbox, clock)
    assert (await health.run_once()).reminded == 1
    await store_tokens(sandbox.cipher, account, access_token="AQV-new", refresh_token=None,
                       expires_at=clock.now() + timedelta(days=13))
    assert (await health.run_once()).reminded == 1
    assert await reminders(account) == ["expiry_14d", "expiry_14d"]


async def test_an_expired_linkedin_token_marks_the_account_and_pauses_its_shares(
    database: Settings, clock: SimulatedClock, sandbox: NetworkRegistry,
) -> None:
    _, posts = await factories.create_launched_campaign_with_posts(clock, 2, days=90)
    shares = await queue_shares(clock, posts, at=clock.now() + timedelta(days=61))
    account = await SocialAccount.get(id=shares[0].account_id)
    await store_tokens(sandbox.cipher, account, access_token="AQV", refresh_token=None,
                       expires_at=clock.now() + timedelta(days=60))
    clock.advance(timedelta(days=60, minutes=1))

    report = await TokenHealth(database, sandbox, clock).run_once()
    assert report.needs_reconnect == [account.id]
    await account.refresh_from_db()
    assert account.status == "needs_reconnect" and "access token expired on" in account.status_reason
    assert {s.status for s in await Share.all()} == {ShareStatus.PAUSED}
    assert await AccountNotice.filter(account_id=account.id, kind="needs_reconnect").count() == 1
    assert (await TokenHealth(database, sandbox, clock).run_once()).needs_reconnect == []


async def test_x_token_is_refreshed_before_it_expires_and_the_rotated_refresh_token_stored(
    database: Settings, clock: SimulatedClock, live: NetworkRegistry, fake_x: tuple[FakeX, str],
) -> None:
    state = fake_x[0]
    user, access = state.add_user("health")
    refresh = state.issue_refresh_token(user.id)
    _, account = await factories.create_ambassador(clock, "x")
    await store_tokens(live.cipher, account, access_token=access, refresh_token=refresh,
                       expires_at=clock.now() + timedelta(minutes=20))

    report = await TokenHealth(live.settings, live, clock).run_once()
    assert report.refreshed == 1
    stored = await SocialAccount.get(id=account.id)
    new_access = live.cipher.decrypt(stored.access_token_encrypted)
    new_refresh = live.cipher.decrypt(stored.refresh_token_encrypted)
    assert new_access != access and state.tokens[new_access or ""] == user.id
    assert refresh not in state.refresh_tokens and state.refresh_tokens[new_refresh or ""] == user.id
    assert stored.token_expires_at == clock.now() + timedelta(hours=2)
    assert (await TokenHealth(live.settings, live, clock).run_once()).refreshed == 0


async def test_x_refresh_refused_keeps_the_current_token_until_it_ends_and_says_so_in_words(
    database: Settings, clock: SimulatedClock, live: NetworkRegistry, fake_x: tuple[FakeX, str],
) -> None:
    user, access = fake_x[0].add_user("kept")
    _, posts = await factories.create_launched_campaign_with_posts(clock, 2)
    [now_share, later_share] = await queue_shares(clock, posts, network="x")
    await Share.filter(id=later_share.id).update(due_at=clock.now() + timedelta(hours=5))
    account = await SocialAccount.get(id=now_share.account_id)
    account.external_id = user.id
    await account.save(update_fields=["external_id"])
    await store_tokens(live.cipher, account, access_token=access, refresh_token="spent-elsewhere",
                       expires_at=clock.now() + timedelta(minutes=5))

    report = await TokenHealth(live.settings, live, clock).run_once()
    assert report.needs_reconnect == [] and report.warned == 1
    assert (await SocialAccount.get(id=account.id)).status == "connected"
    notice = await AccountNotice.get(account_id=account.id, kind="refresh_refused")
    assert "X would not renew the connection" in notice.message
    assert "Value passed for the token was invalid" in notice.message
    assert "reconnect the account before then" in notice.message and "{" not in notice.message
    # The access still works for a few minutes: the share due now goes out with it.
    assert (await ShareDispatcher(live, clock).run_until_idle()).published == 1
    assert (await TokenHealth(live.settings, live, clock).run_once()).warned == 0  # told once

    clock.advance(timedelta(minutes=6))
    report = await TokenHealth(live.settings, live, clock).run_once()
    assert report.needs_reconnect == [account.id]
    stored = await SocialAccount.get(id=account.id)
    assert stored.status == "needs_reconnect" and "{" not in stored.status_reason
    await later_share.refresh_from_db()
    assert later_share.status == ShareStatus.PAUSED and "refused the refresh token" in later_share.last_error


ROOT = Path(__file__).resolve().parents[2]
REFRESH_SCRIPT = """
import asyncio, json, sys
from datetime import datetime
from advocacy import db
from advocacy.accounts.models import SocialAccount
from advocacy.accounts.networks import NetworkRegistry
from advocacy.clock import SimulatedClock
from advocacy.settings import Settings
from connectors.base import AuthExpired

async def main(url, moment, x_url, account_id):
    settings = Settings(env="test", database_url=url, secret_key="test-secret-key" * 3,
                        network_mode="live", x_api_base_url=x_url, x_token_url=x_url + "/2/oauth2/token",
                        x_client_id="client", x_client_secret="secret", connector_timeout_seconds=20)
    clock = SimulatedClock(datetime.fromisoformat(moment))
    await db.init_db(settings)
    registry = NetworkRegistry(settings, clock)
    try:
        ref = await registry.account_ref(await SocialAccount.get(id=int(account_id)))
        print(json.dumps({"token": ref.access_token}))
    except AuthExpired as error:
        print(json.dumps({"error": error.message}))
    finally:
        await registry.close()
        await db.close_db()

asyncio.run(main(*sys.argv[1:]))
"""


@pytest.mark.postgres
async def test_two_worker_processes_refreshing_at_once_rotate_once_and_both_get_a_valid_token(
    database: Settings, clock: SimulatedClock, fake_x: tuple[FakeX, str],
) -> None:
    if not database.is_postgres:
        pytest.skip("needs PostgreSQL: two processes share one database with row locks")
    state, url = fake_x
    user, access = state.add_user("racing")
    refresh = state.issue_refresh_token(user.id)
    _, account = await factories.create_ambassador(clock, "x")
    cipher = NetworkRegistry(database, clock).cipher
    await store_tokens(cipher, account, access_token=access, refresh_token=refresh,
                       expires_at=clock.now() + timedelta(minutes=1))
    environment = {**os.environ, "PYTHONPATH": str(ROOT)}

    async def worker() -> dict[str, str]:
        process = await asyncio.create_subprocess_exec(
            sys.executable, "-c", REFRESH_SCRIPT, database.database_url, clock.now().isoformat(), url,
            str(account.id), stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE, cwd=ROOT,
            env=environment,
        )
        out, err = await process.communicate()
        assert process.returncode == 0, err.decode()
        return dict(json.loads(out.decode().strip().splitlines()[-1]))

    # A slow token endpoint: the second worker arrives while the first refresh is still running.
    state.token_delay_seconds = 3.0
    try:
        results = await asyncio.gather(worker(), worker())
    finally:
        state.token_delay_seconds = 0.0
    assert all("token" in r for r in results), results
    tokens = {r["token"] for r in results}
    assert len(tokens) == 1 and access not in tokens and state.tokens[tokens.pop()] == user.id
    # One rotation: the original refresh token is spent and exactly one new one exists for the user.
    assert refresh not in state.refresh_tokens
    assert list(state.refresh_tokens.values()).count(user.id) == 1
    stored = await SocialAccount.get(id=account.id)
    assert state.refresh_tokens[cipher.decrypt(stored.refresh_token_encrypted) or ""] == user.id


def test_the_worker_schedules_the_token_health_job(database: Settings, clock: SimulatedClock) -> None:
    settings = database.model_copy(update={"token_health_interval_seconds": 120.0})
    scheduler = build_scheduler(settings, clock, NetworkRegistry(settings, clock))
    job = scheduler.get_job("token-health")
    assert job is not None and job.trigger.interval.total_seconds() == 120.0
