"""JSON API routes of a person's own connected accounts: list them, disconnect one."""

from __future__ import annotations

from starlette.responses import Response

from advocacy.accounts import service
from advocacy.accounts.schemas import AccountNoticeOut, AccountsOut, ConnectedAccountOut
from advocacy.api import ApiRoute, path_int, respond
from advocacy.auth import signed_in_user
from advocacy.state import AppRequest


async def list_accounts(request: AppRequest) -> Response:
    user = signed_in_user(request)
    return respond(AccountsOut(
        accounts=[ConnectedAccountOut.of(a) for a in await service.accounts_of(user)],
        notices=[AccountNoticeOut.of(n) for n in await service.open_notices(user)],
    ))


async def disconnect_account(request: AppRequest) -> Response:
    account = await service.disconnect_own(
        request.state["clock"], request.state["networks"], signed_in_user(request),
        path_int(request, "account_id"),
    )
    return respond(ConnectedAccountOut.of(account))


api_routes = [
    ApiRoute("/accounts", list_accounts, "GET", "api-accounts-list",
             "My connected accounts, their status and token expiry, and notices about them",
             response=AccountsOut),
    ApiRoute("/accounts/{account_id:int}/disconnect", disconnect_account, "POST", "api-accounts-disconnect",
             "Disconnect one of my accounts: its tokens are revoked where the platform allows and "
             "deleted here; its waiting shares are paused", response=ConnectedAccountOut,
             errors=(401, 403, 404, 409)),
]
