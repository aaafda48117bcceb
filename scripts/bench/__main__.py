"""Run every benchmark and print one table: our figure, the raw baseline of the same run, ratio, goal.

    python -m scripts.bench [--quick] [--json] [--only NAME ...] [--database-url URL]

PostgreSQL benchmarks empty the database named by --database-url or ADVOCACY_BENCH_DATABASE_URL.
`--quick` runs small sizes (1M snapshots, 20,000 queued shares, a launch to 10,000 ambassadors, short
load runs) for a check in a few minutes; the figures of record come from a full run. Benchmarks are
never part of the test suite.
Each one also runs alone: python -m scripts.bench.<name> --help.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import asdict

from scripts.bench import compliance, dashboard, dispatch, feed, ingest, launch, memory, plotly_load, redirect
from scripts.bench.result import Measure, bench_database_url, report

CHILD_MARK = "measures: "


def plan(url: str, quick: bool, dashboard_url: str, reuse: bool) -> dict[str, Callable[[], list[Measure]]]:
    """Each benchmark by name, at full or quick size."""
    return {
        "redirect": lambda: redirect.measure(2 if quick else 5, 1 if quick else 3),
        "plotly-load": lambda: plotly_load.measure(3 if quick else 7),
        "feed": lambda: feed.measure(url, 2 if quick else 5, 1 if quick else 3),
        "compliance": lambda: compliance.measure(1.0 if quick else 3.0),
        "ingest": lambda: asyncio.run(ingest.measure(url, 1000 if quick else 5000, 2 if quick else 4)),
        "dispatch": lambda: asyncio.run(dispatch.measure(url, 1000 if quick else 5000)),
        "launch": lambda: asyncio.run(launch.measure(url, 10_000 if quick else 100_000, 2 if quick else 3)),
        "memory": lambda: memory.measure(url, 20_000 if quick else 100_000, 20 if quick else 60),
        "dashboard": lambda: asyncio.run(dashboard.measure(dashboard_url, 1_000_000 if quick else 10_000_000,
                                                           1 if quick else 3, reuse)),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="small sizes, a few minutes in all")
    parser.add_argument("--json", action="store_true", help="the measures as JSON")
    parser.add_argument("--only", nargs="+", metavar="NAME", help="run only these benchmarks")
    parser.add_argument("--database-url", default=bench_database_url(),
                        help="a PostgreSQL database the benchmarks may empty")
    parser.add_argument("--dashboard-database-url",
                        help="a database of its own for the snapshots (default: --database-url)")
    parser.add_argument("--reuse-snapshots", action="store_true",
                        help="measure the dashboard on the snapshots a previous run left in its database")
    parser.add_argument("--child", help=argparse.SUPPRESS)  # one benchmark, in a process of its own
    args = parser.parse_args()
    os.environ["ADVOCACY_BENCH_DATABASE_URL"] = args.database_url
    benchmarks = plan(args.database_url, args.quick, args.dashboard_database_url or args.database_url,
                      args.reuse_snapshots)
    unknown = set(args.only or ()) - set(benchmarks)
    if unknown:
        parser.error(f"unknown benchmark {', '.join(sorted(unknown))}; known: {', '.join(benchmarks)}")
    if args.child:
        print(CHILD_MARK + json.dumps([asdict(m) for m in benchmarks[args.child]()]))
        return
    measures: list[Measure] = []
    for name in benchmarks:
        if args.only and name not in args.only:
            continue
        started = time.monotonic()
        print(f"running {name} ...", file=sys.stderr, flush=True)
        # Each benchmark in a fresh process: no ORM state, memory or event loop carried between them.
        child = subprocess.run([sys.executable, "-m", "scripts.bench", *sys.argv[1:], "--child", name],
                               stdout=subprocess.PIPE, text=True)
        found = [line for line in child.stdout.splitlines() if line.startswith(CHILD_MARK)]
        if child.returncode != 0 or not found:
            print(f"  {name} FAILED (exit {child.returncode}); see its output above", file=sys.stderr)
            continue
        measures += [Measure(**m) for m in json.loads(found[-1][len(CHILD_MARK):])]
        print(f"  {name} took {time.monotonic() - started:.0f} s", file=sys.stderr, flush=True)
    load = os.getloadavg()
    cores = os.cpu_count()
    if not args.json:
        print(f"{cores} cores; load average at the end {load[0]:.1f} / {load[1]:.1f} / {load[2]:.1f}")
    report(measures, args.json)


if __name__ == "__main__":
    main()
