"""Train the patient-context model on the development corpus, and measure it batch by batch.

Run with `python -m scripts.train_patient_context_model`:

- `--evaluate` trains once per development batch, each time on the other batches, and scores the
  one left out (leave one batch out): per held-out batch and threshold, the patient and clean texts
  blocked by the rules alone, by the model alone and by both (a text is blocked when either blocks
  it). The rules are today's, which were tuned on every batch; `--rules-before` adds the rules as
  they stood before each batch was written (read from git), whose figures on the batch are out of
  sample too.
- `--write` trains on every batch and writes `advocacy/compliance/patient_context_model.json`
  with the threshold given (chosen from the out-of-batch runs only).

The test part is never read here. Training is plain logistic regression (full-batch gradient
descent with per-feature step sizes, L2 penalty, a fixed number of steps), with no randomness: the
same corpus gives the same weights.
"""

from __future__ import annotations

import argparse
import json
import math
import subprocess
import sys
import tarfile
import tempfile
from collections import Counter
from collections.abc import Sequence
from io import BytesIO
from pathlib import Path

from advocacy.compliance import ComplianceEngine, CompliancePolicy, Purpose
from advocacy.compliance.detector import RULE, WEIGHTS, PatientContextModel, model_input, text_features
from scripts.compliance_report import DEV_PARTS, LabelledText, load_part, policy_of

OUTPUT = Path(__file__).resolve().parent.parent / "advocacy" / "compliance" / WEIGHTS
ROOT = Path(__file__).resolve().parent.parent
# The commit whose rules had not yet seen each batch (the batch itself was committed before any rule
# changed for it, except the second, whose rules are those of the commit before it). The model those
# commits ship, if any, is left out: these are the rules alone.
RULES_BEFORE = {
    "corpus_dev.jsonl": "c26bd25", "corpus_dev2.jsonl": "06ae1c1^", "corpus_dev3.jsonl": "1a7ba64",
    "corpus_dev4.jsonl": "f2e0a46", "corpus_dev5.jsonl": "c0cf409", "corpus_dev6.jsonl": "920c0ad",
    "corpus_dev7.jsonl": "ace414b", "corpus_dev8.jsonl": "57b9d63",
    "corpus_dev9.jsonl": "3cb07f9",
}
L2 = 0.01
STEPS = 300
STEP_SIZE = 0.5
MIN_TEXTS = 2  # a feature must occur in this many training texts to get a weight
THRESHOLDS = (0.5, 0.6, 0.7, 0.75, 0.8, 0.85, 0.9, 0.925, 0.95, 0.975)

Sample = tuple[list[str], int]


def samples(texts: Sequence[LabelledText]) -> list[Sample]:
    return [(sorted(text_features(*model_input(text.text))), int(text.patient)) for text in texts]


def train(data: Sequence[Sample]) -> tuple[dict[str, float], float]:
    """Logistic regression weights and bias for `data` (features, label), deterministically."""
    counts = Counter(feature for features, _ in data for feature in features)
    kept = [[f for f in features if counts[f] >= MIN_TEXTS] for features, _ in data]
    weights = {feature: 0.0 for feature, count in counts.items() if count >= MIN_TEXTS}
    squares = {feature: 1e-8 for feature in weights}
    bias, bias_square = 0.0, 1e-8
    size = len(data)
    for _ in range(STEPS):
        gradient = {feature: L2 * weight for feature, weight in weights.items()}
        bias_gradient = 0.0
        for features, (_, label) in zip(kept, data, strict=True):
            total = bias + sum(weights[f] for f in features)
            error = 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, total)))) - label
            bias_gradient += error / size
            for feature in features:
                gradient[feature] += error / size
        for feature, step in gradient.items():
            squares[feature] += step * step
            weights[feature] -= STEP_SIZE * step / math.sqrt(squares[feature])
        bias_square += bias_gradient * bias_gradient
        bias -= STEP_SIZE * bias_gradient / math.sqrt(bias_square)
    return {f: round(w, 5) for f, w in sorted(weights.items()) if abs(w) >= 1e-4}, round(bias, 5)


def rules_alone(texts: Sequence[LabelledText]) -> list[bool]:
    """Whether today's rules block each text, leaving the model's own finding out."""
    engines: dict[CompliancePolicy, ComplianceEngine] = {}
    blocked = []
    for t in texts:
        engine = engines.setdefault(policy_of(t.part), ComplianceEngine(policy_of(t.part)))
        found = engine.check(t.text, t.network, Purpose.SUGGESTION)
        blocked.append(any(f.blocks and f.rule != RULE for f in found))
    return blocked


