"""X API v2 through tweepy's AsyncClient: posts, quotes, reposts, metrics and follower counts.

tweepy hard-codes `https://api.twitter.com` inside `AsyncBaseClient.request` but sends every call
through `client.session` when one is set, so one shared aiohttp session wrapped in
`_RebasedSession` carries all traffic to the configured base URL (a gateway, or a test server).
Calls use the account's OAuth 2.0 user access token as `bearer_token` with `user_auth=False`:
tweepy's default `user_auth=True` would sign with OAuth 1.0a. `wait_on_rate_limit` stays off: a
429 becomes `RateLimited` and the dispatcher parks the account instead of sleeping in-process.
"""

from __future__ import annotations

import asyncio
import base64
import html
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import aiohttp
import httpx
import tweepy
from tweepy.asynchronous import AsyncClient

from connectors.base import (
    AccountRef,
    AmbiguousOutcome,
    AuthExpired,
    ConnectorError,
    DuplicatePost,
    PermanentError,
    PostContent,
    PostMetrics,
    Profile,
    PublishRequest,
    PublishResult,
    RateLimited,
    TransientError,
)

TWEEPY_HOST = "https://api.twitter.com"
PUBLIC_FIELDS = ["public_metrics", "created_at", "author_id"]
OWNER_FIELDS = ["non_public_metrics", "organic_metrics"]
# X only serves non-public and organic metrics to the owner, for posts under 30 days old.
OWNER_METRICS_WINDOW = timedelta(days=30)
URL_PATTERN = re.compile(r"https?://\S+")
# Posts longer than the classic limit come back cut in `text`, whole in `note_tweet.text`.
READ_BACK_FIELDS = ["note_tweet", "author_id"]
NOT_FOUND = "resource-not-found"


class _RebasedSession:
    """Looks like the aiohttp session tweepy expects; sends its requests to another base URL."""

    def __init__(self, session: aiohttp.ClientSession, base_url: str) -> None:
        self._session = session
        self._base_url = base_url.rstrip("/")

    def request(self, method: str, url: Any, **kwargs: Any) -> Any:
        text = str(url)
        if text.startswith(TWEEPY_HOST):
            text = self._base_url + text[len(TWEEPY_HOST):]
        return self._session.request(method, text, **kwargs)


