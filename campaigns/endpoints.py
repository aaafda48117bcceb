"""JSON API routes of the communications studio: campaigns, posts, review and launch."""

from __future__ import annotations

from starlette.responses import Response

from advocacy.api import ApiRoute, parse_body, path_int, respond
from advocacy.auth import signed_in_user
from advocacy.compliance.current import compliance_engine
from advocacy.notify.service import organisation_channels
from advocacy.state import AppRequest
from campaigns import overrides, post_edits, service
from campaigns.models import Campaign
from campaigns.schemas import (
    CampaignCreate,
    CampaignOut,
    FeatureRequest,
    MessageCreate,
    OverrideOut,
    OverrideRequest,
    PackOut,
    PostCreate,
    PostEdit,
    PostOut,
    ReviewRequest,
    VariantOut,
)


async def describe(campaign_id: int) -> CampaignOut:
    campaign, packs = await service.campaign_content(campaign_id)
    return CampaignOut.of(
        campaign,
        [
            PackOut.of(pack, [PostOut.of(post, list(post.variants)) for post in pack.posts])
            for pack in packs
        ],
    )


async def list_campaigns(request: AppRequest) -> Response:
    campaigns = await Campaign.all().order_by("-starts_at", "-id")
    return respond([CampaignOut.of(c) for c in campaigns])


async def get_campaign(request: AppRequest) -> Response:
    return respond(await describe(path_int(request, "campaign_id")))


async def create_campaign(request: AppRequest) -> Response:
    body = await parse_body(request, CampaignCreate)
    campaign = await service.create_campaign(
        request.state["clock"], signed_in_user(request), **body.model_dump()
    )
    return respond(await describe(campaign.id), status=201)


async def create_post(request: AppRequest) -> Response:
    body = await parse_body(request, PostCreate)
    post = await service.add_post(
        request.state["clock"], signed_in_user(request), path_int(request, "pack_id"),
        title=body.title, url=body.url, messages=body.messages,
        compliance=await compliance_engine(request), expires_at=body.expires_at,
        brand_ref_linkedin=body.brand_ref_linkedin, brand_ref_x=body.brand_ref_x,
    )
    return respond(PostOut.of(post, list(await post.variants.all())), status=201)


async def edit_post(request: AppRequest) -> Response:
    body = await parse_body(request, PostEdit)
    post = await post_edits.edit_post(request.state["clock"], signed_in_user(request),
                                      path_int(request, "post_id"), title=body.title, url=body.url)
    return respond(PostOut.of(post, list(await post.variants.all())))


async def delete_post(request: AppRequest) -> Response:
    post = await post_edits.delete_post(request.state["clock"], signed_in_user(request),
                                        path_int(request, "post_id"))
    return respond(await describe(post.pack.campaign_id))


async def add_message(request: AppRequest) -> Response:
    body = await parse_body(request, MessageCreate)
    variant = await post_edits.add_message(
        request.state["clock"], signed_in_user(request), path_int(request, "post_id"), network=body.network,
        text=body.text, compliance=await compliance_engine(request))
    return respond(VariantOut.of(variant), status=201)


async def delete_message(request: AppRequest) -> Response:
    post = await post_edits.delete_message(request.state["clock"], signed_in_user(request),
                                           path_int(request, "variant_id"))
    return respond(PostOut.of(post, list(await post.variants.all())))


async def submit_pack(request: AppRequest) -> Response:
    pack = await service.submit_pack(
        request.state["clock"], signed_in_user(request), path_int(request, "pack_id"),
        compliance=await compliance_engine(request),
    )
    return respond(await describe(pack.campaign_id))


async def review_pack(request: AppRequest) -> Response:
    body = await parse_body(request, ReviewRequest)
    pack = await service.review_pack(
        request.state["clock"], signed_in_user(request), path_int(request, "pack_id"),
        approve=body.approve, note=body.note,
        compliance=await compliance_engine(request),
    )
    return respond(await describe(pack.campaign_id))


