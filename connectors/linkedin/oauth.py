"""LinkedIn OAuth 2.0 (three-legged): the authorization URL and the code exchange.

The authorization URL comes from python-linkedin-v2's `LinkedInAuthentication`, whose legacy
`/uas/oauth2/` endpoint attributes are replaced by the configured `/oauth/v2/` ones. The code
exchange is our own POST over the shared httpx client: the library's `get_access_token` calls its
`raise_for_error`, which crashes on Python 3 for Rest.li error bodies, and drops refresh tokens.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

import httpx
from linkedin_v2.linkedin import LinkedInAuthentication

from connectors.base import AuthExpired, PermanentError, TransientError

# Sign-in (OpenID Connect) and posting; the member's own post analytics need a LinkedIn product
# approval (Community Management API), so that scope is asked for only when the app has it.
BASE_SCOPES = ("openid", "profile", "w_member_social")
ANALYTICS_SCOPE = "r_member_postAnalytics"
DEFAULT_SCOPES = (*BASE_SCOPES, ANALYTICS_SCOPE)


def scopes_for(post_analytics: bool) -> tuple[str, ...]:
    return (*BASE_SCOPES, ANALYTICS_SCOPE) if post_analytics else BASE_SCOPES


@dataclass(frozen=True)
class LinkedInTokens:
    access_token: str
    expires_at: datetime
    refresh_token: str | None
    scopes: tuple[str, ...]


class LinkedInOAuth:
    def __init__(
        self, *, client_id: str, client_secret: str, redirect_uri: str, authorize_url: str,
        token_url: str, http: httpx.AsyncClient, scopes: tuple[str, ...] = DEFAULT_SCOPES,
    ) -> None:
        self._auth = LinkedInAuthentication(client_id, client_secret, redirect_uri, list(scopes))
        # Instance attributes shadow the library's legacy class-level endpoints.
        self._auth.AUTHORIZATION_URL = authorize_url
        self._auth.ACCESS_TOKEN_URL = token_url
        self._http = http

    def authorization_url(self, state: str) -> str:
        self._auth.state = state
        return str(self._auth.authorization_url)

    async def exchange_code(self, code: str, now: datetime) -> LinkedInTokens:
        form = {
            "grant_type": "authorization_code", "code": code, "redirect_uri": self._auth.redirect_uri,
            "client_id": self._auth.key, "client_secret": self._auth.secret,
        }
        try:
            response = await self._http.post(self._auth.ACCESS_TOKEN_URL, data=form)
        except httpx.TransportError as error:
            raise TransientError(f"LinkedIn token endpoint unreachable: {error!r}") from error
        if response.status_code in (400, 401):
            raise AuthExpired(f"LinkedIn refused the authorization code: {_oauth_error(response)}")
        if response.status_code >= 500:
            raise TransientError(f"LinkedIn token endpoint failed with {response.status_code}")
        if response.status_code != 200:
            raise PermanentError(f"LinkedIn token endpoint answered {response.status_code}")
        body = response.json()
        # The scope separator is a comma or a space, depending on the day.
        scopes = tuple(s for s in str(body.get("scope", "")).replace(",", " ").split() if s)
        return LinkedInTokens(
            access_token=body["access_token"],
            expires_at=now + timedelta(seconds=int(body.get("expires_in", 0))),
            refresh_token=body.get("refresh_token"),
            scopes=scopes,
        )


def _oauth_error(response: httpx.Response) -> str:
    try:
        body = response.json()
    except ValueError:
        return response.text[:300]
    if isinstance(body, dict):
        return str(body.get("error_description") or body.get("error") or body)[:300]
    return str(body)[:300]
