"""Segments (department, region and group conditions combined with all-of / any-of) and groups."""

from __future__ import annotations

import difflib
from dataclasses import dataclass

from tortoise.expressions import Q, Subquery
from tortoise.queryset import QuerySet
from tortoise.transactions import in_transaction

from advocacy import audit
from advocacy.clock import Clock
from advocacy.errors import Conflict, InvalidInput, NotFound
from advocacy.programme.models import (
    CampaignSegment,
    ConditionKind,
    GroupMember,
    PersonGroup,
    Segment,
    SegmentCondition,
    SegmentMatch,
)
from advocacy.users.models import Role, User
from campaigns import shareable
from campaigns.models import Campaign


@dataclass(frozen=True)
class Condition:
    kind: ConditionKind
    value: str = ""
    group_id: int | None = None


def _members() -> QuerySet[User]:
    return User.filter(role=Role.AMBASSADOR, is_active=True, opted_in_at__isnull=False)


def condition_q(condition: Condition) -> Q:
    if condition.kind == ConditionKind.DEPARTMENT:
        return Q(department=condition.value)
    if condition.kind == ConditionKind.REGION:
        return Q(region=condition.value)
    return Q(id__in=[]) if condition.group_id is None else Q(
        group_memberships__group_id=condition.group_id)


def rule_query(match: SegmentMatch, conditions: list[Condition]) -> QuerySet[User]:
    """The opted-in ambassadors a rule selects, as a query (used for the live count)."""
    query = _members()
    if not conditions:
        return query.filter(id__in=[])
    if match == SegmentMatch.ANY:
        combined = Q(*[condition_q(c) for c in conditions], join_type="OR")
        return query.filter(combined).distinct()
    for condition in conditions:
        # One filter per condition: each group condition joins the memberships separately.
        if condition.kind == ConditionKind.GROUP:
            query = query.filter(id__in=Subquery(
                GroupMember.filter(group_id=condition.group_id).values("user_id")))
        else:
            query = query.filter(condition_q(condition))
    return query


async def check_conditions(match: str, raw: list[tuple[str, str]]) -> tuple[SegmentMatch, list[Condition]]:
    """Parse (kind, value) pairs from a form or the API; a group's value is its id."""
    try:
        checked_match = SegmentMatch(match or "all")
    except ValueError:
        raise InvalidInput("Choose whether people must meet all or any of the conditions.",
                           {"field": "match"}) from None
    conditions: list[Condition] = []
    for kind, value in raw:
        value = value.strip()
        if not value:
            continue
        try:
            checked_kind = ConditionKind(kind)
        except ValueError:
            raise InvalidInput(f"Unknown condition {kind[:30]!r}: use department, region or group.",
                               {"field": "conditions"}) from None
        if len(value) > 100:
            raise InvalidInput(f"The {kind} {value[:40]!r}… is too long.", {"field": "conditions"})
        if checked_kind == ConditionKind.GROUP:
            conditions.append(Condition(checked_kind, group_id=await _group_named(value)))
        else:
            conditions.append(Condition(checked_kind, value=await _known_spelling(checked_kind, value)))
    if len(set(conditions)) != len(conditions):
        conditions = list(dict.fromkeys(conditions))
    return checked_match, conditions


def near_matches(value: str, choices: list[str]) -> str:
    """The sentence " Did you mean …?" naming the choices closest to a mistyped value ("" if none)."""
    folded = {choice.casefold(): choice for choice in choices}
    close = difflib.get_close_matches(value.casefold(), list(folded), n=3, cutoff=0.6)
    return f" Did you mean {' or '.join(f'“{folded[c]}”' for c in close)}?" if close else ""


async def _group_named(value: str) -> int:
    """The id of the group a condition names: by its name (any case), or by its number (the API's)."""
    groups = {name: group_id for name, group_id in await PersonGroup.all().values_list("name", "id")}
    for name, group_id in groups.items():
        if name.casefold() == value.casefold():
            return int(group_id)
    if value.isascii() and value.isdigit() and len(value) <= 9 and int(value) in groups.values():
        return int(value)
    hint = near_matches(value, list(groups)) or (
        f" The groups are: {', '.join(sorted(groups)[:10])}." if groups else
        " There are no groups yet: create one under Groups.")
    raise NotFound(f"There is no group “{value[:40]}”.{hint}", {"field": "conditions"})


