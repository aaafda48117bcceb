"""Benchmark: compliance checks per second on the labelled corpus, against a bare regex scan, and the
memory the loaded engine holds.

Run with `python -m scripts.bench.compliance`. Both loops run on one core in this process over the
same texts; the baseline is one precompiled regex (a few identifier patterns) scanned over each
text, the least any checker has to do, so the ratio shows what the full engine costs on top of it.
Rates are checks per second of this process's CPU time, which is what one core delivers: on a
machine shared with other jobs the wall clock also counts the time others hold the core (the
wall-clock rate is printed beside it).
The memory figure comes from a fresh interpreter: its resident set after building the engine and
checking one text, against the same interpreter before it imported the engine.
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
import time
from collections.abc import Callable

from advocacy.compliance import ComplianceEngine, Purpose
from scripts.bench.result import Measure, report
from scripts.compliance_report import CORPUS_POLICY, load_corpus, load_dev

BASELINE = re.compile(
    r"\b\d{3}-\d{2}-\d{4}\b|[\w.+-]+@[\w-]+\.\w+|\bMRN\s*\d+|\(?\d{3}\)?[\s.-]\d{3}[\s.-]\d{4}",
    re.IGNORECASE,
)
MEMORY_GOAL_MB = 100.0
# Run in a fresh interpreter so that nothing this process imported counts.
MEMORY_PROBE = """
import json
def rss():
    with open("/proc/self/status") as status:
        return next(int(line.split()[1]) / 1024 for line in status if line.startswith("VmRSS:"))
before = rss()
from advocacy.compliance import ComplianceEngine, Purpose
from scripts.compliance_report import CORPUS_POLICY
engine = ComplianceEngine(CORPUS_POLICY)
engine.check("Baby Olivia Martinez went home from our NICU this morning.", "x", Purpose.SHARE)
print(json.dumps({"before": before, "after": rss()}))
"""


def rate(run: Callable[[], int], seconds: float) -> tuple[float, float]:
    """Checks per CPU second and per wall second of `run` (which returns how many checks it did),
    repeated for `seconds` of CPU time."""
    done, started, wall = 0, time.process_time(), time.perf_counter()
    while (elapsed := time.process_time() - started) < seconds:
        done += run()
    return done / elapsed, done / (time.perf_counter() - wall)


def loaded_engine_memory() -> tuple[float, float]:
    """Resident MB of a fresh interpreter before importing the engine and after loading and using it."""
    output = subprocess.run([sys.executable, "-c", MEMORY_PROBE], check=True, capture_output=True, text=True)
    figures = json.loads(output.stdout)
    return figures["after"], figures["before"]


def measure(seconds: float = 3.0) -> list[Measure]:
    short = [(text.text, text.network) for text in load_dev()]
    short += [(example.text, example.network) for example in load_corpus()]
    # LinkedIn posts run longer than most corpus lines: add every five lines joined as one post.
    long = [
        (" ".join(text for text, _ in short[i : i + 5]), "linkedin") for i in range(0, len(short), 5)
    ]
    texts = short + long
    engine = ComplianceEngine(CORPUS_POLICY)

    def baseline() -> int:
        for text, _ in texts:
            BASELINE.findall(text)
        return len(texts)

    def engine_share() -> int:
        for text, network in texts:
            engine.check(text, network, Purpose.SHARE)
        return len(texts)

    engine_share()  # warm the compiled patterns and the phone library's metadata
    raw, _ = rate(baseline, seconds)
    full, full_wall = rate(engine_share, seconds)
    mean = sum(len(text) for text, _ in texts) / len(texts)
    described = (
        f"{len(texts)} texts (both corpus parts and five-line LinkedIn posts, mean {mean:.0f} chars); "
        f"{full_wall:,.0f} checks per second of wall time on this machine as loaded now"
    )
    after, before = loaded_engine_memory()
    return [
        Measure("compliance checks on one core", full, raw, "checks/s", 2000, goal_on_ours=True,
                baseline_name="one precompiled regex scan", note=described,
                extra={"wall_clock_checks_per_second": full_wall}),
        Measure("compliance engine loaded, resident", after, before, "MB", MEMORY_GOAL_MB,
                higher_is_better=False, goal_on_ours=True, baseline_name="the interpreter before it",
                note=f"the engine, its name lists and rules add {after - before:.1f} MB"),
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=float, default=3.0, help="time spent on each loop")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    report(measure(args.seconds), args.json)


if __name__ == "__main__":
    main()
