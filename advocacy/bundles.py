"""The plotly.js bundle the dashboards load: compressed once per process, under a content-hashed name.

plotly.js ships inside the `plotly` package (dashboards work offline, no CDN) as 4.8 MB of
JavaScript. Browsers get it brotli- or gzip-compressed, as they ask, from bytes compressed once per
process (never per request), at `/static/plotly-<hash>.min.js`: the name changes with the content,
so browsers may keep it for a year without asking again.
"""

from __future__ import annotations

import gzip
import hashlib
import threading
from dataclasses import dataclass
from functools import cache
from typing import Any

import brotli
import plotly
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response

# Brotli's quality 5 gives 1.29 MB in 0.13 s here (0.7 s on a busy machine); 9 gives 1.23 MB for
# four times the CPU and 11 1.11 MB for ten seconds, paid again at every start of every process.
BROTLI_QUALITY = 5
LONG_CACHE = "public, max-age=31536000, immutable"
# The unhashed address of older pages: the same bytes, kept a day.
SHORT_CACHE = "public, max-age=86400"
ENCODINGS = ("br", "gzip")  # in order of preference


@dataclass(frozen=True)
class Bundle:
    name: str  # plotly-<first 16 hex digits of its SHA-256>.min.js
    etag: str
    raw: bytes


@cache
def plotly_bundle() -> Bundle:
    raw = plotly.offline.get_plotlyjs().encode()
    digest = hashlib.sha256(raw).hexdigest()[:16]
    return Bundle(f"plotly-{digest}.min.js", f'"{digest}"', raw)


def plotly_src() -> str:
    """The address pages load plotly.js from."""
    return f"/static/{plotly_bundle().name}"


_compressing = threading.Lock()
_compressed: dict[str, bytes] = {}


def compressed(encoding: str) -> bytes:
    """The bundle in `encoding` ("br" or "gzip"), compressed the first time it is asked for.
    Blocking: call it from a thread."""
    with _compressing:
        if encoding not in _compressed:
            raw = plotly_bundle().raw
            _compressed[encoding] = (brotli.compress(raw, quality=BROTLI_QUALITY) if encoding == "br"
                                     else gzip.compress(raw, compresslevel=6, mtime=0))
        return _compressed[encoding]


def warm() -> None:
    """Compress the bundle both ways ahead of the first page that needs it."""
    for encoding in ENCODINGS:
        compressed(encoding)


def chosen_encoding(accept_encoding: str) -> str | None:
    """The encoding to answer with for this Accept-Encoding header, None for the raw bytes."""
    offered = {}
    for part in accept_encoding.split(","):
        name, _, parameters = part.strip().partition(";")
        weight = 1.0
        if parameters.strip().startswith("q="):
            try:
                weight = float(parameters.strip()[2:])
            except ValueError:
                weight = 0.0
        offered[name.strip().lower()] = weight
    for encoding in ENCODINGS:
        if offered.get(encoding, offered.get("*", 0.0)) > 0:
            return encoding
    return None


async def plotly_js(request: Request[Any]) -> Response:
    """plotly.js, compressed as the browser accepts: a year's cache under its hashed name, a day's
    under the plain one older pages use."""
    bundle = plotly_bundle()
    cache = SHORT_CACHE if request.url.path.endswith("/plotly.min.js") else LONG_CACHE
    headers = {"Cache-Control": cache, "ETag": bundle.etag, "Vary": "Accept-Encoding"}
    if bundle.etag in request.headers.get("if-none-match", ""):
        return Response(status_code=304, headers=headers)
    encoding = chosen_encoding(request.headers.get("accept-encoding", ""))
    if encoding is None:
        return Response(bundle.raw, media_type="application/javascript", headers=headers)
    # Compressed once per process (usually already, by `warm` at startup); off the event loop.
    body = await run_in_threadpool(compressed, encoding)
    return Response(body, media_type="application/javascript",
                    headers={**headers, "Content-Encoding": encoding})
