"""Serving an ASGI app under uvicorn in a child process and loading it with wrk (or a bounded client)."""

from __future__ import annotations

import asyncio
import os
import re
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager

import httpx

# The same settings for our app and the baseline: one worker, uvloop and httptools, no access log.
UVICORN_ARGS = ("--workers", "1", "--loop", "uvloop", "--http", "httptools", "--no-access-log",
                "--log-level", "warning")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def served(app: str, env: dict[str, str] | None = None) -> Iterator[str]:
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "uvicorn", app, "--host", "127.0.0.1", "--port", str(port), *UVICORN_ARGS],
        env={**os.environ, **(env or {})},
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            try:
                httpx.get(base + "/", timeout=1)
                break
            except httpx.TransportError:
                time.sleep(0.1)
        yield base
    finally:
        process.terminate()
        process.wait(timeout=10)


def requests_per_second(
    url: str, seconds: float = 5, connections: int = 32, headers: dict[str, str] | None = None
) -> tuple[float, str]:
    """Requests per second from wrk when it is installed, else from a bounded Python client.

    Non-2xx/3xx answers fail the measure: a benchmark of error pages would flatter us."""
    if shutil.which("wrk"):
        header_args = [arg for name, value in (headers or {}).items() for arg in ("-H", f"{name}: {value}")]
        out = subprocess.run(
            ["wrk", "-t", "1", "-c", str(connections), "-d", f"{max(1, round(seconds))}s", *header_args, url],
            capture_output=True, text=True, check=True,
        ).stdout
        match = re.search(r"Requests/sec:\s+([\d.]+)", out)
        assert match, out
        if "Non-2xx or 3xx responses" in out:
            raise RuntimeError(f"errors under load at {url}:\n{out}")
        return float(match.group(1)), "wrk"
    return asyncio.run(_python_client(url, seconds, connections, headers or {})), "python client"


async def _python_client(url: str, seconds: float, connections: int, headers: dict[str, str]) -> float:
    done = 0
    limits = httpx.Limits(max_connections=connections)
    async with httpx.AsyncClient(limits=limits, follow_redirects=False, headers=headers) as http:
        end = time.monotonic() + seconds

        async def worker() -> None:
            nonlocal done
            while time.monotonic() < end:
                response = await http.get(url)
                if response.status_code >= 400:
                    raise RuntimeError(f"{url} answered {response.status_code}")
                done += 1

        await asyncio.gather(*(worker() for _ in range(connections)))
    return done / seconds
