"""JSON API routes for signing in and managing people."""

from __future__ import annotations

from starlette.responses import Response

from advocacy.api import ApiRoute, parse_body, path_int, respond
from advocacy.auth import signed_in_user
from advocacy.clients import client_address
from advocacy.state import AppRequest
from advocacy.users import service
from advocacy.users.schemas import (
    LoginRequest,
    TokenCreate,
    TokenCreated,
    TokenOut,
    TokenResponse,
    UserCreate,
    UserOut,
)


async def login(request: AppRequest) -> Response:
    body = await parse_body(request, LoginRequest)
    user = await service.sign_in(request.state["clock"], request.state["settings"], body.email, body.password,
                                 client_address(request))
    token = await service.issue_api_token(request.state["clock"], user)
    return respond(TokenResponse(token=token))


async def me(request: AppRequest) -> Response:
    return respond(UserOut.of(signed_in_user(request)))


async def create_user(request: AppRequest) -> Response:
    body = await parse_body(request, UserCreate)
    user = await service.create_user(request.state["clock"], **body.model_dump(),
                                     actor=signed_in_user(request))
    return respond(UserOut.of(user), status=201)


async def list_tokens(request: AppRequest) -> Response:
    return respond([TokenOut.of(token) for token in await service.tokens_of(signed_in_user(request))])


async def create_token(request: AppRequest) -> Response:
    body = await parse_body(request, TokenCreate)
    record, token = await service.create_personal_token(request.state["clock"], signed_in_user(request),
                                                        body.name)
    return respond(TokenCreated(**TokenOut.of(record).model_dump(), token=token), status=201)


async def revoke_token(request: AppRequest) -> Response:
    record = await service.revoke_token(request.state["clock"], signed_in_user(request),
                                        path_int(request, "token_id"))
    return respond(TokenOut.of(record))


api_routes = [
    ApiRoute("/auth/login", login, "POST", "api-login", "Exchange email and password for a token",
             body=LoginRequest, response=TokenResponse, errors=(401, 422, 429)),
    ApiRoute("/me", me, "GET", "api-me", "The signed-in person", response=UserOut),
    ApiRoute("/users", create_user, "POST", "api-users-create", "Create an account (admins)",
             body=UserCreate, response=UserOut, status=201, errors=(401, 403, 409, 422),
             refusals=("Choose a harder password.",)),
    ApiRoute("/me/tokens", list_tokens, "GET", "api-tokens-list", "My active personal API tokens",
             response=TokenOut, response_is_list=True),
    ApiRoute("/me/tokens", create_token, "POST", "api-tokens-create",
             "Create a personal API token (its value is shown only in this answer)",
             body=TokenCreate, response=TokenCreated, status=201),
    ApiRoute("/me/tokens/{token_id:int}/revoke", revoke_token, "POST", "api-tokens-revoke",
             "Revoke one of my personal API tokens", response=TokenOut, errors=(401, 403, 404, 422)),
]
