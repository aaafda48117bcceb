"""The `advocacy` command as a person runs it: migrate, create users, run a worker process."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import httpx

from advocacy.clock import SystemClock
from advocacy.settings import Settings
from advocacy.shares.models import Share, ShareEvent, ShareStatus
from advocacy.shares.service import create_share
from tests import factories


def advocacy(*args: str, database_url: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "ADVOCACY_DATABASE_URL": database_url}
    return subprocess.run(
        [sys.executable, "-m", "advocacy.cli", *args],
        env=env, input=stdin, capture_output=True, text=True, timeout=120,
    )


def test_migrate_then_create_users_with_clear_refusals(tmp_path: Path) -> None:
    url = f"sqlite://{tmp_path}/cli.sqlite3"
    migrated = advocacy("migrate", database_url=url)
    assert migrated.returncode == 0, migrated.stderr
    again = advocacy("migrate", database_url=url)
    assert again.returncode == 0 and "up to date" in again.stdout

    created = advocacy("users", "create", "--email", "Ed@Example.org", "--role", "editor",
                       "--password", "long-enough-password", database_url=url)
    assert created.returncode == 0, created.stderr
    assert "Created editor ed@example.org" in created.stdout

    duplicate = advocacy("users", "create", "--email", "ed@example.org", "--role", "editor",
                         "--password", "long-enough-password", database_url=url)
    assert duplicate.returncode != 0
    assert "already exists" in duplicate.stderr

    unknown_role = advocacy("users", "create", "--email", "x@example.org", "--role", "boss",
                            "--password", "long-enough-password", database_url=url)
    assert unknown_role.returncode != 0
    assert "Unknown role 'boss'" in unknown_role.stderr

    short = advocacy("users", "create", "--email", "y@example.org", "--role", "leader",
                     "--password", "short", database_url=url)
    assert short.returncode != 0 and "at least 12 characters" in short.stderr


def test_deactivate_and_reactivate_from_the_command_line_keeping_the_last_admin(tmp_path: Path) -> None:
    url = f"sqlite://{tmp_path}/cli.sqlite3"
    assert advocacy("migrate", database_url=url).returncode == 0
    for email, role in (("ann@example.org", "admin"), ("ed@example.org", "editor")):
        created = advocacy("users", "create", "--email", email, "--role", role,
                           "--password", "harbour lantern seventeen", database_url=url)
        assert created.returncode == 0, created.stderr

    deactivated = advocacy("users", "deactivate", "--email", "Ed@example.org", database_url=url)
    assert deactivated.returncode == 0, deactivated.stderr
    assert ("Deactivated ed@example.org: sessions and tokens ended, 0 waiting share(s) paused."
            in deactivated.stdout)
    again = advocacy("users", "deactivate", "--email", "ed@example.org", database_url=url)
    assert again.returncode != 0 and "is already deactivated" in again.stderr
    last = advocacy("users", "deactivate", "--email", "ann@example.org", database_url=url)
    assert last.returncode != 0 and "is the last active admin" in last.stderr
    nobody = advocacy("users", "reactivate", "--email", "zed@example.org", database_url=url)
    assert nobody.returncode != 0 and "there is no account for zed@example.org" in nobody.stderr
    reactivated = advocacy("users", "reactivate", "--email", "ed@example.org", database_url=url)
    assert reactivated.returncode == 0 and "Reactivated ed@example.org" in reactivated.stdout


async def test_worker_process_publishes_a_due_share_once_and_stops_cleanly(database: Settings) -> None:
    clock = SystemClock()
    await factories.create_brand_channels(clock)
    _, post = await factories.create_launched_campaign(clock)
    ambassador = await factories.create_user(clock)
    account = await factories.create_account(clock, ambassador, "x")
    share = await create_share(clock, ambassador, post_id=post.id, account_id=account.id,
                               text="Proud of the team #employee")
    env = {
        **os.environ,
        "ADVOCACY_DATABASE_URL": database.database_url,
        "ADVOCACY_DISPATCH_INTERVAL_SECONDS": "0.2",
    }
    worker = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "advocacy.cli", "worker", env=env,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT,
    )
    try:
        # A real process on the wall clock: wait for the outcome, bounded.
        deadline = clock.now() + timedelta(seconds=30)
        while clock.now() < deadline:
            await share.refresh_from_db()
            if share.status != ShareStatus.QUEUED:
                break
            await asyncio.sleep(0.2)
    finally:
        worker.send_signal(signal.SIGTERM)
        output, _ = await asyncio.wait_for(worker.communicate(), timeout=30)
    # A stop that lands while the share is being published lets that publish finish first.
    await share.refresh_from_db()
    assert share.status == ShareStatus.PUBLISHED, output.decode()
    assert share.external_id
    assert worker.returncode == 0, output.decode()
    published_events = await ShareEvent.filter(share_id=share.id, to_status=ShareStatus.PUBLISHED).count()
    assert published_events == 1
    assert await Share.filter(status=ShareStatus.PUBLISHED).count() == 1


async def test_served_app_names_no_server_software(database: Settings) -> None:
    from tests.test_browser import served_app

    async with served_app(database) as base_url, httpx.AsyncClient() as http:
        response = await http.get(f"{base_url}/login")
    assert response.status_code == 200
    assert "server" not in response.headers
    assert "script-src 'self'" in response.headers["content-security-policy"]


async def test_served_app_ignores_forwarded_addresses_from_an_untrusted_peer(database: Settings) -> None:
    from tests.test_browser import served_app

    # Guessing across accounts from one address, each request claiming to come from another.
    limit = {"ADVOCACY_LOGIN_MAX_FAILURES_PER_ADDRESS": "3"}
    async with served_app(database, lambda base_url: limit) as base_url, httpx.AsyncClient() as http:
        answers = [
            (await http.post(f"{base_url}/api/v1/auth/login",
                             json={"email": f"guess{n}@example.org", "password": "guess"},
                             headers={"X-Forwarded-For": f"203.0.113.{n + 1}"})).status_code
            for n in range(4)
        ]
    assert answers == [401, 401, 401, 429]