async def _known_spelling(kind: ConditionKind, value: str) -> str:
    """A department or region as people have it, whatever the case it was typed in."""
    for known in await known_values(kind.value):
        if known.casefold() == value.casefold():
            return known
    return value


async def rule_warnings(match: SegmentMatch, conditions: list[Condition]) -> list[str]:
    """Why a rule selects no one now, with the near matches of values no ambassador has; empty
    when it selects someone."""
    if not conditions or await rule_query(match, conditions).exists():
        return []
    warnings = ["This rule selects 0 people now."]
    for kind in (ConditionKind.DEPARTMENT, ConditionKind.REGION):
        known = await known_values(kind.value)
        warnings += [f"No ambassador is in the {kind.value} “{c.value}”.{near_matches(c.value, known)}"
                     for c in conditions if c.kind == kind and c.value not in known]
    return warnings


async def save_segment(clock: Clock, actor: User, *, name: str, match: str,
                       conditions: list[tuple[str, str]], segment_id: int | None = None) -> Segment:
    """Create a segment, or replace the rule of an existing one."""
    name = name.strip()
    if not name or len(name) > 100:
        raise InvalidInput("Name the segment (up to 100 characters).", {"field": "name"})
    checked_match, checked = await check_conditions(match, conditions)
    if not checked:
        raise InvalidInput("Add at least one condition: a department, a region or a group.",
                           {"field": "conditions"})
    now = clock.now()
    async with in_transaction():
        clash = Segment.filter(name=name)
        if segment_id is not None:
            clash = clash.exclude(id=segment_id)
        if await clash.exists():
            raise Conflict(f"A segment called {name!r} already exists.", {"field": "name"})
        if segment_id is None:
            segment = await Segment.create(name=name, match=checked_match, created_at=now, updated_at=now)
        else:
            found = await Segment.get_or_none(id=segment_id)
            if found is None:
                raise NotFound(f"There is no segment {segment_id}.")
            segment = found
            segment.name, segment.match, segment.updated_at = name, checked_match, now
            await segment.save()
            await SegmentCondition.filter(segment_id=segment.id).delete()
        await SegmentCondition.bulk_create([
            SegmentCondition(segment_id=segment.id, kind=c.kind, value=c.value, group_id=c.group_id)
            for c in checked])
    shareable.invalidate()  # the rules of campaigns targeting this segment changed
    await audit.record(clock, actor, "segment.save" if segment_id else "segment.create",
                       f"segment:{segment.id}", {"name": name, "match": checked_match.value,
                                                 "conditions": len(checked)})
    return segment


async def delete_segment(clock: Clock, actor: User, segment_id: int) -> None:
    segment = await Segment.get_or_none(id=segment_id)
    if segment is None:
        raise NotFound(f"There is no segment {segment_id}.")
    if await CampaignSegment.exists(segment_id=segment_id):
        raise Conflict(f"Campaigns target “{segment.name}”; remove it from them first.")
    await segment.delete()
    await audit.record(clock, actor, "segment.delete", f"segment:{segment_id}", {"name": segment.name})


async def conditions_of(segment: Segment) -> list[Condition]:
    return [Condition(c.kind, c.value, c.group_id)
            for c in await SegmentCondition.filter(segment_id=segment.id).order_by("id")]


async def segment_members(segment: Segment) -> QuerySet[User]:
    return rule_query(segment.match, await conditions_of(segment))


@dataclass
class SegmentView:
    segment: Segment
    conditions: list[str]
    members: int
    campaigns: int


async def segment_views() -> list[SegmentView]:
    groups = dict(await PersonGroup.all().values_list("id", "name"))
    views = []
    for segment in await Segment.all().order_by("name"):
        conditions = await conditions_of(segment)
        described = [f"{c.kind.value}: {groups.get(c.group_id, '?') if c.group_id else c.value}"
                     for c in conditions]
        views.append(SegmentView(segment, described, await rule_query(segment.match, conditions).count(),
                                 await CampaignSegment.filter(segment_id=segment.id).count()))
    return views


