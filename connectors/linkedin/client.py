"""LinkedIn's versioned REST API: member posts and reshares, post analytics, follower counts and
the organisation page's share statistics (the brand baseline).

Every call goes through one shared `httpx.AsyncClient` with `Authorization: Bearer`, the
`LinkedIn-Version` header (a setting: versions retire after about a year with 426) and
`X-Restli-Protocol-Version: 2.0.0`. Rest.li error bodies (`status`, `serviceErrorCode`, `code`,
`message`) are mapped to the one connector error family here.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import replace
from datetime import datetime, time, timedelta
from typing import Any, Literal
from urllib.parse import quote

import httpx

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

# "Little text" reserved characters: an unescaped one makes LinkedIn accept the post (201) and
# silently cut the commentary at that character. '#' is escaped too, as the reference client does.
RESERVED = re.compile(r"([\\|{}@\[\]()<>#*_~])")
DUPLICATE_OF = re.compile(r"duplicate of (urn:li:(?:share|ugcPost):[0-9]+)")
ANALYTICS_METRICS = ("IMPRESSION", "MEMBERS_REACHED", "REACTION", "COMMENT", "RESHARE")
MAX_COMMENTARY = 3000
# How long LinkedIn shares wait under a retired API version before one asks again.
VERSION_PROBE_INTERVAL = timedelta(hours=1)


def escape_commentary(text: str) -> str:
    """Backslash-escape every reserved character, so LinkedIn shows the text as written."""
    return RESERVED.sub(r"\\\1", text)


class LinkedInConnector:
    """The connector interface for LinkedIn. One instance (one HTTP client) per process."""

    network = "linkedin"

    def __init__(
        self,
        *,
        api_base_url: str,
        version: str,
        now: Callable[[], datetime],
        timeout_seconds: float = 20.0,
        http: httpx.AsyncClient | None = None,
    ) -> None:
        self.version = version
        self._now = now
        self._base_url = api_base_url.rstrip("/")
        # The process's shared client when given (it owns it); else one of our own.
        self._owns_http = http is None
        self._http = http or httpx.AsyncClient(timeout=httpx.Timeout(timeout_seconds))

    async def close(self) -> None:
        if self._owns_http:
            await self._http.aclose()

    def _headers(self, account: AccountRef) -> dict[str, str]:
        if not account.access_token:
            raise AuthExpired("no LinkedIn access token is stored for this account: connect it first")
        return {
            "Authorization": f"Bearer {account.access_token}",
            "LinkedIn-Version": self.version,
            "X-Restli-Protocol-Version": "2.0.0",
        }

    async def _call(
        self, method: str, path: str, account: AccountRef, *, write: bool = False, **kwargs: Any
    ) -> httpx.Response:
        headers = self._headers(account)
        try:
            response = await self._http.request(method, self._base_url + path, headers=headers, **kwargs)
        except (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout) as error:
            raise TransientError(f"LinkedIn unreachable: {error!r}") from error
        except httpx.TransportError as error:
            # The request may have reached LinkedIn: for a write nobody knows what happened.
            if write:
                raise AmbiguousOutcome(f"LinkedIn: no answer after sending ({error!r})") from error
            raise TransientError(f"LinkedIn: no answer ({error!r})") from error
        if response.status_code >= 400:
            raise self._error(response)
        return response

    def _error(self, response: httpx.Response) -> ConnectorError:
        try:
            body = response.json()
        except ValueError:
            body = {}
        body = body if isinstance(body, dict) else {}
        message = str(body.get("message") or response.reason_phrase or "")
        status = response.status_code
        if status == 401:
            code = body.get("serviceErrorCode")
            what = "revoked by the member" if code == 65601 else "expired or invalid"
            return AuthExpired(f"LinkedIn: {message} (the access token was {what}; reconnect)")
        if status == 422 and (match := DUPLICATE_OF.search(message)):
            return DuplicatePost(f"LinkedIn: {message}", existing_id=match.group(1))
        if status == 426:
            # Every call under this version fails alike until an operator sets a current one: the
            # whole app waits (nothing is failed), asking again now and then.
            return RateLimited(
                f"LinkedIn no longer serves API version {self.version} ({message}): an operator must "
                "set ADVOCACY_LINKEDIN_VERSION to a current YYYYMM version",
                until=self._now() + VERSION_PROBE_INTERVAL, scope="app", kind="retired_version",
            )
        if status == 429:
            # Daily quotas reset at midnight UTC and the 429 carries no reset header.
            now = self._now()
            midnight = datetime.combine(now.date() + timedelta(days=1), time(0), tzinfo=now.tzinfo)
            scope: Literal["account", "app"] = "app" if "APPLICATION" in message.upper() else "account"
            return RateLimited(f"LinkedIn: {message}", until=midnight, scope=scope)
        if status >= 500:
            return TransientError(f"LinkedIn: server error {status}: {message}")
        return PermanentError(f"LinkedIn: {status} {body.get('code', '')} {message}".replace("  ", " "))

    async def publish(self, account: AccountRef, request: PublishRequest) -> PublishResult:
        """A member post, or a reshare of the brand post when `reshare_of` is set."""
        text = request.text
        if request.link_url and request.link_url not in text:
            text = f"{text}\n\n{request.link_url}"
        commentary = escape_commentary(text)
        if len(text) > MAX_COMMENTARY:
            raise PermanentError(f"LinkedIn takes at most {MAX_COMMENTARY} characters; this is {len(text)}")
        body: dict[str, Any] = {
            "author": f"urn:li:person:{account.external_id}",
            "commentary": commentary,
            "visibility": "PUBLIC",
            "distribution": {"feedDistribution": "MAIN_FEED", "targetEntities": [],
                             "thirdPartyDistributionChannels": []},
            "lifecycleState": "PUBLISHED",
            "isReshareDisabledByAuthor": False,
        }
        if request.reshare_of:
            if request.reshare_of.startswith("urn:li:activity:"):
                raise PermanentError("LinkedIn reshares need the brand post's share or ugcPost URN, "
                                     f"not an activity URN ({request.reshare_of})")
            body["reshareContext"] = {"parent": request.reshare_of}
        response = await self._call("POST", "/rest/posts", account, write=True, json=body)
        urn = response.headers.get("x-restli-id")
        if not urn:
            raise AmbiguousOutcome("LinkedIn accepted the post without naming it (no x-restli-id)")
        return PublishResult(
            external_id=urn, url=f"https://www.linkedin.com/feed/update/{urn}/", published_at=self._now()
        )

    async def fetch_metrics(
        self, account: AccountRef, external_ids: Sequence[str]
    ) -> list[PostMetrics]:
        """Member post analytics, one metric per call; likes and comments from socialActions when
        the app lacks the analytics permission. A brand account is an organisation page: its posts
        are measured by the page's share statistics instead, which member analytics do not cover."""
        if account.is_brand:
            return await self.fetch_organization_statistics(
                account, organization_urn(account.external_id), external_ids
            )
        results = []
        for urn in external_ids:
            if not urn.startswith(("urn:li:share:", "urn:li:ugcPost:")):
                continue
            try:
                metrics = await self._analytics(account, urn)
            except PermanentError as error:
                if "403" not in error.message:
                    raise
                metrics = await self._social_actions(account, urn)
            if metrics is not None:
                results.append(metrics)
        return results

    async def _analytics(self, account: AccountRef, urn: str) -> PostMetrics | None:
        kind = "share" if urn.startswith("urn:li:share:") else "ugc"
        counts: dict[str, int] = {}
        for metric in ANALYTICS_METRICS:
            # Rest.li wants the union `(share:<urn>)` with the URN encoded; httpx must not re-encode.
            query = (f"q=entity&entity=({kind}:{quote(urn, safe='')})"
                     f"&queryType={metric}&aggregation=TOTAL")
            response = await self._call("GET", f"/rest/memberCreatorPostAnalytics?{query}", account)
            for element in response.json().get("elements", []):
                counts[_metric_type(element.get("metricType"))] = int(element.get("count", 0))
        if not counts:
            return None  # LinkedIn has no such post of this member
        return PostMetrics(
            external_id=urn, captured_at=self._now(), impressions=counts.get("IMPRESSION"),
            reach=counts.get("MEMBERS_REACHED"), reactions=counts.get("REACTION"),
            comments=counts.get("COMMENT"), reshares=counts.get("RESHARE"), clicks=counts.get("LINK_CLICKS"),
            provenance="measured",
        )

    async def _social_actions(self, account: AccountRef, urn: str) -> PostMetrics | None:
        try:
            response = await self._call("GET", f"/v2/socialActions/{quote(urn, safe='')}", account)
        except PermanentError as error:
            if "404" in error.message:
                return None
            raise
        body = response.json()
        return PostMetrics(
            external_id=urn, captured_at=self._now(), impressions=None, reach=None,
            reactions=(body.get("likesSummary") or {}).get("totalLikes"),
            comments=(body.get("commentsSummary") or {}).get("totalFirstLevelComments"),
            reshares=None, clicks=None, provenance="measured",
        )

    async def fetch_posts(
        self, account: AccountRef, external_ids: Sequence[str]
    ) -> list[PostContent]:
        """Read each post back with `GET /rest/posts/{encoded urn}`: 404 or 410 means deleted. Reading
        member posts needs the restricted `r_member_social` permission, so a 403 leaves the post
        unavailable rather than failing the batch. The commentary comes back in LinkedIn's escaped
        "little text" format; callers normalise it."""
        results = []
        for urn in external_ids:
            if not urn.startswith(("urn:li:share:", "urn:li:ugcPost:")):
                results.append(PostContent(urn, "unavailable", detail="not a LinkedIn post URN"))
                continue
            try:
                response = await self._call("GET", f"/rest/posts/{quote(urn, safe='')}", account)
            except PermanentError as error:
                status = error.message.removeprefix("LinkedIn: ")[:3]
                if status in ("404", "410"):
                    results.append(PostContent(urn, "deleted", detail=error.message))
                elif status == "403":
                    results.append(PostContent(urn, "unavailable", detail=error.message))
                else:
                    raise
                continue
            body = response.json()
            if body.get("lifecycleState") not in (None, "PUBLISHED", "PUBLISHED_EDITED"):
                results.append(PostContent(urn, "deleted", detail=f"lifecycleState {body['lifecycleState']}"))
                continue
            results.append(PostContent(urn, "found", str(body.get("commentary") or "")))
        return results

    async def fetch_member(self, access_token: str) -> Profile:
        """Who a fresh token belongs to (OpenID Connect userinfo) and their follower count.

        The member id is `sub` (their URN is urn:li:person:{sub}); LinkedIn has no public handle,
        so the name stands in. The follower count is None when the app may not read it.
        """
        ref = AccountRef(network="linkedin", external_id="", handle="", access_token=access_token)
        info = (await self._call("GET", "/v2/userinfo", ref)).json()
        sub = str(info["sub"])
        name = str(info.get("name") or " ".join(
            p for p in (info.get("given_name"), info.get("family_name")) if p) or sub)
        try:
            followers = (await self.fetch_profile(replace(ref, external_id=sub, handle=name))).followers
        except PermanentError:
            followers = None  # 403: the app lacks the permission; the account works without it
        return Profile(sub, name, followers)

    async def fetch_profile(self, account: AccountRef) -> Profile:
        response = await self._call("GET", "/rest/memberFollowersCount?q=me", account)
        elements = response.json().get("elements") or [{}]
        followers = elements[0].get("memberFollowersCount")
        return Profile(account.external_id, account.handle, int(followers) if followers is not None else None)

    async def fetch_organization_statistics(
        self, account: AccountRef, organization_urn: str, share_urns: Sequence[str]
    ) -> list[PostMetrics]:
        """The page's organic statistics per post (the brand baseline); posts without activity
        are omitted by LinkedIn and reported here as zeros."""
        shares = [u for u in share_urns if u.startswith("urn:li:share:")]
        ugc = [u for u in share_urns if u.startswith("urn:li:ugcPost:")]
        query = f"q=organizationalEntity&organizationalEntity={quote(organization_urn, safe='')}"
        found: dict[str, dict[str, Any]] = {}
        for name, urns in (("shares", shares), ("ugcPosts", ugc)):
            if not urns:
                continue
            listed = ",".join(quote(u, safe="") for u in urns)
            response = await self._call(
                "GET", f"/rest/organizationalEntityShareStatistics?{query}&{name}=List({listed})", account
            )
            for element in response.json().get("elements", []):
                urn = element.get("share") or element.get("ugcPost")
                if urn:
                    found[urn] = element.get("totalShareStatistics") or {}
        now = self._now()
        return [
            PostMetrics(
                external_id=urn, captured_at=now,
                impressions=int(found.get(urn, {}).get("impressionCount", 0)),
                reach=int(found.get(urn, {}).get("uniqueImpressionsCount", 0)),
                reactions=int(found.get(urn, {}).get("likeCount", 0)),
                comments=int(found.get(urn, {}).get("commentCount", 0)),
                reshares=int(found.get(urn, {}).get("shareCount", 0)),
                clicks=int(found.get(urn, {}).get("clickCount", 0)),
                provenance="measured",
            )
            for urn in [*shares, *ugc]
        ]


def organization_urn(external_id: str) -> str:
    """A brand page's organisation URN, from its stored id (a bare number or the URN itself)."""
    prefix = "urn:li:organization:"
    return external_id if external_id.startswith(prefix) else f"{prefix}{external_id}"


def _metric_type(value: Any) -> str:
    # Before 202605 a one-key object naming the union member; from 202605 a plain string.
    if isinstance(value, dict):
        return str(next(iter(value.values()), ""))
    return str(value or "")
