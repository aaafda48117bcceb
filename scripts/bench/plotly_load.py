"""First load of a chart page's scripts and style on loopback: bytes on the wire and seconds, as a
browser with an empty cache fetches them, against the same files uncompressed (as plotly.js was
served before).

    python -m scripts.bench.plotly_load [rounds]

Each round opens a fresh connection (nothing cached, nothing kept alive), fetches plotly.js by its
hashed name, dashboard.js and app.css, and decompresses what came compressed, as a browser must
before it can run the script. Goals: under 1.5 MB and under 0.5 s.
"""

from __future__ import annotations

import asyncio
import gzip
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass

import brotli
import httpx

from advocacy import db
from advocacy.bundles import plotly_src
from advocacy.settings import Settings
from scripts.bench.result import Measure, report
from scripts.bench.serving import served

BYTES_GOAL = 1_500_000
SECONDS_GOAL = 0.5
# What Chromium sends, and what a client that takes no compression sends.
BROWSER_ENCODINGS = "gzip, deflate, br, zstd"
UNCOMPRESSED = "identity"
DECODERS = {"br": brotli.decompress, "gzip": gzip.decompress}


def assets() -> list[str]:
    """What a chart page loads besides its own markup."""
    return [plotly_src(), "/static/dashboard.js", "/static/app.css"]


@dataclass(frozen=True)
class Load:
    wire_bytes: int  # as transferred (compressed where the server compressed)
    bytes: int  # once decoded
    seconds: float


async def first_load(client: httpx.AsyncClient, accept_encoding: str) -> Load:
    """Fetch every asset once, reading the bytes as they come off the wire and decoding them."""
    wire = decoded = 0
    started = time.perf_counter()
    for path in assets():
        async with client.stream("GET", path, headers={"Accept-Encoding": accept_encoding}) as response:
            response.raise_for_status()
            body = b"".join([chunk async for chunk in response.aiter_raw()])
        encoding = response.headers.get("content-encoding")
        wire += len(body)
        decoded += len(DECODERS[encoding](body) if encoding else body)
    return Load(wire, decoded, time.perf_counter() - started)


async def rounds_of(base: str, rounds: int, accept_encoding: str) -> list[Load]:
    loads = []
    for _ in range(rounds):
        async with httpx.AsyncClient(base_url=base, timeout=30) as client:  # a fresh connection
            loads.append(await first_load(client, accept_encoding))
    return loads


async def prepare(settings: Settings) -> None:
    await db.migrate(settings)


def measure(rounds: int = 5) -> list[Measure]:
    directory = tempfile.mkdtemp(prefix="advocacy-bench-")
    settings = Settings(database_url=f"sqlite://{directory}/bench.sqlite3")
    asyncio.run(prepare(settings))
    env = {"ADVOCACY_DATABASE_URL": settings.database_url, "ADVOCACY_ENV": "development"}
    with served("advocacy.asgi:app", env) as base:
        # The server compresses once per process, at startup: wait for that before the first round.
        started = time.perf_counter()
        asyncio.run(rounds_of(base, 1, BROWSER_ENCODINGS))
        warm_up = time.perf_counter() - started
        ours = asyncio.run(rounds_of(base, rounds, BROWSER_ENCODINGS))
        raw = asyncio.run(rounds_of(base, rounds, UNCOMPRESSED))
    seconds = statistics.median(load.seconds for load in ours)
    raw_seconds = statistics.median(load.seconds for load in raw)
    note = (f"{rounds} rounds, fresh connection each, medians; {ours[0].bytes:,} bytes once decoded; "
            f"brotli (the encoding browsers ask for first); the first request after start took "
            f"{warm_up:.2f} s (compression at startup)")
    return [
        Measure("chart page scripts, first load (bytes)", ours[0].wire_bytes, raw[0].wire_bytes, "bytes",
                BYTES_GOAL, higher_is_better=False, goal_on_ours=True, baseline_name="uncompressed",
                note=note),
        Measure("chart page scripts, first load (s)", seconds, raw_seconds, "s", SECONDS_GOAL,
                higher_is_better=False, goal_on_ours=True, baseline_name="uncompressed",
                extra={"warm_up_seconds": warm_up}),
    ]


def main() -> None:
    rounds = int(sys.argv[1]) if len(sys.argv) > 1 else 5
    report(measure(rounds), "--json" in sys.argv)


if __name__ == "__main__":
    main()
