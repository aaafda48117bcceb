"""HTML pages of an ambassador's connected accounts: list, connect, reconnect, disconnect."""

from __future__ import annotations

from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from advocacy.accounts import service
from advocacy.accounts.models import NETWORK_LABELS
from advocacy.accounts.oauth import AccountConnector, is_configured
from advocacy.api import MAX_ID, path_int
from advocacy.auth import signed_in_user
from advocacy.counting import counted
from advocacy.errors import DomainError
from advocacy.forms import whole_number
from advocacy.state import AppRequest
from advocacy.templating import flash, render


async def accounts_page(
    request: AppRequest, *, status: int = 200, error: str | None = None, confirm: int | None = None
) -> Response:
    user = signed_in_user(request)
    settings = request.state["settings"]
    return render(
        request, "accounts.html", status=status, error=error,
        accounts=await service.accounts_of(user),
        notices=await service.open_notices(user),
        confirm=confirm,
        networks=[(network, label, is_configured(settings, network))
                  for network, label in sorted(NETWORK_LABELS.items(), key=lambda item: item[1])],
        simulated=settings.network_mode != "live",
    )


async def accounts(request: AppRequest) -> Response:
    # ?disconnect=<id> asks for confirmation before the account is disconnected.
    confirm = request.query_params.get("disconnect", "")
    wanted = whole_number(confirm, least=1, most=MAX_ID)
    return await accounts_page(request, confirm=wanted)


def _connector(request: AppRequest) -> AccountConnector:
    connector = request.state["account_connector"]
    return connector


async def connect(request: AppRequest) -> Response:
    user = signed_in_user(request)
    network = request.path_params["network"]
    try:
        target = await _connector(request).start(user, network, request.session)
    except DomainError as error:
        return await accounts_page(request, status=error.status_code, error=error.message)
    if target == "/accounts":  # sandbox: connected on the spot
        flash(request, f"Your simulated {NETWORK_LABELS[network]} account is connected.")
    return RedirectResponse(target, status_code=303)


async def callback(request: AppRequest) -> Response:
    user = signed_in_user(request)
    network = request.path_params["network"]
    params = {k: request.query_params.get(k, "")[:2000] for k in ("state", "code", "error")}
    try:
        result = await _connector(request).finish(user, network, params, request.session)
    except DomainError as error:
        return await accounts_page(request, status=error.status_code, error=error.message)
    label = NETWORK_LABELS[network]
    message = f"Your {label} account {result.account.handle} is connected."
    if result.reconnected:
        message = f"Your {label} account {result.account.handle} is reconnected."
        if result.resumed_shares:
            back = len(result.resumed_shares)
            message += f" {counted(back, 'paused share')} {'is' if back == 1 else 'are'} back in the queue."
    flash(request, message)
    return RedirectResponse("/accounts", status_code=303)


async def disconnect(request: AppRequest) -> Response:
    user = signed_in_user(request)
    try:
        account = await service.disconnect_own(
            request.state["clock"], request.state["networks"], user, path_int(request, "account_id")
        )
    except DomainError as error:
        return await accounts_page(request, status=error.status_code, error=error.message)
    flash(request, f"Your {NETWORK_LABELS.get(account.network, account.network)} account {account.handle} "
                   "is disconnected; nothing more will be posted through it.")
    return RedirectResponse("/accounts", status_code=303)


async def dismiss(request: AppRequest) -> Response:
    user = signed_in_user(request)
    try:
        await service.dismiss_notice(request.state["clock"], user, path_int(request, "notice_id"))
    except DomainError as error:
        return await accounts_page(request, status=error.status_code, error=error.message)
    return RedirectResponse("/accounts", status_code=303)


routes = [
    Route("/accounts", accounts, methods=["GET"], name="accounts"),
    Route("/accounts/connect/{network}", connect, methods=["POST"], name="accounts-connect"),
    Route("/accounts/callback/{network}", callback, methods=["GET"], name="accounts-callback"),
    Route("/accounts/{account_id:int}/disconnect", disconnect, methods=["POST"], name="accounts-disconnect"),
    Route("/accounts/notices/{notice_id:int}/dismiss", dismiss, methods=["POST"],
          name="accounts-notice-dismiss"),
]
