"""OAuth tokens: encrypted at rest, X tokens refreshed before expiry with the rotated refresh token."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta

import pytest

from advocacy.accounts.models import SocialAccount
from advocacy.accounts.networks import NetworkRegistry
from advocacy.accounts.tokens import store_tokens
from advocacy.cipher import TokenCipher
from advocacy.clock import SimulatedClock
from advocacy.settings import DEFAULT_TOKEN_KEY, Settings
from connectors.base import AuthExpired
from tests import factories
from tests.fakes.x_server import FakeX


def live_settings(database: Settings, x_url: str, linkedin_url: str = "http://127.0.0.1:9") -> Settings:
    return database.model_copy(update={
        "network_mode": "live", "x_api_base_url": x_url, "x_token_url": f"{x_url}/2/oauth2/token",
        "x_client_id": "client", "x_client_secret": "secret", "linkedin_api_base_url": linkedin_url,
        "connector_timeout_seconds": 2.0,
    })


@pytest.fixture
async def live(
    database: Settings, clock: SimulatedClock, fake_x: tuple[FakeX, str]
) -> AsyncIterator[NetworkRegistry]:
    registry = NetworkRegistry(live_settings(database, fake_x[1]), clock)
    yield registry
    await registry.close()


def test_production_refuses_the_public_development_token_key() -> None:
    with pytest.raises(RuntimeError, match="ADVOCACY_TOKEN_KEY"):
        TokenCipher(DEFAULT_TOKEN_KEY, "production")
    TokenCipher(DEFAULT_TOKEN_KEY, "development")


def test_a_rotated_key_still_reads_old_tokens_and_rotate_moves_them_to_the_new_key() -> None:
    from cryptography.fernet import Fernet

    old, new = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    stored = TokenCipher(old, "development").encrypt("secret-access-token")
    both = TokenCipher(f"{new},{old}", "development")
    assert both.decrypt(stored) == "secret-access-token"
    rotated = both.rotate(stored)
    assert TokenCipher(new, "development").decrypt(rotated) == "secret-access-token"
    with pytest.raises(AuthExpired):
        TokenCipher(new, "development").decrypt(stored)


async def test_tokens_are_stored_encrypted_and_read_back(
    database: Settings, clock: SimulatedClock, live: NetworkRegistry
) -> None:
    _, account = await factories.create_ambassador(clock, "linkedin")
    await store_tokens(live.cipher, account, access_token="AQV-secret-access", refresh_token="AQW-refresh",
                       expires_at=clock.now() + timedelta(days=60))
    raw = await SocialAccount.get(id=account.id)
    assert "AQV-secret-access" not in (raw.access_token_encrypted or "")
    assert "AQW-refresh" not in (raw.refresh_token_encrypted or "")
    assert (await live.account_ref(raw)).access_token == "AQV-secret-access"


async def test_x_token_due_to_expire_is_refreshed_and_the_rotated_refresh_token_kept(
    database: Settings, clock: SimulatedClock, live: NetworkRegistry, fake_x: tuple[FakeX, str]
) -> None:
    state, _ = fake_x
    user, old_access = state.add_user("rotating")
    first_refresh = state.issue_refresh_token(user.id)
    _, account = await factories.create_ambassador(clock, "x")
    await store_tokens(live.cipher, account, access_token=old_access, refresh_token=first_refresh,
                       expires_at=clock.now() + timedelta(minutes=2))

    ref = await live.account_ref(await SocialAccount.get(id=account.id))
    assert ref.access_token != old_access and state.tokens[ref.access_token] == user.id
    stored = await SocialAccount.get(id=account.id)
    new_refresh = live.cipher.decrypt(stored.refresh_token_encrypted)
    assert new_refresh != first_refresh and new_refresh in state.refresh_tokens
    assert stored.token_expires_at == clock.now() + timedelta(hours=2)
    # Fresh now: the next call neither refreshes nor spends the new refresh token.
    assert (await live.account_ref(stored)).access_token == ref.access_token
    assert new_refresh in state.refresh_tokens


async def test_x_token_with_a_spent_refresh_token_needs_a_reconnect(
    database: Settings, clock: SimulatedClock, live: NetworkRegistry, fake_x: tuple[FakeX, str]
) -> None:
    _, account = await factories.create_ambassador(clock, "x")
    await store_tokens(live.cipher, account, access_token="old", refresh_token="already-spent",
                       expires_at=clock.now() - timedelta(minutes=1))
    with pytest.raises(AuthExpired, match="refresh token"):
        await live.account_ref(await SocialAccount.get(id=account.id))
