"""Builds the Starlette application: routes, access rules, sessions, errors and the lifespan."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from starlette.applications import Starlette
from starlette.convertors import IntegerConvertor, register_url_convertor
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.middleware.trustedhost import TrustedHostMiddleware
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Match, Mount, Route
from starlette.staticfiles import StaticFiles
from tortoise.contrib.starlette import RegisterTortoise

from advocacy import api, installable
from advocacy.accounts import endpoints as account_endpoints
from advocacy.accounts import pages as account_pages
from advocacy.accounts.networks import NetworkRegistry
from advocacy.accounts.oauth import AccountConnector
from advocacy.api import MAX_ID
from advocacy.audit import endpoints as audit_endpoints
from advocacy.audit import pages as audit_pages
from advocacy.auth import PageSessionMiddleware, guard, is_api
from advocacy.body_limit import BodyLimitMiddleware
from advocacy.bundles import plotly_js, plotly_src, warm
from advocacy.clients import proxy_layer
from advocacy.clock import Clock, SystemClock
from advocacy.compliance import endpoints as compliance_endpoints
from advocacy.compliance import pages as compliance_pages
from advocacy.compliance.current import CurrentPolicy
from advocacy.db import tortoise_config
from advocacy.errors import DomainError
from advocacy.headers import SecurityHeadersMiddleware, origin_of, security_headers
from advocacy.links import pages as link_pages
from advocacy.links.pages import ShortLinkFastPath
from advocacy.links.service import ClickBuffer, ClickFlusher, DailySalts, LinkMaker, LinkResolver
from advocacy.notify import endpoints as notify_endpoints
from advocacy.notify import pages as notify_pages
from advocacy.people import pages as people_pages
from advocacy.programme import endpoints as programme_endpoints
from advocacy.programme import pages as programme_pages
from advocacy.programme.invitations import MAX_IMPORT_BYTES
from advocacy.settings import DEFAULT_TOKEN_KEY, Settings
from advocacy.shares import endpoints as share_endpoints
from advocacy.shares import metrics as share_metrics
from advocacy.shares import one_tap_pages, slack_actions
from advocacy.shares import pages as share_pages
from advocacy.state import AppRequest, AppState, app_request
from advocacy.suggestions import endpoints as suggestion_endpoints
from advocacy.suggestions import pages as suggestion_pages
from advocacy.templating import render
from advocacy.users import endpoints as user_endpoints
from advocacy.users import oidc
from advocacy.users import pages as user_pages
from campaigns import endpoints as campaign_endpoints
from campaigns import pages as campaign_pages
from campaigns import post_images
from campaigns.brand import BrandPublisher
from campaigns.newsroom import pages as newsroom_pages
from dashboards.reporting.ambassador import share_results
from dashboards.web import cost_pages as dashboard_cost_pages
from dashboards.web import endpoints as dashboard_endpoints
from dashboards.web import pages as dashboard_pages
from dashboards.web.cache import FigureCache

log = logging.getLogger(__name__)
# The form fields and part headers around an uploaded file.
MULTIPART_ALLOWANCE = 100_000
API_ROUTES = [
    *user_endpoints.api_routes,
    *audit_endpoints.api_routes,
    *share_endpoints.api_routes,
    *account_endpoints.api_routes,
    *compliance_endpoints.api_routes,
    *campaign_endpoints.api_routes,
    *dashboard_endpoints.api_routes,
    *programme_endpoints.api_routes,
    *notify_endpoints.api_routes,
    *suggestion_endpoints.api_routes,
]
PAGE_ROUTES = [
    *user_pages.routes,
    *oidc.routes,
    *audit_pages.routes,
    *compliance_pages.routes,
    *share_pages.routes,
    *one_tap_pages.routes,
    *slack_actions.routes,
    *share_metrics.routes,
    *account_pages.routes,
    *campaign_pages.routes,
    *post_images.routes,
    *newsroom_pages.routes,
    *dashboard_cost_pages.routes,
    *dashboard_pages.routes,
    *programme_pages.routes,
    *notify_pages.routes,
    *people_pages.routes,
    *suggestion_pages.routes,
]


# Tried before every other route, the hottest addresses. Starlette tries the routes in order, one
# regular expression each (about half a microsecond): the short-link redirect is what anyone on the
# internet follows, and the feed, the page and the API, is what every ambassador opens first and
# most (in the order of its modules the API's feed was the 15th route and the page the 87th). Only
# addresses that no other route matches may be here (a test holds it), so the order decides
# nothing else.
FIRST_ROUTES = frozenset({"link-redirect", "api-feed", "feed"})


def at_most(limit: int) -> str:
    """A regular expression matching the decimal numbers from 0 to `limit`, and no others."""
    digits = str(limit)
    shorter = [f"[0-9]{{1,{len(digits) - 1}}}"] if len(digits) > 1 else []
    same_length = [
        f"{digits[:i]}[0-{int(digit) - 1}][0-9]{{{len(digits) - i - 1}}}"
        for i, digit in enumerate(digits) if digit != "0"
    ]
    return "|".join([*shorter, *same_length, digits])


class IdConvertor(IntegerConvertor):
    # Ids are 32-bit columns: a larger number (or Starlette's any run of digits, whose int() of more
    # than 4,300 digits raises) is an address that matches nothing, a 404, for every route at once.
    regex = f"(?:{at_most(MAX_ID)})"


# `build_routes` compiles every route again, so the guarded routes all use this converter.
register_url_convertor("int", IdConvertor())


async def healthz(request: AppRequest) -> Response:
    return JSONResponse({"status": "ok"})


def build_routes(settings: Settings) -> list[BaseRoute]:
    document = api.openapi_document(API_ROUTES, f"{settings.organization_name} advocacy API", "1",
                                    {"currency": [settings.currency]})

    async def openapi(request: AppRequest) -> Response:
        return JSONResponse(document)

    routes: list[BaseRoute] = [
        Route("/healthz", healthz, name="healthz"),
        *installable.routes,
        *link_pages.routes,
        Route("/api/openapi.json", openapi, name="openapi"),
        *(api_route.route() for api_route in API_ROUTES),
        *PAGE_ROUTES,
    ]
    # A stable sort: every other route keeps its place.
    routes.sort(key=lambda route: getattr(route, "name", None) not in FIRST_ROUTES)
    guarded: list[BaseRoute] = []
    for route in routes:
        assert isinstance(route, Route)
        guarded.append(
            Route(route.path, guard(route.name, route.endpoint), methods=route.methods, name=route.name)
        )
    guarded.append(Route("/static/plotly.min.js", guard("static-plotly", plotly_js), name="static-plotly"))
    guarded.append(Route(plotly_src(), guard("static-plotly-bundle", plotly_js), name="static-plotly-bundle"))
    guarded.append(Mount("/static", app=StaticFiles(directory=installable.STATIC_DIR), name="static"))
    return guarded


def error_page(request: AppRequest, status: int, title: str, message: str) -> Response:
    if is_api(request):
        codes = {404: "not_found", 405: "method_not_allowed", 500: "internal_error"}
        return api.error_response(status, codes.get(status, "error"), message)
    return render(request, "error.html", status=status, title=title, message=message)


async def on_domain_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, DomainError)
    typed = app_request(request)
    response: Response
    if is_api(typed):
        response = api.domain_error_response(exc)
    else:
        response = error_page(typed, exc.status_code, "That did not work", exc.message)
    if isinstance(exc.details.get("retry_after"), int):
        response.headers["Retry-After"] = str(exc.details["retry_after"])
    return response


async def on_http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    titles = {404: "Page not found", 405: "Not allowed"}
    messages = {
        404: "There is nothing at this address. Use the menu to find your way.",
        405: "This address does not accept that kind of request.",
    }
    response = error_page(
        app_request(request), exc.status_code, titles.get(exc.status_code, "Error"),
        messages.get(exc.status_code, str(exc.detail)),
    )
    response.headers.update(exc.headers or {})
    if exc.status_code == 405:
        response.headers["Allow"] = ", ".join(allowed_methods(request))
    return response


def allowed_methods(request: Request) -> list[str]:
    """Every method some route takes at this address: a page's GET and POST are separate routes,
    and Starlette names only the first one's in its Allow."""
    methods: set[str] = set()
    for route in request.app.router.routes:
        if isinstance(route, Route) and route.matches(request.scope)[0] != Match.NONE:
            methods |= route.methods or set()
    return sorted(methods)


