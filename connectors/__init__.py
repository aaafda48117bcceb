"""Platform connectors: one async interface, typed results and one error family per platform."""

from connectors.base import (
    AccountRef,
    AuthExpired,
    Connector,
    ConnectorError,
    DuplicatePost,
    PermanentError,
    PostMetrics,
    Profile,
    PublishRequest,
    PublishResult,
    RateLimited,
    TransientError,
)

__all__ = [
    "AccountRef",
    "AuthExpired",
    "Connector",
    "ConnectorError",
    "DuplicatePost",
    "PermanentError",
    "PostMetrics",
    "Profile",
    "PublishRequest",
    "PublishResult",
    "RateLimited",
    "TransientError",
]
