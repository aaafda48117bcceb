"""The engine against the labelled corpus: precision and recall may not fall below what was measured."""

from __future__ import annotations

import pytest

from scripts.compliance_report import load_corpus, measure

# Measured with `python -m scripts.compliance_report` on the committed corpus; a change that makes
# any rule worse fails here. Raise a floor when the engine gets better, never lower it quietly.
FLOORS = {
    "age": (1.0, 1.0),
    "blocked_term": (1.0, 1.0),
    "case_timing": (1.0, 0.85),
    "email_address": (1.0, 1.0),
    "medical_record_number": (1.0, 0.91),
    "patient_name": (1.0, 1.0),
    "phone_number": (1.0, 1.0),  # a number of another country is found when the text asks to call it
    "room_number": (1.0, 1.0),
    "social_security_number": (1.0, 1.0),
    "street_address": (1.0, 0.85),
}
REPORT = measure(load_corpus())


def test_the_corpus_has_at_least_200_texts_of_every_kind() -> None:
    examples = load_corpus()
    assert len(examples) >= 200
    assert {example.kind for example in examples} == {"clean", "identifier", "near_miss", "probe"}
    assert set(FLOORS) == {rule for example in examples for rule in example.expect}


@pytest.mark.parametrize("rule", sorted(FLOORS))
def test_rule_precision_and_recall_stay_above_their_floor(rule: str) -> None:
    precision, recall = FLOORS[rule]
    score = REPORT.per_rule[rule]
    assert score.precision >= precision, (rule, score)
    assert score.recall >= recall, (rule, score)


def test_clean_messages_and_near_misses_are_rarely_blocked() -> None:
    assert REPORT.overall.precision >= 1.0
    assert REPORT.overall.recall >= 0.99


def test_the_probe_lines_written_after_the_rules_keep_their_measured_scores() -> None:
    probes = measure(example for example in load_corpus() if example.kind == "probe")
    assert probes.overall.precision >= 1.0
    assert probes.overall.recall >= 0.56
