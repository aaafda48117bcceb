"""The application shell: health, OpenAPI document, error shapes and pages for strangers."""

from __future__ import annotations

import re

import httpx
from asgi_lifespan import LifespanManager
from starlette.routing import Match, Route

from advocacy.app import FIRST_ROUTES, create_app
from advocacy.clock import SimulatedClock
from advocacy.settings import Settings


async def test_healthz_answers_ok(client: httpx.AsyncClient) -> None:
    response = await client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


async def test_openapi_document_lists_every_api_route(client: httpx.AsyncClient) -> None:
    from advocacy.app import API_ROUTES

    document = (await client.get("/api/openapi.json")).json()
    assert document["openapi"].startswith("3.")
    operations = {op["operationId"] for path in document["paths"].values() for op in path.values()}
    assert operations == {route.name for route in API_ROUTES}


async def test_unknown_api_path_gets_json_404(client: httpx.AsyncClient) -> None:
    response = await client.get("/api/v1/nothing-here")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


async def test_unknown_page_gets_html_404_with_a_way_back(client: httpx.AsyncClient) -> None:
    response = await client.get("/nothing-here")
    assert response.status_code == 404
    assert "Page not found" in response.text
    assert 'href="/"' in response.text


async def test_page_for_signed_in_people_redirects_strangers_to_login(
    client: httpx.AsyncClient,
) -> None:
    response = await client.get("/")
    assert response.status_code == 303
    assert response.headers["location"] == "/login?next=/"


def test_no_template_carries_inline_script_code() -> None:
    """The content security policy allows scripts from our own files only: inline code would be
    blocked in the browser, so it must never be written."""
    import re
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent
    offenders = []
    for template in root.glob("*/templates/**/*.html"):
        for tag in re.findall(r"<script\b[^>]*>", template.read_text()):
            if "src=" not in tag and "application/json" not in tag:
                offenders.append(f"{template.relative_to(root)}: {tag}")
    assert offenders == []


async def test_a_forged_host_is_refused_and_never_reflected_into_a_redirect(
    client: httpx.AsyncClient
) -> None:
    for path in ("/login/", "/login", "/api/v1/me"):
        response = await client.get(path, headers={"host": "evil.example"})
        assert response.status_code == 400, path
        assert "location" not in response.headers and "evil.example" not in response.text
    # The service's own names still work, the trailing-slash redirect included.
    assert (await client.get("/login/")).headers["location"] == "http://testserver/login"
    assert (await client.get("/login", headers={"host": "127.0.0.1:8000"})).status_code == 200


async def test_allowed_hosts_default_to_the_public_base_url(
    database: Settings, clock: SimulatedClock
) -> None:
    settings = database.model_copy(update={"public_base_url": "https://advocacy.northbrook.example"})
    assert settings.hosts == ["127.0.0.1", "advocacy.northbrook.example", "localhost", "testserver"]
    named = settings.model_copy(update={"allowed_hosts": "advocacy.example.org, *.advocacy.example.org"})
    async with LifespanManager(create_app(named, clock)) as manager:
        transport = httpx.ASGITransport(app=manager.app)
        async with httpx.AsyncClient(transport=transport, base_url="https://advocacy.example.org") as http:
            assert (await http.get("/login")).status_code == 200
            assert (await http.get("/login", headers={"host": "eu.advocacy.example.org"})).status_code == 200
            assert (await http.get("/login", headers={"host": "testserver"})).status_code == 400


async def test_a_405_names_every_method_the_address_takes(client: httpx.AsyncClient) -> None:
    page = await client.put("/login")
    assert page.status_code == 405 and page.headers["allow"] == "GET, HEAD, POST"
    api = await client.put("/api/v1/auth/login")
    assert api.status_code == 405 and api.headers["allow"] == "POST"
    assert api.json()["error"]["code"] == "method_not_allowed"


def test_the_routes_tried_first_are_addresses_no_other_route_takes() -> None:
    """`FIRST_ROUTES` are tried before the rest; that changes nothing only while no other route
    matches their addresses, by any method (the order is first match wins)."""
    routes = create_app(Settings(database_url="sqlite://:memory:")).router.routes
    first = [route for route in routes if getattr(route, "name", None) in FIRST_ROUTES]
    assert {route.name for route in first} == FIRST_ROUTES
    assert routes[:len(first)] == first
    methods = {method for route in routes if isinstance(route, Route) for method in route.methods or ()}
    for hot in first:
        assert isinstance(hot, Route)
        for method in methods:
            path = re.sub(r"\{[^}]+\}", "1", hot.path)  # each parameter given a value
            scope = {"type": "http", "path": path, "method": method, "root_path": ""}
            takers = [route.name for route in routes[len(first):] if route.matches(scope)[0] != Match.NONE]
            assert takers == [], f"{method} {path} is also taken by {takers}"
