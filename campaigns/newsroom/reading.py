"""Reading one RSS or Atom feed: a conditional GET through the safe fetch, parsed by feedparser.

The feed's address is checked like every address the service fetches (advocacy.public_fetch), at
every hop of its redirects. The validators of the last answer (ETag, Last-Modified) go back as
If-None-Match / If-Modified-Since, so an unchanged feed answers 304 with no body. Anything that is
not a readable feed raises `FeedProblem` with a sentence an editor can act on.
"""

from __future__ import annotations

import calendar
import hashlib
import html
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import feedparser
import httpx

from advocacy.public_fetch import FetchRefused, Refusal, open_public, read_at_most

# Far more than any newsroom's feed; a larger answer is refused rather than read on.
MAX_FEED_BYTES = 5 * 1024 * 1024
TAG = re.compile(r"<[^>]+>")
SPACES = re.compile(r"\s+")


class FeedProblem(Exception):
    """Why a feed could not be read, in words for the newsroom page."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class FeedEntry:
    key: str  # SHA-256 of the guid, or of the link when the item has none
    title: str
    link: str
    summary: str
    published_at: datetime | None


@dataclass(frozen=True)
class FeedRead:
    """What one read found: nothing new (`changed` false, a 304), or the feed's title and items."""

    changed: bool
    etag: str = ""
    last_modified: str = ""
    title: str = ""
    entries: list[FeedEntry] = field(default_factory=list)


def item_key(identity: str) -> str:
    return hashlib.sha256(identity.encode()).hexdigest()


def plain_text(markup: str) -> str:
    return SPACES.sub(" ", html.unescape(TAG.sub(" ", markup))).strip()


def moment(parsed: Any) -> datetime | None:
    # feedparser gives every date as a UTC struct_time.
    return datetime.fromtimestamp(calendar.timegm(parsed), UTC) if parsed else None


def entries_of(parsed: Any) -> list[FeedEntry]:
    """The items with a link, in the feed's order; an item without a link cannot become a post."""
    found = []
    for entry in parsed.entries:
        link = (entry.get("link") or "").strip()
        if not link:
            continue
        identity = (entry.get("id") or "").strip() or link
        found.append(FeedEntry(
            key=item_key(identity),
            title=plain_text(entry.get("title") or "")[:300] or link[:300],
            link=link,
            summary=plain_text(entry.get("summary") or "")[:2000],
            published_at=moment(entry.get("published_parsed") or entry.get("updated_parsed")),
        ))
    return found


def parse_feed(body: bytes, url: str, content_type: str) -> tuple[str, list[FeedEntry]]:
    """The feed's title and items; `FeedProblem` when the document is no RSS or Atom feed."""
    # Given bytes, feedparser reads no address itself; the headers name the encoding and the base
    # for relative links.
    parsed = feedparser.parse(body, response_headers={"content-type": content_type,
                                                      "content-location": url})
    if not parsed.version:
        raise FeedProblem("The address answered, but not with an RSS or Atom feed.")
    entries = entries_of(parsed)
    if parsed.bozo and not entries:
        reason = str(getattr(parsed, "bozo_exception", "") or "it is not well-formed")
        raise FeedProblem(f"The feed could not be read: {reason}.")
    return plain_text(parsed.feed.get("title") or "")[:300], entries


REFUSALS = {
    Refusal.MALFORMED: "The feed address is not a valid web address: {detail}.",
    Refusal.PRIVATE: "The feed address points inside a private network.",
    Refusal.REDIRECTS: "The feed address redirects too many times.",
}


async def read_feed(
    client: httpx.AsyncClient, url: str, *, etag: str = "", last_modified: str = "",
    allow_private: bool = False,
) -> FeedRead:
    """Read the feed at `url`, sending back the validators of the last read."""
    headers = {"Accept": "application/rss+xml, application/atom+xml, application/xml;q=0.9, */*;q=0.5"}
    if etag:
        headers["If-None-Match"] = etag
    if last_modified:
        headers["If-Modified-Since"] = last_modified
    try:
        async with open_public(client, url, allow_private=allow_private, headers=headers,
                               wait=15.0) as response:
            if response.status_code == 304:
                return FeedRead(changed=False, etag=etag, last_modified=last_modified)
            if response.status_code != 200:
                raise FeedProblem(f"The feed answered HTTP {response.status_code}.")
            body, more = await read_at_most(response, MAX_FEED_BYTES)
            if more:
                raise FeedProblem(f"The feed is larger than {MAX_FEED_BYTES // (1024 * 1024)} MB.")
            title, entries = parse_feed(body, str(response.url),
                                        response.headers.get("content-type", ""))
            return FeedRead(changed=True, etag=response.headers.get("etag", "")[:500],
                            last_modified=response.headers.get("last-modified", "")[:100],
                            title=title, entries=entries)
    except FetchRefused as refused:
        raise FeedProblem(REFUSALS[refused.kind].format(detail=refused.detail)) from None
    except httpx.TimeoutException:
        raise FeedProblem("The feed did not answer in time.") from None
    except (httpx.HTTPError, httpx.InvalidURL):
        raise FeedProblem("The feed could not be reached.") from None
