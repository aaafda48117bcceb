"""A local LinkedIn server: the versioned REST endpoints, headers and Rest.li error bodies.

Implements POST /rest/posts (member post and reshare; 201, empty body, `x-restli-id`),
GET /rest/posts/{urn}, GET /rest/memberCreatorPostAnalytics (q=entity, one queryType per call,
`metricType` as an object before 202605 and a string from then on), GET /v2/socialActions/{urn},
GET /rest/memberFollowersCount?q=me, GET /rest/organizationalEntityShareStatistics,
GET /v2/userinfo and the three-legged OAuth flow (GET /oauth/v2/authorization shows a consent page
that approves or denies; POST /oauth/v2/accessToken exchanges a code once, checking the client id,
secret and redirect URI when `client_id` is set, and refreshes only when programmatic refresh is on).
Like LinkedIn it answers 426 for a retired LinkedIn-Version, 401 with 65601 for a revoked token,
422 naming the existing URN for duplicate content, 429 without reset headers for daily quotas, and
it silently truncates commentary at the first unescaped reserved character.
"""

from __future__ import annotations

import asyncio
import html
import itertools
import random
import re
import secrets
from collections import Counter, deque
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import unquote, urlencode

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

RESERVED = set("\\|{}@[]()<>#*_~")
CHAOS_KINDS = ("server_error", "rate_limit", "auth", "permanent", "lost_before", "lost_after")
RETIRED_BEFORE = "202512"
ENTITY = re.compile(r"^\((share|ugc):(urn:li:(?:share|ugcPost):\d+)\)$")


def restli_error(status: int, message: str, **extra: Any) -> JSONResponse:
    return JSONResponse({"status": status, "message": message, **extra}, status_code=status)


def displayed(commentary: str) -> str:
    """What LinkedIn shows: escapes removed, and the text cut at the first unescaped reserved char."""
    shown, escaped = [], False
    for char in commentary:
        if escaped:
            shown.append(char)
            escaped = False
        elif char == "\\":
            escaped = True
        elif char in RESERVED:
            break
        else:
            shown.append(char)
    return "".join(shown)


@dataclass
class FakeMember:
    sub: str
    name: str
    followers: int = 961
    analytics_granted: bool = True
    # Reading posts back needs the restricted r_member_social permission.
    read_granted: bool = True


@dataclass
class FakePost:
    urn: str
    author: str
    commentary: str  # as shown
    parent: str | None = None


@dataclass
class FakeLinkedIn:
    posts_per_day: int = 150
    members: dict[str, FakeMember] = field(default_factory=dict)
    tokens: dict[str, str] = field(default_factory=dict)
    revoked: set[str] = field(default_factory=set)
    posts: dict[str, FakePost] = field(default_factory=dict)
    posted_today: dict[str, int] = field(default_factory=dict)
    app_quota_exhausted: bool = False
    hang_after_create_seconds: float = 0.0
    # A slow platform: half before the post is created, half after, so a killed client may have
    # left a post behind or not.
    create_delay_seconds: float = 0.0
    failures: deque[tuple[int, dict[str, Any]]] = field(default_factory=deque)
    organization_stats: dict[str, dict[str, int]] = field(default_factory=dict)
    codes: dict[str, str] = field(default_factory=dict)  # authorization code -> member sub
    # OAuth: the registered app (None: any client is accepted) and the flow's pending state.
    client_id: str | None = None
    client_secret: str = ""
    consent_member: str | None = None  # the member sub who approves on the consent page
    consents: dict[str, dict[str, str]] = field(default_factory=dict)
    code_redirects: dict[str, str] = field(default_factory=dict)  # code -> redirect_uri it was issued for
    token_failures: deque[int] = field(default_factory=deque)
    refresh_tokens_enabled: bool = False
    refresh_tokens: dict[str, str] = field(default_factory=dict)
    followers_forbidden: bool = False
    # Chaos: this fraction of create calls fails, with a kind drawn from CHAOS_KINDS.
    fault_rate: float = 0.0
    fault_rng: random.Random = field(default_factory=lambda: random.Random(13))
    fault_hang_seconds: float = 0.5
    faults_seen: Counter[str] = field(default_factory=Counter)
    # How many POST /rest/posts calls arrived (answered or not).
    create_calls: int = 0
    _ids: itertools.count = field(default_factory=lambda: itertools.count(7000000000000000001))

    def add_member(self, name: str, **options: Any) -> tuple[FakeMember, str]:
        member = FakeMember(sub=str(8675309 + len(self.members)), name=name, **options)
        self.members[member.sub] = member
        token = secrets.token_urlsafe(16)
        self.tokens[token] = member.sub
        return member, token

    def add_post(self, author_sub: str, commentary: str) -> FakePost:
        post = FakePost(f"urn:li:share:{next(self._ids)}", f"urn:li:person:{author_sub}", commentary)
        self.posts[post.urn] = post
        return post

    def posts_with(self, text: str) -> list[FakePost]:
        return [p for p in self.posts.values() if p.commentary == text]

    def fail_next(self, status: int, body: dict[str, Any]) -> None:
        self.failures.append((status, body))


