"""HTML pages of suggestions: the feed's suggestion form, and the editors' inbox in the studio where a
suggestion becomes a post of a draft pack or is declined with a note."""

from __future__ import annotations

from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from advocacy.api import path_int
from advocacy.auth import signed_in_user
from advocacy.compliance.current import compliance_engine
from advocacy.errors import DomainError
from advocacy.forms import form_id, form_text
from advocacy.shares.pages import feed_page
from advocacy.state import AppRequest
from advocacy.suggestions import service
from advocacy.suggestions.endpoints import link_preview
from advocacy.suggestions.models import SuggestionStatus
from advocacy.templating import flash, render
from campaigns.link_preview import LinkPreview
from campaigns.models import ContentPack
from campaigns.pages import PostForm
from campaigns.text_limits import length_problem


async def suggest(request: AppRequest) -> Response:
    """The feed's form: the suggestion goes to the editors, or the feed comes back with the error."""
    form = await request.form()
    typed = {name: form_text(form, name) for name in ("url", "note", "message")}
    settings = request.state["settings"]
    try:
        await service.suggest(
            request.state["clock"], signed_in_user(request), **typed,
            per_day=settings.suggestions_per_day, allow_private=settings.link_preview_private_addresses,
        )
    except DomainError as error:
        return await feed_page(request, status=error.status_code, suggestion=typed,
                               suggestion_error=error.message)
    flash(request, "Thank you: your suggestion is with the communications team. You will hear what they "
                   "make of it under Notifications.")
    return RedirectResponse("/feed", status_code=303)


async def my_suggestions(request: AppRequest) -> Response:
    return render(request, "my_suggestions.html",
                  suggestions=await service.suggestions_of(signed_in_user(request)),
                  is_published=service.is_published)


async def inbox(request: AppRequest) -> Response:
    return render(request, "suggestions.html", waiting=await service.open_suggestions(),
                  decided=await service.decided_suggestions())


async def suggestion_page(
    request: AppRequest, suggestion_id: int, *, status: int = 200, error: tuple[str, str] | None = None,
    post_form: tuple[str, PostForm] | None = None, decline_note: str = "",
) -> Response:
    """One suggestion: its words, the page's preview, and the forms to make a post of it or decline it.
    `error` is (which form, message); `post_form` the pack chosen and the post as typed."""
    suggestion = await service.get_suggestion(suggestion_id)
    preview = LinkPreview()
    packs = []
    if suggestion.status == SuggestionStatus.OPEN:
        preview = await link_preview(request, suggestion.url)
        packs = await service.draft_packs()
    # Prefilled from the page's preview and the ambassador's words (for X only when they fit).
    pack_id, form = post_form or (str(packs[0].id) if packs else "", PostForm(
        title=preview.title, url=suggestion.url, linkedin=suggestion.message,
        x=suggestion.message if length_problem("x", suggestion.message) is None else ""))
    return render(request, "suggestion.html", status=status, suggestion=suggestion, preview=preview,
                  packs=packs, pack_id=pack_id, form=form, decline_note=decline_note,
                  error_at=error[0] if error else None, error=error[1] if error else None)


async def suggestion(request: AppRequest) -> Response:
    return await suggestion_page(request, path_int(request, "suggestion_id"))


async def accept(request: AppRequest) -> Response:
    user = signed_in_user(request)
    suggestion_id = path_int(request, "suggestion_id")
    form = await request.form()
    values = PostForm.of(form)
    try:
        found = await service.get_open_suggestion(suggestion_id)
        pack_id = form_id(form, "pack_id", "content pack")
        preview = await link_preview(request, found.url)
        accepted = await service.accept(
            request.state["clock"], user, suggestion_id, pack_id=pack_id, title=values.title,
            messages=values.messages(), compliance=await compliance_engine(request),
            link_preview=preview.as_dict(),
        )
    except DomainError as error:
        return await suggestion_page(request, suggestion_id, status=error.status_code,
                                     error=("accept", error.message),
                                     post_form=(form_text(form, "pack_id"), values))
    assert accepted.post is not None
    flash(request, f"“{accepted.post.title}” is a post of the pack now; {accepted.user.name} was told. "
                   "Submit the pack for review when it is ready.")
    pack = await ContentPack.get(id=accepted.post.pack_id)
    return RedirectResponse(f"/studio/campaigns/{pack.campaign_id}#pack-{pack.id}", status_code=303)


async def decline(request: AppRequest) -> Response:
    user = signed_in_user(request)
    suggestion_id = path_int(request, "suggestion_id")
    note = form_text(await request.form(), "note")
    try:
        declined = await service.decline(request.state["clock"], user, suggestion_id, note=note)
    except DomainError as error:
        return await suggestion_page(request, suggestion_id, status=error.status_code,
                                     error=("decline", error.message), decline_note=note)
    flash(request, f"The suggestion is declined; {declined.user.name} was told, with your note.")
    return RedirectResponse("/studio/suggestions", status_code=303)


routes = [
    Route("/feed/suggestions", suggest, methods=["POST"], name="feed-suggest"),
    Route("/me/suggestions", my_suggestions, methods=["GET"], name="my-suggestions"),
    Route("/studio/suggestions", inbox, methods=["GET"], name="studio-suggestions"),
    Route("/studio/suggestions/{suggestion_id:int}", suggestion, methods=["GET"], name="studio-suggestion"),
    Route("/studio/suggestions/{suggestion_id:int}/accept", accept, methods=["POST"],
          name="studio-suggestion-accept"),
    Route("/studio/suggestions/{suggestion_id:int}/decline", decline, methods=["POST"],
          name="studio-suggestion-decline"),
]
