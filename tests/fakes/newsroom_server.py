"""A local server standing in for an organisation's newsroom: RSS 2.0 and Atom feeds and their articles.

The feeds are real documents, answered as a web server does: each with an ETag and a Last-Modified,
and 304 with no body to a request whose If-None-Match or If-Modified-Since matches. The articles
carry Open Graph tags. Also served: a broken feed (cut off mid-document), a web page that is no feed,
a feed answering 500, and a redirect. Every request is kept with its conditional headers and the
status it got, so tests can see that an unchanged feed cost a 304.
"""

from __future__ import annotations

import hashlib
import threading
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import format_datetime
from xml.sax.saxutils import escape

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response
from starlette.routing import Route


@dataclass
class Article:
    slug: str
    title: str
    description: str
    published: datetime


@dataclass
class Seen:
    path: str
    if_none_match: str
    if_modified_since: str
    status: int


@dataclass
class FakeNewsroom:
    base_url: str = ""
    # Newest first, as feeds list them.
    articles: list[Article] = field(default_factory=list)
    # Paths answering this status instead of their document (e.g. {"/rss.xml": 500}).
    failing: dict[str, int] = field(default_factory=dict)
    seen: list[Seen] = field(default_factory=list)
    # Items whose link is whatever is given here (a script, a relative path...), after the articles.
    odd_links: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def reset(self) -> None:
        with self.lock:
            self.articles = [
                Article("heart-unit", "A new heart unit opens", "Twelve beds on the third floor.",
                        datetime(2026, 12, 1, 9, 0, tzinfo=UTC)),
                Article("flu-clinics", "Flu clinics this weekend", "Walk in, no appointment needed.",
                        datetime(2026, 11, 28, 9, 0, tzinfo=UTC)),
            ]
            self.failing = {"/error.xml": 500}
            self.odd_links = []
            self.seen.clear()

    def publish(self, article: Article) -> None:
        with self.lock:
            self.articles.insert(0, article)

    def requests_to(self, path: str) -> list[Seen]:
        with self.lock:
            return [seen for seen in self.seen if seen.path == path]

    def link(self, article: Article) -> str:
        return f"{self.base_url}/news/{article.slug}"


def rss(state: FakeNewsroom) -> str:
    items = "".join(
        f"<item><title>{escape(a.title)}</title><link>{state.link(a)}</link>"
        f"<guid isPermaLink=\"false\">newsroom-{a.slug}</guid>"
        f"<description>{escape('<p>' + a.description + '</p>')}</description>"
        f"<pubDate>{format_datetime(a.published)}</pubDate></item>"
        for a in state.articles)
    items += "".join(f"<item><title>Odd {n}</title><link>{escape(link)}</link></item>"
                     for n, link in enumerate(state.odd_links))
    return ('<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
            f"<title>Northbrook newsroom</title><link>{state.base_url}/</link>"
            f"<description>News from Northbrook Health</description>{items}</channel></rss>")


def atom(state: FakeNewsroom) -> str:
    entries = "".join(
        f"<entry><title>{escape(a.title)}</title><link href=\"{state.link(a)}\"/>"
        f"<id>urn:northbrook:news:{a.slug}</id><updated>{a.published.isoformat()}</updated>"
        f"<summary>{escape(a.description)}</summary></entry>"
        for a in state.articles)
    updated = max((a.published for a in state.articles), default=datetime(2026, 1, 1, tzinfo=UTC))
    return ('<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom">'
            f"<title>Northbrook research</title><id>urn:northbrook:research</id>"
            f"<updated>{updated.isoformat()}</updated>{entries}</feed>")


def build_app(state: FakeNewsroom) -> Starlette:
    def answer(request: Request, status: int) -> None:
        with state.lock:
            state.seen.append(Seen(request.url.path, request.headers.get("if-none-match", ""),
                                   request.headers.get("if-modified-since", ""), status))

    def feed(render: object, media_type: str):  # type: ignore[no-untyped-def]
        async def endpoint(request: Request) -> Response:
            path = request.url.path
            if path in state.failing:
                answer(request, state.failing[path])
                return Response("Internal Server Error", status_code=state.failing[path])
            with state.lock:
                body = render(state)  # type: ignore[operator]
                newest = max((a.published for a in state.articles), default=datetime(2026, 1, 1, tzinfo=UTC))
            etag = '"' + hashlib.sha256(body.encode()).hexdigest()[:16] + '"'
            modified = format_datetime(newest, usegmt=True)
            if request.headers.get("if-none-match") == etag or (
                    "if-none-match" not in request.headers
                    and request.headers.get("if-modified-since") == modified):
                answer(request, 304)
                return Response(status_code=304, headers={"ETag": etag, "Last-Modified": modified})
            answer(request, 200)
            return Response(body, media_type=media_type, headers={"ETag": etag, "Last-Modified": modified})
        return endpoint

    async def broken(request: Request) -> Response:
        answer(request, 200)
        return Response('<?xml version="1.0"?><rss version="2.0"><channel><title>Cut off<item><tit',
                        media_type="application/rss+xml")

    async def page(request: Request) -> Response:
        answer(request, 200)
        return HTMLResponse("<html><head><title>Our news</title></head><body><h1>News</h1></body></html>")

    async def article(request: Request) -> Response:
        slug = request.path_params["slug"]
        answer(request, 200)
        with state.lock:
            found = next((a for a in state.articles if a.slug == slug), None)
        if found is None:
            return HTMLResponse("<h1>Not found</h1>", status_code=404)
        return HTMLResponse(
            f'<html><head><title>{escape(found.title)} | Northbrook</title>'
            f'<meta property="og:title" content="{escape(found.title)}">'
            f'<meta property="og:description" content="{escape(found.description)} (Open Graph)">'
            f'<meta property="og:image" content="/images/{slug}.jpg"></head><body></body></html>')

    async def moved(request: Request) -> Response:
        answer(request, 301)
        return RedirectResponse(request.query_params.get("to", "/rss.xml"), status_code=301)

    return Starlette(routes=[
        Route("/rss.xml", feed(rss, "application/rss+xml")),
        Route("/atom.xml", feed(atom, "application/atom+xml")),
        Route("/broken.xml", broken),
        Route("/error.xml", feed(rss, "application/rss+xml")),
        Route("/page.html", page),
        Route("/moved", moved),
        Route("/news/{slug}", article),
    ])
