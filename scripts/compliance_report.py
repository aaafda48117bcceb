"""How well the compliance engine tells patient texts from clean ones, per category and per rule.

Run with `python -m scripts.compliance_report`. Two labelled parts are measured apart: the development
part (tests/compliance/corpus_dev*.jsonl, written in batches), which the rules may be tuned on, and
the test part (corpus_test.jsonl), written by someone else and never read while writing rules; it may
be missing.
A text counts as blocked when any finding blocks it (a warning does not stop a share). For a patient
category the figure is recall (the share of its texts blocked); for a clean category it is the share
wrongly blocked. A rule's precision is the share of the texts it blocked that were patient texts.

The older rule corpus (corpus.jsonl), labelled with the rules each text must trip, is reported last.
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from advocacy.compliance import ComplianceEngine, CompliancePolicy, Purpose

CORPUS_DIR = Path(__file__).resolve().parent.parent / "tests" / "compliance"
CORPUS = CORPUS_DIR / "corpus.jsonl"
# The development part, in the batches it was written in; each was written without seeing the rules.
DEV_PARTS = tuple(
    CORPUS_DIR / f"corpus_dev{batch}.jsonl" for batch in ("", "2", "3", "4", "5", "6", "7", "8", "9")
)
TEST_PART = CORPUS_DIR / "corpus_test.jsonl"
# Northbrook Health's public contact points, which its own posts may carry.
CORPUS_POLICY = CompliancePolicy(
    allowed_contacts=(
        "(555) 201-4000",
        "1-800-555-0199",
        "press@northbrook.org",
        "1200 Lakeview Avenue, Northbrook",
        "northbrook.org",
    ),
)
# Each batch is measured with the contacts its writer was given as the organisation's own. The sixth
# batch's writer was given a switchboard, an emergency department's address and the northbrookhealth.org
# domain besides the appointment line; the rule corpus holds an address at that domain as a person's, so
# they are the sixth batch's alone.
PART_POLICIES = {
    "corpus_dev6.jsonl": CompliancePolicy(
        allowed_contacts=(
            *CORPUS_POLICY.allowed_contacts,
            "(847) 555-0100",
            "press@northbrookhealth.org",
            "2400 Lakeshore Drive, Northbrook",
            "northbrookhealth.org",
        ),
    ),
    # The seventh batch's organisation is another hospital, Lakeview Regional Medical Center, with its
    # own appointment line, switchboard, emergency department, press address and domain.
    "corpus_dev7.jsonl": CompliancePolicy(
        allowed_contacts=(
            "1-888-555-0142",
            "(312) 555-0190",
            "900 Harbor Avenue, Lakeview",
            "media@lakeviewregional.org",
            "lakeviewregional.org",
        ),
    ),
    # The eighth batch's organisation is a children's and family health system, Riverbend Children's &
    # Family Health, with its own appointment line, switchboard, emergency department, main campus, press
    # address and domain.
    "corpus_dev8.jsonl": CompliancePolicy(
        allowed_contacts=(
            "555-214-3300",
            "(555) 214-3000",
            "1820 Millrace Avenue, Riverbend",
            "400 Cottonwood Parkway, Riverbend",
            "press@riverbendhealth.org",
            "riverbendhealth.org",
        ),
    ),
    # The ninth batch's organisation is a rural network, High Plains Regional Health, with its own
    # appointment line, switchboard, emergency department, press address and domain (its nurse line and
    # other departments' lines are left out, as near misses).
    "corpus_dev9.jsonl": CompliancePolicy(
        allowed_contacts=(
            "(406) 555-0177",
            "(406) 555-0100",
            "1400 Grain Elevator Road, Cutbank Falls",
            "press@highplainshealth.org",
            "highplainshealth.org",
        ),
    ),
}


def policy_of(part: str) -> CompliancePolicy:
    """The policy a labelled part (a file's name) is measured with."""
    return PART_POLICIES.get(part, CORPUS_POLICY)


PATIENT_CATEGORIES = (
    "named_in_care", "identifier_labelled", "photo_patient_data", "incident_victims", "room_bed",
    "relative_time_case", "contact_of_patient",
)
CLEAN_CATEGORIES = (
    "building_age", "org_contacts", "staff_named", "event_dates", "campaign_facts", "general_pride",
)
# The fourth batch spells one style in the plural, the eighth two styles in longer words; they are the
# same styles.
STYLE_SPELLINGS = {
    "other_languages_names": "other_language_names",
    "event_post": "event",
    "adversarial_spelling": "adversarial",
}


@dataclass(frozen=True)
class LabelledText:
    text: str
    network: str
    patient: bool
    category: str
    style: str
    part: str = ""  # the file it was read from, whose policy it is measured with


def load_part(path: Path) -> list[LabelledText]:
    """The labelled texts of one part; an unknown label or category is an error, not a skip."""
    texts = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        row = json.loads(line)
        if row["label"] not in ("patient", "clean"):
            raise ValueError(f"{path.name}:{number}: label must be patient or clean")
        known = PATIENT_CATEGORIES if row["label"] == "patient" else CLEAN_CATEGORIES
        if row["category"] not in known:
            raise ValueError(f"{path.name}:{number}: {row['category']!r} is not a {row['label']} category")
        style = STYLE_SPELLINGS.get(row["style"], row["style"])
        texts.append(LabelledText(row["text"], row["network"], row["label"] == "patient", row["category"],
                                  style, path.name))
    return texts


def load_dev() -> list[LabelledText]:
    """Every batch of the development part that is in the tree."""
    return [text for path in DEV_PARTS if path.exists() for text in load_part(path)]


@dataclass
class Rate:
    blocked: int = 0
    total: int = 0

    @property
    def value(self) -> float:
        return self.blocked / self.total if self.total else 0.0

    def add(self, blocked: bool) -> None:
        self.total += 1
        self.blocked += blocked


@dataclass
class PartReport:
    patient_blocked: Rate = field(default_factory=Rate)
    clean_blocked: Rate = field(default_factory=Rate)
    per_category: dict[str, Rate] = field(default_factory=dict)
    per_style: dict[str, Rate] = field(default_factory=dict)
    per_rule: dict[str, Rate] = field(default_factory=dict)  # blocked patient texts of all it blocked
    misses: list[tuple[LabelledText, list[str]]] = field(default_factory=list)


def blocking_rules(engine: ComplianceEngine, text: str, network: str) -> list[str]:
    return sorted({f.rule for f in engine.check(text, network, Purpose.SUGGESTION) if f.blocks})


def measure_part(texts: Iterable[LabelledText], engine: ComplianceEngine | None = None) -> PartReport:
    """The part's report; each text is checked with its part's policy unless an engine is given."""
    engines: dict[CompliancePolicy, ComplianceEngine] = {}
    report = PartReport()
    for item in texts:
        policy = policy_of(item.part)
        checker = engine or engines.setdefault(policy, ComplianceEngine(policy))
        rules = blocking_rules(checker, item.text, item.network)
        blocked = bool(rules)
        (report.patient_blocked if item.patient else report.clean_blocked).add(blocked)
        report.per_category.setdefault(item.category, Rate()).add(blocked)
        if item.patient:
            report.per_style.setdefault(item.style, Rate()).add(blocked)
        for rule in rules:
            report.per_rule.setdefault(rule, Rate()).add(item.patient)
        if blocked != item.patient:
            report.misses.append((item, rules))
    return report


def print_part(name: str, report: PartReport, show_misses: bool) -> None:
    p, c = report.patient_blocked, report.clean_blocked
    print(f"== {name}: {p.total} patient texts, {c.total} clean texts")
    print(f"  patient texts blocked   {p.value:.3f} ({p.blocked}/{p.total})")
    print(f"  clean texts blocked     {c.value:.3f} ({c.blocked}/{c.total})")
    print(f"  {'category':<24}{'blocked':>9}")
    for category in (*PATIENT_CATEGORIES, *CLEAN_CATEGORIES):
        if rate := report.per_category.get(category):
            kind = "recall" if category in PATIENT_CATEGORIES else "clean blocked"
            print(f"  {category:<24}{rate.value:>9.3f}  {rate.blocked}/{rate.total} ({kind})")
    print(f"  {'patient recall by style':<24}")
    for style, rate in sorted(report.per_style.items()):
        print(f"  {style:<24}{rate.value:>9.3f}  {rate.blocked}/{rate.total}")
    print(f"  {'rule':<24}{'precision':>9}")
    for rule, rate in sorted(report.per_rule.items()):
        print(f"  {rule:<24}{rate.value:>9.3f}  {rate.blocked} patient of {rate.total} blocked")
    if show_misses:
        for item, rules in report.misses:
            what = f"blocked by {', '.join(rules)}" if rules else "not blocked"
            print(f"  MISS [{item.category}/{item.style}] {what}: {item.text}")


# --- the rule corpus: texts labelled with the rules that must block them ------------------------


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
        found = frozenset(blocking_rules(engine, example.text, example.network))
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


def print_rule_corpus(report: Report) -> None:
    print(f"== rule corpus ({CORPUS.name}): per rule against the rules each text is labelled with")
    print(f"  {'rule':<24}{'precision':>10}{'recall':>8}{'TP':>5}{'FP':>5}{'FN':>5}")
    for rule, score in sorted(report.per_rule.items()):
        print(f"  {rule:<24}{score.precision:>10.3f}{score.recall:>8.3f}"
              f"{score.true_positives:>5}{score.false_positives:>5}{score.false_negatives:>5}")
    o = report.overall
    print(f"  {'any blocking finding':<24}{o.precision:>10.3f}{o.recall:>8.3f}"
          f"{o.true_positives:>5}{o.false_positives:>5}{o.false_negatives:>5}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--misses", action="store_true", help="list the development texts judged wrongly")
    parser.add_argument("--part", type=Path, help="measure only this labelled file (a new batch, say)")
    args = parser.parse_args()
    engine = ComplianceEngine(CORPUS_POLICY)
    if args.part:
        print_part(args.part.name, measure_part(load_part(args.part)), args.misses)
        return
    for path in DEV_PARTS:
        if path.exists():
            print_part(f"development batch {path.name}", measure_part(load_part(path)), False)
    print_part("development part (every batch)", measure_part(load_dev()), args.misses)
    if TEST_PART.exists():
        print_part("test part", measure_part(load_part(TEST_PART)), False)
    else:
        print(f"== test part: {TEST_PART.name} is missing, so there is no held-out figure yet")
    print_rule_corpus(measure(load_corpus(), engine))


if __name__ == "__main__":
    main()