async def override_warning(request: AppRequest) -> Response:
    body = await parse_body(request, OverrideRequest)
    made = await overrides.override_warning(
        request.state["clock"], signed_in_user(request), path_int(request, "variant_id"), rule=body.rule,
        start=body.span[0], end=body.span[1], reason=body.reason, compliance=await compliance_engine(request),
    )
    return respond(OverrideOut.of(made), status=201)


async def launch_campaign(request: AppRequest) -> Response:
    campaign = await service.launch_campaign(
        request.state["clock"], signed_in_user(request), path_int(request, "campaign_id"),
        organisation=organisation_channels(request.state["settings"]),
    )
    await request.state["brand_publisher"].publish_campaign(campaign.id)
    return respond(await describe(campaign.id))


async def feature_post(request: AppRequest) -> Response:
    body = await parse_body(request, FeatureRequest)
    post = await service.set_featured(
        request.state["clock"], signed_in_user(request), path_int(request, "post_id"), body.featured
    )
    return respond(PostOut.of(post, list(await post.variants.all())))


CONFLICTS = (401, 403, 404, 409, 422)
api_routes = [
    ApiRoute("/campaigns", list_campaigns, "GET", "api-campaigns-list", "List campaigns",
             response=CampaignOut, response_is_list=True),
    ApiRoute("/campaigns/{campaign_id:int}", get_campaign, "GET", "api-campaigns-get",
             "A campaign with its packs, posts and messages", response=CampaignOut,
             errors=(401, 403, 404)),
    ApiRoute("/campaigns", create_campaign, "POST", "api-campaigns-create",
             "Create a campaign and its first content pack", body=CampaignCreate,
             response=CampaignOut, status=201, refusals=("The campaign must end after it starts.",)),
    ApiRoute("/packs/{pack_id:int}/posts", create_post, "POST", "api-posts-create",
             "Add a post with suggested messages to a draft pack", body=PostCreate,
             response=PostOut, status=201, errors=CONFLICTS),
    ApiRoute("/posts/{post_id:int}/feature", feature_post, "POST", "api-posts-feature",
             "Feature a post at the top of the feed, or stop featuring it", body=FeatureRequest,
             response=PostOut, errors=(401, 403, 404, 422)),
    ApiRoute("/posts/{post_id:int}", edit_post, "PATCH", "api-posts-edit",
             "Change a post's title and link while its pack is a draft", body=PostEdit, response=PostOut,
             errors=CONFLICTS),
    ApiRoute("/posts/{post_id:int}", delete_post, "DELETE", "api-posts-delete",
             "Delete a post and its messages while its pack is a draft; the campaign after it",
             response=CampaignOut, errors=CONFLICTS),
    ApiRoute("/posts/{post_id:int}/messages", add_message, "POST", "api-messages-create",
             "Add a suggested message to a post while its pack is a draft (checked by compliance)",
             body=MessageCreate, response=VariantOut, status=201, errors=CONFLICTS),
    ApiRoute("/messages/{variant_id:int}", delete_message, "DELETE", "api-messages-delete",
             "Delete a suggested message while its pack is a draft (a post keeps one); the post after it",
             response=PostOut, errors=CONFLICTS),
    ApiRoute("/packs/{pack_id:int}/submit", submit_pack, "POST", "api-packs-submit",
             "Submit a draft pack for review", response=CampaignOut, errors=CONFLICTS),
    ApiRoute("/packs/{pack_id:int}/review", review_pack, "POST", "api-packs-review",
             "Approve a pack or request changes (a reviewer other than the author)",
             body=ReviewRequest, response=CampaignOut, errors=CONFLICTS),
    ApiRoute("/messages/{variant_id:int}/overrides", override_warning, "POST", "api-findings-override",
             "Override a compliance warning on a message of a pack in review, with a reason (reviewers; "
             "a block, above all a patient identifier's, is refused)", body=OverrideRequest,
             response=OverrideOut, status=201, errors=CONFLICTS),
    ApiRoute("/campaigns/{campaign_id:int}/launch", launch_campaign, "POST",
             "api-campaigns-launch", "Launch a campaign with an approved pack",
             response=CampaignOut, errors=CONFLICTS),
]
