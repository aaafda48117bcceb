"""Making tracking links, resolving slugs, and counting clicks in memory with batched writes.

A visitor is an address under the day's salt, whatever User-Agent it sends, and adds at most
`per_visitor` clicks to a link a day; what one address sends beyond that is a burst, counted apart
with the automated fetches. Repeating a request a thousand times therefore moves no figure that
points, EMV or ROI read.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import ipaddress
import logging
import re
import secrets
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from tortoise.expressions import F
from tortoise.transactions import in_transaction

from advocacy.clock import Clock
from advocacy.links.models import LinkClickDay, LinkVisitor, ShortLink, VisitorSalt
from advocacy.settings import Settings

log = logging.getLogger(__name__)

# 9 random bytes: 12 URL-safe characters, 72 bits, so slugs cannot be enumerated or guessed.
SLUG_BYTES = 9
SLUG_PATTERN = re.compile(r"^[A-Za-z0-9_-]{1,32}$")

# Link-preview fetchers and crawlers open a link without a person behind it.
AUTOMATED_AGENTS = re.compile(
    r"bot|crawl|spider|slurp|preview|facebookexternalhit|embedly|whatsapp|telegram|skype|"
    r"curl|wget|python-|httpx|go-http|java/|okhttp|headless|monitor|scan",
    re.IGNORECASE,
)


def new_slug() -> str:
    return secrets.token_urlsafe(SLUG_BYTES)


def tracking_target(url: str, template: str, *, network: str, campaign: str, share_id: int) -> str:
    """The post URL with the UTM parameters of the template added; parameters already there win."""
    parts = urlsplit(url)
    query = parse_qsl(parts.query, keep_blank_values=True)
    present = {name for name, _ in query}
    values = {"network": network, "campaign": campaign, "share": str(share_id)}
    for name, value in parse_qsl(template.format(**values), keep_blank_values=True):
        if name not in present:
            query.append((name, value))
    return urlunsplit(parts._replace(query=urlencode(query)))


@dataclass(frozen=True)
class LinkMaker:
    """Makes the short link a share carries, from the public address and the UTM template."""

    base_url: str
    utm_template: str

    @classmethod
    def from_settings(cls, settings: Settings) -> LinkMaker:
        return cls(settings.public_base_url.rstrip("/"), settings.link_utm_template)

    def short_url(self, slug: str) -> str:
        return f"{self.base_url}/l/{slug}"

    async def register(
        self, slug: str, *, share_id: int, url: str, network: str, campaign: str, now: datetime
    ) -> ShortLink:
        target = tracking_target(url, self.utm_template, network=network, campaign=campaign,
                                 share_id=share_id)
        return await ShortLink.create(slug=slug, share_id=share_id, target_url=target, created_at=now)


def is_automated(user_agent: str, method: str) -> bool:
    # A HEAD request reads headers only: a preview or a checker, never a person following a link.
    return method == "HEAD" or not user_agent or bool(AUTOMATED_AGENTS.search(user_agent))


def visitor_key(address: str) -> str:
    """What one visitor is: an IPv4 address, or the /64 network of an IPv6 one (a single
    connection usually holds a whole /64, so its addresses are one visitor, not 2**64)."""
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return address
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.ipv4_mapped is not None:
            return str(ip.ipv4_mapped)
        return str(ipaddress.IPv6Network((ip, 64), strict=False))
    return str(ip)


def visitor_hash(salt: str, address: str) -> str:
    """A hash of the visitor's address under the day's salt: it tells visitors apart on one day
    and, once the salt is deleted, nothing at all (a key kept for good would let its holder try
    every IPv4 address). The User-Agent is left out: anyone can send a new one with every request."""
    return hmac.new(salt.encode(), visitor_key(address).encode(), hashlib.sha256).hexdigest()[:32]


class DailySalts:
    """Each day's visitor salt, made once in the database for every process and cached here.

    Every web process must hash a visitor the same way on the same day, or one person clicking
    through two processes would count twice; so the salt lives in the database, not in memory."""

    def __init__(self) -> None:
        self._cached: tuple[date, str] | None = None

    async def of(self, day: date) -> str:
        if self._cached is not None and self._cached[0] == day:
            return self._cached[1]
        # The first process to ask makes it; the others find it (the primary key settles a race).
        await VisitorSalt.bulk_create([VisitorSalt(day=day, salt=secrets.token_hex(32))],
                                      ignore_conflicts=True)
        row = await VisitorSalt.get(day=day)
        self._cached = (day, row.salt)
        return row.salt


# A day's visitors and salt are kept through the next day, so a flush delayed past midnight still
# finds them; after that the day's unique count is final and they are deleted.
VISITOR_DAYS_KEPT = 2


async def forget_old_visitors(clock: Clock) -> int:
    """Delete the visitor hashes and salts of days whose counts are final; the counts stay."""
    before = clock.now().date() - timedelta(days=VISITOR_DAYS_KEPT - 1)
    async with in_transaction():
        removed = await LinkVisitor.filter(day__lt=before).delete()
        await VisitorSalt.filter(day__lt=before).delete()
    return removed


# What one visitor adds to a link's clicks on one day unless the settings say otherwise.
CLICKS_PER_VISITOR_DAY = 3


@dataclass
class DayCount:
    bot_clicks: int = 0
    visitors: dict[str, int] = field(default_factory=dict)  # visitor -> clicks not automated

    @property
    def clicks(self) -> int:
        return sum(self.visitors.values())

    def merge(self, other: DayCount) -> None:
        self.bot_clicks += other.bot_clicks
        for visitor, clicks in other.visitors.items():
            self.visitors[visitor] = self.visitors.get(visitor, 0) + clicks


class ClickBuffer:
    """Clicks counted in memory by link and day; `flush` writes them in one batch.

    Recording is a dictionary update, so the redirect never waits for the database. The cap per
    visitor is applied when writing, against what the database already holds for the day, so it
    holds across flushes and web processes.
    """

    def __init__(self, per_visitor: int = CLICKS_PER_VISITOR_DAY) -> None:
        self._pending: dict[tuple[int, date], DayCount] = {}
        self._lock = asyncio.Lock()
        self.per_visitor = per_visitor

    def record(self, link_id: int, day: date, visitor: str, *, automated: bool) -> None:
        count = self._pending.setdefault((link_id, day), DayCount())
        if automated:
            count.bot_clicks += 1
        else:
            count.visitors[visitor] = count.visitors.get(visitor, 0) + 1

    @property
    def pending(self) -> int:
        return sum(c.clicks + c.bot_clicks for c in self._pending.values())

    async def flush(self) -> int:
        """Write every pending count; on a database error they stay pending for the next flush."""
        async with self._lock:
            batch, self._pending = self._pending, {}
            if not batch:
                return 0
            try:
                await _write(batch, self.per_visitor)
            except BaseException as error:
                # Cancelled too (a stop while a timed flush is writing): the transaction is rolled
                # back, so the counts go back to pending or they would be lost.
                if isinstance(error, Exception):
                    log.exception("click counts not written; kept for the next flush")
                for key, count in batch.items():
                    self._pending.setdefault(key, DayCount()).merge(count)
                raise
            return sum(c.clicks + c.bot_clicks for c in batch.values())


async def _write(batch: dict[tuple[int, date], DayCount], per_visitor: int) -> None:
    # Rows are inserted and locked in key order: several web processes flush the same links, and
    # taking the row locks in one order keeps their transactions from deadlocking each other.
    batch = dict(sorted(batch.items()))
    async with in_transaction():
        keys = list(batch)
        await LinkClickDay.bulk_create([LinkClickDay(link_id=link, day=day) for link, day in keys],
                                       ignore_conflicts=True)
        # The day's row is held until commit, so two processes never credit one visitor twice.
        locked = {
            (row.link_id, row.day): row  # type: ignore[attr-defined]
            for row in await LinkClickDay.filter(
                link_id__in=sorted({k[0] for k in keys}), day__in=sorted({k[1] for k in keys})
            ).order_by("link_id", "day").select_for_update()
        }
        for (link, day), count in batch.items():
            credited = await _credit_visitors(link, day, count.visitors, per_visitor)
            unique = await LinkVisitor.filter(link_id=link, day=day).count()
            # A late flush for a day whose visitors were already forgotten keeps the final count.
            known = locked[(link, day)]
            await LinkClickDay.filter(link_id=link, day=day).update(
                clicks=F("clicks") + credited,
                bot_clicks=F("bot_clicks") + (count.bot_clicks + count.clicks - credited),
                unique_visitors=max(unique, known.unique_visitors),
            )


# Visitors looked up per query: well under every database's limit on bound parameters.
VISITOR_CHUNK = 500


async def _credit_visitors(link: int, day: date, clicks: dict[str, int], per_visitor: int) -> int:
    """Add each visitor's new clicks to their day's row; how many of them stay under the cap."""
    names = sorted(clicks)
    before: dict[str, int] = {}
    for start in range(0, len(names), VISITOR_CHUNK):
        before.update(await LinkVisitor.filter(
            link_id=link, day=day, visitor__in=names[start:start + VISITOR_CHUNK]
        ).values_list("visitor", "clicks"))
    new = [LinkVisitor(link_id=link, day=day, visitor=v, clicks=clicks[v]) for v in names if v not in before]
    if new:
        await LinkVisitor.bulk_create(new, ignore_conflicts=True)
    # Visitors already known, grouped by their new total: one update per total, not per visitor.
    totals: dict[int, list[str]] = {}
    for visitor, old in before.items():
        totals.setdefault(old + clicks[visitor], []).append(visitor)
    for total, visitors in totals.items():
        for start in range(0, len(visitors), VISITOR_CHUNK):
            await LinkVisitor.filter(link_id=link, day=day,
                                     visitor__in=visitors[start:start + VISITOR_CHUNK]).update(clicks=total)
    return sum(min(per_visitor, before.get(v, 0) + n) - min(per_visitor, before.get(v, 0))
               for v, n in clicks.items())


class LinkResolver:
    """Slug to (link id, target), cached: a link's target never changes once registered."""

    def __init__(self, max_entries: int = 100_000) -> None:
        self._cache: dict[str, tuple[int, str]] = {}
        self.max_entries = max_entries

    async def resolve(self, slug: str) -> tuple[int, str] | None:
        hit = self._cache.get(slug)
        if hit is not None:
            return hit
        if not SLUG_PATTERN.match(slug):
            return None
        row = await ShortLink.get_or_none(slug=slug).only("id", "target_url")
        if row is None:
            return None  # unknown slugs are not cached, so guessing cannot fill the memory
        if len(self._cache) >= self.max_entries:
            self._cache.clear()
        self._cache[slug] = (row.id, row.target_url)
        return self._cache[slug]