async def create_group(clock: Clock, actor: User, name: str) -> PersonGroup:
    name = name.strip()
    if not name or len(name) > 100:
        raise InvalidInput("Name the group (up to 100 characters).", {"field": "group_name"})
    if await PersonGroup.exists(name=name):
        raise Conflict(f"A group called {name!r} already exists.", {"field": "group_name"})
    group = await PersonGroup.create(name=name, created_at=clock.now())
    await audit.record(clock, actor, "group.create", f"group:{group.id}", {"name": name})
    return group


async def add_to_group(clock: Clock, actor: User, group_id: int, emails: list[str]) -> tuple[int, list[str]]:
    """Add people by email; returns how many were added and the addresses that match no one."""
    group = await PersonGroup.get_or_none(id=group_id)
    if group is None:
        raise NotFound(f"There is no group {group_id}.")
    wanted = {e.strip().lower() for e in emails if e.strip()}
    if not wanted:
        raise InvalidInput("List the email addresses of the people to add.", {"field": "emails"})
    found = {u.email: u.id for u in await User.filter(email__in=list(wanted))}
    already = set(await GroupMember.filter(group_id=group.id, user_id__in=list(found.values()))
                  .values_list("user_id", flat=True))
    new = [GroupMember(group_id=group.id, user_id=uid) for uid in found.values() if uid not in already]
    await GroupMember.bulk_create(new)
    await audit.record(clock, actor, "group.members.add", f"group:{group.id}", {"added": len(new)})
    return len(new), sorted(wanted - set(found))


async def groups_with_counts() -> list[tuple[PersonGroup, int]]:
    return [(g, await GroupMember.filter(group_id=g.id).count())
            for g in await PersonGroup.all().order_by("name")]


async def set_campaign_segments(
    clock: Clock, actor: User, campaign_id: int, segment_ids: list[int]
) -> list[int]:
    """Target a campaign at these segments; none means every opted-in ambassador."""
    if not await Campaign.exists(id=campaign_id):
        raise NotFound(f"There is no campaign {campaign_id}.")
    wanted = sorted(set(segment_ids))
    known = set(await Segment.filter(id__in=wanted).values_list("id", flat=True))
    unknown = [i for i in wanted if i not in known]
    if unknown:
        raise NotFound(f"There is no segment {unknown[0]}.", {"field": "segment_ids"})
    async with in_transaction():
        await CampaignSegment.filter(campaign_id=campaign_id).delete()
        await CampaignSegment.bulk_create([CampaignSegment(campaign_id=campaign_id, segment_id=i)
                                           for i in wanted])
    shareable.invalidate()  # the feed keeps who each campaign targets
    await audit.record(clock, actor, "campaign.segments", f"campaign:{campaign_id}", {"segment_ids": wanted})
    return wanted


async def checked_segment_ids(values: list[str]) -> list[int]:
    """Segment ids chosen in a form, each an existing segment, or InvalidInput."""
    if any(not (v.isascii() and v.isdigit() and len(v) < 10) for v in values):
        raise InvalidInput("Choose the audience from the listed segments.", {"field": "segment_id"})
    ids = sorted({int(v) for v in values})
    if ids and await Segment.filter(id__in=ids).count() != len(ids):
        raise InvalidInput("A chosen segment no longer exists; choose again.", {"field": "segment_id"})
    return ids


async def campaign_segment_ids(campaign_id: int) -> list[int]:
    ids = await CampaignSegment.filter(campaign_id=campaign_id).values_list("segment_id", flat=True)
    return sorted(int(i) for i in ids)  # type: ignore[call-overload]


async def programme_size() -> int:
    return await _members().count()


async def known_values(column: str) -> list[str]:
    """The departments (or regions) people have, for the segment form's suggestions."""
    assert column in ("department", "region")
    values = await User.filter(role=Role.AMBASSADOR).exclude(**{column: ""}).distinct() \
        .order_by(column).values_list(column, flat=True)
    return [str(v) for v in values]
