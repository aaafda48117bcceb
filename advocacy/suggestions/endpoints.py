"""JSON API routes of suggestions: an ambassador proposes a link; editors list, accept or decline."""

from __future__ import annotations

from starlette.responses import Response

from advocacy.api import ApiRoute, parse_body, path_int, respond
from advocacy.auth import signed_in_user
from advocacy.compliance.current import compliance_engine
from advocacy.state import AppRequest
from advocacy.suggestions import service
from advocacy.suggestions.schemas import SuggestionAccept, SuggestionCreate, SuggestionDecline, SuggestionOut
from campaigns.link_preview import LinkPreview, fetch_link_preview


async def link_preview(request: AppRequest, url: str) -> LinkPreview:
    """The suggested page's Open Graph preview, read by the studio's own safe fetch."""
    return await fetch_link_preview(request.state["networks"].http, url,
                                    allow_private=request.state["settings"].link_preview_private_addresses)


async def create_suggestion(request: AppRequest) -> Response:
    body = await parse_body(request, SuggestionCreate)
    settings = request.state["settings"]
    suggestion = await service.suggest(
        request.state["clock"], signed_in_user(request), url=body.url, note=body.note, message=body.message,
        per_day=settings.suggestions_per_day, allow_private=settings.link_preview_private_addresses,
    )
    return respond(SuggestionOut.of(suggestion), status=201)


async def my_suggestions(request: AppRequest) -> Response:
    return respond([SuggestionOut.of(s) for s in await service.suggestions_of(signed_in_user(request))])


async def list_suggestions(request: AppRequest) -> Response:
    return respond([SuggestionOut.of(s) for s in await service.open_suggestions()])


async def accept_suggestion(request: AppRequest) -> Response:
    body = await parse_body(request, SuggestionAccept)
    suggestion_id = path_int(request, "suggestion_id")
    found = await service.get_open_suggestion(suggestion_id)  # before the page is fetched
    preview = await link_preview(request, found.url)
    suggestion = await service.accept(
        request.state["clock"], signed_in_user(request), suggestion_id, pack_id=body.pack_id,
        title=body.title or preview.title, messages=body.messages,
        compliance=await compliance_engine(request), link_preview=preview.as_dict(),
    )
    return respond(SuggestionOut.of(suggestion))


async def decline_suggestion(request: AppRequest) -> Response:
    body = await parse_body(request, SuggestionDecline)
    suggestion = await service.decline(request.state["clock"], signed_in_user(request),
                                       path_int(request, "suggestion_id"), note=body.note)
    return respond(SuggestionOut.of(suggestion))


DECISION_ERRORS = (401, 403, 404, 409, 422)
api_routes = [
    ApiRoute("/suggestions", create_suggestion, "POST", "api-suggestions-create",
             "Suggest a link for colleagues to share, with an optional note and message (ambassadors "
             "of the programme; a few a day)", body=SuggestionCreate, response=SuggestionOut, status=201,
             errors=(401, 403, 409, 422, 429),
             refusals=("The suggestion was not sent: The link is not a valid web address",
                       "The suggestion was not sent: The link points inside a private network")),
    ApiRoute("/me/suggestions", my_suggestions, "GET", "api-my-suggestions",
             "The person's own suggestions, newest first, with what became of each (the latest 50)",
             response=SuggestionOut, response_is_list=True, errors=(401, 403)),
    ApiRoute("/suggestions", list_suggestions, "GET", "api-suggestions-list",
             "The editors' inbox: suggestions waiting for a decision, oldest first",
             response=SuggestionOut, response_is_list=True, errors=(401, 403)),
    ApiRoute("/suggestions/{suggestion_id:int}/accept", accept_suggestion, "POST", "api-suggestions-accept",
             "Make a post of a suggested link in a draft pack (prefilled from the page's Open Graph "
             "preview, reviewed with its pack); the ambassador is told", body=SuggestionAccept,
             response=SuggestionOut, errors=DECISION_ERRORS),
    ApiRoute("/suggestions/{suggestion_id:int}/decline", decline_suggestion, "POST",
             "api-suggestions-decline",
             "Decline a suggestion with a note; the ambassador is told", body=SuggestionDecline,
             response=SuggestionOut, errors=DECISION_ERRORS),
]