class XConnector:
    """The connector interface for X. One instance (one HTTP session) per process."""

    network = "x"

    def __init__(
        self,
        *,
        api_base_url: str,
        now: Callable[[], datetime],
        timeout_seconds: float = 20.0,
        duplicate_lookup_count: int = 50,
    ) -> None:
        self.api_base_url = api_base_url
        self._now = now
        self._timeout = aiohttp.ClientTimeout(total=timeout_seconds)
        self._session: aiohttp.ClientSession | None = None
        self._duplicate_lookup_count = duplicate_lookup_count

    async def close(self) -> None:
        if self._session is not None:
            await self._session.close()
            self._session = None

    def _client(self, account: AccountRef) -> AsyncClient:
        if not account.access_token:
            raise AuthExpired("no X access token is stored for this account: connect it first")
        if self._session is None or self._session.closed:
            self._session = aiohttp.ClientSession(timeout=self._timeout)
        client = AsyncClient(bearer_token=account.access_token, wait_on_rate_limit=False)
        client.session = _RebasedSession(self._session, self.api_base_url)
        return client

    async def publish(self, account: AccountRef, request: PublishRequest) -> PublishResult:
        """Create a post (with its link), or a quote of the brand post when `reshare_of` is set."""
        client = self._client(account)
        text = request.text
        if request.link_url and request.link_url not in text:
            text = f"{text}\n\n{request.link_url}"
        try:
            response = await client.create_tweet(
                text=text, quote_tweet_id=request.reshare_of, user_auth=False
            )
        except tweepy.Forbidden as error:
            if _is_duplicate(error):
                existing = await self._find_recent_post(client, account, text)
                raise DuplicatePost(f"X: {_reason(error)}", existing_id=existing) from error
            raise _mapped(error, self._now()) from error
        except Exception as error:
            raise _mapped(error, self._now(), sent_write=True) from error
        post_id = str(_data(response)["id"])
        return PublishResult(
            external_id=post_id,
            url=f"https://x.com/{account.handle}/status/{post_id}",
            published_at=self._now(),
        )

    async def repost(self, account: AccountRef, post_id: str) -> PublishResult:
        """Native repost of `post_id`. Reposting an already reposted post counts as done."""
        client = self._client(account)
        try:
            await client.retweet(post_id, user_auth=False)
        except tweepy.Forbidden as error:
            if "already retweeted" not in _reason(error).lower():
                raise _mapped(error, self._now()) from error
        except Exception as error:
            raise _mapped(error, self._now(), sent_write=True) from error
        return PublishResult(
            external_id=post_id,
            url=f"https://x.com/{account.handle}/status/{post_id}",
            published_at=self._now(),
        )

    async def fetch_metrics(
        self, account: AccountRef, external_ids: Sequence[str]
    ) -> list[PostMetrics]:
        client = self._client(account)
        now = self._now()
        found: dict[str, dict[str, Any]] = {}
        ids = [i for i in external_ids if i.isdigit()]
        for start in range(0, len(ids), 100):
            chunk = ids[start:start + 100]
            try:
                response = await client.get_tweets(chunk, tweet_fields=PUBLIC_FIELDS, user_auth=False)
                posts = {str(t.data["id"]): dict(t.data) for t in response.data or []}
                own = [
                    post_id for post_id, post in posts.items()
                    if str(post.get("author_id")) == account.external_id
                    and (created := _parse_time(post.get("created_at"))) is not None
                    and now - created < OWNER_METRICS_WINDOW
                ]
                if own:
                    private = await client.get_tweets(own, tweet_fields=OWNER_FIELDS, user_auth=False)
                    for tweet in private.data or []:
                        posts[str(tweet.data["id"])].update(
                            {k: v for k, v in tweet.data.items() if k in OWNER_FIELDS}
                        )
            except Exception as error:
                raise _mapped(error, now) from error
            found.update(posts)
        return [_metrics(post_id, found[post_id], now) for post_id in ids if post_id in found]

    async def fetch_posts(
        self, account: AccountRef, external_ids: Sequence[str]
    ) -> list[PostContent]:
        """Read posts back with `GET /2/tweets?ids=` (the batch form of `GET /2/tweets/:id`, same
        fields, one call per 100 posts). X names a deleted post in `errors[]` as resource-not-found;
        any other error entry (a suspended or protected author) leaves the post unavailable."""
        client = self._client(account)
        results: dict[str, PostContent] = {}
        ids = [i for i in external_ids if i.isdigit()]
        for start in range(0, len(ids), 100):
            chunk = ids[start:start + 100]
            try:
                response = await client.get_tweets(chunk, tweet_fields=READ_BACK_FIELDS, user_auth=False)
            except Exception as error:
                raise _mapped(error, self._now()) from error
            for tweet in response.data or []:
                data = dict(tweet.data)
                note = data.get("note_tweet") or {}
                text = note.get("text") if isinstance(note, dict) and note.get("text") else data.get("text")
                results[str(data["id"])] = PostContent(str(data["id"]), "found", str(text or ""))
            for problem in response.errors or []:
                post_id = str(problem.get("resource_id") or problem.get("value") or "")
                if post_id in results or post_id not in chunk:
                    continue
                gone = NOT_FOUND in str(problem.get("type", ""))
                detail = str(problem.get("detail") or problem.get("title") or "")
                results[post_id] = PostContent(post_id, "deleted" if gone else "unavailable", detail=detail)
        return [
            results.get(post_id) or PostContent(post_id, "unavailable", detail="X did not return this post")
            for post_id in external_ids
        ]

    async def fetch_profile(self, account: AccountRef) -> Profile:
        client = self._client(account)
        try:
            response = await client.get_me(user_fields=["public_metrics"], user_auth=False)
        except Exception as error:
            raise _mapped(error, self._now()) from error
        user = _data(response)
        metrics = user.get("public_metrics") or {}
        followers = metrics.get("followers_count")
        return Profile(str(user["id"]), str(user.get("username", account.handle)),
                       int(followers) if followers is not None else None)

    async def _find_recent_post(self, client: AsyncClient, account: AccountRef, text: str) -> str | None:
        """The id of the account's recent post that is this very text: X's duplicate error does not
        name it.

        X rewrites links to t.co, so the words are compared without their links, and the links by
        what X says each t.co link expands to (`entities.urls[].expanded_url`). A share's own
        tracking link is what sets it apart from another share in the same words: a post whose
        links cannot be told is not taken.
        """
        try:
            response = await client.get_users_tweets(
                account.external_id, max_results=self._duplicate_lookup_count,
                tweet_fields=["entities"], user_auth=False,
            )
        except Exception:
            return None  # the duplicate stands; it just stays unnamed
        wanted, links = _comparable(text), _links(text)
        for tweet in response.data or []:
            data = dict(tweet.data)
            if _comparable(str(data.get("text", ""))) == wanted and _expanded_links(data) == links:
                return str(data["id"])
        return None


