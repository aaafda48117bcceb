"""The rules a policy can tune: each rule's label and default severity, which rules guard patient
identifiers (their block can never be lowered), and how a policy's choices apply to findings."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from enum import StrEnum

from advocacy.compliance.findings import Finding, Severity


class Setting(StrEnum):
    """What a policy does with a rule's findings."""

    BLOCK = "block"
    WARN = "warn"
    OFF = "off"


@dataclass(frozen=True, slots=True)
class RuleEntry:
    name: str
    label: str
    # The severity of the rule's strongest findings: choosing it keeps the rule's own judgement
    # (a street address is a warning at an event venue and a block at a patient's home).
    default: Setting
    patient: bool = False  # guards patient identifiers: only `block` may be chosen


RULES: tuple[RuleEntry, ...] = (
    RuleEntry("medical_record_number", "Medical record number", Setting.BLOCK, patient=True),
    RuleEntry("social_security_number", "Social security number", Setting.BLOCK, patient=True),
    RuleEntry("patient_name", "Patient name", Setting.BLOCK, patient=True),
    RuleEntry("room_number", "Room or bed number", Setting.BLOCK, patient=True),
    RuleEntry("age", "Age", Setting.BLOCK, patient=True),
    RuleEntry("case_timing", "Timing of a case", Setting.BLOCK, patient=True),
    RuleEntry("street_address", "Street address", Setting.BLOCK, patient=True),
    RuleEntry("phone_number", "Phone number", Setting.BLOCK, patient=True),
    RuleEntry("email_address", "Email address", Setting.BLOCK, patient=True),
    RuleEntry("blocked_term", "Confidential term", Setting.BLOCK),
    RuleEntry("disclosure", "Disclosure", Setting.BLOCK),
    RuleEntry("political", "Political activity", Setting.WARN),
    RuleEntry("link_placement", "Link placement", Setting.WARN),
    RuleEntry("first_person", "First person", Setting.WARN),
)
BY_NAME: Mapping[str, RuleEntry] = {entry.name: entry for entry in RULES}
RULE_LABELS: Mapping[str, str] = {entry.name: entry.label for entry in RULES}
# The one list of the rules that detect patient information (the identifiers of a health record:
# names, record numbers, SSNs, rooms, ages, dates of care, contact details). A rule that the
# catalogue does not know is never tuned either, so a new detector is safe until it is listed.
PATIENT_RULES: frozenset[str] = frozenset(entry.name for entry in RULES if entry.patient)


def is_patient_rule(rule: str) -> bool:
    return rule in PATIENT_RULES or rule not in BY_NAME


def label(rule: str) -> str:
    return RULE_LABELS.get(rule, rule.replace("_", " ").capitalize())


def choice_problem(rule: str, setting: str) -> str | None:
    """Why `setting` cannot be chosen for `rule`, or None when it can."""
    entry = BY_NAME.get(rule)
    if entry is None:
        return f"There is no rule named “{rule}”."
    if setting not in tuple(Setting):
        return f"“{setting}” is not a severity: choose block, warn or off."
    if entry.patient and setting != Setting.BLOCK:
        return (f"{entry.label} guards patient identifiers: it always blocks, and no policy can "
                "lower it.")
    return None


def email_domain(words: str) -> str:
    return words.rpartition("@")[2].lower()


def apply_settings(
    findings: Iterable[Finding], settings: Mapping[str, str], allowed_domains: Iterable[str] = (),
    text: str = "",
) -> list[Finding]:
    """`findings` as the policy wants them: a rule set to its default keeps its own severities,
    another choice gives all its findings that severity, `off` drops them; an email address at one
    of the organisation's own domains is allowed. Patient rules are never changed here."""
    domains = {domain.lower() for domain in allowed_domains}
    kept: list[Finding] = []
    for finding in findings:
        if domains and finding.rule == "email_address" and email_domain(finding.words(text)) in domains:
            continue
        entry = BY_NAME.get(finding.rule)
        chosen = settings.get(finding.rule)
        if entry is None or entry.patient or chosen is None or chosen == entry.default:
            kept.append(finding)
        elif chosen != Setting.OFF:
            kept.append(replace(finding, severity=Severity(chosen)))
    return kept
