"""The application shell: health, OpenAPI document, error shapes and pages for strangers."""

from __future__ import annotations

import httpx


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
