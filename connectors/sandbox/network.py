"""A seeded, deterministic simulated social network behind the connector interface.

How it behaves (every figure it produces is labelled "simulated"):

- An account without a known follower count gets one drawn from the seed and its id
  (people: 150-4,000; brand pages: given by the caller).
- A post's impressions follow `total * (1 - exp(-age / tau))`: they grow fast, then level off.
  `total` = followers x organic reach fraction x a per-post virality factor; `tau` is 10 h on X and
  30 h on LinkedIn, whose feed keeps posts alive longer.
- Reach is 80 % of impressions. Engagements are impressions x an engagement rate split into
  reactions (75 %), comments (10 %) and reshares (15 %); clicks are impressions x a click rate.
  People's posts reach a larger share of their network and are engaged with more than brand
  pages' posts, as the industry studies in the market survey report; the sandbox draws the rates
  from ranges, it does not promise any ratio.
- Each account may publish `daily_post_limit` posts in any rolling 24 hours; the next one raises
  `RateLimited` until the oldest of them leaves the window. The same text twice from one account
  within 24 hours raises `DuplicatePost` naming the first.
- Faults, the same kinds the real platforms produce: `fault_rate` makes that fraction of publish
  calls fail, each with a kind drawn from `fault_kinds` (all drawn from the seed, so a run repeats):
  "transient" (503, nothing posted), "rate_limit" (account parked for `fault_rate_limit_seconds`),
  "auth" (token revoked), "permanent" (refused with a reason), "ambiguous" (timeout before the
  platform saw the request: nothing posted) and "ambiguous_after_publish" (the post IS created but
  the answer is lost). `inject_fault` queues a given error for the next calls, optionally after the
  post was created.

Metrics are a pure function of the post id (which encodes account, followers and publication time)
and the current time, so any process can answer for posts another process published. Texts are not:
reading a post back (`fetch_posts`) answers with the text this process published ("unavailable" for
a post another process published), and `edit_post` / `delete_post` let a test or a demo change a
post afterwards, as a member can on the real platforms.
"""

from __future__ import annotations

import hashlib
import math
import random
import re
from collections import Counter, defaultdict, deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

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


@dataclass(frozen=True)
class SandboxParameters:
    seed: int = 7
    daily_post_limit: int = 25
    fault_rate: float = 0.0
    fault_kinds: tuple[str, ...] = ("transient",)
    fault_rate_limit_seconds: int = 900
    # (low, high) ranges the per-post figures are drawn from.
    person_reach_fraction: tuple[float, float] = (0.20, 0.45)
    brand_reach_fraction: tuple[float, float] = (0.03, 0.07)
    person_engagement_rate: tuple[float, float] = (0.020, 0.060)
    brand_engagement_rate: tuple[float, float] = (0.003, 0.010)
    person_click_rate: tuple[float, float] = (0.008, 0.020)
    brand_click_rate: tuple[float, float] = (0.004, 0.010)
    virality: tuple[float, float] = (0.8, 1.6)


DECAY_HOURS = {"x": 10.0, "linkedin": 30.0}
REACH_SHARE_OF_IMPRESSIONS = 0.8


@dataclass(frozen=True)
class PostOutlook:
    """What the model gives one post once its impressions levelled off: (lowest, middle, highest)
    of the ranges the figures are drawn from."""

    impressions: tuple[float, float, float]
    reach: tuple[float, float, float]
    clicks: tuple[float, float, float]


def draw(seed: int, key: str, bounds: tuple[float, float]) -> float:
    """A number in `bounds` fixed by the seed and the key: the same everywhere, every time."""
    digest = hashlib.sha256(f"{seed}:{key}".encode()).digest()
    unit = int.from_bytes(digest[:8], "big") / 2**64
    low, high = bounds
    return low + (high - low) * unit


def followers_of(parameters: SandboxParameters, account: AccountRef) -> int:
    """The account's follower count, or the one the model draws for it when it is not known."""
    if account.followers is not None:
        return account.followers
    # Network sizes are skewed: many small networks, a few large ones.
    return int(150 * math.exp(draw(parameters.seed, f"followers:{account.external_id}", (0.0, 3.3))))


def post_outlook(parameters: SandboxParameters, followers: float, *, person: bool = True) -> PostOutlook:
    """The model's range for a levelled-off post by an account with `followers` (a forecast with
    no history to go on uses it)."""
    reach_fraction = parameters.person_reach_fraction if person else parameters.brand_reach_fraction
    click_rate = parameters.person_click_rate if person else parameters.brand_click_rate

    def spread(bounds: tuple[float, float]) -> tuple[float, float, float]:
        return bounds[0], (bounds[0] + bounds[1]) / 2, bounds[1]

    def times(a: tuple[float, float, float], b: tuple[float, float, float]) -> tuple[float, float, float]:
        return a[0] * b[0], a[1] * b[1], a[2] * b[2]

    impressions = times(spread(reach_fraction), spread(parameters.virality))
    impressions = (impressions[0] * followers, impressions[1] * followers, impressions[2] * followers)
    share = REACH_SHARE_OF_IMPRESSIONS
    return PostOutlook(
        impressions=impressions,
        reach=(impressions[0] * share, impressions[1] * share, impressions[2] * share),
        clicks=times(impressions, spread(click_rate)),
    )


