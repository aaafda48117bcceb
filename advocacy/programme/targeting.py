"""Which ambassadors a campaign reaches, and which campaigns reach an ambassador.

This is the one place that answers "is this person in this campaign's audience?" — the feed, the
auto-queue planner, launch notifications and the delivery funnel all ask here, so that targeting
rules (segments) change in one module. A campaign without target segments reaches every opted-in
ambassador; with segments, it reaches the opted-in ambassadors in at least one of them.
"""

from __future__ import annotations

from collections import defaultdict

from tortoise.expressions import RawSQL
from tortoise.queryset import QuerySet

from advocacy.programme.models import (
    CampaignSegment,
    ConditionKind,
    GroupMember,
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


async def campaign_ids_for(user: User, campaign_ids: list[int]) -> set[int]:
    """Of these campaigns, the ones whose audience includes `user`."""
    if not user.is_opted_in_ambassador or not campaign_ids:
        return set()
    links = await CampaignSegment.filter(campaign_id__in=list(campaign_ids)).values_list(
        "campaign_id", "segment_id")
    segments_of: dict[int, set[int]] = defaultdict(set)
    for campaign_id, segment_id in links:
        segments_of[campaign_id].add(segment_id)
    wanted = {s for ids in segments_of.values() for s in ids}
    matching = await _segments_matching(user, wanted)
    return {cid for cid in campaign_ids if cid not in segments_of or segments_of[cid] & matching}


async def _segments_matching(user: User, segment_ids: set[int]) -> set[int]:
    if not segment_ids:
        return set()
    groups = set(await GroupMember.filter(user_id=user.id).values_list("group_id", flat=True))
    conditions = await SegmentCondition.filter(segment_id__in=list(segment_ids)).select_related("segment")
    met: dict[int, list[bool]] = defaultdict(list)
    match_of: dict[int, SegmentMatch] = {}
    for c in conditions:
        match_of[c.segment_id] = c.segment.match
        if c.kind == ConditionKind.DEPARTMENT:
            met[c.segment_id].append(c.value == user.department)
        elif c.kind == ConditionKind.REGION:
            met[c.segment_id].append(c.value == user.region)
        else:
            met[c.segment_id].append(c.group_id in groups)
    return {sid for sid, results in met.items()
            if (all(results) if match_of[sid] == SegmentMatch.ALL else any(results))}
