"""Which ambassadors a campaign reaches, and which campaigns reach an ambassador.

This is the one place that answers "is this person in this campaign's audience?" — the feed, the
auto-queue planner, launch notifications and the delivery funnel all ask here, so that targeting
rules (segments) change in one module. A campaign without target segments reaches every opted-in
ambassador; with segments, it reaches the opted-in ambassadors in at least one of them.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Set as AbstractSet
from dataclasses import dataclass

from tortoise.expressions import RawSQL
from tortoise.queryset import QuerySet

from advocacy.programme.models import (
    CampaignSegment,
    ConditionKind,
    GroupMember,
    Segment,
    SegmentCondition,
    SegmentMatch,
)
from advocacy.users.models import Role, User
from campaigns.models import Campaign

# Who meets which condition of the campaign's segments, as equi-joins (hash joins on PostgreSQL):
# department and region by value, groups through their members. A person is in an "any" segment
# when they meet one of its conditions, in an "all" segment when they meet as many distinct
# conditions as it has. The subquery does not depend on the outer row, so the database computes it
# once and probes it per person: the audience stays one query, linear in the programme's size.
_MATCHES = (
    "SELECT c.segment_id, c.id AS condition_id, u.id AS user_id FROM segment_conditions c"
    " JOIN campaign_segments cs ON cs.segment_id = c.segment_id AND cs.campaign_id = {campaign}"
    " JOIN users u ON c.kind = 'department' AND u.department = c.value"
    " UNION ALL"
    " SELECT c.segment_id, c.id, u.id FROM segment_conditions c"
    " JOIN campaign_segments cs ON cs.segment_id = c.segment_id AND cs.campaign_id = {campaign}"
    " JOIN users u ON c.kind = 'region' AND u.region = c.value"
    " UNION ALL"
    " SELECT c.segment_id, c.id, gm.user_id FROM segment_conditions c"
    " JOIN campaign_segments cs ON cs.segment_id = c.segment_id AND cs.campaign_id = {campaign}"
    " JOIN group_members gm ON c.kind = 'group' AND gm.group_id = c.group_id"
)
_IN_SEGMENTS = (
    "CASE WHEN NOT EXISTS (SELECT 1 FROM campaign_segments t WHERE t.campaign_id = {campaign})"
    " OR users.id IN (SELECT m.user_id FROM (" + _MATCHES + ") m"
    " JOIN segments s ON s.id = m.segment_id"
    " GROUP BY m.segment_id, m.user_id, s.\"match\""
    " HAVING s.\"match\" = 'any' OR COUNT(DISTINCT m.condition_id) ="
    " (SELECT COUNT(*) FROM segment_conditions n WHERE n.segment_id = m.segment_id))"
    " THEN 1 ELSE 0 END"
)


def programme_members() -> QuerySet[User]:
    """Every active ambassador who opted in: the widest audience a campaign can have."""
    return User.filter(role=Role.AMBASSADOR, is_active=True, opted_in_at__isnull=False)


def audience_of(campaign: Campaign) -> QuerySet[User]:
    """The opted-in ambassadors this campaign targets, as a query (audiences can be large)."""
    return _in_segments(programme_members(), campaign)


def selected_by(campaign: Campaign) -> QuerySet[User]:
    """Every active ambassador the campaign's segments select, whether or not they opted in: the
    first stage of the delivery funnel (targeted, then opted in, shared, published, clicked)."""
    return _in_segments(User.filter(role=Role.AMBASSADOR, is_active=True), campaign)


def _in_segments(people: QuerySet[User], campaign: Campaign) -> QuerySet[User]:
    # The id is an integer from our own row, never user text, so formatting it into SQL is safe.
    targeted = RawSQL(_IN_SEGMENTS.format(campaign=int(campaign.id)))
    return people.annotate(in_audience=targeted).filter(in_audience=1)


@dataclass(frozen=True, slots=True)
class SegmentRule:
    """One segment of a campaign's audience as plain values, so it can be kept and evaluated per
    person without the database: its conditions are (kind, value, group id)."""

    match_all: bool
    conditions: tuple[tuple[str, str, int | None], ...]

    def met_by(self, department: str, region: str, groups: AbstractSet[int]) -> bool:
        if not self.conditions:
            return False  # a segment without conditions selects nobody
        met = (
            (value == department) if kind == ConditionKind.DEPARTMENT
            else (value == region) if kind == ConditionKind.REGION
            else (group_id in groups)
            for kind, value, group_id in self.conditions
        )
        return all(met) if self.match_all else any(met)


# Per targeted campaign, the segments it reaches; a campaign missing here targets no segment.
CampaignRules = dict[int, tuple[SegmentRule, ...]]


async def campaign_rules(campaign_ids: list[int]) -> CampaignRules:
    """The segment rules of those of these campaigns that have target segments."""
    if not campaign_ids:
        return {}
    links = await CampaignSegment.filter(campaign_id__in=list(campaign_ids)).values_list(
        "campaign_id", "segment_id")
    if not links:
        return {}
    segment_ids = sorted({segment_id for _, segment_id in links})
    matches = dict(await Segment.filter(id__in=segment_ids).values_list("id", "match"))
    conditions: dict[int, list[tuple[str, str, int | None]]] = defaultdict(list)
    for segment_id, kind, value, group_id in await SegmentCondition.filter(
        segment_id__in=segment_ids
    ).order_by("id").values_list("segment_id", "kind", "value", "group_id"):
        conditions[segment_id].append((str(kind), value, group_id))
    rules = {
        segment_id: SegmentRule(matches.get(segment_id) == SegmentMatch.ALL, tuple(conditions[segment_id]))
        for segment_id in segment_ids
    }
    grouped: dict[int, list[SegmentRule]] = defaultdict(list)
    for campaign_id, segment_id in sorted(links):
        grouped[campaign_id].append(rules[segment_id])
    return {campaign_id: tuple(found) for campaign_id, found in grouped.items()}


def needs_groups(rules: CampaignRules) -> bool:
    """Whether evaluating these rules needs the person's groups (one more read otherwise saved)."""
    return any(kind == ConditionKind.GROUP for found in rules.values() for rule in found
               for kind, _, _ in rule.conditions)


def reaches(rules: CampaignRules, campaign_id: int, user: User, groups: AbstractSet[int]) -> bool:
    """Whether the campaign's audience includes `user`, from rules read earlier (see campaign_rules)."""
    if not user.is_opted_in_ambassador:
        return False
    found = rules.get(campaign_id)
    if found is None:
        return True
    return any(rule.met_by(user.department, user.region, groups) for rule in found)


async def groups_of(user: User) -> set[int]:
    ids: list[int] = await GroupMember.filter(user_id=user.id).values_list(  # type: ignore[assignment]
        "group_id", flat=True)
    return set(ids)


async def campaign_ids_for(user: User, campaign_ids: list[int]) -> set[int]:
    """Of these campaigns, the ones whose audience includes `user`."""
    if not user.is_opted_in_ambassador or not campaign_ids:
        return set()
    rules = await campaign_rules(campaign_ids)
    groups = await groups_of(user) if needs_groups(rules) else set()
    return {cid for cid in campaign_ids if reaches(rules, cid, user, groups)}
