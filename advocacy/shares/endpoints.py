"""JSON API routes of the ambassador: the feed, sharing and cancelling."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from advocacy.accounts.models import SocialAccount
from advocacy.api import ApiRoute, parse_body, path_int, respond
from advocacy.auth import signed_in_user
from advocacy.compliance import engine_for
from advocacy.shares import service
from advocacy.shares.models import ACTIVE_STATUSES, Share
from advocacy.shares.schemas import (
    AccountOut,
    FeedOut,
    FeedPost,
    ShareCreate,
    ShareOut,
    ShareRetry,
    ShareRetryOut,
)
from advocacy.users.models import User
from campaigns.schemas import VariantOut
from campaigns.service import shareable_posts


async def build_feed(request: Request, user: User) -> FeedOut:
    """The posts the person may share, with their accounts and where they already shared."""
    accounts = await SocialAccount.filter(user_id=user.id).order_by("network")
    posts = await shareable_posts(request.state.clock)
    shared = await Share.filter(user_id=user.id, status__in=ACTIVE_STATUSES).values_list(
        "post_id", "network"
    )
    done: dict[int, list[str]] = {}
    for post_id, network in shared:
        done.setdefault(post_id, []).append(network)
    return FeedOut(
        accounts=[
            AccountOut(id=a.id, network=a.network.value, handle=a.handle,
                       followers=a.followers, status=a.status)
            for a in accounts
        ],
        posts=[
            FeedPost(
                id=post.id,
                campaign=post.pack.campaign.name,
                title=post.title,
                url=post.url,
                variants=[VariantOut.of(v) for v in post.variants],
                my_share_networks=sorted(done.get(post.id, [])),
            )
            for post in posts
        ],
    )


async def feed(request: Request) -> Response:
    return respond(await build_feed(request, signed_in_user(request)))


async def list_shares(request: Request) -> Response:
    return respond([ShareOut.of(s) for s in await service.shares_of(signed_in_user(request))])


async def create_share(request: Request) -> Response:
    body = await parse_body(request, ShareCreate)
    share = await service.create_share(
        request.state.clock, signed_in_user(request), **body.model_dump(),
        compliance=engine_for(request.state.settings), links=request.state.links,
    )
    return respond(ShareOut.of(share), status=201)


async def cancel_share(request: Request) -> Response:
    share = await service.cancel_share(
        request.state.clock, signed_in_user(request), path_int(request, "share_id")
    )
    return respond(ShareOut.of(share))


async def retry_shares(request: Request) -> Response:
    body = await parse_body(request, ShareRetry)
    outcome = await service.retry_shares(
        request.state.clock, signed_in_user(request),
        share_ids=body.share_ids, account_id=body.account_id,
    )
    return respond(ShareRetryOut(retried=outcome.retried, skipped=outcome.skipped))


api_routes = [
    ApiRoute("/feed", feed, "GET", "api-feed", "Posts I may share, with my accounts",
             response=FeedOut),
    ApiRoute("/shares", list_shares, "GET", "api-shares-list", "My shares and their status",
             response=ShareOut, response_is_list=True),
    ApiRoute("/shares", create_share, "POST", "api-shares-create",
             "Share a post now or at a time", body=ShareCreate, response=ShareOut, status=201,
             errors=(401, 403, 404, 409, 422)),
    ApiRoute("/shares/{share_id:int}/cancel", cancel_share, "POST", "api-shares-cancel",
             "Cancel one of my queued shares", response=ShareOut, errors=(401, 403, 404, 409)),
    ApiRoute("/shares/retry", retry_shares, "POST", "api-shares-retry",
             "Retry failed or unconfirmed shares (mine; editors and admins: anyone's)",
             body=ShareRetry, response=ShareRetryOut, errors=(401, 403, 422)),
]
