"""The LinkedIn connector: REST over one shared httpx client, OAuth URLs via python-linkedin-v2."""

from connectors.linkedin.client import LinkedInConnector, escape_commentary
from connectors.linkedin.oauth import LinkedInOAuth, LinkedInTokens

__all__ = ["LinkedInConnector", "LinkedInOAuth", "LinkedInTokens", "escape_commentary"]
