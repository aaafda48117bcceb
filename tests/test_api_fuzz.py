"""Property-based API testing: schemathesis runs `/api/openapi.json` against the app with its checks on.

schemathesis' own engine (what `st run --checks all` runs: examples, coverage and fuzzing phases)
generates valid and invalid requests for every operation the document describes, as an admin (who
passes every access rule), an editor and an ambassador, and applies every check: no server error;
status, content type, headers and body as the document says; invalid data refused; valid data
accepted (a 422 to a valid request only on the few operations in REFUSING_VALID_REQUESTS, and only
for a rule their 422 response lists); a missing required header refused; an undeclared method
answered 405 with `Allow`; and the bearer token actually enforced (the token comes through
schemathesis' auth mechanism, so its probes send each successful request again without a token and
with a wrong one and expect 401). Operations added later are covered because the cases come from the
served document, not from a list kept here.

The engine is synchronous and the app runs on this test's event loop (where its database connections
live), so the engine runs in a worker thread and reaches the app through a small ASGI bridge that
hands each request to that loop.
"""

from __future__ import annotations

import asyncio
import collections
import concurrent.futures
import contextvars
from collections.abc import Callable, Coroutine
from typing import Any, TypeVar

import httpx
import pytest
import schemathesis
from schemathesis.config import SchemathesisConfig
from schemathesis.engine import events
from schemathesis.generation.case import Case
from starlette.applications import Starlette
from starlette.routing import Route

from advocacy.clock import SimulatedClock
from advocacy.users.models import User
from advocacy.users.service import issue_api_token
from tests import factories

# Examples per operation in the fuzzing phase; the coverage phase adds its own deterministic cases.
# Bounded so the three runs stay well within a minute; the seed is fixed, so a failure repeats.
MAX_EXAMPLES = 5
SEED = 20
# The operations whose schema-valid requests may still be refused with 422, each for rules JSON Schema
# cannot state, which its 422 response lists (`x-refusals`). Only there is 422 expected of a valid
# request, and every such refusal must name one of those rules.
REFUSING_VALID_REQUESTS = {
    "api-campaigns-create": "the end must come after the start: a rule between two fields",
    "api-preferences-set": "sharing hours start before they end: a rule between two fields",
    "api-costs-create": "the period ends on or after its start: a rule between two fields",
    "api-programme-invite": "the manager is another person: a rule between two fields",
    "api-users-create": "a password zxcvbn rates guessable (it weighs the name and address given)",
    "api-notification-preferences-set": "a webhook host that does not resolve, or resolves to a "
                                        "private network; its name and port as a client reads them",
    "api-compliance-policy-save": "a phone number read by the numbering plan of the organisation's "
                                  "region; a policy equal to the stored one; and, not stated yet, "
                                  "the form of address, email and domain entries",
    "api-suggestions-create": "a link whose host resolves to a private network; its name and port "
                              "as a client reads them",
}
ACCEPTING = ["2xx", "3xx", "401", "403", "404", "409", "429", "5xx"]
T = TypeVar("T")


class AppOnLoop:
    """An ASGI application, called on schemathesis' own event loop, that hands each request to the
    app on the test's event loop, in the test's context (where the database connections are)."""

    def __init__(self, http: httpx.AsyncClient) -> None:
        self.http = http
        self.loop = asyncio.get_running_loop()
        self.context = contextvars.copy_context()

    def submit(self, coroutine: Coroutine[Any, Any, T]) -> concurrent.futures.Future[T]:
        """Start `coroutine` on the test's loop from another thread."""
        result: concurrent.futures.Future[T] = concurrent.futures.Future()

        def start() -> None:
            task = self.loop.create_task(coroutine, context=self.context)
            task.add_done_callback(lambda done: result.set_exception(done.exception())
                                   if done.exception() else result.set_result(done.result()))

        self.loop.call_soon_threadsafe(start)
        return result

    async def __call__(
        self, scope: dict[str, Any], receive: Callable[..., Any], send: Callable[..., Any]
    ) -> None:
        if scope["type"] == "lifespan":  # the app's own lifespan already runs on the test's loop
            while (message := await receive())["type"] != "lifespan.shutdown":
                await send({"type": message["type"] + ".complete"})
            await send({"type": "lifespan.shutdown.complete"})
            return
        body = b""
        while True:
            message = await receive()
            body += message.get("body", b"")
            if not message.get("more_body"):
                break
        target = scope["raw_path"] + (b"?" + scope["query_string"] if scope["query_string"] else b"")
        request = self.http.request(scope["method"], target.decode("latin-1"),
                                    headers=scope["headers"], content=body)
        response = await asyncio.wrap_future(self.submit(request))
        await send({"type": "http.response.start", "status": response.status_code,
                    "headers": response.headers.raw})
        await send({"type": "http.response.body", "body": response.content})


