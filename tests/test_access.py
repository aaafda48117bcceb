"""The access matrix: every route the application serves, for every role and for strangers.

The routes come from the running application, so a page or API route added later is covered
without touching this file; a route without a rule in `advocacy.access` fails here.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
from starlette.applications import Starlette
from starlette.routing import Mount, Route

from advocacy.access import CSRF_EXEMPT, PUBLIC, ROUTE_ROLES
from advocacy.auth import guard
from advocacy.clock import SimulatedClock
from advocacy.shares.models import Share, ShareEvent
from advocacy.shares.service import create_share
from advocacy.suggestions.models import Suggestion
from advocacy.suggestions.service import suggest
from advocacy.users.models import ApiToken, Role, User
from advocacy.users.service import create_personal_token, issue_api_token
from campaigns.models import Campaign, ContentPack, MessageVariant, Post
from tests import factories
from tests.factories import PASSWORD

CSRF_INPUT = re.compile(r'name="csrf_token" value="([^"]+)"')
# What the guard says when it refuses; the same status from the business rules reads differently.
GUARD_REFUSALS = ("cannot use this page", "came from another site", "Sign in first")
ANONYMOUS = "anonymous"


@dataclass
class Caller:
    """One role (or a stranger) as the API sees it (bearer token) and as pages see it (cookie)."""

    name: str
    headers: dict[str, str]
    cookies: httpx.Cookies
    csrf: str
    user: User | None = None

    async def sign_in_again(self, http: httpx.AsyncClient, clock: SimulatedClock) -> None:
        """After signing out, which ends every session and sign-in token of the person."""
        if self.user is not None:
            self.headers = {"Authorization": f"Bearer {await issue_api_token(clock, self.user)}"}
            self.cookies, self.csrf = await page_session(http, self.user)


def is_api(path: str) -> bool:
    return path.startswith("/api/")


def csrf_in(html: str) -> str:
    found = CSRF_INPUT.search(html)
    assert found, "the page carries no csrf_token input"
    return found.group(1)


async def page_session(http: httpx.AsyncClient, user: User | None) -> tuple[httpx.Cookies, str]:
    """A browser session for `user` (or a stranger's) and the CSRF token its forms carry."""
    http.cookies.clear()
    form = await http.get("/login")
    assert form.status_code == 200
    if user is not None:
        signed_in = await http.post(
            "/login", data={"email": user.email, "password": PASSWORD, "csrf_token": csrf_in(form.text)}
        )
        assert signed_in.status_code == 303, signed_in.text
        # Signing in starts a fresh session with a fresh token: read it from a rendered form.
        form = await http.get("/login")
    return httpx.Cookies(http.cookies), csrf_in(form.text)


@pytest.fixture
async def http(app: Any) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        yield client


@pytest.fixture
async def ids(app: Any, clock: SimulatedClock) -> dict[str, int]:
    """Existing records for the path parameters, so routes reach their business rules."""
    editor = await factories.create_user(clock, "editor")
    campaign, post = await factories.create_launched_campaign(clock, editor)
    ambassador, account = await factories.create_ambassador(clock)
    share = await create_share(clock, ambassador, post_id=post.id, account_id=account.id, text="Proud")
    pack = await ContentPack.get(campaign_id=campaign.id)
    # A token of someone who is not a caller: revoking it in the run must not sign a caller out.
    spare, _ = await create_personal_token(clock, editor, "spare")
    suggestion = await suggest(clock, ambassador, url="https://example.org/news", per_day=5)
    # The people page's person is no caller either: deactivating them must not sign a caller out.
    return {"campaign_id": campaign.id, "pack_id": pack.id, "post_id": post.id,
            "share_id": share.id, "user_id": ambassador.id, "account_id": account.id, "token_id": spare.id,
            "person_id": editor.id, "suggestion_id": suggestion.id}


@pytest.fixture
async def callers(http: httpx.AsyncClient, clock: SimulatedClock, ids: dict[str, int]) -> list[Caller]:
    people: list[tuple[str, User | None]] = [(ANONYMOUS, None)]
    for role in Role:
        if role == Role.AMBASSADOR:
            people.append((role.value, await User.get(id=ids["user_id"])))
        else:
            people.append((role.value, await factories.create_user(clock, role.value)))
    result = []
    for name, user in people:
        headers = {} if user is None else {"Authorization": f"Bearer {await issue_api_token(clock, user)}"}
        cookies, csrf = await page_session(http, user)
        result.append(Caller(name, headers, cookies, csrf, user))
    return result


def served_routes(app: Starlette) -> list[Route]:
    return [route for route in app.routes if isinstance(route, Route)]


def address(route: Route, ids: dict[str, int]) -> str:
    return route.path_format.format(**{name: ids.get(name, 1) for name in route.param_convertors})


async def call(
    http: httpx.AsyncClient, caller: Caller, method: str, path: str, csrf: str | None = None
) -> httpx.Response:
    http.cookies = caller.cookies  # the caller's own session, whatever the last call left
    if is_api(path):
        if method == "GET":
            return await http.get(path, headers=caller.headers)
        return await http.request(method, path, headers=caller.headers, json={})
    if method == "GET":
        return await http.get(path)
    return await http.request(method, path, data={"csrf_token": csrf or caller.csrf})


def refused_by_guard(response: httpx.Response) -> bool:
    if response.status_code == 401:
        return True
    if response.status_code == 303 and response.headers["location"].startswith("/login?"):
        return True
    return response.status_code == 403 and any(text in response.text for text in GUARD_REFUSALS)


def check(route: Route, path: str, method: str, caller: Caller, response: httpx.Response) -> str | None:
    """What is wrong with this response for this caller, or None."""
    name, rule = route.name, ROUTE_ROLES[route.name]
    where = f"{method} {path} ({name}) as {caller.name}: {response.status_code}"
    api = is_api(route.path)
    if response.status_code >= 500:
        return f"{where} — a server error"
    allowed = rule == PUBLIC or (caller.name != ANONYMOUS and Role(caller.name) in rule)
    if allowed:
        if refused_by_guard(response):
            return f"{where} — refused by the guard although the rule allows it"
        return None
    if caller.name == ANONYMOUS:
        if api:
            code = response.json().get("error", {}).get("code") if response.status_code == 401 else None
            if code != "not_authenticated":
                return f"{where} — expected a 401 JSON error"
        elif response.status_code != 303 or response.headers["location"] != f"/login?next={path}":
            return f"{where} — expected a 303 redirect to /login"
        return None
    if response.status_code != 403 or "cannot use this page" not in response.text:
        return f"{where} — expected the guard's 403"
    content_type = response.headers["content-type"]
    is_json = content_type.startswith("application/json")
    if api and not (is_json and response.json()["error"]["code"] == "forbidden"):
        return f"{where} — the API's 403 must be a JSON error"
    if not api and not content_type.startswith("text/html"):
        return f"{where} — a page's 403 must be an HTML page"
    return None


async def test_every_route_has_an_access_rule(application: Starlette) -> None:
    names = [route.name for route in application.routes if isinstance(route, Route | Mount)]
    assert len(names) >= 30, "the route table was read"
    missing = [name for name in names if name not in ROUTE_ROLES]
    assert not missing, f"routes without a rule in advocacy.access: {missing}"
    stale = sorted(set(ROUTE_ROLES) - set(names))
    assert not stale, f"rules for routes the application does not serve: {stale}"


def test_a_route_without_a_rule_cannot_be_guarded() -> None:
    async def endpoint(request: object) -> None: ...

    with pytest.raises(LookupError, match="no access rule"):
        guard("a-route-nobody-declared", endpoint)  # type: ignore[arg-type]


async def test_every_route_answers_each_role_as_its_rule_says(
    application: Starlette, http: httpx.AsyncClient, callers: list[Caller], ids: dict[str, int],
    clock: SimulatedClock,
) -> None:
    problems: list[str] = []
    checked = 0
    for route in served_routes(application):
        path = address(route, ids)
        for method in sorted((route.methods or {"GET"}) - {"HEAD"}):
            for caller in callers:
                response = await call(http, caller, method, path)
                problem = check(route, path, method, caller, response)
                if problem:
                    problems.append(problem)
                if route.name == "logout" and response.status_code == 303:
                    await caller.sign_in_again(http, clock)
                checked += 1
    assert checked >= 30 * (len(Role) + 1)
    assert not problems, "\n".join(problems)


async def test_plotly_bundle_is_served_to_anyone(http: httpx.AsyncClient) -> None:
    response = await http.get("/static/plotly.min.js")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/javascript")
    assert len(response.content) > 1_000_000


async def database_state() -> dict[str, Any]:
    """Row counts, and the status of everything a form can move along."""
    models = (User, ApiToken, Campaign, ContentPack, Post, MessageVariant, Share, ShareEvent, Suggestion)
    state: dict[str, Any] = {model.__name__: await model.all().count() for model in models}
    for model in (Campaign, ContentPack, Share, Suggestion):
        state[f"{model.__name__} status"] = await model.all().order_by("id").values_list("id", "status")
    return state


async def test_page_post_with_a_wrong_csrf_token_is_refused_and_changes_nothing(
    application: Starlette, http: httpx.AsyncClient, callers: list[Caller], ids: dict[str, int]
) -> None:
    by_name = {caller.name: caller for caller in callers}
    # Forms with another proof of intent (a signed address, Slack's signature) are covered by
    # their own tests (tests/notify, tests/shares/test_slack_app.py).
    page_posts = [r for r in served_routes(application)
                  if not is_api(r.path) and "POST" in (r.methods or ()) and r.name not in CSRF_EXEMPT]
    assert page_posts, "the application has forms"
    for route in page_posts:
        rule = ROUTE_ROLES[route.name]
        # Someone the rule lets in (not an admin where another role will do), so only CSRF refuses.
        allowed = sorted(rule, key=lambda role: (role == Role.ADMIN, role.value))
        caller = by_name[ANONYMOUS] if rule == PUBLIC else by_name[allowed[0].value]
        before = await database_state()
        response = await call(http, caller, "POST", address(route, ids), csrf="forged-token")
        assert response.status_code == 403, f"{route.name}: {response.status_code}"
        assert "came from another site" in response.text, route.name
        assert await database_state() == before, route.name


async def test_forged_logout_leaves_the_person_signed_in(
    http: httpx.AsyncClient, callers: list[Caller]
) -> None:
    editor = next(caller for caller in callers if caller.name == "editor")
    assert (await call(http, editor, "POST", "/logout", csrf="forged-token")).status_code == 403
    home = await http.get("/")
    assert home.status_code == 303 and home.headers["location"] == "/studio"
    http.cookies = editor.cookies
    assert (await http.post("/logout", data={"csrf_token": editor.csrf})).status_code == 303
    assert (await http.get("/")).headers["location"] == "/login?next=/"


async def test_forged_share_form_creates_no_share(
    http: httpx.AsyncClient, callers: list[Caller], ids: dict[str, int], clock: SimulatedClock
) -> None:
    ambassador = next(caller for caller in callers if caller.name == "ambassador")
    _, post = await factories.create_launched_campaign(clock)
    variant = await MessageVariant.filter(post_id=post.id, network="linkedin").first()
    assert variant is not None
    form: dict[str, Any] = {"post_id": post.id, "account_id": ids["account_id"],
                            "variant_id": variant.id, "when": "now"}
    before = await Share.all().count()
    http.cookies = ambassador.cookies
    forged = await http.post("/feed/share", data={**form, "csrf_token": "forged-token"})
    assert forged.status_code == 403
    assert await Share.all().count() == before
    genuine = await http.post("/feed/share", data={**form, "csrf_token": ambassador.csrf})
    assert genuine.status_code == 303, genuine.text
    assert await Share.all().count() == before + 1


async def test_forged_sign_in_does_not_sign_in(http: httpx.AsyncClient, clock: SimulatedClock) -> None:
    user = await factories.create_user(clock, "leader")
    _, csrf = await page_session(http, None)
    forged = await http.post("/login", data={"email": user.email, "password": PASSWORD, "csrf_token": "x"})
    assert forged.status_code == 403
    assert (await http.get("/")).headers["location"] == "/login?next=/"
    assert (await http.post("/login", data={"email": user.email, "password": PASSWORD,
                                            "csrf_token": csrf})).status_code == 303
    assert (await http.get("/")).headers["location"] == "/dashboard"
