"""The patient-context model beside the rules: what it flags, and how its findings are explained.

The sentences here were written for these tests; none comes from a corpus the model was trained on.
"""

from __future__ import annotations

from advocacy.compliance import ComplianceEngine, Finding, Purpose, Severity
from advocacy.compliance.detector import (
    RULE,
    model_input,
    patient_context,
    patient_context_model,
    text_features,
)
from scripts.compliance_report import CORPUS_POLICY
from scripts.train_patient_context_model import OUTPUT, trained

ENGINE = ComplianceEngine(CORPUS_POLICY)
# A patient's case that no rule finds: no name, room, age or time the rules know, and the model does.
MISSED_BY_RULES = (
    "Sorry for the late reply. the lady who came in after the pileup on route 9 is asking for her dog lol"
)


def model_finding(text: str) -> Finding | None:
    return patient_context(*model_input(text))


def test_the_models_finding_names_its_rule_severity_and_the_sentence_that_weighs_most() -> None:
    findings = ENGINE.check(MISSED_BY_RULES, "x", Purpose.SUGGESTION)
    found = [finding for finding in findings if finding.rule == RULE]
    assert [finding.rule for finding in findings if finding.blocks] == [RULE]
    assert found[0].severity == Severity.BLOCK
    assert found[0].words(MISSED_BY_RULES) == (
        "the lady who came in after the pileup on route 9 is asking for her dog lol"
    )
    assert found[0].as_json()["span"] == [26, len(MISSED_BY_RULES)]
    assert "patient-context model" in found[0].message


def test_the_model_flags_a_patient_named_in_care() -> None:
    found = model_finding("our pt Gloria Mendes got discharged this morning after 3 weeks on the vent!!")
    assert found is not None and found.rule == RULE and found.blocks


def test_the_model_lets_a_nurse_thanked_by_name_through() -> None:
    assert model_finding(
        "Thank you, nurse Gloria Mendes, for the kindness you show every patient on 4 West."
    ) is None
    assert model_finding(
        "Congratulations to Gloria Mendes, RN, on twenty years with our emergency department!"
    ) is None


def test_the_model_reads_a_name_as_a_placeholder_not_as_a_person_it_remembers() -> None:
    text = "our pt {} got discharged this morning after 3 weeks on the vent!!"
    model = patient_context_model()
    names = ("Gloria Mendes", "Ana Silva", "Tomasz Zielinski")
    scores = {model.score(text_features(*model_input(text.format(name)))) for name in names}
    assert len(scores) == 1


def test_the_engine_does_not_run_the_model_when_a_rule_already_blocks() -> None:
    text = "our pt Gloria Mendes got discharged this morning after 3 weeks on the vent!!"
    rules = {finding.rule for finding in ENGINE.check(text, "x", Purpose.SHARE) if finding.blocks}
    assert "patient_name" in rules and RULE not in rules


def test_the_shipped_weights_are_what_the_training_script_writes() -> None:
    # Changing the corpus, the features or the word classes they read (care, person, staff words, the
    # lexicon) changes the model: run `python -m scripts.train_patient_context_model --evaluate`
    # and `--write THRESHOLD` again, and update docs/compliance.md.
    shipped = OUTPUT.read_text(encoding="utf-8")
    assert trained(patient_context_model().threshold) == shipped
