"""One typed settings object for the whole service, read from ADVOCACY_* environment variables."""

from __future__ import annotations

from functools import lru_cache
from typing import Literal

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

DEFAULT_SECRET_KEY = "development-only-secret-key-change-me"


class Settings(BaseSettings):
    """Every key is documented in `.env.example`."""

    model_config = SettingsConfigDict(env_prefix="ADVOCACY_", env_file=".env", extra="ignore")

    env: Literal["development", "production", "test"] = "development"
    database_url: str = "sqlite://advocacy.sqlite3"
    secret_key: str = DEFAULT_SECRET_KEY
    public_base_url: str = "http://127.0.0.1:8000"
    organization_name: str = "Northbrook Health"

    # Sessions end after this long without a request, and in any case this long after sign-in.
    session_idle_minutes: int = Field(default=30, ge=1)
    session_absolute_hours: int = Field(default=12, ge=1)
    # Password sign-in throttling: failures counted over the window, per account and per address.
    login_window_minutes: int = Field(default=15, ge=1)
    login_max_failures_per_account: int = Field(default=5, ge=1)
    login_max_failures_per_address: int = Field(default=20, ge=1)
    # Password reset links are single-use and expire.
    password_reset_minutes: int = Field(default=60, ge=5)

    # Outgoing email (password reset links).
    smtp_host: str = "127.0.0.1"
    smtp_port: int = Field(default=25, ge=1, le=65535)
    smtp_username: str = ""
    smtp_password: str = ""
    smtp_starttls: bool = False
    mail_from: str = "advocacy@localhost"

    # Single sign-on with OpenID Connect. Empty issuer: password sign-in only.
    oidc_issuer: str = ""
    oidc_client_id: str = ""
    oidc_client_secret: str = ""
    oidc_role_claim: str = "advocacy_role"
    oidc_default_role: Literal["ambassador", "editor", "reviewer", "leader", "admin"] = "ambassador"

    # Which implementation serves LinkedIn and X. Only the simulated sandbox so far; the real
    # platform connectors add "live".
    network_mode: Literal["sandbox"] = "sandbox"
    sandbox_seed: int = 7
    sandbox_daily_post_limit: int = Field(default=25, ge=1)
    sandbox_fault_rate: float = Field(default=0.0, ge=0.0, le=1.0)

    # Dispatch: the database row is the truth; these only pace the work.
    dispatch_interval_seconds: float = Field(default=5.0, gt=0)
    dispatch_batch_size: int = Field(default=100, ge=1)
    dispatch_lease_seconds: int = Field(default=300, ge=10)
    dispatch_max_attempts: int = Field(default=5, ge=1)
    collect_interval_seconds: float = Field(default=60.0, gt=0)

    # X (Twitter) API v2. Every platform URL is a setting so gateways and test servers can stand in.
    x_client_id: str = ""
    x_client_secret: str = ""
    x_api_base_url: str = "https://api.twitter.com"
    x_authorize_url: str = "https://twitter.com/i/oauth2/authorize"
    x_token_url: str = "https://api.twitter.com/2/oauth2/token"

    # LinkedIn Community Management / Share APIs.
    linkedin_client_id: str = ""
    linkedin_client_secret: str = ""
    linkedin_api_base_url: str = "https://api.linkedin.com"
    linkedin_authorize_url: str = "https://www.linkedin.com/oauth/v2/authorization"
    linkedin_token_url: str = "https://www.linkedin.com/oauth/v2/accessToken"
    linkedin_version: str = "202611"

    @property
    def is_postgres(self) -> bool:
        return self.database_url.startswith(("postgres://", "asyncpg://", "postgresql://"))


@lru_cache
def get_settings() -> Settings:
    return Settings()