@dataclass(frozen=True)
class XTokens:
    access_token: str
    refresh_token: str | None
    expires_at: datetime


async def refresh_x_token(
    http: httpx.AsyncClient, *, token_url: str, client_id: str, client_secret: str,
    refresh_token: str, now: datetime,
) -> XTokens:
    """Trade a refresh token for new tokens. X rotates refresh tokens: the old one is now spent."""
    form = {"grant_type": "refresh_token", "refresh_token": refresh_token, "client_id": client_id}
    try:
        response = await http.post(token_url, data=form, headers=_client_auth(client_id, client_secret))
    except httpx.TransportError as error:
        raise TransientError(f"X token endpoint unreachable: {error!r}") from error
    if response.status_code in (400, 401):
        raise AuthExpired(f"X refused the refresh token ({_oauth_error(response)})")
    if response.status_code >= 500:
        raise TransientError(f"X token endpoint failed with {response.status_code}")
    if response.status_code != 200:
        raise PermanentError(f"X token endpoint answered {response.status_code}: {response.text[:300]}")
    body = response.json()
    return XTokens(
        access_token=body["access_token"],
        refresh_token=body.get("refresh_token"),
        expires_at=now + timedelta(seconds=int(body.get("expires_in", 7200))),
    )


async def revoke_x_token(
    http: httpx.AsyncClient, *, revoke_url: str, client_id: str, client_secret: str,
    token: str, token_type_hint: str,
) -> None:
    """Ask X to revoke a token (`token_type_hint` is "access_token" or "refresh_token").

    Raises TransientError when X cannot be reached or fails, PermanentError when it refuses.
    """
    form = {"token": token, "token_type_hint": token_type_hint, "client_id": client_id}
    try:
        response = await http.post(revoke_url, data=form, headers=_client_auth(client_id, client_secret))
    except httpx.TransportError as error:
        raise TransientError(f"X revoke endpoint unreachable: {error!r}") from error
    if response.status_code >= 500:
        raise TransientError(f"X revoke endpoint failed with {response.status_code}")
    if response.status_code != 200:
        raise PermanentError(f"X revoke endpoint answered {response.status_code}: {response.text[:300]}")


def _oauth_error(response: httpx.Response) -> str:
    """An OAuth error body (`{"error": ..., "error_description": ...}`) in words, never raw JSON."""
    try:
        body = response.json()
    except ValueError:
        body = None
    if isinstance(body, dict):
        words = str(body.get("error_description") or "").strip().rstrip(".")
        code = str(body.get("error") or "").replace("_", " ")
        if words or code:
            return words or code
    return f"HTTP {response.status_code}"


def _client_auth(client_id: str, client_secret: str) -> dict[str, str]:
    """A confidential client authenticates with HTTP Basic; a public one only sends client_id."""
    if not client_secret:
        return {}
    basic = base64.b64encode(f"{client_id}:{client_secret}".encode()).decode()
    return {"Authorization": f"Basic {basic}"}


def _data(response: Any) -> dict[str, Any]:
    data = response.data
    return dict(data.data if hasattr(data, "data") else data)


def _reason(error: tweepy.HTTPException) -> str:
    messages = [m for m in error.api_messages if m]
    return "; ".join(messages) or f"{error.response.status} {error.response.reason}"


def _is_duplicate(error: tweepy.HTTPException) -> bool:
    return "duplicate" in _reason(error).lower()


# How long X shares wait before one probes again whether the app has credits.
CREDITS_PROBE_INTERVAL = timedelta(hours=1)