def tokens_for(user: User, clock: SimulatedClock, app: AppOnLoop) -> type:
    """schemathesis' auth provider for `user`: a new bearer token for every case, because a generated
    "sign out" or "revoke token n" may well end the caller's own."""

    async def issue() -> str:
        return await issue_api_token(clock, await User.get(id=user.id))

    class Tokens:
        def get(self, case: Case, context: Any) -> str:
            return app.submit(issue()).result()

        def set(self, case: Case, data: str, context: Any) -> None:
            case.headers["Authorization"] = f"Bearer {data}"

    return Tokens


def refusal_problem(case: Case, response: Any, refusals: dict[str, list[str]]) -> str | None:
    """What is wrong with a 422 answered to a valid request on an operation allowed to refuse some:
    None when its message names one of the rules its document lists."""
    operation = case.operation.definition.raw.get("operationId", "")
    if response is None or response.status_code != 422 or operation not in REFUSING_VALID_REQUESTS:
        return None
    if case.meta is None or not case.meta.generation.mode.is_positive:
        return None
    message = response.json()["error"]["message"]
    if any(rule in message for rule in refusals[operation]):
        return None
    return (f"{operation} refused a valid request for a rule its document does not list: {message} "
            f"{response.json()['error']['details']} | {(case.body if case.body is not None else '')!r:.300}")


def run_all_checks(
    app: AppOnLoop, user: User, clock: SimulatedClock, refusals: dict[str, list[str]]
) -> list[tuple[str, str]]:
    """Every failure of one engine run as `user`, as (check, what was sent and answered)."""
    config = SchemathesisConfig.from_dict({
        "seed": SEED,
        "checks": {"enabled": True},
        "generation": {"max-examples": MAX_EXAMPLES, "database": "none"},
        # The document declares no links between operations, so there is no stateful phase to run.
        "phases": {"stateful": {"enabled": False}},
        "operations": [
            {"include-operation-id": operation,
             "checks": {"positive_data_acceptance": {"expected-statuses": [*ACCEPTING, "422"]}}}
            for operation in REFUSING_VALID_REQUESTS
        ],
    })
    schema = schemathesis.openapi.from_asgi("/api/openapi.json", app, config=config)
    schema.auth(refresh_interval=None)(tokens_for(user, clock, app))
    failures: list[tuple[str, str]] = []
    for event in schemathesis.engine.from_schema(schema).execute():
        if isinstance(event, events.ScenarioFinished):
            for case_id, checks in event.recorder.checks.items():
                exchange = event.recorder.interactions.get(case_id)
                sent = "" if exchange is None else (
                    f" | {exchange.request.method} {exchange.request.uri}"
                    f" {(exchange.request.body or b'')[:200]!r}"
                    f" -> {exchange.response.content[:200] if exchange.response else b''!r}")
                failures += [(check.name, f"{user.role}: {check.failure_info.failure.title}{sent}")
                             for check in checks if check.failure_info is not None]
            for case_id, node in event.recorder.cases.items():
                exchange = event.recorder.interactions.get(case_id)
                problem = refusal_problem(node.value, exchange and exchange.response, refusals)
                if problem is not None:
                    failures.append(("refusal", f"{user.role}: {problem}"))
        elif isinstance(event, events.NonFatalError | events.FatalError):
            failures.append(("error", f"{user.role}: {event!r}"[:600]))
    return failures


# Three engine runs take about a minute and a half of processor time: allowed more than the suite's
# default timeout, so a busy machine does not cut them short.
@pytest.mark.timeout(900)
async def test_generated_requests_pass_every_check_for_each_role(
    client: httpx.AsyncClient, clock: SimulatedClock
) -> None:
    document = (await client.get("/api/openapi.json")).json()
    assert len(document["paths"]) >= 10
    # Real records, so generated small ids sometimes name something that exists.
    editor = await factories.create_user(clock, "editor")
    await factories.create_launched_campaign(clock, editor)
    ambassador, _ = await factories.create_ambassador(clock)
    admin = await factories.create_user(clock, "admin")
    refusals = {item["operationId"]: item["responses"]["422"].get("x-refusals", [])
                for path in document["paths"].values() for item in path.values()}
    assert {operation for operation, rules in refusals.items() if rules} == set(REFUSING_VALID_REQUESTS)
    app = AppOnLoop(client)
    failures: list[tuple[str, str]] = []
    for user in (admin, editor, ambassador):
        failures += await asyncio.to_thread(run_all_checks, app, user, clock, refusals)
    per_check = collections.Counter(name for name, _ in failures)
    assert not failures, f"{len(failures)} failures {dict(per_check)}:\n" + "\n".join(
        description for _, description in failures[:40])


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