BEFORE_PROBE = """
import json, sys
from advocacy.compliance import ComplianceEngine, CompliancePolicy, Purpose
policy = CompliancePolicy(allowed_contacts=tuple(json.loads(sys.argv[1])))
engine = ComplianceEngine(policy)
for line in sys.stdin:
    row = json.loads(line)
    found = engine.check(row["text"], row["network"], Purpose.SUGGESTION)
    print(json.dumps(any(f.severity == "block" and f.rule != "patient_context_model" for f in found)))
"""


def rules_at(commit: str, texts: Sequence[LabelledText]) -> list[bool]:
    """Whether the rules of `commit` block each text, run from that commit's code in a subprocess."""
    archive = subprocess.run(["git", "archive", commit, "advocacy"], cwd=ROOT, check=True,
                             capture_output=True).stdout
    with tempfile.TemporaryDirectory() as folder:
        with tarfile.open(fileobj=BytesIO(archive)) as tar:
            tar.extractall(folder, filter="data")
        rows = "".join(json.dumps({"text": t.text, "network": t.network}) + "\n" for t in texts)
        output = subprocess.run(
            [sys.executable, "-c", BEFORE_PROBE, json.dumps(policy_of(texts[0].part).allowed_contacts)],
            input=rows, capture_output=True, text=True, check=True, cwd=folder,
            env={"PYTHONPATH": folder, "PATH": "/usr/bin:/bin"},
        )
    return [json.loads(line) for line in output.stdout.splitlines()]


def share(blocked: Sequence[bool], texts: Sequence[LabelledText], patient: bool) -> str:
    chosen = [b for b, t in zip(blocked, texts, strict=True) if t.patient == patient]
    return f"{sum(chosen) / len(chosen):.3f} ({sum(chosen)}/{len(chosen)})"


def evaluate(with_rules_before: bool) -> None:
    batches = {path.name: load_part(path) for path in DEV_PARTS}
    features = {name: samples(texts) for name, texts in batches.items()}
    scored: dict[str, list[float]] = {}
    for held_out in batches:
        weights, bias = train([s for name, part in features.items() if name != held_out for s in part])
        model = PatientContextModel(weights, bias, 0.5)
        scored[held_out] = [model.score(dict.fromkeys(f, 0)) for f, _ in features[held_out]]
    baselines = {"today's rules": {name: rules_alone(texts) for name, texts in batches.items()}}
    if with_rules_before:
        baselines["rules before the batch"] = {
            name: rules_at(RULES_BEFORE[name], texts) for name, texts in batches.items()
        }
    every = [t for texts in batches.values() for t in texts]
    for threshold in THRESHOLDS:
        print(f"== threshold {threshold}")
        model_blocks = {name: [p >= threshold for p in scores] for name, scores in scored.items()}
        rows = [("model alone", model_blocks)]
        for label, rules in baselines.items():
            rows.append((label, rules))
            both = {name: [a or b for a, b in zip(rules[name], model_blocks[name], strict=True)]
                    for name in batches}
            rows.append((f"{label} + model", both))
        for label, blocked in rows:
            cells = [f"{share(blocked[name], texts, True)} / {share(blocked[name], texts, False)}"
                     for name, texts in batches.items()]
            pooled = [b for name in batches for b in blocked[name]]
            cells.append(f"{share(pooled, every, True)} / {share(pooled, every, False)}")
            print(f"  {label:<30}" + " | ".join(cells))


def trained(threshold: float) -> str:
    """The model file's text: trained on every development batch, with `threshold`."""
    texts = [text for path in DEV_PARTS for text in load_part(path)]
    weights, bias = train(samples(texts))
    data = {"threshold": threshold, "bias": bias, "weights": weights}
    return json.dumps(data, indent=0, sort_keys=True, ensure_ascii=False) + "\n"


def write(threshold: float) -> None:
    OUTPUT.write_text(trained(threshold), encoding="utf-8")
    print(f"wrote {OUTPUT.name}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--evaluate", action="store_true", help="leave each development batch out in turn")
    parser.add_argument("--rules-before", action="store_true", help="also the rules before each batch")
    parser.add_argument("--write", type=float, metavar="THRESHOLD", help="train on every batch and write")
    args = parser.parse_args()
    if args.evaluate:
        evaluate(args.rules_before)
    if args.write is not None:
        write(args.write)


if __name__ == "__main__":
    main()