async def on_server_error(request: Request, exc: Exception) -> Response:
    log.exception("unhandled error on %s %s", request.method, request.url.path, exc_info=exc)
    typed = app_request(request)
    response = error_page(
        typed, 500, "Something went wrong on our side",
        "The error was logged. Try again in a moment; nothing you sent was half-applied.",
    )
    # Starlette answers this one from its outermost layer, outside every middleware of ours (and
    # the click redirect's fast path): the security headers are set here.
    for name, value in security_headers(**header_options(typed.state["settings"])).items():
        response.headers.setdefault(name, value)
    return response


def authorize_origins(settings: Settings) -> list[str]:
    """Where the accounts page's Connect buttons send people: the OAuth authorize pages."""
    found = (origin_of(url) for url in (settings.x_authorize_url, settings.linkedin_authorize_url))
    return sorted({origin for origin in found if origin})


def refuse_unsafe_secrets(settings: Settings) -> None:
    """Outside development, a default or missing secret stops the start, naming the setting."""
    if settings.env != "production":
        return
    if settings.secret_key.startswith("development-only") or len(settings.secret_key) < 32:
        raise RuntimeError("ADVOCACY_SECRET_KEY must be set to a long random value in production")
    if settings.token_key == DEFAULT_TOKEN_KEY:
        raise RuntimeError("ADVOCACY_TOKEN_KEY must be set to a new Fernet key in production")
    if settings.oidc_issuer and not settings.oidc_client_secret:
        raise RuntimeError("ADVOCACY_OIDC_CLIENT_SECRET must be set when ADVOCACY_OIDC_ISSUER is")
    if settings.smtp_username and not settings.smtp_password:
        raise RuntimeError("ADVOCACY_SMTP_PASSWORD must be set when ADVOCACY_SMTP_USERNAME is")