def build_app(state: FakeLinkedIn) -> Starlette:
    def check(request: Request, versioned: bool = True) -> str | JSONResponse:
        if versioned:
            version = request.headers.get("linkedin-version", "")
            if not re.fullmatch(r"\d{6}", version):
                return restli_error(400, "A version must be present. Please specify a version by "
                                    "adding the LinkedIn-Version header.", code="VERSION_MISSING")
            if version < RETIRED_BEFORE:
                return restli_error(426, f"Requested version {version}01 is not active",
                                    code="NONEXISTENT_VERSION")
            if request.headers.get("x-restli-protocol-version") != "2.0.0":
                return restli_error(400, "X-Restli-Protocol-Version 2.0.0 required")
        auth = request.headers.get("authorization", "")
        token = auth.removeprefix("Bearer ").strip()
        if token in state.revoked:
            return restli_error(401, "The token used in the request has been revoked by the user",
                                serviceErrorCode=65601, code="REVOKED_ACCESS_TOKEN")
        if not auth.startswith("Bearer ") or token not in state.tokens:
            return restli_error(401, "Invalid access token", serviceErrorCode=65600,
                                code="INVALID_ACCESS_TOKEN")
        return state.tokens[token]

    async def create_post(request: Request) -> Response:
        state.create_calls += 1
        sub = check(request)
        if isinstance(sub, Response):
            return sub
        if state.failures:
            status, body = state.failures.popleft()
            return JSONResponse(body, status_code=status)
        chaos = None
        if state.fault_rate and state.fault_rng.random() < state.fault_rate:
            chaos = state.fault_rng.choice(CHAOS_KINDS)
            state.faults_seen[chaos] += 1
            if chaos == "server_error":
                return restli_error(503, "Service Unavailable")
            if chaos == "rate_limit":
                return restli_error(429, "Resource level throttle MEMBER DAY limit for calls to this "
                                    "resource is reached.")
            if chaos == "auth":
                return restli_error(401, "The token used in the request has been revoked by the user",
                                    serviceErrorCode=65601, code="REVOKED_ACCESS_TOKEN")
            if chaos == "permanent":
                return restli_error(403, "Not enough permissions to access: partnerApiPostsExternal.CREATE",
                                    serviceErrorCode=100, code="ACCESS_DENIED")
            if chaos == "lost_before":
                await asyncio.sleep(state.fault_hang_seconds)  # the client gives up; nothing posted
                return restli_error(503, "Service Unavailable")
        if state.app_quota_exhausted:
            return restli_error(429, "Resource level throttle APPLICATION DAY limit for calls to "
                                "this resource is reached.")
        body = await request.json()
        if body.get("author") != f"urn:li:person:{sub}":
            return restli_error(403, "Not enough permissions to access: partnerApiPostsExternal.CREATE",
                                serviceErrorCode=100, code="ACCESS_DENIED")
        parent = (body.get("reshareContext") or {}).get("parent")
        if parent is not None and not re.match(r"urn:li:(share|ugcPost|groupPost):", parent):
            return restli_error(400, "Allowed URN types are groupPost, share, ugcPost")
        if state.posted_today.get(sub, 0) >= state.posts_per_day:
            return restli_error(429, "Resource level throttle MEMBER DAY limit for calls to this "
                                "resource is reached.")
        if state.create_delay_seconds:
            await asyncio.sleep(state.create_delay_seconds / 2)
        shown = displayed(str(body.get("commentary", "")))
        author = f"urn:li:person:{sub}"
        for post in state.posts.values():
            if post.author == author and post.commentary == shown and post.parent == parent:
                return restli_error(422, f"Content is a duplicate of {post.urn}")
        post = state.add_post(sub, shown)
        post.parent = parent
        state.posted_today[sub] = state.posted_today.get(sub, 0) + 1
        if chaos == "lost_after":
            await asyncio.sleep(state.fault_hang_seconds)  # posted, but the answer comes too late
        elif state.hang_after_create_seconds or state.create_delay_seconds:
            await asyncio.sleep(state.hang_after_create_seconds or state.create_delay_seconds / 2)
        return Response(status_code=201, headers={"x-restli-id": post.urn})

    async def get_post(request: Request) -> Response:
        sub = check(request)
        if isinstance(sub, Response):
            return sub
        if not state.members[sub].read_granted:
            return restli_error(403, "Not enough permissions to access: partnerApiPostsExternal.GET",
                                serviceErrorCode=100, code="ACCESS_DENIED")
        post = state.posts.get(unquote(request.path_params["urn"]))
        if post is None:
            return restli_error(404, "Not Found")
        # Commentary comes back in the "little text" format, reserved characters escaped.
        commentary = "".join(f"\\{c}" if c in RESERVED else c for c in post.commentary)
        return JSONResponse({"id": post.urn, "author": post.author, "commentary": commentary,
                             "visibility": "PUBLIC", "lifecycleState": "PUBLISHED",
                             **({"reshareContext": {"parent": post.parent}} if post.parent else {})})

    async def analytics(request: Request) -> Response:
        sub = check(request)
        if isinstance(sub, Response):
            return sub
        if not state.members[sub].analytics_granted:
            return restli_error(403, "Not enough permissions to access: memberCreatorPostAnalytics",
                                serviceErrorCode=100, code="ACCESS_DENIED")
        params = request.query_params
        match = ENTITY.match(params.get("entity", ""))
        if params.get("q") != "entity" or match is None:
            return restli_error(400, "entity must be a union (share:<urn>) or (ugc:<urn>)")
        metric = params.get("queryType", "")
        if "," in metric or metric not in {"IMPRESSION", "MEMBERS_REACHED", "REACTION", "COMMENT", "RESHARE"}:
            return restli_error(400, f"Invalid queryType {metric}")
        post = state.posts.get(match.group(2))
        if post is None or post.author != f"urn:li:person:{sub}":
            return JSONResponse({"paging": {"start": 0, "count": 10, "links": []}, "elements": []})
        n = int(post.urn.rsplit(":", 1)[1]) % 89
        count = {"IMPRESSION": 1200 + n, "MEMBERS_REACHED": 900 + n, "REACTION": 40 + n,
                 "COMMENT": 5, "RESHARE": 2}[metric]
        metric_type: Any = metric
        if request.headers["linkedin-version"] < "202605":
            metric_type = {"com.linkedin.adsexternalapi.memberanalytics.v1."
                           "CreatorPostAnalyticsMetricTypeV1": metric}
        key = "share" if match.group(1) == "share" else "ugc"
        return JSONResponse({"paging": {"start": 0, "count": 10, "links": []}, "elements": [
            {"count": count, "metricType": metric_type, "targetEntity": {key: post.urn}}]})

    async def social_actions(request: Request) -> Response:
        sub = check(request, versioned=False)
        if isinstance(sub, Response):
            return sub
        post = state.posts.get(unquote(request.path_params["urn"]))
        if post is None:
            return restli_error(404, "Not Found")
        return JSONResponse({"likesSummary": {"totalLikes": 31, "likedByCurrentUser": False},
                             "commentsSummary": {"totalFirstLevelComments": 4, "commentsState": "OPEN"}})

    async def followers(request: Request) -> Response:
        sub = check(request)
        if isinstance(sub, Response):
            return sub
        if state.followers_forbidden:
            return restli_error(403, "Not enough permissions to access: memberFollowersCount.GET.NO_VERSION",
                                serviceErrorCode=100, code="ACCESS_DENIED")
        return JSONResponse({"elements": [{"memberFollowersCount": state.members[sub].followers}]})

    async def organization_statistics(request: Request) -> Response:
        sub = check(request)
        if isinstance(sub, Response):
            return sub
        listed = request.query_params.get("shares") or request.query_params.get("ugcPosts") or ""
        urns = [unquote(u) for u in listed.removeprefix("List(").removesuffix(")").split(",") if u]
        organization = request.query_params.get("organizationalEntity")
        elements = [
            {"organizationalEntity": organization, "share": urn,
             "totalShareStatistics": state.organization_stats[urn]}
            for urn in urns if urn in state.organization_stats  # no activity: omitted
        ]
        return JSONResponse({"paging": {"start": 0, "count": 10, "links": []}, "elements": elements})

    async def userinfo(request: Request) -> Response:
        sub = check(request, versioned=False)
        if isinstance(sub, Response):
            return sub
        return JSONResponse({"sub": sub, "name": state.members[sub].name})

    def oauth_error(status: int, error: str, description: str) -> JSONResponse:
        return JSONResponse({"error": error, "error_description": description}, status_code=status)

    def issue(sub: str, scope: str) -> JSONResponse:
        token = secrets.token_urlsafe(16)
        state.tokens[token] = sub
        body: dict[str, Any] = {"access_token": token, "expires_in": 5183999, "scope": scope,
                                "token_type": "Bearer"}
        if state.refresh_tokens_enabled:
            refresh = secrets.token_urlsafe(16)
            state.refresh_tokens[refresh] = sub
            body.update(refresh_token=refresh, refresh_token_expires_in=31535999)
        return JSONResponse(body)

    async def access_token(request: Request) -> Response:
        form = await request.form()
        if state.token_failures:
            status = state.token_failures.popleft()
            return restli_error(status, "Internal Server Error")
        grant = form.get("grant_type")
        if grant not in ("authorization_code", "refresh_token"):
            return oauth_error(400, "invalid_request", 'A required parameter "grant_type" is missing')
        if state.client_id is not None and (
            form.get("client_id") != state.client_id or form.get("client_secret") != state.client_secret
        ):
            return oauth_error(401, "invalid_client", "Client authentication failed")
        if grant == "refresh_token":
            sub = state.refresh_tokens.get(str(form.get("refresh_token")))
            if sub is None or not state.refresh_tokens_enabled:
                return oauth_error(400, "invalid_grant", "The provided refresh token is invalid")
            return issue(sub, "openid,profile,w_member_social")
        code = str(form.get("code"))
        sub = state.codes.pop(code, None)
        redirect = state.code_redirects.pop(code, None)
        if sub is None:
            return oauth_error(400, "invalid_grant", "The provided authorization grant is invalid, expired "
                               "or revoked")
        if redirect is not None and redirect != form.get("redirect_uri"):
            return oauth_error(400, "invalid_grant", "redirect_uri does not match")
        return issue(sub, "openid,profile,w_member_social")

    async def authorize(request: Request) -> Response:
        params = request.query_params
        if state.client_id is not None and params.get("client_id") != state.client_id:
            return Response("The application could not be found", status_code=400)
        if params.get("response_type") != "code" or not params.get("redirect_uri"):
            return Response("Bad authorization request", status_code=400)
        consent = secrets.token_urlsafe(8)
        state.consents[consent] = {k: params.get(k, "") for k in ("redirect_uri", "state", "scope")}
        approve, deny = (
            html.escape(f"/oauth/v2/consent/{consent}?decision={d}") for d in ("approve", "deny")
        )
        page = (f"<!doctype html><title>LinkedIn</title><h1>Allow access?</h1>"
                f"<p>Scopes: {html.escape(params.get('scope', ''))}</p>"
                f'<a id="approve" href="{approve}">Allow</a> <a id="deny" href="{deny}">Cancel</a>')
        return Response(page, media_type="text/html")

    async def consent(request: Request) -> Response:
        pending = state.consents.pop(request.path_params["consent"], None)
        if pending is None:
            return Response("This page has expired", status_code=400)
        if request.query_params.get("decision") != "approve":
            query = {"error": "user_cancelled_authorize",
                     "error_description": "The user cancelled the authorization", "state": pending["state"]}
        else:
            sub = state.consent_member or state.add_member(f"Member {len(state.members)}")[0].sub
            code = secrets.token_urlsafe(16)
            state.codes[code] = sub
            state.code_redirects[code] = pending["redirect_uri"]
            query = {"code": code, "state": pending["state"]}
        location = f"{pending['redirect_uri']}?{urlencode(query)}"
        return Response(status_code=302, headers={"location": location})

    return Starlette(routes=[
        Route("/rest/posts", create_post, methods=["POST"]),
        Route("/rest/posts/{urn:path}", get_post, methods=["GET"]),
        Route("/rest/memberCreatorPostAnalytics", analytics, methods=["GET"]),
        Route("/v2/socialActions/{urn:path}", social_actions, methods=["GET"]),
        Route("/rest/memberFollowersCount", followers, methods=["GET"]),
        Route("/rest/organizationalEntityShareStatistics", organization_statistics, methods=["GET"]),
        Route("/v2/userinfo", userinfo, methods=["GET"]),
        Route("/oauth/v2/accessToken", access_token, methods=["POST"]),
        Route("/oauth/v2/authorization", authorize, methods=["GET"]),
        Route("/oauth/v2/consent/{consent}", consent, methods=["GET"]),
    ])
