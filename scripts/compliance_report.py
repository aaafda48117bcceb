"""Precision and recall of the compliance engine per rule, measured on the labelled corpus.

Run with `python -m scripts.compliance_report`. Each corpus line is a realistic share text with the
rules that must block it (an empty list for clean messages and near-misses: event dates, building
ages, product codes, the organisation's own switchboard). The "probe" lines were written after the
rules and never used to tune them, so their figures are the fairer estimate; they are printed apart.
A rule's precision is the share of texts it blocked that it should have; its recall the share of
texts it should have blocked that it did.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from advocacy.compliance import ComplianceEngine, CompliancePolicy, Purpose

CORPUS = Path(__file__).resolve().parent.parent / "tests" / "compliance" / "corpus.jsonl"
# The organisation's public contact points, which its own posts may carry.
CORPUS_POLICY = CompliancePolicy(
    allowed_contacts=("(555) 201-4000", "1-800-555-0199", "press@northbrook.org"),
)


@dataclass(frozen=True)
class Example:
    text: str
    network: str
    expect: frozenset[str]
    kind: str


@dataclass
class Score:
    true_positives: int = 0
    false_positives: int = 0
    false_negatives: int = 0

    @property
    def precision(self) -> float:
        flagged = self.true_positives + self.false_positives
        return self.true_positives / flagged if flagged else 1.0

    @property
    def recall(self) -> float:
        expected = self.true_positives + self.false_negatives
        return self.true_positives / expected if expected else 1.0


def load_corpus(path: Path = CORPUS) -> list[Example]:
    examples = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip():
            row = json.loads(line)
            examples.append(Example(row["text"], row["network"], frozenset(row["expect"]), row["kind"]))
    return examples


@dataclass
class Report:
    per_rule: dict[str, Score]
    overall: Score  # a text blocked at all, against a text that should be
    misses: list[tuple[str, frozenset[str], frozenset[str]]]


def measure(examples: Iterable[Example], engine: ComplianceEngine | None = None) -> Report:
    engine = engine or ComplianceEngine(CORPUS_POLICY)
    per_rule: dict[str, Score] = {}
    overall = Score()
    misses = []
    for example in examples:
        found = frozenset(
            finding.rule
            for finding in engine.check(example.text, example.network, Purpose.SUGGESTION)
            if finding.blocks
        )
        for rule in found | example.expect:
            score = per_rule.setdefault(rule, Score())
            if rule in found and rule in example.expect:
                score.true_positives += 1
            elif rule in found:
                score.false_positives += 1
            else:
                score.false_negatives += 1
        if found and example.expect:
            overall.true_positives += 1
        elif found:
            overall.false_positives += 1
        elif example.expect:
            overall.false_negatives += 1
        if found != example.expect:
            misses.append((example.text, example.expect, found))
    return Report(per_rule, overall, misses)


def main() -> None:
    examples = load_corpus()
    report = measure(examples)
    kinds: dict[str, int] = {}
    for example in examples:
        kinds[example.kind] = kinds.get(example.kind, 0) + 1
    print(f"corpus: {len(examples)} texts ({', '.join(f'{n} {k}' for k, n in sorted(kinds.items()))})")
    print(f"{'rule':<24}{'precision':>10}{'recall':>8}{'TP':>5}{'FP':>5}{'FN':>5}")
    for rule, score in sorted(report.per_rule.items()):
        print(
            f"{rule:<24}{score.precision:>10.3f}{score.recall:>8.3f}"
            f"{score.true_positives:>5}{score.false_positives:>5}{score.false_negatives:>5}"
        )
    o = report.overall
    print(f"{'any blocking finding':<24}{o.precision:>10.3f}{o.recall:>8.3f}"
          f"{o.true_positives:>5}{o.false_positives:>5}{o.false_negatives:>5}")
    probes = measure(example for example in examples if example.kind == "probe")
    p = probes.overall
    print(f"{'  on the probe lines':<24}{p.precision:>10.3f}{p.recall:>8.3f}"
          f"{p.true_positives:>5}{p.false_positives:>5}{p.false_negatives:>5}")
    if report.misses:
        print(f"\n{len(report.misses)} texts where the blocking rules differ from the labels:")
        for text, expected, found in report.misses:
            print(f"- {text}\n    expected {sorted(expected)}, found {sorted(found)}")


if __name__ == "__main__":
    main()
