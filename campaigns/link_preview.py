"""The link preview of a post: title, description and image from the page's Open Graph tags, and
the picture itself (kept and served by this service, so feeds never load it from another site).

Fetched only when the editor asks; a page that cannot be read yields an empty preview and a reason,
never an error, because a preview is a convenience and never required. The service fetches the page
itself, so by default it refuses addresses inside private networks (and redirects to them): an
editor's link must not become a way to read the hospital's internal services.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from html.parser import HTMLParser
from urllib.parse import urljoin

import httpx

from advocacy.public_fetch import FetchRefused, Refusal, open_public, read_at_most

log = logging.getLogger(__name__)
# Enough for the <head> of any real page; the rest is never read.
MAX_BYTES = 512 * 1024
OPEN_GRAPH_KEYS = ("og:title", "og:description", "og:image", "og:image:alt", "description")
PRIVATE = "The link points inside a private network"
REFUSALS = {
    Refusal.MALFORMED: "The link is not a valid web address: {detail}.",
    Refusal.PRIVATE: PRIVATE,
    Refusal.REDIRECTS: "The page redirects too many times.",
}
# The pictures kept, told by their first bytes rather than by what the server calls them. No SVG:
# it may carry scripts.
IMAGE_SIGNATURES = {
    b"\x89PNG\r\n\x1a\n": "image/png",
    b"\xff\xd8\xff": "image/jpeg",
    b"GIF87a": "image/gif",
    b"GIF89a": "image/gif",
}


@dataclass(frozen=True)
class LinkPreview:
    title: str = ""
    description: str = ""
    image: str = ""
    image_alt: str = ""  # the page's own words for its picture (og:image:alt), if it gives them
    problem: str = ""  # why nothing was found, for the editor

    def as_dict(self) -> dict[str, str]:
        return {"title": self.title, "description": self.description, "image": self.image,
                "image_alt": self.image_alt}


class OpenGraphParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: dict[str, str] = {}
        self.title = ""
        self._in_title = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name.lower(): value or "" for name, value in attrs}
        if tag == "meta":
            key = (values.get("property") or values.get("name") or "").lower()
            if key in OPEN_GRAPH_KEYS and key not in self.tags:
                self.tags[key] = values.get("content", "").strip()
        elif tag == "title":
            self._in_title = True

    def handle_endtag(self, tag: str) -> None:
        if tag == "title":
            self._in_title = False

    def handle_data(self, data: str) -> None:
        if self._in_title:
            self.title += data


def parse_preview(html: str, base_url: str) -> LinkPreview:
    parser = OpenGraphParser()
    parser.feed(html)
    tags = parser.tags
    image = tags.get("og:image", "")
    return LinkPreview(
        title=(tags.get("og:title") or parser.title).strip()[:300],
        description=(tags.get("og:description") or tags.get("description", "")).strip()[:2000],
        # A relative image address is resolved against the page, so the preview can show it.
        image=urljoin(base_url, image) if image else "",
        image_alt=tags.get("og:image:alt", "").strip()[:300],
    )


class Unreadable(Exception):
    """Why an address could not be read, in words for the editor; `refusal` when it was refused
    before being asked (malformed, private, too many redirects)."""

    def __init__(self, message: str, refusal: Refusal | None = None) -> None:
        super().__init__(message)
        self.refusal = refusal


@asynccontextmanager
async def opened(
    client: httpx.AsyncClient, url: str, *, allow_private: bool
) -> AsyncIterator[httpx.Response]:
    """The answer of `url` with status 200 and its body not read yet, or `Unreadable` with the reason.

    Every hop of its redirects is checked like the first address (advocacy.public_fetch)."""
    try:
        async with open_public(client, url, allow_private=allow_private) as response:
            if response.status_code != 200:
                raise Unreadable(f"The page answered {response.status_code}.")
            yield response
    except FetchRefused as refused:
        raise Unreadable(REFUSALS[refused.kind].format(detail=refused.detail), refused.kind) from None
    except (httpx.HTTPError, httpx.InvalidURL) as error:
        log.info("fetching %s failed: %s", url, error)
        raise Unreadable("The page could not be reached.") from None


async def fetch_link_preview(
    client: httpx.AsyncClient, url: str, *, allow_private: bool = False
) -> LinkPreview:
    """The Open Graph preview of `url`, or an empty one with the reason it could not be read."""
    try:
        async with opened(client, url, allow_private=allow_private) as response:
            if "html" not in response.headers.get("content-type", "html"):
                return LinkPreview(problem="The link is not a web page.")
            body, _ = await read_at_most(response, MAX_BYTES)
            html = body.decode(response.encoding or "utf-8", errors="replace")
            return parse_preview(html, str(response.url))
    except Unreadable as reason:
        private = reason.refusal is Refusal.PRIVATE
        return LinkPreview(problem=f"{reason}; no preview." if private else str(reason))


@dataclass(frozen=True)
class LinkImage:
    """The picture of a link's preview as fetched: its bytes and type, or the reason there are none."""

    data: bytes = b""
    content_type: str = ""
    problem: str = ""


def image_type(data: bytes) -> str | None:
    """The type of a PNG, JPEG, GIF or WebP picture from its first bytes; None for anything else."""
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image/webp"
    return next((kind for magic, kind in IMAGE_SIGNATURES.items() if data.startswith(magic)), None)


async def fetch_link_image(
    client: httpx.AsyncClient, url: str, *, max_bytes: int, allow_private: bool = False
) -> LinkImage:
    """The picture at `url` (a preview's og:image) if it is a PNG, JPEG, GIF or WebP image of at most
    `max_bytes`, fetched as safely as the page itself; else an empty one with the reason."""
    try:
        async with opened(client, url, allow_private=allow_private) as response:
            declared = response.headers.get("content-type", "").split(";")[0].strip().lower()
            if not declared.startswith("image/"):
                return LinkImage(problem="The picture's address does not answer with an image.")
            length = response.headers.get("content-length", "")
            too_big = LinkImage(problem=f"The picture is larger than {max_bytes:,} bytes.")
            if length.isdigit() and int(length) > max_bytes:
                return too_big
            data, more = await read_at_most(response, max_bytes)
            if more:
                return too_big
    except Unreadable as reason:
        private = reason.refusal is Refusal.PRIVATE
        return LinkImage(problem=f"{reason}." if private else str(reason))
    kind = image_type(data)
    if kind is None:
        return LinkImage(problem="The picture is not a PNG, JPEG, GIF or WebP image.")
    return LinkImage(data=data, content_type=kind)
