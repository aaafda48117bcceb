"""JSON API routes for signing in and managing people."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from advocacy.api import ApiRoute, parse_body, respond
from advocacy.auth import client_address, signed_in_user
from advocacy.users import service
from advocacy.users.schemas import LoginRequest, TokenResponse, UserCreate, UserOut


async def login(request: Request) -> Response:
    body = await parse_body(request, LoginRequest)
    user = await service.sign_in(request.state.clock, request.state.settings, body.email, body.password,
                                 client_address(request))
    token = await service.issue_api_token(request.state.clock, user)
    return respond(TokenResponse(token=token))


async def me(request: Request) -> Response:
    return respond(UserOut.of(signed_in_user(request)))


async def create_user(request: Request) -> Response:
    body = await parse_body(request, UserCreate)
    user = await service.create_user(request.state.clock, **body.model_dump())
    return respond(UserOut.of(user), status=201)


api_routes = [
    ApiRoute("/auth/login", login, "POST", "api-login", "Exchange email and password for a token",
             body=LoginRequest, response=TokenResponse, errors=(401, 422, 429)),
    ApiRoute("/me", me, "GET", "api-me", "The signed-in person", response=UserOut),
    ApiRoute("/users", create_user, "POST", "api-users-create", "Create an account (admins)",
             body=UserCreate, response=UserOut, status=201, errors=(401, 403, 409, 422)),
]