def header_options(settings: Settings) -> dict[str, Any]:
    """The options of the security headers (`SecurityHeadersMiddleware`), for the application's
    layer and the click redirect's fast path, which answers before it."""
    return {"hsts": settings.env == "production", "form_targets": authorize_origins(settings)}


def session_options(settings: Settings) -> dict[str, Any]:
    """The options of the session cookie (`PageSessionMiddleware`)."""
    return {
        "secret_key": settings.secret_key,
        "session_cookie": "advocacy_session",
        "same_site": "lax",
        "https_only": settings.env == "production",
        "max_age": settings.session_absolute_hours * 60 * 60,
    }


def create_app(
    settings: Settings, clock: Clock | None = None, *, with_worker: bool = False
) -> Starlette:
    """The web application. `with_worker` also runs the scheduler in this process."""
    clock = clock or SystemClock()
    refuse_unsafe_secrets(settings)

    oidc_client = oidc.build_client(settings)

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[AppState]:
        networks = NetworkRegistry(settings, clock)
        click_buffer = ClickBuffer(settings.link_clicks_per_visitor_day)
        # plotly.js compressed off the request path, ahead of the first dashboard (once per process).
        warming = asyncio.create_task(asyncio.to_thread(warm))
        async with RegisterTortoise(app, config=tortoise_config(settings.database_url)):
            flusher = ClickFlusher(click_buffer, settings.click_flush_seconds)
            flusher.start()
            scheduler = None
            if with_worker:
                from advocacy.scheduler import build_scheduler

                scheduler = build_scheduler(settings, clock, networks)
                scheduler.start()
            try:
                yield {
                    "settings": settings,
                    "clock": clock,
                    "networks": networks,
                    "account_connector": AccountConnector(settings, networks, clock),
                    "brand_publisher": BrandPublisher(networks, clock),
                    "links": LinkMaker.from_settings(settings),
                    "link_resolver": LinkResolver(),
                    "click_buffer": click_buffer,
                    "visitor_salts": DailySalts(),
                    "figure_cache": FigureCache(settings.dashboard_cache_seconds),
                    "oidc": oidc_client,
                    "compliance": CurrentPolicy(settings),
                    "share_results": share_results,
                }
            finally:
                if scheduler is not None:
                    await scheduler.stop(settings.worker_stop_grace_seconds)
                # Before the database closes: the clicks still in memory are written.
                await flusher.stop()
                await warming
                await networks.close()

    headers, session = header_options(settings), session_options(settings)
    return Starlette(
        routes=build_routes(settings),
        middleware=[
            *proxy_layer(settings),
            Middleware(BodyLimitMiddleware, default=settings.max_body_bytes,
                       by_path={"/programme/import": MAX_IMPORT_BYTES + MULTIPART_ALLOWANCE}),
            Middleware(ShortLinkFastPath, headers=security_headers(**headers)),
            Middleware(SecurityHeadersMiddleware, **headers),
            Middleware(TrustedHostMiddleware, allowed_hosts=settings.hosts, www_redirect=False),
            Middleware(PageSessionMiddleware, **session),
        ],
        exception_handlers={
            DomainError: on_domain_error,
            HTTPException: on_http_error,
            Exception: on_server_error,
        },
        lifespan=lifespan,
    )
