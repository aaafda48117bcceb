"""The newsroom page of the studio: subscribe and unsubscribe feeds, see each one's state and its items."""

from __future__ import annotations

from dataclasses import dataclass

from starlette.datastructures import FormData
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route
from tortoise.functions import Count

from advocacy.api import path_int
from advocacy.auth import signed_in_user
from advocacy.errors import DomainError
from advocacy.forms import form_text, optional_form_id
from advocacy.state import AppRequest
from advocacy.templating import flash, render
from campaigns.link_preview import fetch_link_preview
from campaigns.models import ContentPack, PackStatus
from campaigns.newsroom import service
from campaigns.newsroom.models import NewsroomFeed, NewsroomItem

RECENT_ITEMS = 50


@dataclass
class FeedForm:
    """The subscribe form as typed, kept when it comes back with an error."""

    url: str = ""
    pack_id: str = ""

    @classmethod
    def of(cls, form: FormData) -> FeedForm:
        return cls(url=form_text(form, "url"), pack_id=form_text(form, "pack_id"))


def chosen_pack(form: FormData) -> int | None:
    return optional_form_id(form, "pack_id", "content pack")


async def newsroom_page(
    request: AppRequest, *, status: int = 200, error: tuple[str, str] | None = None,
    form: FeedForm | None = None,
) -> Response:
    """The page; `error` is (where, message), where names the form it belongs to."""
    feeds = await NewsroomFeed.filter(active=True).select_related("pack__campaign").order_by("id")
    counted_items = await (NewsroomItem.filter(feed_id__in=[feed.id for feed in feeds]).group_by("feed_id")
                           .annotate(n=Count("id")).values_list("feed_id", "n"))
    imported = {int(feed_id): int(n) for feed_id, n in counted_items}
    items = await (NewsroomItem.filter(feed__active=True).select_related("feed", "post__pack")
                   .order_by("-found_at", "-id").limit(RECENT_ITEMS))
    drafts = await (ContentPack.filter(status=PackStatus.DRAFT).select_related("campaign")
                    .order_by("-campaign__starts_at", "id"))
    return render(
        request, "newsroom.html", status=status, feeds=feeds, imported=imported, items=items, drafts=drafts,
        error_at=error[0] if error else None, error=error[1] if error else None, form=form or FeedForm(),
        now=request.state["clock"].now(),
    )


async def newsroom(request: AppRequest) -> Response:
    return await newsroom_page(request)


async def subscribe(request: AppRequest) -> Response:
    form = await request.form()
    values = FeedForm.of(form)
    try:
        feed = await service.subscribe(
            request.state["clock"], signed_in_user(request), url=values.url, pack_id=chosen_pack(form),
            allow_private=request.state["settings"].link_preview_private_addresses)
    except DomainError as error:
        return await newsroom_page(request, status=error.status_code, error=("subscribe", error.message),
                                   form=values)
    flash(request, f"Subscribed to {feed.url}. The worker reads it shortly; its new items become draft "
                   "posts of the pack you chose.")
    return RedirectResponse("/studio/newsroom", status_code=303)


async def unsubscribe(request: AppRequest) -> Response:
    feed_id = path_int(request, "feed_id")
    try:
        feed = await service.unsubscribe(request.state["clock"], signed_in_user(request), feed_id)
    except DomainError as error:
        return await newsroom_page(request, status=error.status_code,
                                   error=(f"feed-{feed_id}", error.message))
    flash(request, f"Unsubscribed from {feed.url}. The posts it brought stay in their packs.")
    return RedirectResponse("/studio/newsroom", status_code=303)


async def file_item(request: AppRequest) -> Response:
    item_id = path_int(request, "item_id")
    form = await request.form()
    item = await NewsroomItem.get_or_none(id=item_id)
    try:
        preview = {}
        if item is not None and item.filed_at is None:
            preview = (await fetch_link_preview(
                request.state["networks"].http, item.link,
                allow_private=request.state["settings"].link_preview_private_addresses)).as_dict()
        post = await service.file_item(request.state["clock"], signed_in_user(request), item_id,
                                       chosen_pack(form), preview)
    except DomainError as error:
        return await newsroom_page(request, status=error.status_code,
                                   error=(f"item-{item_id}", error.message))
    flash(request, f"“{post.title}” is a draft post now.")
    return RedirectResponse("/studio/newsroom", status_code=303)


routes = [
    Route("/studio/newsroom", newsroom, methods=["GET"], name="studio-newsroom"),
    Route("/studio/newsroom/feeds", subscribe, methods=["POST"], name="studio-newsroom-subscribe"),
    Route("/studio/newsroom/feeds/{feed_id:int}/unsubscribe", unsubscribe, methods=["POST"],
          name="studio-newsroom-unsubscribe"),
    Route("/studio/newsroom/items/{item_id:int}/file", file_item, methods=["POST"],
          name="studio-newsroom-file"),
]
