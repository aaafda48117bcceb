"""The programme's members as the admin page and the API list them: status, guidelines, training."""

from __future__ import annotations

from dataclasses import dataclass

from advocacy.programme.models import GuidelineAcknowledgement, Invitation, TrainingCompletion, TrainingModule
from advocacy.users.models import Role, User

# Members per page: a programme of thousands is read a page at a time.
PAGE_SIZE = 50
STATUS_FILTERS: dict[str, dict[str, bool]] = {
    "opted in": {"opted_in_at__isnull": False},
    "opted out": {"opted_in_at__isnull": True, "opted_out_at__isnull": False,
                  "deidentified_at__isnull": True},
    "invited": {"opted_in_at__isnull": True, "opted_out_at__isnull": True, "deidentified_at__isnull": True},
    "de-identified": {"deidentified_at__isnull": False},
}


@dataclass(frozen=True)
class MemberRow:
    user: User
    status: str  # invited, opted in, opted out, de-identified
    acknowledged_version: int | None
    trainings_done: int
    required_missing: int
    invited_at: str


def status_of(user: User) -> str:
    if user.deidentified_at is not None:
        return "de-identified"
    if user.opted_in_at is not None:
        return "opted in"
    if user.opted_out_at is not None:
        return "opted out"
    return "invited"


async def member_rows(
    status: str = "", page: int = 1, limit: int = PAGE_SIZE
) -> tuple[list[MemberRow], dict[str, int]]:
    """One page of ambassadors (optionally of one status), by name, and the count of every status
    (under "" the count of everyone)."""
    everyone = User.filter(role=Role.AMBASSADOR)
    counts = {name: await everyone.filter(**rule).count() for name, rule in STATUS_FILTERS.items()}
    counts[""] = await everyone.count()
    query = everyone.filter(**STATUS_FILTERS[status]) if status in STATUS_FILTERS else everyone
    people = await query.order_by("name", "id").offset((max(page, 1) - 1) * limit).limit(limit)
    ids = [p.id for p in people]
    acknowledged: dict[int, int] = {}
    for user_id, version in await GuidelineAcknowledgement.filter(user_id__in=ids).values_list(
            "user_id", "version__version"):
        acknowledged[user_id] = max(version, acknowledged.get(user_id, 0))
    required = set(await TrainingModule.filter(required=True).values_list("id", flat=True))
    done: dict[int, set[int]] = {}
    completions = TrainingCompletion.filter(user_id__in=ids)
    for user_id, module_id in await completions.values_list("user_id", "module_id"):
        done.setdefault(user_id, set()).add(module_id)
    invited: dict[int, str] = {}
    for user_id, at in await Invitation.filter(user_id__in=ids).order_by("created_at").values_list(
            "user_id", "created_at"):
        invited[user_id] = at.date().isoformat()
    rows = [MemberRow(p, status_of(p), acknowledged.get(p.id), len(done.get(p.id, set())),
                      len(required - done.get(p.id, set())), invited.get(p.id, "")) for p in people]
    return rows, counts
