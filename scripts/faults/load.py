"""A steady load at a share of the measured maximum, printing the server's memory every 30 s.

    python -m scripts.faults.load [--minutes 10] [--share 0.8] [--connections 16]

Serves the app under uvicorn on loopback against PostgreSQL (ADVOCACY_BENCH_DATABASE_URL, emptied),
measures the short-link redirect's maximum rate with wrk for a few seconds, then holds 80 % of it
(wrk with a per-request delay, in 30-second legs) for the given time. After each leg it prints the
rate reached, the errors seen and the server's resident memory. At the end every click must have been
counted in the database once the server has stopped. Exit status 1 on any error or lost click.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import re
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

import asyncpg

from scripts.bench.dispatch import prepare
from scripts.bench.result import bench_database_url
from scripts.bench.serving import UVICORN_ARGS, free_port

LEG_SECONDS = 30
BROWSER = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Safari/537.36"


def rss_mb(pid: int) -> float:
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


async def a_link(url: str) -> str:
    """A migrated, emptied database with one short link."""
    await prepare(url, 0, datetime.now(UTC))
    conn = await asyncpg.connect(url.replace("postgres://", "postgresql://"))
    try:
        await conn.execute("INSERT INTO short_links (slug, target_url, created_at) "
                           "VALUES ('loadSlug1234', 'https://example.org/?utm_source=load', now())")
    finally:
        await conn.close()
    return "loadSlug1234"


async def clicks_counted(url: str) -> int:
    conn = await asyncpg.connect(url.replace("postgres://", "postgresql://"))
    try:
        return int(await conn.fetchval("SELECT coalesce(sum(clicks + bot_clicks), 0) FROM link_click_days"))
    finally:
        await conn.close()


def paced_leg(url: str, rate: float, connections: int, seconds: int) -> tuple[float, int, int, str]:
    """One wrk leg paced to about `rate` requests/s: (rate reached, requests, errors, wrk's summary)."""
    delay_ms = int(1000 * connections / rate)
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(f'wrk.headers["User-Agent"] = "{BROWSER}"\nfunction delay()\n  return {delay_ms}\nend\n')
    try:
        out = subprocess.run(["wrk", "-t", "1", "-c", str(connections), "-d", f"{seconds}s",
                              "-s", script.name, url], capture_output=True, text=True, check=True).stdout
    finally:
        Path(script.name).unlink()
    reached = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))  # type: ignore[union-attr]
    total = int(re.search(r"(\d+) requests in", out).group(1))  # type: ignore[union-attr]
    errors = 0
    if match := re.search(r"Non-2xx or 3xx responses: (\d+)", out):
        errors += int(match.group(1))
    if match := re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out):
        errors += sum(int(n) for n in match.groups())
    return reached, total, errors, out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--minutes", type=float, default=10.0)
    parser.add_argument("--share", type=float, default=0.8, help="share of the measured maximum to hold")
    parser.add_argument("--connections", type=int, default=16)
    args = parser.parse_args()
    url = bench_database_url()
    slug = asyncio.run(a_link(url))
    port = free_port()
    env = {**os.environ, "ADVOCACY_DATABASE_URL": url, "ADVOCACY_ENV": "development",
           "ADVOCACY_CLICK_FLUSH_SECONDS": "2"}
    server = subprocess.Popen([sys.executable, "-m", "uvicorn", "advocacy.asgi:app", "--host", "127.0.0.1",
                               "--port", str(port), *UVICORN_ARGS], env=env)
    target = f"http://127.0.0.1:{port}/l/{slug}"
    failed = False
    requests = 0
    try:
        time.sleep(3)
        for _ in range(100):
            if subprocess.run(["curl", "-s", "-o", "/dev/null", target]).returncode == 0:
                break
            time.sleep(0.2)
        most, requests, _, _ = paced_leg(target, 1e9, args.connections, 5)  # no delay: the maximum
        rate = args.share * most
        asked = rate  # what wrk is paced to; corrected after each leg, as latency adds to the delay
        print(f"maximum {most:,.0f} req/s; holding {rate:,.0f} req/s for {args.minutes:g} min; "
              f"server RSS {rss_mb(server.pid):.0f} MB", flush=True)
        ended = time.monotonic() + 60 * args.minutes
        legs = 0
        while time.monotonic() < ended:
            seconds = max(1, min(LEG_SECONDS, round(ended - time.monotonic())))
            reached, total, errors, out = paced_leg(target, asked, args.connections, seconds)
            asked = max(1.0, asked * rate / max(reached, 1.0))
            legs += 1
            requests += total
            print(f"{legs * LEG_SECONDS:>5} s  {reached:>8,.0f} req/s  errors {errors}  "
                  f"server RSS {rss_mb(server.pid):.0f} MB", flush=True)
            if errors:
                print(out)
                failed = True
    finally:
        server.terminate()
        server.wait(timeout=30)
    counted = asyncio.run(clicks_counted(url))
    # wrk counts the answers it read; a request in flight when a leg ends may still be counted.
    print(f"{requests:,} requests answered; {counted:,} clicks counted")
    if counted < requests:
        print("clicks were lost")
        failed = True
    print("FAILED" if failed else "no errors, no click lost")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