FAULT_KINDS = ("transient", "rate_limit", "auth", "permanent", "ambiguous", "ambiguous_after_publish")
URL_TEMPLATES = {
    "x": "https://sandbox.invalid/x/{handle}/status/{post_id}",
    "linkedin": "https://sandbox.invalid/linkedin/feed/update/{post_id}",
}
# network-kind-account-followers-epoch-sequence; the account id may itself contain '-'.
POST_ID = re.compile(
    r"(?P<network>[a-z]+)-(?P<kind>[pb])-(?P<account>.+)-(?P<followers>\d{1,12})"
    r"-(?P<epoch>\d{1,12})-(?P<sequence>\d{1,12})"
)


SHARE_REFERENCE = re.compile(r"share-([0-9]{1,10})")
OTHER_POSTS_FROM = 10**11


class SandboxNetwork:
    """The shared state of the simulated platforms in one process."""

    def __init__(self, parameters: SandboxParameters, now: Callable[[], datetime]) -> None:
        self.parameters = parameters
        self._now = now
        self._fault_rng = random.Random(parameters.seed)
        self._recent: dict[tuple[str, str], deque[datetime]] = defaultdict(deque)
        self._texts: dict[tuple[str, str, str], tuple[str, datetime]] = {}
        self._by_reference: dict[str, PublishResult] = {}
        # Queued faults per network: (error, raised after the post was created).
        self._injected: dict[str, deque[tuple[ConnectorError, bool]]] = defaultdict(deque)
        self._sequence = 0
        self._published_texts: Counter[str] = Counter()
        # What each post of this process shows now; None once the member deleted it.
        self._shown: dict[str, str | None] = {}
        unknown = set(parameters.fault_kinds) - set(FAULT_KINDS)
        if unknown:
            raise ValueError(f"unknown sandbox fault kinds {sorted(unknown)}; known: {FAULT_KINDS}")

    def now(self) -> datetime:
        return self._now()

    def inject_fault(
        self, network: str, error: ConnectorError, times: int = 1, *, after_publish: bool = False
    ) -> None:
        """Make the next `times` publish calls on `network` raise `error`.

        With `after_publish` the post is created first and only the answer is lost, as when a
        platform accepts a request and the connection drops before its response arrives.
        """
        self._injected[network].extend([(error, after_publish)] * times)

    def posts_for(self, text: str) -> int:
        """How many posts with exactly this text the sandbox ever created (any account)."""
        return self._published_texts[text]

    def _drawn_fault(self, now: datetime) -> tuple[ConnectorError, bool] | None:
        p = self.parameters
        if not p.fault_rate or self._fault_rng.random() >= p.fault_rate:
            return None
        kind = self._fault_rng.choice(p.fault_kinds)
        if kind == "transient":
            return TransientError("sandbox: simulated service unavailable (503)"), False
        if kind == "rate_limit":
            until = now + timedelta(seconds=p.fault_rate_limit_seconds)
            return RateLimited("sandbox: simulated 429 Too Many Requests", until, "account"), False
        if kind == "auth":
            return AuthExpired("sandbox: simulated revoked access token (401)"), False
        if kind == "permanent":
            return PermanentError("sandbox: simulated refusal: the account is restricted"), False
        if kind == "ambiguous":
            return AmbiguousOutcome("sandbox: simulated timeout before the request arrived"), False
        return AmbiguousOutcome("sandbox: simulated timeout after the post was created"), True

    def _next_sequence(self, request: PublishRequest) -> int:
        """A share's post is numbered by the share (`share-<id>`), so worker processes that each
        keep their own sandbox never give two shares the same post id; other posts by this
        process's counter, above any share id."""
        match = SHARE_REFERENCE.fullmatch(request.client_reference)
        if match is not None:
            return int(match.group(1))
        self._sequence += 1
        return OTHER_POSTS_FROM + self._sequence

    def published_for(self, client_reference: str) -> PublishResult | None:
        """The post an earlier publish call with this reference created, if any."""
        return self._by_reference.get(client_reference)

    def edit_post(self, external_id: str, text: str) -> None:
        """The member edits a post: reading it back now shows `text`."""
        if external_id not in self._shown:
            raise KeyError(f"the sandbox did not publish {external_id!r} in this process")
        self._shown[external_id] = text

    def delete_post(self, external_id: str) -> None:
        """The member deletes a post: reading it back now says it is gone."""
        if external_id not in self._shown:
            raise KeyError(f"the sandbox did not publish {external_id!r} in this process")
        self._shown[external_id] = None

    def read_back(self, external_id: str) -> PostContent:
        if external_id not in self._shown:
            return PostContent(external_id, "unavailable",
                               detail="sandbox: published by another process, its text is not kept")
        text = self._shown[external_id]
        if text is None:
            return PostContent(external_id, "deleted", detail="sandbox: the member deleted the post")
        return PostContent(external_id, "found", text)

    def draw(self, key: str, bounds: tuple[float, float]) -> float:
        return draw(self.parameters.seed, key, bounds)

    def followers_of(self, account: AccountRef) -> int:
        return followers_of(self.parameters, account)

    def publish(self, network: str, account: AccountRef, request: PublishRequest) -> PublishResult:
        now = self.now()
        fault = self._injected[network].popleft() if self._injected[network] else self._drawn_fault(now)
        if fault is not None and not fault[1]:
            raise fault[0]

        window = self._recent[(network, account.external_id)]
        while window and window[0] <= now - timedelta(hours=24):
            window.popleft()
        if len(window) >= self.parameters.daily_post_limit:
            raise RateLimited(
                f"sandbox: {account.handle} reached {self.parameters.daily_post_limit} posts a day",
                until=window[0] + timedelta(hours=24),
                scope="account",
            )
        text_key = (network, account.external_id, request.text)
        earlier = self._texts.get(text_key)
        if earlier and earlier[1] > now - timedelta(hours=24):
            raise DuplicatePost("sandbox: duplicate content", existing_id=earlier[0])

        epoch = int(now.timestamp())
        followers = self.followers_of(account)
        kind = "b" if account.is_brand else "p"
        post_id = f"{network}-{kind}-{account.external_id}-{followers}-{epoch}-{self._next_sequence(request)}"
        result = PublishResult(
            external_id=post_id,
            url=URL_TEMPLATES[network].format(handle=account.handle, post_id=post_id),
            published_at=now,
        )
        window.append(now)
        self._texts[text_key] = (post_id, now)
        self._by_reference[request.client_reference] = result
        self._published_texts[request.text] += 1
        text = request.text
        if request.link_url and request.link_url not in text:
            text = f"{text}\n\n{request.link_url}"
        self._shown[post_id] = text
        if fault is not None:
            raise fault[0]
        return result

    def metrics(self, external_id: str) -> PostMetrics | None:
        """The post's metrics now, or None for an id the sandbox never issued (or not yet)."""
        match = POST_ID.fullmatch(external_id)
        if match is None or match["network"] not in URL_TEMPLATES:
            return None
        network, kind = match["network"], match["kind"]
        followers, epoch = int(match["followers"]), int(match["epoch"])
        now = self.now()
        if epoch > now.timestamp():
            return None
        published = datetime.fromtimestamp(epoch, UTC)
        age_hours = max(0.0, (now - published).total_seconds() / 3600)
        p = self.parameters
        person = kind == "p"
        reach_fraction = self.draw(
            f"reach:{external_id}", p.person_reach_fraction if person else p.brand_reach_fraction
        )
        total = followers * reach_fraction * self.draw(f"viral:{external_id}", p.virality)
        impressions = int(total * (1 - math.exp(-age_hours / DECAY_HOURS.get(network, 20.0))))
        er = self.draw(
            f"er:{external_id}", p.person_engagement_rate if person else p.brand_engagement_rate
        )
        ctr = self.draw(f"ctr:{external_id}", p.person_click_rate if person else p.brand_click_rate)
        engagements = impressions * er
        return PostMetrics(
            external_id=external_id,
            captured_at=now,
            impressions=impressions,
            reach=int(impressions * REACH_SHARE_OF_IMPRESSIONS),
            reactions=int(engagements * 0.75),
            comments=int(engagements * 0.10),
            reshares=int(engagements * 0.15),
            clicks=int(impressions * ctr),
            provenance="simulated",
        )


class SandboxConnector:
    """The connector interface over the simulated network, for one network name."""

    def __init__(self, network: str, sandbox: SandboxNetwork) -> None:
        if network not in URL_TEMPLATES:
            raise ValueError(f"the sandbox simulates {sorted(URL_TEMPLATES)}, not {network!r}")
        self.network = network
        self.sandbox = sandbox

    async def publish(self, account: AccountRef, request: PublishRequest) -> PublishResult:
        return self.sandbox.publish(self.network, account, request)

    async def fetch_metrics(
        self, account: AccountRef, external_ids: Sequence[str]
    ) -> list[PostMetrics]:
        found = (
            self.sandbox.metrics(post_id)
            for post_id in external_ids
            if post_id.startswith(f"{self.network}-")
        )
        return [metrics for metrics in found if metrics is not None]

    async def fetch_profile(self, account: AccountRef) -> Profile:
        return Profile(account.external_id, account.handle, self.sandbox.followers_of(account))

    async def fetch_posts(
        self, account: AccountRef, external_ids: Sequence[str]
    ) -> list[PostContent]:
        return [self.sandbox.read_back(post_id) for post_id in external_ids]
