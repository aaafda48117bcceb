"""Link previews read from a real page served on 127.0.0.1: Open Graph tags, fallbacks, failures."""

from __future__ import annotations

import asyncio
import hashlib
import struct
import zlib
from collections.abc import AsyncIterator

import httpx
import pytest

from campaigns.link_preview import fetch_link_image, fetch_link_preview


def png(width: int, height: int, *, noisy: bool = False) -> bytes:
    """A real PNG picture as a browser decodes it: one teal colour, or noise (which does not compress)."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    def row(y: int) -> bytes:
        if not noisy:
            return b"\x1f\x6f\x65" * width
        stream = b"".join(hashlib.sha256(f"{y}/{i}".encode()).digest() for i in range(width * 3 // 32 + 1))
        return stream[: width * 3]
    rows = b"".join(b"\x00" + row(y) for y in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(rows))
            + chunk(b"IEND", b""))


PICTURE = png(64, 32)
BIG = png(80, 80, noisy=True)  # about 19 KB, past the limits the tests set
PAGES: dict[str, tuple[int, str, str | bytes]] = {
    "/story": (200, "text/html; charset=utf-8",
               '<html><head><title>Fallback</title><meta property="og:title" content="A new heart unit">'
               '<meta property="og:description" content="Opening on the 3rd floor.">'
               '<meta property="og:image" content="/img/unit.jpg"></head><body>…</body></html>'),
    "/plain": (200, "text/html", "<html><head><title> Plain page </title>"
               '<meta name="description" content="Just a page."></head></html>'),
    "/missing": (404, "text/html", "<h1>Not found</h1>"),
    "/file": (200, "application/pdf", "%PDF-1.7"),
    "/moved": (301, "text/html", ""),
    "/img/unit.jpg": (200, "image/png", PICTURE),  # a PNG under a .jpg name: told by its bytes
    "/with-picture": (200, "text/html", '<html><head><meta property="og:title" content="The new ward">'
                      '<meta property="og:image" content="/img/ward.png">'
                      '<meta property="og:image:alt" content="Nurses at the new ward\'s desk">'
                      '</head></html>'),
    "/img/ward.png": (200, "image/png", PICTURE),
    "/with-big-picture": (200, "text/html", '<html><head><meta property="og:title" content="Too big">'
                          '<meta property="og:image" content="/img/big.png"></head></html>'),
    "/img/big.png": (200, "image/png", BIG),
    "/with-lost-picture": (200, "text/html", '<html><head><meta property="og:title" content="Lost">'
                           '<meta property="og:image" content="/img/gone.png"></head></html>'),
    "/img/not-really.png": (200, "image/png", "<html>an error page</html>"),
    "/img/drawing.svg": (200, "image/svg+xml", '<svg xmlns="http://www.w3.org/2000/svg"><script/></svg>'),
}
REDIRECTS = {"/moved": "/story"}


# Every path asked of the site, in order: what the service fetched, and when.
ASKED: list[str] = []


async def serve(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    request_line = (await reader.readline()).decode()
    while (await reader.readline()) not in (b"\r\n", b""):
        pass
    path = request_line.split(" ")[1]
    ASKED.append(path)
    status, content_type, body = PAGES.get(path, PAGES["/missing"])
    data = body.encode() if isinstance(body, str) else body
    location = f"Location: {REDIRECTS[path]}\r\n" if path in REDIRECTS else ""
    writer.write(
        f"HTTP/1.1 {status} X\r\nContent-Type: {content_type}\r\nContent-Length: {len(data)}\r\n"
        f"{location}Connection: close\r\n\r\n".encode() + data
    )
    await writer.drain()
    writer.close()


@pytest.fixture
async def site() -> AsyncIterator[str]:
    ASKED.clear()
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


async def test_the_preview_picture_is_fetched_with_its_type_told_by_its_bytes(site: str) -> None:
    async with httpx.AsyncClient() as client:
        preview = await fetch_link_preview(client, f"{site}/with-picture", allow_private=True)
        picture = await fetch_link_image(client, preview.image, max_bytes=10_000, allow_private=True)
        named_jpg = await fetch_link_image(client, f"{site}/img/unit.jpg", max_bytes=10_000,
                                           allow_private=True)
    assert preview.image_alt == "Nurses at the new ward's desk"
    assert (picture.data, picture.content_type, picture.problem) == (PICTURE, "image/png", "")
    assert named_jpg.content_type == "image/png"


async def test_a_picture_too_large_not_an_image_or_unreachable_is_refused_with_the_reason(site: str) -> None:
    async with httpx.AsyncClient() as client:
        async def fetched(path: str, allow_private: bool = True) -> str:
            picture = await fetch_link_image(client, f"{site}{path}", max_bytes=len(BIG) - 1,
                                             allow_private=allow_private)
            assert picture.data == b"" and picture.content_type == ""
            return picture.problem

        assert await fetched("/img/big.png") == f"The picture is larger than {len(BIG) - 1:,} bytes."
        assert await fetched("/img/not-really.png") == "The picture is not a PNG, JPEG, GIF or WebP image."
        assert await fetched("/img/drawing.svg") == "The picture is not a PNG, JPEG, GIF or WebP image."
        assert await fetched("/story") == "The picture's address does not answer with an image."
        assert await fetched("/img/gone.png") == "The page answered 404."
        private = await fetched("/img/ward.png", allow_private=False)
        assert private == "The link points inside a private network."