def _mapped(error: Exception, now: datetime, *, sent_write: bool = False) -> ConnectorError:
    """One error family for every way an X call can fail."""
    if isinstance(error, ConnectorError):
        return error
    if isinstance(error, tweepy.TooManyRequests):
        return _rate_limited(error, now)
    if isinstance(error, tweepy.Unauthorized):
        return AuthExpired(f"X: {_reason(error)} (the access token expired or was revoked)")
    if isinstance(error, tweepy.TwitterServerError):
        return TransientError(f"X: server error {error.response.status}: {_reason(error)}")
    if isinstance(error, tweepy.HTTPException):
        if error.response.status == 402:
            # Out of credits nothing sent to X can succeed until an operator tops the account up.
            # Parking the whole app keeps every X share queued (no attempts used, nothing failed)
            # and lets one share probe again each interval, so sharing resumes by itself.
            return RateLimited(
                f"X: {_reason(error)}: the app's pay-per-use credits are used up; an operator must "
                "top them up (X shares wait and are tried again every hour)",
                until=now + CREDITS_PROBE_INTERVAL, scope="app", kind="credits",
            )
        return PermanentError(f"X: {_reason(error)}")
    if isinstance(error, aiohttp.ClientConnectorError):
        return TransientError(f"X unreachable: {error}")
    if isinstance(error, asyncio.TimeoutError | aiohttp.ServerDisconnectedError | aiohttp.ClientOSError):
        if sent_write:
            return AmbiguousOutcome(f"X: no answer after the request was sent ({error!r})")
        return TransientError(f"X: no answer ({error!r})")
    if isinstance(error, aiohttp.ClientError):
        return TransientError(f"X: {error!r}")
    raise error


def _rate_limited(error: tweepy.TooManyRequests, now: datetime) -> RateLimited:
    headers = error.response.headers
    candidates = []
    if error.reset_time:
        candidates.append(datetime.fromtimestamp(int(error.reset_time), UTC))
    for prefix in ("x-user-limit-24hour", "x-app-limit-24hour"):
        if headers.get(f"{prefix}-remaining") == "0" and headers.get(f"{prefix}-reset"):
            candidates.append(datetime.fromtimestamp(int(headers[f"{prefix}-reset"]), UTC))
    if headers.get("retry-after", "").isdigit():
        candidates.append(now + timedelta(seconds=int(headers["retry-after"])))
    # The monthly usage cap is a 429 too, lasting until its period resets, for the whole app.
    usage_capped = "usage cap" in _reason(error).lower()
    if not candidates:
        candidates.append(now + (timedelta(days=1) if usage_capped else timedelta(minutes=15)))
    app_wide = usage_capped or headers.get("x-app-limit-24hour-remaining") == "0"
    return RateLimited(
        f"X: {_reason(error)}", until=max(candidates), scope="app" if app_wide else "account"
    )


def _parse_time(value: Any) -> datetime | None:
    if not value:
        return None
    if isinstance(value, datetime):
        return value
    return datetime.fromisoformat(str(value).replace("Z", "+00:00"))


def _links(text: str) -> list[str]:
    return URL_PATTERN.findall(html.unescape(text))


def _expanded_links(post: dict[str, Any]) -> list[str]:
    """The post's links as written, in order, from X's entities (empty when it has none)."""
    urls = (post.get("entities") or {}).get("urls") or []
    return [str(url.get("expanded_url") or url.get("url") or "") for url in urls]


def _comparable(text: str) -> str:
    # X answers with &, < and > HTML-escaped.
    return " ".join(URL_PATTERN.sub("", html.unescape(text)).split())


def _first(metrics: dict[str, Any], *names: str) -> int | None:
    # The 2.167 spec renames fields (repost_count); the production spec keeps the classic ones.
    for name in names:
        if metrics.get(name) is not None:
            return int(metrics[name])
    return None


def _metrics(post_id: str, post: dict[str, Any], now: datetime) -> PostMetrics:
    public = post.get("public_metrics") or {}
    private = post.get("non_public_metrics") or {}
    organic = post.get("organic_metrics") or {}
    reposts = _first(public, "retweet_count", "repost_count")
    quotes = _first(public, "quote_count")
    return PostMetrics(
        external_id=post_id,
        captured_at=now,
        impressions=_first(private, "impression_count") or _first(public, "impression_count"),
        reach=None,
        reactions=_first(public, "like_count"),
        comments=_first(public, "reply_count"),
        reshares=None if reposts is None and quotes is None else (reposts or 0) + (quotes or 0),
        clicks=_first(private, "url_link_clicks") or _first(organic, "url_link_clicks"),
        provenance="measured",
    )
