"""Benchmark: compliance checks per second on the labelled corpus, against a bare regex scan.

Run with `python -m scripts.bench.compliance`. Both loops run on one core in this process over the
same texts; the baseline is one precompiled regex (a few identifier patterns) scanned over each
text, the least any checker has to do, so the ratio shows what the full engine costs on top of it.
"""

from __future__ import annotations

import argparse
import re
import time
from collections.abc import Callable

from advocacy.compliance import ComplianceEngine, Purpose
from scripts.bench.result import Measure, report
from scripts.compliance_report import CORPUS_POLICY, load_corpus

BASELINE = re.compile(
    r"\b\d{3}-\d{2}-\d{4}\b|[\w.+-]+@[\w-]+\.\w+|\bMRN\s*\d+|\(?\d{3}\)?[\s.-]\d{3}[\s.-]\d{4}",
    re.IGNORECASE,
)


def rate(run: Callable[[], int], seconds: float) -> float:
    """Calls per second of `run` (which returns how many checks it did), repeated for `seconds`."""
    done, started = 0, time.perf_counter()
    while (elapsed := time.perf_counter() - started) < seconds:
        done += run()
    return done / elapsed


def measure(seconds: float = 3.0) -> list[Measure]:
    examples = load_corpus()
    short = [(example.text, example.network) for example in examples]
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
    raw = rate(baseline, seconds)
    full = rate(engine_share, seconds)
    mean = sum(len(text) for text, _ in texts) / len(texts)
    return [Measure("compliance checks on one core", full, raw, "checks/s", 2000, goal_on_ours=True,
                    baseline_name="one precompiled regex scan",
                    note=f"{len(texts)} texts (corpus and five-line LinkedIn posts, mean {mean:.0f} chars)")]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=float, default=3.0, help="time spent on each loop")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    report(measure(args.seconds), args.json)


if __name__ == "__main__":
    main()
