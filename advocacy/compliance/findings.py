"""What the compliance engine reports: findings with a rule, a severity, the words and a reason."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict, dataclass
from enum import StrEnum
from typing import Any


class Severity(StrEnum):
    BLOCK = "block"
    WARN = "warn"


@dataclass(frozen=True, slots=True)
class Finding:
    """One problem in a text: `span` is [start, end) in the text's characters."""

    rule: str
    severity: Severity
    start: int
    end: int
    message: str
    suggestion: str = ""

    @property
    def span(self) -> tuple[int, int]:
        return (self.start, self.end)

    @property
    def blocks(self) -> bool:
        return self.severity == Severity.BLOCK

    def words(self, text: str) -> str:
        return text[self.start : self.end]

    def as_json(self) -> dict[str, Any]:
        data = asdict(self)
        start, end = data.pop("start"), data.pop("end")
        data["severity"] = self.severity.value
        data["span"] = [start, end]
        return data


def blocking(findings: Iterable[Finding]) -> list[Finding]:
    return [finding for finding in findings if finding.blocks]


def describe_blocking(text: str, findings: Iterable[Finding]) -> str:
    """One sentence per blocking finding naming the exact words and why, for error messages."""
    parts = []
    for finding in blocking(findings):
        words = finding.words(text)
        where = f"“{words}”: " if words else ""
        parts.append(f"{where}{finding.message}")
    return " ".join(parts)
