"""The engine of the newest saved policy version, kept by each process and rebuilt when it moves.

Every use reads the newest version number (one indexed read of a table of a few rows) and builds
a new engine only when that number differs from the kept engine's, so a version saved by any web
process reaches every other at its next check; a save in this process also drops the kept engine
at once (`forget`). Versions are never edited, so a number always names the same policy.
"""

from __future__ import annotations

from advocacy.compliance import versions
from advocacy.compliance.engine import ComplianceEngine
from advocacy.settings import Settings
from advocacy.state import AppRequest


class CurrentPolicy:
    """Owner of this process's engine; one per application, in the lifespan state."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self._engine: ComplianceEngine | None = None

    async def engine(self) -> ComplianceEngine:
        newest = await versions.newest_number()
        kept = self._engine
        if kept is None or kept.policy.version != newest:
            kept = self._engine = ComplianceEngine(await versions.policy_at(newest, self.settings))
        return kept

    def forget(self) -> None:
        self._engine = None


async def compliance_engine(request: AppRequest) -> ComplianceEngine:
    """The engine that judges texts for this request: the organisation's current policy."""
    current = request.state["compliance"]
    return await current.engine()
