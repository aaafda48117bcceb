"""Property-based API testing: requests generated from `/api/openapi.json` against the app in-process.

Every operation the document describes is exercised with valid and invalid input, as an admin (who
passes every access rule), an editor and an ambassador. No answer may be a server error, and every answer
must match what the document promises: status, content type and body schema. Operations added later
are covered because the cases come from the served document, not from a list kept here.
"""

from __future__ import annotations

import itertools
from typing import Any

import httpx
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.core.failures import FailureGroup
from schemathesis.generation import GenerationMode
from schemathesis.generation.case import Case
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)
from starlette.applications import Starlette
from starlette.routing import Route

from advocacy.clock import SimulatedClock
from advocacy.users.models import User
from advocacy.users.service import issue_api_token
from tests import factories

# Bounded so the whole run stays within seconds; the cases are derandomised, so a failure repeats.
EXAMPLES_PER_OPERATION = 10
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]


def generated_cases(document: dict[str, Any]) -> list[Case]:
    """Cases for every operation, drawn by hypothesis up front (it cannot drive an async test)."""
    schema = schemathesis.openapi.from_dict(document)
    cases: list[Case] = []
    for result, mode in itertools.product(list(schema.get_all_operations()), GenerationMode):
        strategy = result.ok().as_strategy(generation_mode=mode)

        @settings(
            max_examples=EXAMPLES_PER_OPERATION, derandomize=True, database=None, deadline=None,
            suppress_health_check=list(HealthCheck),
        )
        @given(strategy)
        def draw(case: Case) -> None:
            cases.append(case)

        draw()
    return cases


async def run_cases(
    http: httpx.AsyncClient, cases: list[Case], clock: SimulatedClock, user: User
) -> list[str]:
    failures: list[str] = []
    for case in cases:
        # A fresh token each time: a generated "revoke token n" may well name the caller's own.
        headers = {"Authorization": f"Bearer {await issue_api_token(clock, user)}"}
        kwargs = case.as_transport_kwargs(base_url=str(http.base_url).rstrip("/"), headers=headers)
        request = {key: kwargs[key] for key in ("method", "url", "headers", "params", "json", "data")
                   if kwargs.get(key) is not None}
        if "data" in request:
            request["content"] = request.pop("data")
        response = await http.request(**request)
        try:
            case.validate_response(response, checks=CHECKS)
        except (AssertionError, FailureGroup) as error:
            failures.append(f"{case.method} {case.formatted_path} -> {response.status_code}: "
                            f"{str(error)[:600]}")
    return failures


async def test_generated_requests_get_no_server_error_and_match_the_document(
    client: httpx.AsyncClient, clock: SimulatedClock
) -> None:
    document = (await client.get("/api/openapi.json")).json()
    assert len(document["paths"]) >= 10
    # Real records, so generated small ids sometimes name something that exists.
    editor = await factories.create_user(clock, "editor")
    await factories.create_launched_campaign(clock, editor)
    ambassador, _ = await factories.create_ambassador(clock)
    admin = await factories.create_user(clock, "admin")
    cases = generated_cases(document)
    assert len(cases) >= len(document["paths"]) * 2
    failures: list[str] = []
    for user in (admin, editor, ambassador):
        failures += await run_cases(client, cases, clock, user)
    assert not failures, f"{len(failures)} failing cases:\n" + "\n".join(failures[:15])


async def test_the_document_describes_every_api_route_the_app_serves(
    application: Starlette, client: httpx.AsyncClient
) -> None:
    document = (await client.get("/api/openapi.json")).json()
    described = {(path, method.upper()) for path, item in document["paths"].items() for method in item}
    served = {
        (route.path.replace(":int", ""), method)
        for route in application.routes
        if isinstance(route, Route) and route.path.startswith("/api/v1/")
        for method in (route.methods or set()) - {"HEAD"}
    }
    assert len(served) >= 10
    assert served - described == set(), "API routes missing from /api/openapi.json"
    for path, item in document["paths"].items():
        for method, operation in item.items():
            assert operation["responses"], f"{method} {path} has no responses"
            if method == "post" and operation["operationId"] != "api-login":
                assert "security" in operation, f"{method} {path} does not say it needs a token"
