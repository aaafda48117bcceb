"""Reading a web address people typed (a post's link, a newsroom feed) without reaching private networks.

Redirects are followed one hop at a time and every hop is checked like the first address: well
formed, and (unless a setting allows it) resolving only to public addresses. A refused address
raises `FetchRefused` with the reason, before anything is sent to it.
"""

from __future__ import annotations

import enum
from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from urllib.parse import urljoin

import httpx

from advocacy.addresses import is_public_url, web_address_problem

MAX_REDIRECTS = 5


class Refusal(enum.Enum):
    MALFORMED = "malformed"
    PRIVATE = "private"
    REDIRECTS = "redirects"


class FetchRefused(Exception):
    """The address (or a hop of its redirects) is not fetched: `kind` says why, `detail` how."""

    def __init__(self, kind: Refusal, detail: str = "") -> None:
        super().__init__(f"{kind.value}: {detail}" if detail else kind.value)
        self.kind = kind
        self.detail = detail


@asynccontextmanager
async def open_public(
    client: httpx.AsyncClient, url: str, *, allow_private: bool = False,
    headers: Mapping[str, str] | None = None, wait: float = 5.0,
) -> AsyncIterator[httpx.Response]:
    """The streamed answer of the last hop of `url`'s redirects (not read yet).

    Raises `FetchRefused` for an address that is malformed, private (unless allowed) or redirects
    too many times, and httpx's errors for one that cannot be reached."""
    for _ in range(MAX_REDIRECTS + 1):
        malformed = web_address_problem(url)
        if malformed is not None:
            raise FetchRefused(Refusal.MALFORMED, malformed)
        if not allow_private and not await is_public_url(url):
            raise FetchRefused(Refusal.PRIVATE)
        async with client.stream("GET", url, headers=dict(headers or {}), follow_redirects=False,
                                 timeout=wait) as response:
            if response.is_redirect and "location" in response.headers:
                url = urljoin(url, response.headers["location"])
                continue
            yield response
            return
    raise FetchRefused(Refusal.REDIRECTS)


async def read_at_most(response: httpx.Response, limit: int) -> tuple[bytes, bool]:
    """The body of a streamed answer, up to `limit` bytes, and whether there was more."""
    body = b""
    async for chunk in response.aiter_bytes():
        body += chunk
        if len(body) > limit:
            return body[:limit], True
    return body, False
