"""X OAuth 2.0 Authorization Code with PKCE, through tweepy's `OAuth2UserHandler`.

The handler (a requests-oauthlib session) makes the S256 challenge and its 128-character verifier,
and posts the code exchange with HTTP Basic client authentication. It hard-codes twitter.com URLs:
the authorization URL it builds is moved onto the configured authorize endpoint, and the exchange
calls the parent session's `fetch_token` with the configured token URL. The verifier must survive
from the redirect to the callback, so it is handed to the caller to keep, and given back.

Everything here is synchronous (requests): callers run it off the event loop.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import parse_qs, urlsplit

import requests
import tweepy
from oauthlib.oauth2.rfc6749.errors import OAuth2Error

from connectors.base import AuthExpired, PermanentError, TransientError
from connectors.x.client import XTokens

SCOPES = ("tweet.read", "tweet.write", "users.read", "offline.access")
LOOPBACK_HOSTS = ("127.0.0.1", "localhost", "::1")


@dataclass(frozen=True)
class XAuthorization:
    url: str
    state: str
    code_verifier: str


class XOAuth:
    def __init__(
        self, *, client_id: str, client_secret: str, redirect_uri: str, authorize_url: str,
        token_url: str, timeout_seconds: float = 20.0,
    ) -> None:
        self.client_id = client_id
        self.client_secret = client_secret
        self.redirect_uri = redirect_uri
        self.authorize_url = authorize_url
        self.token_url = token_url
        self.timeout = timeout_seconds

    def _handler(self) -> tweepy.OAuth2UserHandler:
        return tweepy.OAuth2UserHandler(
            client_id=self.client_id, redirect_uri=self.redirect_uri, scope=list(SCOPES),
            client_secret=self.client_secret or None,
        )

    def authorization(self) -> XAuthorization:
        """A fresh authorization request: where to send the person, its state and its verifier."""
        handler = self._handler()
        built = urlsplit(handler.get_authorization_url())
        state = parse_qs(built.query)["state"][0]
        return XAuthorization(
            url=f"{self.authorize_url}?{built.query}", state=state,
            code_verifier=str(handler._client.code_verifier),
        )

    def exchange_code(self, code: str, code_verifier: str, now: datetime) -> XTokens:
        """Trade the authorization code (and the verifier kept since the redirect) for tokens."""
        _allow_plain_http_to_loopback(self.token_url)
        handler = self._handler()
        handler._client.code_verifier = code_verifier
        handler.register_compliance_hook("access_token_response", _refuse_server_errors)
        try:
            # The parent's fetch_token: tweepy's own posts to the hard-coded api.twitter.com.
            token: dict[str, Any] = super(tweepy.OAuth2UserHandler, handler).fetch_token(  # type: ignore[misc]
                self.token_url, code=code, auth=handler.auth, include_client_id=True,
                code_verifier=code_verifier, timeout=self.timeout,
            )
        except requests.RequestException as error:
            raise TransientError(f"X token endpoint unreachable: {error!r}") from error
        except OAuth2Error as error:
            raise AuthExpired(f"X refused the authorization: {error.description or error.error}") from error
        except ValueError as error:  # oauthlib on a body that is not a token response
            raise PermanentError(f"X token endpoint answered something unexpected: {error}") from error
        return XTokens(
            access_token=str(token["access_token"]),
            refresh_token=token.get("refresh_token"),
            expires_at=now + timedelta(seconds=int(token.get("expires_in", 7200))),
        )


def _refuse_server_errors(response: requests.Response) -> requests.Response:
    # oauthlib would read a 5xx problem body as "missing access token": say what happened instead.
    if response.status_code >= 500:
        raise TransientError(f"X token endpoint failed with {response.status_code}")
    return response


def _allow_plain_http_to_loopback(url: str) -> None:
    """oauthlib refuses http:// token URLs. A server on this machine (a local gateway, or the test
    platform) is allowed; anything else must be https."""
    if urlsplit(url).hostname in LOOPBACK_HOSTS:
        os.environ.setdefault("OAUTHLIB_INSECURE_TRANSPORT", "1")
