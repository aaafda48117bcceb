"""JSON API of the programme: invitations, members, guidelines, membership, segments, targeting."""

from __future__ import annotations

from starlette.responses import Response

from advocacy.api import MAX_ID, ApiRoute, parse_body, parse_query, path_int, respond
from advocacy.auth import signed_in_user
from advocacy.errors import InvalidInput, NotFound
from advocacy.programme import consent, guidelines, invitations, members, segments, targeting
from advocacy.programme.gate import sharing_blockers
from advocacy.programme.schemas import (
    Acknowledge,
    BlockerOut,
    CampaignSegmentsIn,
    CampaignSegmentsOut,
    GuidelinesOut,
    InvitationCreate,
    InvitationOut,
    MemberOut,
    MembershipOut,
    MembersQuery,
    SegmentCreate,
    SegmentOut,
)
from advocacy.state import AppRequest
from campaigns.models import Campaign


async def invite(request: AppRequest) -> Response:
    body = await parse_body(request, InvitationCreate)
    actor = signed_in_user(request)
    settings = request.state["settings"]
    user, token = await invitations.invite(request.state["clock"], settings, actor,
                                           invitations.Invitee(**body.model_dump()))
    queued = await invitations.queue_invitation(request.state["clock"], settings, user, token, actor)
    return respond(InvitationOut(user_id=user.id, email=user.email, email_sent=queued), status=201)


async def list_members(request: AppRequest) -> Response:
    query = parse_query(request, MembersQuery)
    rows, _ = await members.member_rows(query.status, query.page)
    return respond([MemberOut.of(row) for row in rows])


async def get_guidelines(request: AppRequest) -> Response:
    current = await guidelines.current_version()
    seen = await guidelines.acknowledged_version(signed_in_user(request))
    return respond(GuidelinesOut(
        version=current.version if current else None, title=current.title if current else "",
        body=current.body if current else "", published_at=current.created_at if current else None,
        acknowledged_version=seen))


async def acknowledge(request: AppRequest) -> Response:
    body = await parse_body(request, Acknowledge)
    user = signed_in_user(request)
    await guidelines.acknowledge(request.state["clock"], user, body.version)
    return await get_guidelines(request)


async def _membership(user_status: str, request: AppRequest, **extra: list[int]) -> Response:
    blockers = await sharing_blockers(signed_in_user(request))
    return respond(MembershipOut(status=user_status, sharing_blockers=[
        BlockerOut(message=b.message, link=b.link) for b in blockers], **extra))


async def membership(request: AppRequest) -> Response:
    return await _membership(members.status_of(signed_in_user(request)), request)


async def opt_out(request: AppRequest) -> Response:
    user = signed_in_user(request)
    outcome = await consent.opt_out(request.state["clock"], user, request.state["networks"])
    return await _membership(members.status_of(user), request,
                             cancelled_share_ids=outcome.cancelled_share_ids,
                             disconnected_account_ids=outcome.disconnected_account_ids)


async def opt_in(request: AppRequest) -> Response:
    user = signed_in_user(request)
    await consent.opt_in(request.state["clock"], user)
    return await _membership(members.status_of(user), request)


def _segment_out(view: segments.SegmentView) -> SegmentOut:
    return SegmentOut(id=view.segment.id, name=view.segment.name, match=view.segment.match.value,
                      conditions=view.conditions, members=view.members, campaigns=view.campaigns)


async def list_segments(request: AppRequest) -> Response:
    return respond([_segment_out(v) for v in await segments.segment_views()])


async def create_segment(request: AppRequest) -> Response:
    body = await parse_body(request, SegmentCreate)
    segment = await segments.save_segment(
        request.state["clock"], signed_in_user(request), name=body.name, match=body.match,
        conditions=[(c.kind, c.value) for c in body.conditions])
    view = next(v for v in await segments.segment_views() if v.segment.id == segment.id)
    return respond(_segment_out(view), status=201)


async def set_campaign_segments(request: AppRequest) -> Response:
    campaign_id = path_int(request, "campaign_id")
    body = await parse_body(request, CampaignSegmentsIn)
    if any(not 1 <= i <= MAX_ID for i in body.segment_ids):
        raise InvalidInput("Segment ids are positive numbers.", {"segment_ids": "out of range"})
    chosen = await segments.set_campaign_segments(request.state["clock"], signed_in_user(request),
                                                  campaign_id, body.segment_ids)
    campaign = await Campaign.get_or_none(id=campaign_id)
    if campaign is None:
        raise NotFound(f"There is no campaign {campaign_id}.")
    return respond(CampaignSegmentsOut(campaign_id=campaign_id, segment_ids=chosen,
                                       audience=await targeting.audience_of(campaign).count()))


api_routes = [
    ApiRoute("/programme/invitations", invite, "POST", "api-programme-invite",
             "Invite a person to the programme (emails a single-use join link)",
             body=InvitationCreate, response=InvitationOut, status=201, errors=(401, 403, 409, 422),
             refusals=("A person cannot be their own manager.",)),
    ApiRoute("/programme/members", list_members, "GET", "api-programme-members",
             "Ambassadors with their programme status, guidelines and training",
             query=MembersQuery, response=MemberOut, response_is_list=True),
    ApiRoute("/guidelines", get_guidelines, "GET", "api-guidelines",
             "The current social media guidelines and the version I acknowledged", response=GuidelinesOut),
    ApiRoute("/guidelines/acknowledge", acknowledge, "POST", "api-guidelines-acknowledge",
             "Acknowledge the current guideline version", body=Acknowledge, response=GuidelinesOut,
             errors=(401, 403, 404, 422)),
    ApiRoute("/me/programme", membership, "GET", "api-my-programme",
             "My programme status and what still keeps me from sharing", response=MembershipOut),
    ApiRoute("/me/programme/opt-out", opt_out, "POST", "api-my-programme-opt-out",
             "Leave the programme now: waiting shares are cancelled, accounts disconnected",
             response=MembershipOut, errors=(401, 403, 409, 422)),
    ApiRoute("/me/programme/opt-in", opt_in, "POST", "api-my-programme-opt-in",
             "Join (or rejoin) the programme", response=MembershipOut, errors=(401, 403, 409, 422)),
    ApiRoute("/segments", list_segments, "GET", "api-segments-list", "Segments with their member counts",
             response=SegmentOut, response_is_list=True),
    ApiRoute("/segments", create_segment, "POST", "api-segments-create", "Define a segment",
             body=SegmentCreate, response=SegmentOut, status=201, errors=(401, 403, 404, 409, 422)),
    ApiRoute("/campaigns/{campaign_id:int}/segments", set_campaign_segments, "PUT", "api-campaign-segments",
             "Target a campaign at segments (an empty list: every opted-in ambassador)",
             body=CampaignSegmentsIn, response=CampaignSegmentsOut, errors=(401, 403, 404, 422)),
]
