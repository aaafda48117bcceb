"""JSON API routes of the ambassador: the feed, sharing (now, at a time, auto-queue), moving and
cancelling, and sharing preferences."""

from __future__ import annotations

from dataclasses import asdict

from starlette.responses import Response

from advocacy.api import ApiRoute, parse_body, path_int, respond
from advocacy.auth import read_alongside, reads_alongside, signed_in_user
from advocacy.compliance.current import compliance_engine
from advocacy.shares import feed as feeds
from advocacy.shares import preferences, service
from advocacy.shares.schemas import (
    FeedCounts,
    FeedOut,
    ShareCreate,
    ShareMove,
    ShareOut,
    ShareRetry,
    ShareRetryOut,
    SharingPreferencesIn,
    SharingPreferencesOut,
    StatusOut,
)
from advocacy.shares.status import network_status
from advocacy.state import AppRequest
from advocacy.users.models import User


async def personal_feed(
    request: AppRequest, user: User, *, count_notices: bool = False
) -> feeds.PersonalFeed:
    """The posts the person may share, with their accounts, colleagues' counts and own shares:
    from the guard's row when the route read them with the person (`prepare_feed`)."""
    found = read_alongside(request)
    if found is not None and isinstance(found[0], feeds.FeedRead):
        return found[0].feed(user, found[1])
    settings = request.state["settings"]
    return await feeds.personal_feed(request.state["clock"], user,
                                     show_names=settings.feed_show_colleague_names,
                                     cache_seconds=settings.feed_cache_seconds, count_notices=count_notices)


async def prepare_feed(request: AppRequest, *, count_notices: bool = False) -> feeds.FeedRead:
    """The feed a route's guard reads with the person (`reads_alongside`): one round trip for
    the person and their feed."""
    settings = request.state["settings"]
    return await feeds.prepare(request.state["clock"], show_names=settings.feed_show_colleague_names,
                               cache_seconds=settings.feed_cache_seconds, count_notices=count_notices)


def sharing_policy(request: AppRequest) -> service.SharingPolicy:
    return service.SharingPolicy.from_settings(request.state["settings"])


@reads_alongside(prepare_feed)
async def feed(request: AppRequest) -> Response:
    body = (await personal_feed(request, signed_in_user(request))).json()
    return Response(body, media_type="application/json")


async def feed_counts(request: AppRequest) -> Response:
    user = signed_in_user(request)
    posts = await feeds.posts_for(request.state["clock"], user,
                                  cache_seconds=request.state["settings"].feed_cache_seconds)
    counts = await feeds.colleague_counts(
        user, [post.id for post in posts], with_names=request.state["settings"].feed_show_colleague_names
    )
    return respond(FeedCounts(posts=counts))


async def list_shares(request: AppRequest) -> Response:
    return respond([ShareOut.of(s) for s in await service.shares_of(signed_in_user(request))])


async def create_share(request: AppRequest) -> Response:
    body = await parse_body(request, ShareCreate)
    values = body.model_dump(exclude={"confirm_similar"})
    share = await service.create_share(
        request.state["clock"], signed_in_user(request), **values,
        compliance=await compliance_engine(request), links=request.state["links"],
        policy=sharing_policy(request), nudge_similar=not body.confirm_similar,
    )
    return respond(ShareOut.of(share), status=201)


async def move_share(request: AppRequest) -> Response:
    body = await parse_body(request, ShareMove)
    share = await service.move_share(
        request.state["clock"], signed_in_user(request), path_int(request, "share_id"),
        to=body.scheduled_at, auto=body.auto, policy=sharing_policy(request),
    )
    return respond(ShareOut.of(share))


async def cancel_share(request: AppRequest) -> Response:
    share = await service.cancel_share(
        request.state["clock"], signed_in_user(request), path_int(request, "share_id")
    )
    return respond(ShareOut.of(share))


async def retry_shares(request: AppRequest) -> Response:
    body = await parse_body(request, ShareRetry)
    outcome = await service.retry_shares(
        request.state["clock"], signed_in_user(request),
        share_ids=body.share_ids, account_id=body.account_id,
    )
    return respond(ShareRetryOut(retried=outcome.retried, skipped=outcome.skipped))


async def get_preferences(request: AppRequest) -> Response:
    user = signed_in_user(request)
    view = preferences.view_of(user, await preferences.sharing_hours(user))
    return respond(SharingPreferencesOut(**asdict(view)))


async def set_preferences(request: AppRequest) -> Response:
    body = await parse_body(request, SharingPreferencesIn)
    view = await preferences.save_preferences(
        request.state["clock"], signed_in_user(request), start=body.start, end=body.end,
        days=body.days, daily_cap=body.daily_cap, timezone=body.timezone,
    )
    return respond(SharingPreferencesOut(**asdict(view)))


SHARE_ERRORS = (401, 403, 404, 409, 422)
async def status(request: AppRequest) -> Response:
    now = request.state["clock"].now()
    return respond(StatusOut.of(now, await network_status(now)))


api_routes = [
    ApiRoute("/status", status, "GET", "api-status",
             "Each network's parking (reason, next probe, end), token health and waiting shares (admins)",
             response=StatusOut, errors=(401, 403)),
    ApiRoute("/feed", feed, "GET", "api-feed",
             "Posts I may share (featured first), colleagues' counts, my accounts and my shares",
             response=FeedOut),
    ApiRoute("/feed/counts", feed_counts, "GET", "api-feed-counts",
             "How many colleagues shared or scheduled each post in my feed", response=FeedCounts),
    ApiRoute("/shares", list_shares, "GET", "api-shares-list", "My shares and their status",
             response=ShareOut, response_is_list=True),
    ApiRoute("/shares", create_share, "POST", "api-shares-create",
             "Share a post now, at a time, or auto-queued", body=ShareCreate, response=ShareOut,
             status=201, errors=SHARE_ERRORS),
    ApiRoute("/shares/{share_id:int}/move", move_share, "POST", "api-shares-move",
             "Move one of my queued shares to another time (or auto-queue it again)",
             body=ShareMove, response=ShareOut, errors=SHARE_ERRORS),
    ApiRoute("/shares/{share_id:int}/cancel", cancel_share, "POST", "api-shares-cancel",
             "Cancel one of my queued shares", response=ShareOut, errors=(401, 403, 404, 409)),
    ApiRoute("/shares/retry", retry_shares, "POST", "api-shares-retry",
             "Retry failed or unconfirmed shares (mine; editors and admins: anyone's)",
             body=ShareRetry, response=ShareRetryOut, errors=(401, 403, 422)),
    ApiRoute("/me/sharing-preferences", get_preferences, "GET", "api-preferences-get",
             "My sharing hours, days, daily cap and time zone", response=SharingPreferencesOut),
    ApiRoute("/me/sharing-preferences", set_preferences, "PUT", "api-preferences-set",
             "Set my sharing hours, days, daily cap and time zone", body=SharingPreferencesIn,
             response=SharingPreferencesOut, refusals=("Your sharing hours must start before they end.",)),
]
