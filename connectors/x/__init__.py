"""The X (Twitter) API v2 connector, over tweepy's AsyncClient with OAuth 2.0 user tokens."""

from connectors.x.client import XConnector, XTokens, refresh_x_token, revoke_x_token

__all__ = ["XConnector", "XTokens", "refresh_x_token", "revoke_x_token"]
