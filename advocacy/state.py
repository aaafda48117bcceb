"""The lifespan state every request carries, typed: what `request.state[...]` holds."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, NotRequired, TypeAlias, TypedDict, cast

from starlette.requests import Request

if TYPE_CHECKING:
    # Type-only: the objects come from every layer, the composition (advocacy.app) builds them;
    # the import contract ignores these imports (`exclude_type_checking_imports`).
    from advocacy.accounts.networks import NetworkRegistry
    from advocacy.accounts.oauth import AccountConnector
    from advocacy.clock import Clock
    from advocacy.compliance.current import CurrentPolicy
    from advocacy.links.service import ClickBuffer, DailySalts, LinkMaker, LinkResolver
    from advocacy.settings import Settings
    from advocacy.shares.schemas import ShareResults
    from advocacy.users.models import User
    from campaigns.brand import BrandPublisher
    from dashboards.web.cache import FigureCache


class AppState(TypedDict):
    """Yielded by the lifespan in `advocacy.app.create_app`; one per process."""

    settings: Settings
    clock: Clock
    networks: NetworkRegistry
    account_connector: AccountConnector
    brand_publisher: BrandPublisher
    links: LinkMaker
    link_resolver: LinkResolver
    click_buffer: ClickBuffer
    visitor_salts: DailySalts
    figure_cache: FigureCache
    # The OpenID Connect client (authlib's, untyped), None when single sign-on is off.
    oidc: Any | None
    compliance: CurrentPolicy
    share_results: ShareResults
    # Per request: set by the access guard (`advocacy.auth.guard`), None for nobody signed in.
    user: NotRequired[User | None]
    # Per request: what the endpoint prepared and the row the guard read it in with the person
    # (`advocacy.auth.reads_alongside`).
    alongside: NotRequired[tuple[Any, Mapping[str, Any]] | None]


# What our endpoints and helpers take. `Request` is invariant in its state type, so one alias
# everywhere keeps every lookup checked.
AppRequest: TypeAlias = Request[AppState]


def app_request(request: Request) -> AppRequest:
    """The same request, typed with our state: for Starlette's own callbacks (exception
    handlers), whose signature takes a plain `Request`."""
    return cast(AppRequest, request)
