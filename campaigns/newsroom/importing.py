"""The worker's newsroom job: read the subscribed feeds that are due and turn new items into draft posts.

A feed is taken by one worker at a time (a conditional update moves its next read past a hold), and
each item is imported at most once per feed whatever happens: its row is unique on (feed, key), and
the row and its post are written in one transaction, so a second worker reading the same feed at the
same moment gets a refused insert and writes nothing. A feed that cannot be read keeps its error
for the newsroom page and is tried again after a backoff (1, 2, 4... minutes, up to a cap); the
first good read clears it. One failing feed never stops the others.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

import httpx
from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from advocacy.clock import Clock
from advocacy.leasing import Backoff
from advocacy.settings import Settings
from campaigns.link_preview import fetch_link_preview
from campaigns.models import ContentPack, PackStatus
from campaigns.newsroom.models import NewsroomFeed, NewsroomItem
from campaigns.newsroom.reading import FeedEntry, FeedProblem, FeedRead, read_feed
from campaigns.newsroom.service import MAX_URL as MAX_LINK
from campaigns.newsroom.service import create_draft_post
from campaigns.service import link_problem

log = logging.getLogger(__name__)
# How long a worker holds a feed it reads: another worker takes it over after this if it died.
HOLD = timedelta(minutes=10)


@dataclass
class ImportReport:
    feeds_read: int = 0
    unchanged: int = 0
    failed: int = 0
    imported: int = 0  # items found new (filed as posts, or waiting when their pack left draft)


class NewsroomImporter:
    """Reads due feeds through the process's HTTP client and files their new items."""

    def __init__(self, settings: Settings, clock: Clock, http: httpx.AsyncClient) -> None:
        self.clock = clock
        self.http = http
        self.allow_private = settings.link_preview_private_addresses
        self.poll = timedelta(seconds=settings.newsroom_poll_seconds)
        self.items_per_read = settings.newsroom_items_per_read
        self.backoff = Backoff(first=timedelta(minutes=1), factor=2,
                               cap=timedelta(seconds=settings.newsroom_retry_cap_seconds))

    async def run_once(self) -> ImportReport:
        """Read every subscribed feed that is due, each by one worker."""
        now = self.clock.now()
        report = ImportReport()
        due = NewsroomFeed.filter(active=True, next_check_at__lte=now).order_by("next_check_at", "id")
        for feed in await due:
            taken = await NewsroomFeed.filter(
                id=feed.id, active=True, next_check_at=feed.next_check_at).update(next_check_at=now + HOLD)
            if not taken:
                continue  # another worker reads it
            try:
                await self.read(feed, report)
            except Exception:
                # Ours, not the feed's: logged with the feed, and the feed is tried again after its hold.
                log.exception("reading the newsroom feed %s (%s) failed", feed.id, feed.url)
                report.failed += 1
        return report

    async def read(self, feed: NewsroomFeed, report: ImportReport) -> None:
        """Read one feed (conditionally) and import its new items; a failure is kept on the feed."""
        try:
            read = await read_feed(self.http, feed.url, etag=feed.etag, last_modified=feed.last_modified,
                                   allow_private=self.allow_private)
        except FeedProblem as problem:
            await self.failed(feed, problem.message)
            report.failed += 1
            return
        report.feeds_read += 1
        complete = True
        if not read.changed:
            report.unchanged += 1
        else:
            imported, complete = await self.import_new(feed, read.entries, read.title)
            report.imported += imported
        await self.succeeded(feed, read, complete)

    async def import_new(self, feed: NewsroomFeed, entries: list[FeedEntry], title: str) -> tuple[int, bool]:
        """Import the entries this feed has not seen, up to the read's limit; returns how many, and
        whether every new entry was taken (if not, the rest come at the next read)."""
        seen = set(await NewsroomItem.filter(feed_id=feed.id, key__in=[e.key for e in entries])
                   .values_list("key", flat=True))
        new, keys = [], set()
        for entry in entries:
            if entry.key in seen or entry.key in keys:
                continue
            if len(entry.link) > MAX_LINK or (problem := link_problem(entry.link)) is not None:
                # A post's link must be a web address (never javascript: or a data: URL): left out.
                log.info("newsroom feed %s: item %r left out, its link %r: %s", feed.id, entry.title,
                         entry.link[:200], problem or "too long")
                continue
            keys.add(entry.key)
            new.append(entry)
        taken = new[:self.items_per_read]
        source = title or feed.title or feed.url
        imported = 0
        # Feeds list the newest first: the oldest is filed first, so post order follows the newsroom's.
        for entry in reversed(taken):
            if await self.import_entry(feed, entry, source):
                imported += 1
        return imported, len(taken) == len(new)

    async def import_entry(self, feed: NewsroomFeed, entry: FeedEntry, source: str) -> bool:
        """One new item: its row, and its draft post when the feed's pack is still a draft. False when
        another worker imported it first."""
        # The preview is fetched before the transaction: nothing waits on a web page with a lock held.
        preview = await fetch_link_preview(self.http, entry.link, allow_private=self.allow_private)
        description = preview.description or entry.summary
        now = self.clock.now()
        try:
            async with in_transaction():
                item = await NewsroomItem.create(
                    feed_id=feed.id, key=entry.key, title=entry.title, link=entry.link,
                    published_at=entry.published_at, found_at=now)
                pack = await ContentPack.filter(id=feed.pack_id).select_for_update().get()
                if pack.status == PackStatus.DRAFT:
                    await create_draft_post(self.clock, item, pack, {
                        "title": preview.title, "description": description, "image": preview.image,
                    }, source)
        except IntegrityError:
            return False
        return True

    async def succeeded(self, feed: NewsroomFeed, read: FeedRead, complete: bool) -> None:
        now = self.clock.now()
        values: dict[str, object] = {
            "checked_at": now, "next_check_at": now + self.poll, "failures": 0, "last_error": "",
            "failing_since": None,
        }
        if read.changed:
            values["title"] = read.title or feed.title
            # With items left for the next read, the validators are not kept: an unchanged feed must
            # not answer 304 while some of its items are still to be imported.
            values["etag"] = read.etag if complete else ""
            values["last_modified"] = read.last_modified if complete else ""
        await NewsroomFeed.filter(id=feed.id).update(**values)

    async def failed(self, feed: NewsroomFeed, message: str) -> None:
        now = self.clock.now()
        failures = feed.failures + 1
        since: datetime = feed.failing_since or now
        await NewsroomFeed.filter(id=feed.id).update(
            checked_at=now, next_check_at=now + self.backoff.delay(failures), failures=failures,
            last_error=message, failing_since=since)
        log.info("newsroom feed %s (%s) failed %d time(s) in a row: %s", feed.id, feed.url, failures, message)
