"""The simulated social network: a real connector implementation that needs no credentials."""

from connectors.sandbox.network import SandboxConnector, SandboxNetwork, SandboxParameters

__all__ = ["SandboxConnector", "SandboxNetwork", "SandboxParameters"]
