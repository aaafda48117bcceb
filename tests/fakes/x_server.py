"""A local X API v2 server: the endpoints, JSON shapes, headers and error bodies tweepy meets.

Implements POST /2/tweets (with quote), POST /2/users/:id/retweets, GET /2/users/me,
GET /2/users/:id/tweets, GET /2/tweets (public, non-public and organic metrics, the last two only
for the owner's posts under 30 days), the OAuth 2.0 PKCE flow (GET /i/oauth2/authorize shows a
consent page that approves or denies; POST /2/oauth2/token exchanges a code against its S256
challenge and refreshes, refresh tokens rotate and are single use) and POST /2/oauth2/revoke.
Client credentials are checked when `client_id` is set (HTTP Basic for a confidential client).
Errors are RFC 7807 problem JSON with `application/json`, as tweepy's error path requires.
Controls for tests: per-user post limits (429 with x-rate-limit-* headers), revoked tokens (401),
duplicate text (403), credits depleted (402), queued one-off failures and a "created but the answer
never comes" hang for ambiguous outcomes.
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import html
import itertools
import random
import re
import secrets
import time
from collections import Counter, defaultdict, deque
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urlencode

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

URL = re.compile(r"https?://\S+")
CHAOS_KINDS = ("server_error", "rate_limit", "auth", "permanent", "credits", "lost_before", "lost_after")
ALLOWED_CREATE_FIELDS = {
    "text", "quote_tweet_id", "reply", "media", "poll", "reply_settings", "community_id",
    "for_super_followers_only", "geo", "nullcast", "direct_message_deep_link", "card_uri",
    "edit_options", "made_with_ai", "paid_partnership",
}


def problem(status: int, title: str, detail: str, type_: str = "about:blank",
            headers: dict[str, str] | None = None, **extra: Any) -> JSONResponse:
    body = {"title": title, "detail": detail, "type": type_, "status": status, **extra}
    return JSONResponse(body, status_code=status, headers=headers)


@dataclass
class FakeXUser:
    id: str
    username: str
    followers: int = 321


@dataclass
class FakeTweet:
    id: str
    author_id: str
    text: str
    created_at: datetime
    quote_of: str | None = None
    # The links as written, which X lists as entities.urls[].expanded_url.
    links: tuple[str, ...] = ()


@dataclass
class FakeX:
    """The state of the fake platform, shared by the server thread and the test."""

    posts_per_window: int = 300
    window_seconds: int = 3 * 3600
    users: dict[str, FakeXUser] = field(default_factory=dict)
    tokens: dict[str, str] = field(default_factory=dict)  # access token -> user id
    refresh_tokens: dict[str, str] = field(default_factory=dict)  # refresh token -> user id
    revoked: set[str] = field(default_factory=set)
    tweets: dict[str, FakeTweet] = field(default_factory=dict)
    retweets: set[tuple[str, str]] = field(default_factory=set)
    credits_depleted: bool = False
    hang_after_create_seconds: float = 0.0
    failures: deque[tuple[int, dict[str, Any], dict[str, str]]] = field(default_factory=deque)
    created: dict[str, deque[float]] = field(default_factory=lambda: defaultdict(deque))
    requests: list[tuple[str, str]] = field(default_factory=list)
    # Each GET /2/tweets: the ids and the tweet.fields asked for, and the restricted fields X refused.
    lookups: list[tuple[tuple[str, ...], frozenset[str]]] = field(default_factory=list)
    refused_fields: list[tuple[str, str]] = field(default_factory=list)
    # Chaos: this fraction of create calls fails, with a kind drawn from CHAOS_KINDS.
    fault_rate: float = 0.0
    fault_rng: random.Random = field(default_factory=lambda: random.Random(11))
    fault_hang_seconds: float = 0.5
    faults_seen: Counter[str] = field(default_factory=Counter)
    # OAuth: the registered client (None: any client is accepted), pending consents, issued codes.
    client_id: str | None = None
    client_secret: str = ""
    consent_user: str | None = None  # the user id who approves on the consent page
    consents: dict[str, dict[str, str]] = field(default_factory=dict)
    codes: dict[str, dict[str, str]] = field(default_factory=dict)
    token_failures: deque[int] = field(default_factory=deque)  # statuses the token endpoint answers next
    token_delay_seconds: float = 0.0  # a slow token endpoint, for races between workers
    revoke_down: bool = False
    revocations: list[tuple[str, str]] = field(default_factory=list)  # (token_type_hint, token)
    _ids: itertools.count = field(default_factory=lambda: itertools.count(1800000000000000001))

    def add_user(self, username: str, followers: int = 321) -> tuple[FakeXUser, str]:
        user = FakeXUser(id=str(2244994945 + len(self.users)), username=username, followers=followers)
        self.users[user.id] = user
        token = secrets.token_urlsafe(16)
        self.tokens[token] = user.id
        return user, token

    def issue_refresh_token(self, user_id: str) -> str:
        token = secrets.token_urlsafe(16)
        self.refresh_tokens[token] = user_id
        return token

    def fail_next(self, status: int, body: dict[str, Any], headers: dict[str, str] | None = None) -> None:
        self.failures.append((status, body, headers or {}))

    def posts_with(self, text: str) -> list[FakeTweet]:
        return [t for t in self.tweets.values() if t.text == _displayed(text)]

    def post_tweet(self, user_id: str, text: str, created_at: datetime | None = None) -> FakeTweet:
        tweet = FakeTweet(str(next(self._ids)), user_id, _displayed(text), created_at or datetime.now(UTC),
                          links=tuple(URL.findall(text)))
        self.tweets[tweet.id] = tweet
        return tweet


def _short(link: str) -> str:
    # X shows each link shortened to its own t.co address.
    return "https://t.co/" + hashlib.sha256(link.encode()).hexdigest()[:10]


def _displayed(text: str) -> str:
    return URL.sub(lambda match: _short(match.group(0)), text)


def _entities(tweet: FakeTweet) -> dict[str, Any]:
    """entities.urls as X gives them: where each t.co link stands in the text, and what it expands to."""
    urls, start = [], 0
    for link in tweet.links:
        short = _short(link)
        at = tweet.text.find(short, start)
        start = at + len(short)
        urls.append({"start": at, "end": start, "url": short, "expanded_url": link,
                     "display_url": link.split("://", 1)[-1][:23]})
    return {"urls": urls} if urls else {}


def build_app(state: FakeX) -> Starlette:
    def user_of(request: Request) -> str | JSONResponse:
        auth = request.headers.get("authorization", "")
        token = auth.removeprefix("Bearer ").strip()
        if not auth.startswith("Bearer ") or token in state.revoked or token not in state.tokens:
            return problem(401, "Unauthorized", "Unauthorized")
        return state.tokens[token]

    def limit_headers(user_id: str) -> dict[str, str]:
        window = state.created[user_id]
        reset = int((window[0] if window else time.time()) + state.window_seconds)
        return {
            "x-rate-limit-limit": str(state.posts_per_window),
            "x-rate-limit-remaining": str(max(0, state.posts_per_window - len(window))),
            "x-rate-limit-reset": str(reset),
        }

    async def create_tweet(request: Request) -> Response:
        state.requests.append(("POST", "/2/tweets"))
        user = user_of(request)
        if isinstance(user, Response):
            return user
        if state.failures:
            status, body, headers = state.failures.popleft()
            return JSONResponse(body, status_code=status, headers=headers)
        chaos = None
        if state.fault_rate and state.fault_rng.random() < state.fault_rate:
            chaos = state.fault_rng.choice(CHAOS_KINDS)
            state.faults_seen[chaos] += 1
            if chaos == "server_error":
                return problem(503, "Service Unavailable", "Service Unavailable")
            if chaos == "rate_limit":
                return problem(429, "Too Many Requests", "Too Many Requests",
                               headers={"x-rate-limit-reset": str(int(time.time()) + 60),
                                        "x-rate-limit-remaining": "0"})
            if chaos == "auth":
                return problem(401, "Unauthorized", "Unauthorized")
            if chaos == "permanent":
                return problem(403, "Forbidden", "You are not permitted to perform this action.")
            if chaos == "credits":
                return problem(402, "Payment Required", "credits depleted",
                               "https://api.x.com/2/problems/credits-depleted")
            if chaos == "lost_before":
                await asyncio.sleep(state.fault_hang_seconds)  # the client gives up; nothing posted
                return problem(503, "Service Unavailable", "Service Unavailable")
        if state.credits_depleted:
            return problem(402, "Payment Required", "credits depleted",
                           "https://api.x.com/2/problems/credits-depleted")
        body = await request.json()
        unknown = set(body) - ALLOWED_CREATE_FIELDS
        if unknown or not isinstance(body.get("text"), str):
            return problem(400, "Invalid Request", f"unexpected fields {sorted(unknown)}",
                           "https://api.twitter.com/2/problems/invalid-request")
        window = state.created[user]
        now = time.time()
        while window and window[0] <= now - state.window_seconds:
            window.popleft()
        if len(window) >= state.posts_per_window:
            return problem(429, "Too Many Requests", "Too Many Requests", headers=limit_headers(user))
        cutoff = datetime.now(UTC) - timedelta(hours=24)
        if any(t.author_id == user and t.text == _displayed(body["text"]) and t.created_at > cutoff
               for t in state.tweets.values()):
            return problem(403, "Forbidden",
                           "You are not allowed to create a Tweet with duplicate content.")
        quote = body.get("quote_tweet_id")
        if quote is not None and quote not in state.tweets:
            return problem(400, "Invalid Request", "The quoted Tweet does not exist.")
        tweet = state.post_tweet(user, body["text"])
        tweet.quote_of = quote
        window.append(now)
        if state.hang_after_create_seconds or chaos == "lost_after":
            # The post exists; the answer arrives too late for the client: an ambiguous outcome.
            await asyncio.sleep(state.hang_after_create_seconds or state.fault_hang_seconds)
        return JSONResponse(
            {"data": {"id": tweet.id, "text": tweet.text, "edit_history_tweet_ids": [tweet.id]}},
            status_code=201, headers=limit_headers(user),
        )

    async def retweet(request: Request) -> Response:
        user = user_of(request)
        if isinstance(user, Response):
            return user
        if request.path_params["user_id"] != user:
            return problem(403, "Forbidden", "You are not allowed to retweet for another user.")
        tweet_id = str((await request.json())["tweet_id"])
        if tweet_id not in state.tweets:
            return problem(400, "Invalid Request", "The retweeted Tweet does not exist.")
        if (user, tweet_id) in state.retweets:
            return problem(403, "Forbidden", "You cannot retweet a Tweet that you have already retweeted.")
        state.retweets.add((user, tweet_id))
        return JSONResponse({"data": {"id": tweet_id, "retweeted": True}})

    async def me(request: Request) -> Response:
        user_id = user_of(request)
        if isinstance(user_id, Response):
            return user_id
        user = state.users[user_id]
        data: dict[str, Any] = {"id": user.id, "name": user.username.title(), "username": user.username}
        if "public_metrics" in request.query_params.get("user.fields", ""):
            data["public_metrics"] = {"followers_count": user.followers, "following_count": 10,
                                      "tweet_count": len(state.tweets), "listed_count": 0}
        return JSONResponse({"data": data})

    async def users_tweets(request: Request) -> Response:
        user = user_of(request)
        if isinstance(user, Response):
            return user
        author = request.path_params["user_id"]
        limit = int(request.query_params.get("max_results", "10"))
        mine = sorted((t for t in state.tweets.values() if t.author_id == author),
                      key=lambda t: t.created_at, reverse=True)[:limit]
        fields = set(request.query_params.get("tweet.fields", "").split(","))
        data = [{"id": t.id, "text": t.text, "edit_history_tweet_ids": [t.id],
                 **({"entities": _entities(t)} if "entities" in fields and t.links else {})}
                for t in mine]
        return JSONResponse({"data": data, "meta": {"result_count": len(data)}})

    async def get_tweets(request: Request) -> Response:
        user = user_of(request)
        if isinstance(user, Response):
            return user
        ids = [i for i in request.query_params.get("ids", "").split(",") if i]
        if not 1 <= len(ids) <= 100:
            return problem(400, "Invalid Request", "ids must hold 1 to 100 ids")
        fields = set(request.query_params.get("tweet.fields", "").split(",")) - {""}
        state.lookups.append((tuple(ids), frozenset(fields)))
        data, errors = [], []
        for tweet_id in ids:
            tweet = state.tweets.get(tweet_id)
            if tweet is None:
                errors.append({
                    "value": tweet_id, "detail": f"Could not find tweet with ids: [{tweet_id}].",
                    "title": "Not Found Error", "resource_type": "tweet", "parameter": "ids",
                    "resource_id": tweet_id,
                    "type": "https://api.twitter.com/2/problems/resource-not-found",
                })
                continue
            n = int(tweet.id) % 97
            # X returns &, < and > HTML-escaped in the text.
            item: dict[str, Any] = {"id": tweet.id, "text": html.escape(tweet.text, quote=False),
                                    "edit_history_tweet_ids": [tweet.id]}
            if "created_at" in fields:
                item["created_at"] = tweet.created_at.strftime("%Y-%m-%dT%H:%M:%S.000Z")
            if "author_id" in fields:
                item["author_id"] = tweet.author_id
            if "entities" in fields and tweet.links:
                item["entities"] = _entities(tweet)
            if "public_metrics" in fields:
                item["public_metrics"] = {"retweet_count": 3, "reply_count": 1, "like_count": 20 + n,
                                          "quote_count": 1, "bookmark_count": 2,
                                          "impression_count": 1000 + n}
            owner_fresh = (tweet.author_id == user
                           and tweet.created_at > datetime.now(UTC) - timedelta(days=30))
            for restricted in ("non_public_metrics", "organic_metrics"):
                if restricted not in fields:
                    continue
                if not owner_fresh:
                    state.refused_fields.append((tweet.id, restricted))
                    errors.append({"value": tweet.id, "field": restricted,
                                   "title": "Field Authorization Error", "resource_type": "tweet",
                                   "detail": f"Sorry, you are not authorized to access '{restricted}'.",
                                   "type": "https://api.x.com/2/problems/not-authorized-for-field"})
                    continue
                item[restricted] = {"impression_count": 1000 + n, "url_link_clicks": 14,
                                    "user_profile_clicks": 6}
            data.append(item)
        body: dict[str, Any] = {"data": data} if data else {}
        if errors:
            body["errors"] = errors
        return JSONResponse(body)

    def client_error(request: Request, form: Any) -> JSONResponse | None:
        """Checks the client as X does: HTTP Basic for a confidential client, else client_id."""
        if state.client_id is None:
            return None
        auth = request.headers.get("authorization", "")
        if state.client_secret:
            expected = base64.b64encode(f"{state.client_id}:{state.client_secret}".encode()).decode()
            if auth != f"Basic {expected}":
                return JSONResponse({"error": "unauthorized_client",
                                     "error_description": "Missing valid authorization header"},
                                    status_code=401)
        elif form.get("client_id") != state.client_id:
            return JSONResponse({"error": "invalid_request",
                                 "error_description": "Missing required parameter [client_id]."},
                                status_code=400)
        return None

    def issue(user_id: str, scope: str) -> JSONResponse:
        access = secrets.token_urlsafe(16)
        state.tokens[access] = user_id
        body: dict[str, Any] = {"token_type": "bearer", "expires_in": 7200, "access_token": access,
                                "scope": scope}
        if "offline.access" in scope.split():
            body["refresh_token"] = state.issue_refresh_token(user_id)
        return JSONResponse(body)

    invalid_token = {"error": "invalid_request",
                     "error_description": "Value passed for the token was invalid."}

    async def token(request: Request) -> Response:
        form = await request.form()
        if state.token_delay_seconds:
            await asyncio.sleep(state.token_delay_seconds)
        if state.token_failures:
            status = state.token_failures.popleft()
            return problem(status, "Service Unavailable", "Service Unavailable")
        refused = client_error(request, form)
        if refused is not None:
            return refused
        grant = form.get("grant_type")
        if grant == "refresh_token":
            user_id = state.refresh_tokens.pop(str(form.get("refresh_token")), None)
            if user_id is None:
                return JSONResponse(invalid_token, status_code=400)
            return issue(user_id, "tweet.read tweet.write users.read offline.access")
        if grant != "authorization_code":
            return JSONResponse({"error": "unsupported_grant_type"}, status_code=400)
        # A code is single use: a replay finds nothing.
        issued = state.codes.pop(str(form.get("code")), None)
        if issued is None or issued["redirect_uri"] != form.get("redirect_uri"):
            return JSONResponse(invalid_token, status_code=400)
        verifier = str(form.get("code_verifier", ""))
        challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).decode().rstrip("=")
        if challenge != issued["code_challenge"]:
            return JSONResponse({"error": "invalid_request",
                                 "error_description": "Value passed for the code verifier did not match"},
                                status_code=400)
        return issue(issued["user_id"], issued["scope"])

    async def revoke(request: Request) -> Response:
        form = await request.form()
        if state.revoke_down:
            return problem(503, "Service Unavailable", "Service Unavailable")
        refused = client_error(request, form)
        if refused is not None:
            return refused
        token_value = str(form.get("token", ""))
        state.revocations.append((str(form.get("token_type_hint", "")), token_value))
        if state.tokens.pop(token_value, None) is not None:
            state.revoked.add(token_value)
        state.refresh_tokens.pop(token_value, None)
        return JSONResponse({"revoked": True})

    async def authorize(request: Request) -> Response:
        params = request.query_params
        if state.client_id is not None and params.get("client_id") != state.client_id:
            return Response("Something went wrong: unknown client", status_code=400)
        if params.get("response_type") != "code" or params.get("code_challenge_method") != "S256" \
                or not params.get("code_challenge") or not params.get("redirect_uri"):
            return Response("Something went wrong: bad authorization request", status_code=400)
        consent = secrets.token_urlsafe(8)
        state.consents[consent] = {k: params.get(k, "") for k in (
            "redirect_uri", "state", "scope", "code_challenge")}
        approve, deny = (
            html.escape(f"/i/oauth2/consent/{consent}?decision={d}") for d in ("approve", "deny")
        )
        page = (f"<!doctype html><title>Authorize app</title><h1>Authorize the app?</h1>"
                f"<p>Scopes: {html.escape(params.get('scope', ''))}</p>"
                f'<a id="approve" href="{approve}">Authorize app</a> '
                f'<a id="deny" href="{deny}">Cancel</a>')
        return Response(page, media_type="text/html")

    async def consent(request: Request) -> Response:
        pending = state.consents.pop(request.path_params["consent"], None)
        if pending is None:
            return Response("This consent page has expired", status_code=400)
        if request.query_params.get("decision") != "approve":
            query = {"error": "access_denied", "state": pending["state"]}
        else:
            user_id = state.consent_user or state.add_user(f"user{len(state.users)}")[0].id
            code = secrets.token_urlsafe(16)
            state.codes[code] = {**pending, "user_id": user_id}
            query = {"state": pending["state"], "code": code}
        location = f"{pending['redirect_uri']}?{urlencode(query)}"
        return Response(status_code=302, headers={"location": location})

    return Starlette(routes=[
        Route("/2/tweets", create_tweet, methods=["POST"]),
        Route("/2/tweets", get_tweets, methods=["GET"]),
        Route("/2/users/me", me, methods=["GET"]),
        Route("/2/users/{user_id}/retweets", retweet, methods=["POST"]),
        Route("/2/users/{user_id}/tweets", users_tweets, methods=["GET"]),
        Route("/2/oauth2/token", token, methods=["POST"]),
        Route("/2/oauth2/revoke", revoke, methods=["POST"]),
        Route("/i/oauth2/authorize", authorize, methods=["GET"]),
        Route("/i/oauth2/consent/{consent}", consent, methods=["GET"]),
    ])
