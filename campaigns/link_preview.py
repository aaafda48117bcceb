"""The link preview of a post: title, description and image from the page's Open Graph tags.

Fetched only when the editor asks; a page that cannot be read yields an empty preview and a reason,
never an error, because a preview is a convenience and never required. The service fetches the page
itself, so by default it refuses addresses inside private networks (and redirects to them): an
editor's link must not become a way to read the hospital's internal services.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from html.parser import HTMLParser
from urllib.parse import urljoin

import httpx

from advocacy.public_fetch import FetchRefused, Refusal, open_public, read_at_most

log = logging.getLogger(__name__)
# Enough for the <head> of any real page; the rest is never read.
MAX_BYTES = 512 * 1024
REFUSALS = {
    Refusal.MALFORMED: "The link is not a valid web address: {detail}.",
    Refusal.PRIVATE: "The link points inside a private network; no preview.",
    Refusal.REDIRECTS: "The page redirects too many times.",
}


@dataclass(frozen=True)
class LinkPreview:
    title: str = ""
    description: str = ""
    image: str = ""
    problem: str = ""  # why nothing was found, for the editor

    def as_dict(self) -> dict[str, str]:
        return {"title": self.title, "description": self.description, "image": self.image}


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
            if key in ("og:title", "og:description", "og:image", "description") and key not in self.tags:
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
    )


async def fetch_link_preview(
    client: httpx.AsyncClient, url: str, *, allow_private: bool = False
) -> LinkPreview:
    """The Open Graph preview of `url`, or an empty one with the reason it could not be read.

    Redirects are followed one by one so that each hop is checked like the first address.
    """
    try:
        async with open_public(client, url, allow_private=allow_private) as response:
            if response.status_code != 200:
                return LinkPreview(problem=f"The page answered {response.status_code}.")
            if "html" not in response.headers.get("content-type", "html"):
                return LinkPreview(problem="The link is not a web page.")
            body, _ = await read_at_most(response, MAX_BYTES)
            html = body.decode(response.encoding or "utf-8", errors="replace")
            return parse_preview(html, str(response.url))
    except FetchRefused as refused:
        return LinkPreview(problem=REFUSALS[refused.kind].format(detail=refused.detail))
    except (httpx.HTTPError, httpx.InvalidURL) as error:
        log.info("link preview of %s failed: %s", url, error)
        return LinkPreview(problem="The page could not be reached.")
