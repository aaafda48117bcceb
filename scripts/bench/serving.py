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
from pathlib import Path
from urllib.parse import urlsplit

import httpx

from scripts.bench.result import LoadRun

# The same settings for our app and the baseline: one worker, uvloop and httptools, no access log.
UVICORN_ARGS = ("--workers", "1", "--loop", "uvloop", "--http", "httptools", "--no-access-log",
                "--log-level", "warning")
# How long a served app may take to start answering.
START_SECONDS = 90
# The uvicorn process behind each address `served` is serving ("127.0.0.1:port"), so a load run can
# read what the server spent without every benchmark passing it along.
_serving: dict[str, int] = {}
_warned_without_wrk: list[bool] = []


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
    _serving[f"127.0.0.1:{port}"] = process.pid
    try:
        # On a busy machine importing the app alone can take half a minute.
        deadline = time.monotonic() + START_SECONDS
        while True:
            try:
                httpx.get(base + "/", timeout=1)
                break
            except httpx.TransportError:
                if time.monotonic() > deadline:
                    raise RuntimeError(f"{app} did not answer within {START_SECONDS} s") from None
                time.sleep(0.1)
        yield base
    finally:
        _serving.pop(f"127.0.0.1:{port}", None)
        process.terminate()
        process.wait(timeout=10)


def demand_seconds(pid: int | str) -> float | None:
    """Seconds a process's threads have run on a core or waited in the run queue for one, from
    /proc/<pid>/task/*/schedstat ("thread-self" for the calling thread); None where unreadable."""
    tasks = [Path("/proc/thread-self")] if pid == "thread-self" else list(Path(f"/proc/{pid}/task").glob("*"))
    total = 0
    try:
        for task in tasks:
            on_cpu, queued, _ = (task / "schedstat").read_text().split()
            total += int(on_cpu) + int(queued)
    except (FileNotFoundError, ProcessLookupError, ValueError):
        return None
    return total / 1e9 if tasks else None


def _wrk(url: str, seconds: float, connections: int, headers: dict[str, str]) -> tuple[float, float]:
    """wrk's requests per second and its demand (on a core or queued for one) over the run."""
    header_args = [arg for name, value in headers.items() for arg in ("-H", f"{name}: {value}")]
    process = subprocess.Popen(
        ["wrk", "-t", "1", "-c", str(connections), "-d", f"{max(1, round(seconds))}s", *header_args, url],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    demand = 0.0
    while True:  # read while it runs: once reaped, its /proc entry is gone
        demand = demand_seconds(process.pid) or demand
        try:
            out, err = process.communicate(timeout=0.05)
            break
        except subprocess.TimeoutExpired:
            continue
    if process.returncode != 0:
        raise RuntimeError(f"wrk failed at {url}: {err}")
    match = re.search(r"Requests/sec:\s+([\d.]+)", out)
    assert match, out
    if "Non-2xx or 3xx responses" in out:
        raise RuntimeError(f"errors under load at {url}:\n{out}")
    return float(match.group(1)), demand


def requests_per_second(
    url: str, seconds: float = 5, connections: int = 32, headers: dict[str, str] | None = None
) -> LoadRun:
    """Requests per second from wrk when it is installed, else from a bounded Python client, with the
    demand of the load generator and (for an app `served` here) of the server, so a result can say
    when the client was the bottleneck (`result.client_bound`).

    Non-2xx/3xx answers fail the measure: a benchmark of error pages would flatter us."""
    server = _serving.get(urlsplit(url).netloc)
    server_before = demand_seconds(server) if server else None
    started = time.monotonic()
    if shutil.which("wrk"):
        rate, client_demand = _wrk(url, seconds, connections, headers or {})
        tool = "wrk"
    else:
        if not _warned_without_wrk:
            _warned_without_wrk.append(True)
            print("wrk is not installed: loading with the Python client, which tops out at a few hundred "
                  "requests a second on one core (install wrk for figures of record)",
                  file=sys.stderr, flush=True)
        client_before = demand_seconds("thread-self") or 0.0  # the asyncio client runs on this thread
        rate = asyncio.run(_python_client(url, seconds, connections, headers or {}))
        client_demand, tool = (demand_seconds("thread-self") or 0.0) - client_before, "python client"
    wall = time.monotonic() - started
    server_after = demand_seconds(server) if server else None
    server_demand = None if server_before is None or server_after is None else server_after - server_before
    return LoadRun(rate=rate, tool=tool, seconds=wall, client_demand=client_demand,
                   server_demand=server_demand)


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
