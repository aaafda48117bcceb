"""The connector interface every platform adapter implements, its result types and its errors.

Connectors import nothing of the service: time arrives as a `now` callable and accounts as plain
`AccountRef` values, so an adapter can be tested on its own against a wire-level fake server.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Literal, Protocol

Provenance = Literal["measured", "estimated", "simulated"]


@dataclass(frozen=True)
class AccountRef:
    """The account a call acts for."""

    network: str
    external_id: str
    handle: str
    followers: int | None = None
    access_token: str | None = None
    is_brand: bool = False


@dataclass(frozen=True)
class PublishRequest:
    text: str
    # Our own identifier of the attempt: lets a platform (or the sandbox) name an earlier copy.
    client_reference: str
    link_url: str | None = None
    # The brand post this share re-publishes with the ambassador's words: a quote on X, a reshare
    # (reshareContext) on LinkedIn. None publishes a post of its own.
    reshare_of: str | None = None


@dataclass(frozen=True)
class PublishResult:
    external_id: str
    url: str
    published_at: datetime


@dataclass(frozen=True)
class PostMetrics:
    """Cumulative metrics of one post. None means the platform did not report the number."""

    external_id: str
    captured_at: datetime
    impressions: int | None
    reach: int | None
    reactions: int | None
    comments: int | None
    reshares: int | None
    clicks: int | None
    provenance: Provenance


PostState = Literal["found", "deleted", "unavailable"]


@dataclass(frozen=True)
class PostContent:
    """A published post as the platform shows it now (the post-publication read-back).

    `found` carries the text as the platform returns it (links shortened, characters escaped:
    callers normalise); `deleted` means the platform says the post is gone; `unavailable` means the
    platform would not or could not say (no permission, another process's sandbox), which is not a
    finding about the post.
    """

    external_id: str
    state: PostState
    text: str | None = None
    detail: str = ""


@dataclass(frozen=True)
class Profile:
    external_id: str
    handle: str
    followers: int | None


class ConnectorError(Exception):
    """Base of every error a connector raises."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class AuthExpired(ConnectorError):
    """The account's token expired or was revoked: the ambassador must reconnect."""


# Why a platform holds calls back: a quota (it resets by itself at `until`), or something only an
# operator can fix (the app's credits are used up, the configured API version was retired), where
# `until` is only when to ask again.
HoldKind = Literal["quota", "credits", "retired_version"]


class RateLimited(ConnectorError):
    """Nothing may be tried for this account (or app) before `until`."""

    def __init__(
        self, message: str, until: datetime, scope: Literal["account", "app"], kind: HoldKind = "quota"
    ) -> None:
        super().__init__(message)
        self.until = until
        self.scope = scope
        self.kind = kind


class TransientError(ConnectorError):
    """The platform failed in a way that a later retry may fix, and nothing was published."""


class PermanentError(ConnectorError):
    """The platform refused the request for a reason a retry will not change."""


class DuplicatePost(ConnectorError):
    """The platform already holds this post; `existing_id` names it when the platform says."""

    def __init__(self, message: str, existing_id: str | None) -> None:
        super().__init__(message)
        self.existing_id = existing_id


class AmbiguousOutcome(ConnectorError):
    """The request was sent but no answer came back (timeout, connection reset after sending).

    The post may or may not exist on the platform: the caller must reconcile (publish the same text
    again and let the platform's duplicate detection name the existing post), never retry blindly.
    """


class Connector(Protocol):
    """One social network, as the service sees it."""

    network: str

    async def publish(self, account: AccountRef, request: PublishRequest) -> PublishResult:
        """Publish a post as `account`. Raises a ConnectorError subclass on failure."""
        ...

    async def fetch_metrics(
        self, account: AccountRef, external_ids: Sequence[str]
    ) -> list[PostMetrics]:
        """Current cumulative metrics of the account's posts; unknown ids are left out."""
        ...

    async def fetch_profile(self, account: AccountRef) -> Profile:
        """The account's identity and network size."""
        ...

    async def fetch_posts(
        self, account: AccountRef, external_ids: Sequence[str]
    ) -> list[PostContent]:
        """Read the account's published posts back: one PostContent per id, in the given order."""
        ...
