"""One typed settings object for the whole service, read from ADVOCACY_* environment variables."""

from __future__ import annotations

import ipaddress
from functools import lru_cache
from typing import Literal
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

DEFAULT_SECRET_KEY = "development-only-secret-key-change-me"
# A valid Fernet key that everyone can read: fine for a laptop, refused in production.
DEFAULT_TOKEN_KEY = "ZGV2ZWxvcG1lbnQtb25seS10b2tlbi1rZXktY2hhbmc="


class Settings(BaseSettings):
    """Every key is documented in `.env.example`."""

    model_config = SettingsConfigDict(env_prefix="ADVOCACY_", env_file=".env", extra="ignore")

    env: Literal["development", "production", "test"] = "development"
    database_url: str = "sqlite://advocacy.sqlite3"
    secret_key: str = DEFAULT_SECRET_KEY
    public_base_url: str = "http://127.0.0.1:8000"
    organization_name: str = "Northbrook Health"
    # The organisation's own time zone (IANA name): the schedule heat map reads in it.
    organization_timezone: str = "UTC"

    # Sessions end after this long without a request, and in any case this long after sign-in.
    session_idle_minutes: int = Field(default=30, ge=1)
    session_absolute_hours: int = Field(default=12, ge=1)
    # Password sign-in throttling, over a window of recent failures: per account and address, the
    # first failures are free, then each attempt waits a delay that doubles (up to the window); an
    # address that fails too often across accounts is refused for the window.
    login_window_minutes: int = Field(default=15, ge=1)
    login_free_failures: int = Field(default=5, ge=1)
    login_first_delay_seconds: int = Field(default=2, ge=1)
    login_max_failures_per_address: int = Field(default=20, ge=1)
    # Host names (comma-separated; "*.example.org" for subdomains) the service answers to. Empty:
    # the host of public_base_url, plus localhost, 127.0.0.1 and testserver. Other Host headers
    # get a 400, so a forged one never reaches a link or a redirect.
    allowed_hosts: str = ""
    # Proxies (addresses or networks, comma-separated) whose X-Forwarded-For and X-Forwarded-Proto
    # are believed. Empty: none, every client is who connects.
    trusted_proxies: str = ""
    # The largest request body most routes accept (forms, JSON); the CSV import takes its own 2 MB.
    max_body_bytes: int = Field(default=1_000_000, ge=10_000)
    # Password reset links are single-use and expire.
    password_reset_minutes: int = Field(default=60, ge=5)
    # Programme invitations are single-use links that expire after this many days.
    invitation_days: int = Field(default=14, ge=1, le=90)

    # Outgoing email (password reset links and notifications).
    smtp_host: str = "127.0.0.1"
    smtp_port: int = Field(default=25, ge=1, le=65535)
    smtp_username: str = ""
    smtp_password: str = ""
    smtp_starttls: bool = False
    mail_from: str = "advocacy@localhost"

    # Notifications. Off: nothing is emailed or posted to webhooks; notices stay in-app and in the
    # outbox (the demo). Webhook addresses in private networks are refused unless allowed.
    notify_send: bool = True
    notify_webhook_private_addresses: bool = False
    notify_interval_seconds: float = Field(default=30.0, gt=0)
    notify_batch_size: int = Field(default=100, ge=1)
    notify_max_attempts: int = Field(default=5, ge=1)
    notify_lease_seconds: int = Field(default=300, ge=10)
    # How many days the unsubscribe link of a notification email works.
    unsubscribe_link_days: int = Field(default=60, ge=1, le=365)
    # How often the weekly digests (new posts, leadership summary) look for people who are due.
    digest_interval_seconds: float = Field(default=900.0, gt=0)
    # The one-tap share links in notifications (Share on LinkedIn / on X / Auto-queue) work once,
    # for their person only, and expire this many hours after the notice is sent.
    share_link_hours: int = Field(default=72, ge=1, le=720)
    # Ambassadors' suggestions of links to share: how many one person may send in any 24 hours, so
    # nobody floods the editors' inbox.
    suggestions_per_day: int = Field(default=5, ge=1, le=100)
    # The organisation's Slack app: with both set, new posts arrive to each targeted ambassador
    # whose email Slack knows as a direct message with share buttons. Empty: off.
    slack_bot_token: str = ""
    slack_signing_secret: str = ""
    slack_api_base_url: str = "https://slack.com/api/"
    # The organisation's Microsoft Teams channel or workflow: new posts are posted to this address
    # as one Adaptive Card per targeted ambassador, with their share actions. Empty: off.
    teams_workflow_url: str = ""
    # The bearer token a Prometheus scraper sends to read /metrics. Empty: /metrics answers 404.
    metrics_token: str = ""

    # Single sign-on with OpenID Connect. Empty issuer: password sign-in only.
    oidc_issuer: str = ""
    oidc_client_id: str = ""
    oidc_client_secret: str = ""
    oidc_role_claim: str = "advocacy_role"
    oidc_default_role: Literal["ambassador", "editor", "reviewer", "leader", "admin"] = "ambassador"


    # Encrypts OAuth tokens at rest (a Fernet key: 32 url-safe base64-encoded bytes).
    token_key: str = DEFAULT_TOKEN_KEY

    # Link previews are fetched by the service: pages in private networks are refused unless allowed.
    link_preview_private_addresses: bool = False
    # The preview's picture is fetched once and kept by the service: PNG, JPEG, GIF or WebP of at
    # most this many bytes (a larger one or another type leaves the post without a picture).
    link_image_max_bytes: int = Field(default=2_000_000, ge=10_000, le=20_000_000)

    # Newsroom import: each subscribed feed is read at most every `newsroom_poll_seconds` (an
    # unchanged feed answers 304 and costs nothing); a failing one is tried again after 1, 2, 4...
    # minutes, at most `newsroom_retry_cap_seconds` apart. At most `newsroom_items_per_read` new items
    # become draft posts per read (the rest at the next one). Private addresses: as link previews.
    newsroom_poll_seconds: float = Field(default=900.0, gt=0)
    newsroom_retry_cap_seconds: float = Field(default=21600.0, gt=0)
    newsroom_items_per_read: int = Field(default=20, ge=1, le=200)

    # Which implementation serves LinkedIn and X: the simulated sandbox, or the real platforms.
    network_mode: Literal["sandbox", "live"] = "sandbox"
    sandbox_seed: int = 7
    sandbox_daily_post_limit: int = Field(default=25, ge=1)
    sandbox_fault_rate: float = Field(default=0.0, ge=0.0, le=1.0)

    # Dispatch: the database row is the truth; these only pace the work.
    dispatch_interval_seconds: float = Field(default=5.0, gt=0)
    dispatch_batch_size: int = Field(default=100, ge=1)
    dispatch_lease_seconds: int = Field(default=30, ge=10)
    # How long a stopping worker lets its jobs in flight finish (below a supervisor's kill timeout).
    worker_stop_grace_seconds: float = Field(default=20.0, ge=0, le=600)
    dispatch_max_attempts: int = Field(default=5, ge=1)
    # A network parked for the whole app (a daily quota, X credits, a retired LinkedIn version) is
    # probed with one share after the first wait, then after twice as long each time, up to the cap.
    parking_probe_first_seconds: int = Field(default=900, ge=1)
    parking_probe_cap_seconds: int = Field(default=7200, ge=1)
    collect_interval_seconds: float = Field(default=60.0, gt=0)
    # How often expired content leaves the feed and its queued shares are cancelled.
    expire_interval_seconds: float = Field(default=60.0, gt=0)
    # How often the brand's own posts of campaigns whose start has come are published.
    brand_publish_interval_seconds: float = Field(default=60.0, gt=0)

    # Compliance policy. Lists are separated by "|"; empty means the built-in defaults. The first
    # disclosure is the one inserted into shares that lack one ({organization} is replaced).
    compliance_disclosures: str = ""
    compliance_blocked_terms: str = ""
    # The organisation's public phone numbers and addresses, which posts may carry.
    compliance_allowed_contacts: str = ""
    compliance_phone_region: str = "US"

    # Live connectors: how long to wait for a platform, and how early to refresh an X token.
    connector_timeout_seconds: float = Field(default=20.0, gt=0)
    x_token_refresh_margin_seconds: int = Field(default=300, ge=0)

    # Tracking links: UTM parameters added to each share's target ({network}, {campaign} = the
    # campaign slug, {share} = the share id), and how often buffered click counts are written.
    link_utm_template: str = (
        "utm_source={network}&utm_medium=advocacy&utm_campaign={campaign}&utm_content={share}"
    )
    click_flush_seconds: float = Field(default=5.0, gt=0)
    # Clicks one visitor (one address a day) adds to a link a day; more is counted as automated.
    link_clicks_per_visitor_day: int = Field(default=3, ge=1, le=1000)
    # Sharing. Auto-queue lets at most this many shares of one post go out in any 10 minutes.
    share_stagger_limit: int = Field(default=5, ge=1, le=100)
    # The feed says how many colleagues shared a post; with this on, it also names them.
    feed_show_colleague_names: bool = False
    # How long a web process reuses the shareable posts it read (0: read them on every feed). Changes
    # made through the process show at once, those of other processes within this many seconds.
    feed_cache_seconds: float = Field(default=5.0, ge=0)
    # Authenticity guard (see advocacy/shares/authenticity.py for why these defaults): a text whose
    # similarity (0-100) to a colleague's share of the same post reaches the threshold counts as a
    # copy; from this many copies on, the person is nudged to personalise. With require_edit on, a
    # text that copies a suggestion or a colleague is refused instead.
    authenticity_similarity: int = Field(default=88, ge=50, le=100)
    authenticity_nudge_after: int = Field(default=2, ge=1)
    authenticity_require_edit: bool = False
    # The ambassadors' leaderboard: people by name, teams (departments) only, or none at all.
    leaderboard: Literal["individual", "team", "off"] = "individual"
    # Currency of earned media value and programme costs (an ISO 4217 code).
    currency: str = Field(default="USD", pattern="^[A-Z]{3}$")
    # How long a web process reuses the leadership figures it computed (0: compute on every request).
    dashboard_cache_seconds: float = Field(default=60.0, ge=0)

    # X (Twitter) API v2. Every platform URL is a setting so gateways and test servers can stand in.
    x_client_id: str = ""
    x_client_secret: str = ""
    x_api_base_url: str = "https://api.twitter.com"
    x_authorize_url: str = "https://x.com/i/oauth2/authorize"
    x_token_url: str = "https://api.twitter.com/2/oauth2/token"
    x_revoke_url: str = "https://api.twitter.com/2/oauth2/revoke"

    # LinkedIn Community Management / Share APIs.
    linkedin_client_id: str = ""
    linkedin_client_secret: str = ""
    linkedin_api_base_url: str = "https://api.linkedin.com"
    linkedin_authorize_url: str = "https://www.linkedin.com/oauth/v2/authorization"
    linkedin_token_url: str = "https://www.linkedin.com/oauth/v2/accessToken"
    linkedin_version: str = "202611"
    # Ask for r_member_postAnalytics too: only once LinkedIn approved the app for it.
    linkedin_post_analytics: bool = False

    # Connecting accounts: the platforms send people back to {base}/accounts/callback/{x|linkedin}.
    # Empty uses public_base_url.
    oauth_redirect_base_url: str = ""
    # Token health: how often tokens are checked, and how many days before a LinkedIn token
    # expires its owner is asked to reconnect (comma-separated, each reminder sent once).
    token_health_interval_seconds: float = Field(default=900.0, gt=0)
    linkedin_reconnect_reminder_days: str = Field(default="14,3", pattern=r"^\s*\d+(\s*,\s*\d+)*\s*$")

    @field_validator("organization_timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"{value!r} is not a known time zone name (e.g. America/Chicago)") from None
        return value

    @field_validator("trusted_proxies")
    @classmethod
    def _proxy_networks(cls, value: str) -> str:
        for item in filter(None, (part.strip() for part in value.split(","))):
            try:
                ipaddress.ip_network(item, strict=False)
            except ValueError:
                raise ValueError(f"{item!r} is not an IP address or network (e.g. 10.0.0.5 or "
                                 "10.0.0.0/24)") from None
        return value

    @property
    def proxies(self) -> list[str]:
        """The trusted proxies as a list (`trusted_proxies`)."""
        return [part.strip() for part in self.trusted_proxies.split(",") if part.strip()]

    @property
    def hosts(self) -> list[str]:
        """The host names the service answers to (`allowed_hosts`, or its default)."""
        named = [part.strip() for part in self.allowed_hosts.split(",") if part.strip()]
        if named:
            return named
        own = [urlsplit(url).hostname for url in (self.public_base_url, self.oauth_redirect_base_url)]
        return sorted({host for host in own if host} | {"localhost", "127.0.0.1", "testserver"})

    @property
    def is_postgres(self) -> bool:
        return self.database_url.startswith(("postgres://", "asyncpg://", "postgresql://"))


@lru_cache
def get_settings() -> Settings:
    return Settings()