async def follow(
    resolver: LinkResolver, buffer: ClickBuffer, *, salts: DailySalts, slug: str, day: date,
    address: str, user_agent: str, method: str = "GET",
) -> str | None:
    """The target of a slug, with the click counted in memory; None for a slug that names no link."""
    resolved = await resolver.resolve(slug)
    if resolved is None:
        return None
    link_id, target = resolved
    buffer.record(link_id, day, visitor_hash(await salts.of(day), address),
                  automated=is_automated(user_agent, method))
    return target


class ClickFlusher:
    """Flushes a click buffer on a timer, and once more when stopped, so a graceful stop loses none."""

    def __init__(self, buffer: ClickBuffer, interval_seconds: float) -> None:
        self.buffer = buffer
        self.interval = interval_seconds
        self._task: asyncio.Task[None] | None = None

    def start(self) -> None:
        self._task = asyncio.create_task(self._run(), name="click-flusher")

    async def _run(self) -> None:
        while True:
            await asyncio.sleep(self.interval)
            try:
                # Shielded: a stop arriving mid-write lets the write finish (the final flush waits for
                # it on the buffer's lock) instead of cancelling a transaction half done.
                await asyncio.shield(self.buffer.flush())
            except Exception:  # noqa: BLE001 - logged in flush; the counts wait for the next round
                pass

    async def stop(self, attempts: int = 5) -> None:
        if self._task is not None:
            self._task.cancel()
            try:
                await self._task
            except asyncio.CancelledError:
                pass
            self._task = None
        # The last flush has no next round to fall back on: a passing error (another process's
        # lock, a reconnect) is retried a few times before the process goes.
        for attempt in range(attempts):
            try:
                await self.buffer.flush()
                return
            except Exception:
                if attempt == attempts - 1:
                    raise
                await asyncio.sleep(0.2 * (attempt + 1))
