"""The compliance engine: one check of a message's text against the organisation's policy."""

from advocacy.compliance.engine import (
    ComplianceEngine,
    Purpose,
    default_engine,
    engine_for,
    insert_disclosure,
)
from advocacy.compliance.findings import Finding, Severity, blocking, describe_blocking
from advocacy.compliance.policy import CompliancePolicy

__all__ = [
    "ComplianceEngine",
    "CompliancePolicy",
    "Finding",
    "Purpose",
    "Severity",
    "blocking",
    "default_engine",
    "engine_for",
    "describe_blocking",
    "insert_disclosure",
]
