"""The simulated social network: a real connector implementation that needs no credentials."""

from connectors.sandbox.network import (
    PostOutlook,
    SandboxConnector,
    SandboxNetwork,
    SandboxParameters,
    followers_of,
    post_outlook,
)

__all__ = ["PostOutlook", "SandboxConnector", "SandboxNetwork", "SandboxParameters", "followers_of",
           "post_outlook"]
