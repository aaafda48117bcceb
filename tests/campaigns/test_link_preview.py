"""Link previews read from a real page served on 127.0.0.1: Open Graph tags, fallbacks, failures."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import httpx
import pytest

from campaigns.link_preview import fetch_link_preview

PAGES = {
    "/story": (200, "text/html; charset=utf-8",
               '<html><head><title>Fallback</title><meta property="og:title" content="A new heart unit">'
               '<meta property="og:description" content="Opening on the 3rd floor.">'
               '<meta property="og:image" content="/img/unit.jpg"></head><body>…</body></html>'),
    "/plain": (200, "text/html", "<html><head><title> Plain page </title>"
               '<meta name="description" content="Just a page."></head></html>'),
    "/missing": (404, "text/html", "<h1>Not found</h1>"),
    "/file": (200, "application/pdf", "%PDF-1.7"),
    "/moved": (301, "text/html", ""),
}
REDIRECTS = {"/moved": "/story"}


async def serve(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    request_line = (await reader.readline()).decode()
    while (await reader.readline()) not in (b"\r\n", b""):
        pass
    path = request_line.split(" ")[1]
    status, content_type, body = PAGES.get(path, PAGES["/missing"])
    data = body.encode()
    location = f"Location: {REDIRECTS[path]}\r\n" if path in REDIRECTS else ""
    writer.write(
        f"HTTP/1.1 {status} X\r\nContent-Type: {content_type}\r\nContent-Length: {len(data)}\r\n"
        f"{location}Connection: close\r\n\r\n".encode() + data
    )
    await writer.drain()
    writer.close()


@pytest.fixture
async def site() -> AsyncIterator[str]:
    server = await asyncio.start_server(serve, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    async with server:
        yield f"http://127.0.0.1:{port}"


async def test_open_graph_tags_give_title_description_and_absolute_image(site: str) -> None:
    async with httpx.AsyncClient() as client:
        preview = await fetch_link_preview(client, f"{site}/story", allow_private=True)
    assert (preview.title, preview.description) == ("A new heart unit", "Opening on the 3rd floor.")
    assert preview.image == f"{site}/img/unit.jpg"
    assert preview.problem == ""


async def test_a_page_without_open_graph_falls_back_to_its_title_and_description(site: str) -> None:
    async with httpx.AsyncClient() as client:
        preview = await fetch_link_preview(client, f"{site}/plain", allow_private=True)
    assert (preview.title, preview.description, preview.image) == ("Plain page", "Just a page.", "")


async def test_an_unreadable_link_gives_an_empty_preview_with_the_reason(site: str) -> None:
    async with httpx.AsyncClient() as client:
        missing = await fetch_link_preview(client, f"{site}/missing", allow_private=True)
        pdf = await fetch_link_preview(client, f"{site}/file", allow_private=True)
        closed = await fetch_link_preview(client, "http://127.0.0.1:1/nothing", allow_private=True)
    assert (missing.title, missing.problem) == ("", "The page answered 404.")
    assert pdf.problem == "The link is not a web page."
    assert closed.problem == "The page could not be reached."


async def test_a_link_into_a_private_network_is_not_fetched_by_default(site: str) -> None:
    async with httpx.AsyncClient() as client:
        loopback = await fetch_link_preview(client, f"{site}/story")
        metadata = await fetch_link_preview(client, "http://169.254.169.254/latest/meta-data/")
        intranet = await fetch_link_preview(client, "http://10.0.0.8/wiki")
    for preview in (loopback, metadata, intranet):
        assert preview.title == ""
        assert preview.problem == "The link points inside a private network; no preview."


async def test_a_redirect_is_followed_hop_by_hop_to_the_page(site: str) -> None:
    async with httpx.AsyncClient() as client:
        followed = await fetch_link_preview(client, f"{site}/moved", allow_private=True)
    assert followed.title == "A new heart unit"


MALFORMED = ["http://[::1/", "http://example.org:99999/", "http://a..b/", f"http://{'a' * 64}.example/"]


@pytest.mark.parametrize("url", MALFORMED)
@pytest.mark.parametrize("allow_private", [False, True])
async def test_a_malformed_link_gives_an_empty_preview_with_the_reason(url: str, allow_private: bool) -> None:
    async with httpx.AsyncClient() as client:
        preview = await fetch_link_preview(client, url, allow_private=allow_private)
    assert preview.title == "" and preview.problem.startswith("The link is not a valid web address: ")
