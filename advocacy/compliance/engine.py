"""The compliance engine: runs every rule of a policy over a text for one network and purpose."""

from __future__ import annotations

import re
from enum import StrEnum
from functools import lru_cache

from advocacy.compliance import rules
from advocacy.compliance.catalogue import apply_settings
from advocacy.compliance.context import LINK
from advocacy.compliance.detector import patient_context_model
from advocacy.compliance.findings import Finding, Severity
from advocacy.compliance.lexicon import name_lexicon
from advocacy.compliance.policy import CompliancePolicy
from advocacy.settings import Settings


class Purpose(StrEnum):
    """What the text is: a suggested message an editor writes, or the text an ambassador shares."""

    SUGGESTION = "suggestion"
    SHARE = "share"


def disclosure_pattern(policy: CompliancePolicy) -> re.Pattern[str] | None:
    texts = sorted(policy.disclosure_texts(), key=len, reverse=True)
    if not texts:
        return None
    alternatives = "|".join(r"\s+".join(re.escape(word) for word in text.split()) for text in texts)
    # The class of the first characters first, so that most positions fail at once (as in rules.py).
    first = "".join(sorted({re.escape(text.split()[0][0]) for text in texts}))
    return re.compile(rf"(?=[{first}])(?<![\w#])(?:{alternatives})(?!\w)", re.IGNORECASE)


def insert_disclosure(text: str, disclosure: str, visible_chars: int) -> str:
    """The text with the disclosure placed where a reader sees it before any "see more" cut.

    At the end when the whole text is visible, else after the first sentence when that is still
    visible (it reads naturally there), else at the very start: never at an end that LinkedIn hides,
    which is where other products put it.
    """
    if not disclosure:
        return text
    body = text.rstrip()
    if len(body) + 1 + len(disclosure) <= visible_chars:
        return f"{body} {disclosure}" if body else disclosure
    first = re.search(r"[.!?](?=\s)|\n", text)
    if first and first.end() + len(disclosure) + 1 <= visible_chars:
        head, rest = text[: first.end()].rstrip(), text[first.end() :]
        return f"{head} {disclosure}{rest if rest[:1].isspace() else ' ' + rest}"
    return f"{disclosure} {text}"


class ComplianceEngine:
    """Checks texts against one policy; build it once (the patterns compile here) and reuse it."""

    def __init__(self, policy: CompliancePolicy) -> None:
        self.policy = policy
        self._disclosure = disclosure_pattern(policy)
        self._blocked = rules.blocked_terms_pattern(policy)
        name_lexicon()  # read the name lists and the model now, not during the first check someone waits for
        patient_context_model()

    def check(self, text: str, network: str, purpose: Purpose = Purpose.SHARE) -> list[Finding]:
        """Every finding in `text`, ordered by position; a text is fine to post when none blocks."""
        findings = rules.identifier_findings(text, self.policy)
        findings.extend(self._blocked_terms(text))
        findings.extend(self._disclosure_findings(text, network, purpose))
        findings.extend(self._link_placement(text, network))
        findings.extend(self._first_person(text))
        findings.sort(key=lambda finding: (finding.start, finding.end, finding.rule))
        return self._as_policy_says(text, findings)

    def _as_policy_says(self, text: str, findings: list[Finding]) -> list[Finding]:
        # The one place the policy's per-rule severities and allowed domains apply to findings.
        if not (self.policy.severities or self.policy.allowed_domains):
            return findings
        return apply_settings(findings, dict(self.policy.severities), self.policy.allowed_domains, text)

    def with_disclosure(self, text: str, network: str) -> str:
        """`text` with the default disclosure added where the network shows it, unless it is there."""
        if self._disclosure is None:
            return text
        visible = self._visible_chars(network)
        found = self._disclosure.search(text)
        if found and found.start() < visible:
            return text
        return insert_disclosure(text, self.policy.default_disclosure, visible)

    def without_disclosure(self, text: str) -> str:
        """`text` with every disclosure of the policy taken out (to compare what people wrote)."""
        return self._disclosure.sub(" ", text) if self._disclosure is not None else text

    def _visible_chars(self, network: str) -> int:
        # X shows the whole post; LinkedIn cuts after about 210 characters.
        return self.policy.linkedin_visible_chars if network == "linkedin" else 10**6

    def _blocked_terms(self, text: str) -> list[Finding]:
        if self._blocked is None:
            return []
        return [
            Finding(
                "blocked_term", Severity.BLOCK, match.start(), match.end(),
                "This phrase is on the organisation's list of confidential or blocked terms.",
                "Remove it; confidential matters are never posted.",
            )
            for match in self._blocked.finditer(text)
        ]

    def _disclosure_findings(self, text: str, network: str, purpose: Purpose) -> list[Finding]:
        if self._disclosure is None:
            return []
        found = self._disclosure.search(text)
        visible = self._visible_chars(network)
        if found is not None and found.start() < visible:
            return []  # seen where readers look: the suggested fix is not needed
        fixed = insert_disclosure(text, self.policy.default_disclosure, visible)
        if found is None:
            if purpose == Purpose.SHARE:
                return [
                    Finding(
                        "disclosure", Severity.BLOCK, 0, 0,
                        "Your share must say you work here (for example "
                        f"“{self.policy.default_disclosure}”), so readers know your connection.",
                        fixed,
                    )
                ]
            return [
                Finding(
                    "disclosure", Severity.WARN, 0, 0,
                    f"No disclosure: “{self.policy.default_disclosure}” will be added where readers see "
                    "it when an ambassador shares this.",
                    fixed,
                )
            ]
        if found.start() >= visible:
            return [
                Finding(
                    "disclosure", Severity.BLOCK if purpose == Purpose.SHARE else Severity.WARN,
                    found.start(), found.end(),
                    f"LinkedIn hides everything after about {visible} characters behind “see more”, "
                    "and a disclosure must be seen.",
                    fixed,
                )
            ]
        return []

    def _link_placement(self, text: str, network: str) -> list[Finding]:
        if network != "linkedin":
            return []
        visible = self.policy.linkedin_visible_chars
        return [
            Finding(
                "link_placement", Severity.WARN, match.start(), match.end(),
                f"LinkedIn shows only the first {visible} or so characters; readers will not see this link "
                "without “see more”.",
                "Move the link into the first sentence or two.",
            )
            for match in LINK.finditer(text)
            if match.start() >= visible
        ]

    def _first_person(self, text: str) -> list[Finding]:
        if not self.policy.require_first_person or rules.FIRST_PERSON.search(LINK.sub("", text)):
            return []
        return [
            Finding(
                "first_person", Severity.WARN, 0, 0,
                "The guidelines ask you to write in the first person, so readers know you speak for "
                "yourself.",
                "Add a line in your own words, for example “I’m proud of my team.”",
            )
        ]


@lru_cache(maxsize=16)
def engine_for_policy(policy: CompliancePolicy) -> ComplianceEngine:
    return ComplianceEngine(policy)


def engine_for(settings: Settings) -> ComplianceEngine:
    """The engine of the organisation configured in `settings` (compiled once per policy)."""
    return engine_for_policy(CompliancePolicy.from_settings(settings))


def default_engine() -> ComplianceEngine:
    """The engine of the built-in default policy, for callers that configure nothing."""
    return engine_for_policy(CompliancePolicy())
