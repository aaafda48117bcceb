"""The sharing gate: everything that must be true before an ambassador's share may be queued.

One function answers it for the share service (which refuses) and for the feed (which explains):
joined the programme, acknowledged the current guidelines, completed the required training.
"""

from __future__ import annotations

from dataclasses import dataclass

from tortoise import get_connection

from advocacy.db import placeholder
from advocacy.errors import Forbidden
from advocacy.programme import training
from advocacy.users.models import Role, User


@dataclass(frozen=True)
class Blocker:
    """One reason a person cannot share yet, in words they can act on, and where to act."""

    message: str
    link: str
    action: str

    def __str__(self) -> str:
        return self.message


@dataclass(frozen=True, slots=True)
class GateFacts:
    """What the gate reads about one person: the current guidelines version, the newest one they
    acknowledged, and how many required training modules they have not completed."""

    current_version: int | None
    seen_version: int | None
    outstanding: int


async def sharing_blockers(user: User) -> list[Blocker]:
    """Every reason `user` may not share now; empty when they may."""
    if user.role != Role.AMBASSADOR or not user.is_active:
        return [Blocker("Only ambassadors of the programme can share.", "/", "Back to the start")]
    if user.opted_in_at is None:
        if user.opted_out_at is not None:
            return [Blocker("You left the programme, so nothing is shared for you. You can rejoin "
                            "whenever you like.", "/me/programme", "Rejoin the programme")]
        return [Blocker("You have not joined the programme yet. Joining is your choice.",
                        "/me/programme", "Read about the programme")]
    blockers = []
    facts = await _gate_facts(user.id)
    current, seen = facts.current_version, facts.seen_version
    if current is not None:
        if seen is None or seen < current:
            again = " (they changed since you last read them)" if seen is not None else ""
            blockers.append(Blocker(
                f"Read and acknowledge the social media guidelines, version {current}{again}, "
                "before you share.", "/guidelines", "Read the guidelines"))
    missing = await training.outstanding_required(user) if facts.outstanding else []
    if missing:
        names = ", ".join(f"“{m.title}”" for m in missing)
        blockers.append(Blocker(f"Complete the required training first: {names}.", "/training",
                                "Open the training"))
    return blockers


_FACTS_SQL: dict[str, str] = {}


async def _gate_facts(user_id: int) -> GateFacts:
    # The three facts in one statement: the three ORM reads cost a fifth of the feed page once.
    # The modules' names are read only when some are missing.
    connection = get_connection("default")
    dialect = connection.capabilities.dialect
    me = placeholder(dialect, 1)
    sql = _FACTS_SQL.get(dialect) or _FACTS_SQL.setdefault(dialect, (
        "SELECT (SELECT MAX(version) FROM guideline_versions) AS current_version,"
        " (SELECT MAX(v.version) FROM guideline_acknowledgements a"
        f" JOIN guideline_versions v ON v.id = a.version_id WHERE a.user_id = {me}) AS seen_version,"
        " (SELECT COUNT(*) FROM training_modules m WHERE m.required AND NOT EXISTS"
        f" (SELECT 1 FROM training_completions c WHERE c.module_id = m.id AND c.user_id = {me}))"
        " AS outstanding"))
    _, rows = await connection.execute_query(sql, [user_id])
    row = rows[0]
    return GateFacts(row["current_version"], row["seen_version"], int(row["outstanding"]))


async def ensure_may_share(user: User) -> None:
    """Refuse with every reason at once when `user` may not share.

    The person is read again from the database: the object a request carries may predate an
    opt-out that another request has just made.
    """
    fresh = await User.get_or_none(id=user.id)
    blockers = await sharing_blockers(fresh or user)
    if blockers:
        raise Forbidden(" ".join(b.message for b in blockers),
                        {"blockers": [{"message": b.message, "link": b.link} for b in blockers]})
