"""The JSON API end to end: sign-in, the studio flow, the ambassador flow, bad input, reports."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import httpx
import pytest

from advocacy.clock import SimulatedClock
from advocacy.links.models import ShortLink
from advocacy.settings import Settings
from advocacy.shares.models import Share, ShareEvent
from advocacy.users.models import ApiToken, User
from advocacy.users.service import issue_api_token
from campaigns.models import Campaign, ContentPack, MessageVariant, PackStatus, Post
from tests import factories
from tests.factories import PASSWORD


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


async def token_for(clock: SimulatedClock, role: str, **overrides: Any) -> tuple[User, dict[str, str]]:
    user = await factories.create_user(clock, role, **overrides)
    return user, bearer(await issue_api_token(clock, user))


def assert_error(response: httpx.Response, status: int, code: str) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/json")
    body = response.json()
    assert set(body) == {"error"}
    assert set(body["error"]) == {"code", "message", "details"}
    assert body["error"]["code"] == code
    assert isinstance(body["error"]["message"], str) and body["error"]["message"]
    return dict(body["error"])


async def row_counts() -> dict[str, int]:
    models = (User, ApiToken, Campaign, ContentPack, Post, MessageVariant, Share, ShareEvent)
    return {model.__name__: await model.all().count() for model in models}


async def test_login_with_a_wrong_password_is_a_401_json_error(
    client: httpx.AsyncClient, clock: SimulatedClock
) -> None:
    user = await factories.create_user(clock, "editor")
    for email, password in ((user.email, "wrong password"), ("nobody@example.org", PASSWORD)):
        response = await client.post("/api/v1/auth/login", json={"email": email, "password": password})
        error = assert_error(response, 401, "not_authenticated")
        assert error["message"] == "The email or password is not right."
    assert await ApiToken.all().count() == 0


async def test_login_returns_a_token_that_identifies_the_person(
    client: httpx.AsyncClient, clock: SimulatedClock
) -> None:
    user = await factories.create_user(clock, "leader")
    response = await client.post(
        "/api/v1/auth/login", json={"email": user.email.upper(), "password": PASSWORD}
    )
    assert response.status_code == 200
    token = response.json()["token"]
    me = await client.get("/api/v1/me", headers=bearer(token))
    assert me.status_code == 200
    assert me.json() | {"id": 0} == {
        "id": 0, "email": user.email, "name": user.name, "role": "leader", "department": "Nursing",
        "region": "North", "timezone": "UTC", "opted_in": False,
    }


@pytest.mark.parametrize(
    "headers",
    [{}, {"Authorization": "Bearer not-a-token"}, {"Authorization": "Basic dXNlcjpwYXNz"},
     {"Authorization": "Bearer "}],
)
async def test_api_without_a_valid_token_is_a_401(client: httpx.AsyncClient, headers: dict[str, str]) -> None:
    assert_error(await client.get("/api/v1/me", headers=headers), 401, "not_authenticated")


async def test_token_of_a_deactivated_person_stops_working(
    client: httpx.AsyncClient, clock: SimulatedClock
) -> None:
    user, headers = await token_for(clock, "editor")
    assert (await client.get("/api/v1/me", headers=headers)).status_code == 200
    await User.filter(id=user.id).update(is_active=False)
    assert_error(await client.get("/api/v1/me", headers=headers), 401, "not_authenticated")


async def test_session_cookie_does_not_authenticate_the_api(
    client: httpx.AsyncClient, clock: SimulatedClock
) -> None:
    user = await factories.create_user(clock, "editor")
    form = await client.get("/login")
    csrf = form.text.split('name="csrf_token" value="')[1].split('"')[0]
    signed_in = await client.post(
        "/login", data={"email": user.email, "password": PASSWORD, "csrf_token": csrf}
    )
    assert signed_in.status_code == 303
    assert_error(await client.get("/api/v1/me"), 401, "not_authenticated")


async def test_studio_to_feed_to_share_flow(
    client: httpx.AsyncClient, clock: SimulatedClock, database: Settings
) -> None:
    _, editor = await token_for(clock, "editor")
    _, reviewer = await token_for(clock, "reviewer")
    ambassador_user, ambassador = await token_for(clock, "ambassador")
    account = await factories.create_account(clock, ambassador_user, "linkedin")

    created = await client.post("/api/v1/campaigns", headers=editor, json={
        "name": "Winter vaccines", "description": "Flu and COVID boosters",
        "starts_at": clock.now().isoformat(), "ends_at": (clock.now() + timedelta(days=14)).isoformat(),
    })
    assert created.status_code == 201, created.text
    campaign = created.json()
    assert (campaign["status"], campaign["slug"]) == ("draft", "winter-vaccines")
    [pack] = campaign["packs"]
    assert pack["status"] == "draft"

    post = await client.post(f"/api/v1/packs/{pack['id']}/posts", headers=editor, json={
        "title": "Book your booster", "url": "https://example.org/boosters",
        "messages": {"linkedin": ["I got my booster today. #employee"], "x": ["Booster done #employee"]},
    })
    assert post.status_code == 201, post.text
    post_body = post.json()
    assert {v["network"] for v in post_body["variants"]} == {"linkedin", "x"}

    submitted = await client.post(f"/api/v1/packs/{pack['id']}/submit", headers=editor)
    assert submitted.status_code == 200 and submitted.json()["packs"][0]["status"] == "in_review"
    # Before approval the ambassador sees nothing to share.
    assert (await client.get("/api/v1/feed", headers=ambassador)).json()["posts"] == []

    reviewed = await client.post(f"/api/v1/packs/{pack['id']}/review", headers=reviewer,
                                 json={"approve": True, "note": "Disclosure is there."})
    assert reviewed.status_code == 200 and reviewed.json()["packs"][0]["status"] == "approved"
    launched = await client.post(f"/api/v1/campaigns/{campaign['id']}/launch", headers=editor)
    assert launched.status_code == 200 and launched.json()["status"] == "launched"

    feed = await client.get("/api/v1/feed", headers=ambassador)
    assert feed.status_code == 200
    body = feed.json()
    assert [a["id"] for a in body["accounts"]] == [account.id]
    [feed_post] = body["posts"]
    assert (feed_post["id"], feed_post["campaign"], feed_post["my_share_networks"]) == (
        post_body["id"], "Winter vaccines", []
    )
    variant = next(v for v in feed_post["variants"] if v["network"] == "linkedin")

    later = clock.now() + timedelta(hours=3)
    shared = await client.post("/api/v1/shares", headers=ambassador, json={
        "post_id": feed_post["id"], "account_id": account.id, "variant_id": variant["id"],
        "scheduled_at": later.isoformat(),
    })
    assert shared.status_code == 201, shared.text
    share = shared.json()
    assert (share["status"], share["network"], share["account_id"]) == ("queued", "linkedin", account.id)
    # The share carries its own tracking link, which leads to the post's URL.
    link = await ShortLink.get(share_id=share["id"])
    assert share["text"] == f"{variant['text']}\n\n{database.public_base_url}/l/{link.slug}"
    assert link.target_url.startswith("https://example.org/boosters?utm_source=linkedin")

    listed = await client.get("/api/v1/shares", headers=ambassador)
    assert [s["id"] for s in listed.json()] == [share["id"]]
    feed_after = (await client.get("/api/v1/feed", headers=ambassador)).json()
    assert feed_after["posts"][0]["my_share_networks"] == ["linkedin"]

    again = await client.post("/api/v1/shares", headers=ambassador, json={
        "post_id": feed_post["id"], "account_id": account.id, "text": "Again",
    })
    assert_error(again, 409, "conflict")
    cancelled = await client.post(f"/api/v1/shares/{share['id']}/cancel", headers=ambassador)
    assert cancelled.status_code == 200 and cancelled.json()["status"] == "cancelled"
    cancel_again = await client.post(f"/api/v1/shares/{share['id']}/cancel", headers=ambassador)
    assert_error(cancel_again, 409, "conflict")

    campaigns = await client.get("/api/v1/campaigns", headers=reviewer)
    assert [c["id"] for c in campaigns.json()] == [campaign["id"]]
    detail = await client.get(f"/api/v1/campaigns/{campaign['id']}", headers=reviewer)
    assert detail.json()["packs"][0]["reviewer_id"] is not None


async def test_author_reviewing_their_own_pack_through_the_api_is_forbidden(
    client: httpx.AsyncClient, clock: SimulatedClock
) -> None:
    admin, headers = await token_for(clock, "admin")
    campaign, _ = await factories.create_campaign_with_post(clock, admin)
    pack = await ContentPack.get(campaign_id=campaign.id)
    assert (await client.post(f"/api/v1/packs/{pack.id}/submit", headers=headers)).status_code == 200
    response = await client.post(f"/api/v1/packs/{pack.id}/review", headers=headers, json={"approve": True})
    assert_error(response, 403, "forbidden")
    await pack.refresh_from_db()
    assert pack.status == PackStatus.IN_REVIEW


async def test_admin_creates_a_person_who_can_then_sign_in(
    client: httpx.AsyncClient, clock: SimulatedClock
) -> None:
    _, admin = await token_for(clock, "admin")
    created = await client.post("/api/v1/users", headers=admin, json={
        "email": "New.Person@Example.org", "role": "ambassador", "password": "long enough pw",
        "opted_in": True,
    })
    assert created.status_code == 201, created.text
    assert created.json()["email"] == "new.person@example.org" and created.json()["opted_in"] is True
    login = await client.post("/api/v1/auth/login",
                              json={"email": "new.person@example.org", "password": "long enough pw"})
    assert login.status_code == 200
    duplicate = await client.post("/api/v1/users", headers=admin, json={
        "email": "new.person@example.org", "role": "editor", "password": "long enough pw",
    })
    assert_error(duplicate, 409, "conflict")


async def test_a_person_with_an_unknown_time_zone_is_refused_and_not_created(
    client: httpx.AsyncClient, clock: SimulatedClock
) -> None:
    _, admin = await token_for(clock, "admin")
    before = await row_counts()
    refused = await client.post("/api/v1/users", headers=admin, json={
        "email": "zone@example.org", "role": "ambassador", "password": "violet harbour lantern 42",
        "timezone": "Not/AZone",
    })
    error = assert_error(refused, 422, "invalid_input")
    assert "'Not/AZone' is not a time zone" in str(error["details"])
    assert await row_counts() == before


async def test_dates_past_the_calendar_a_programme_needs_are_refused_and_change_nothing(
    client: httpx.AsyncClient, clock: SimulatedClock
) -> None:
    # 9999-12-31 23:59 UTC is a valid instant, and past the calendar's end wherever it is later. The
    # API takes the days the calendar's range holds whatever the UTC offset: its first and last are
    # left out, so 2000-01-01 and 2100-12-31 are refused as the document says.
    editor_user, editor = await token_for(clock, "editor")
    before = await row_counts()
    for starts_at, ends_at, field in (("2026-11-02T08:00:00Z", "9999-12-31T23:59:59Z", "ends_at"),
                                      ("0001-01-01T00:00:00Z", "2026-11-02T08:00:00Z", "starts_at"),
                                      ("2000-01-01T20:00:00+01:00", "2026-11-02T08:00:00Z", "starts_at"),
                                      ("2026-11-02T08:00:00Z", "2100-12-31T01:00:00Z", "ends_at")):
        refused = await client.post("/api/v1/campaigns", headers=editor, json={
            "name": "Forever", "starts_at": starts_at, "ends_at": ends_at})
        details = assert_error(refused, 422, "invalid_input")["details"]
        assert "from 2000-01-02 to 2100-12-30" in details[field], details
    assert await row_counts() == before
    campaign, _ = await factories.create_campaign_with_post(clock, editor_user)
    pack = await ContentPack.get(campaign_id=campaign.id)
    post = await client.post(f"/api/v1/packs/{pack.id}/posts", headers=editor, json={
        "title": "Forever", "url": "https://example.org/x", "messages": {"x": ["Hello #employee"]},
        "expires_at": "9999-12-31T23:59:59Z"})
    details = assert_error(post, 422, "invalid_input")["details"]
    assert "from 2000-01-02 to 2100-12-30" in details["expires_at"]
    assert await Post.filter(pack_id=pack.id).count() == 1


BAD_CAMPAIGNS: list[tuple[Any, str]] = [
    (b"{not json", "body"),
    (b"", "body"),
    (b"[1, 2]", "body"),
    ({"name": "No dates"}, "starts_at"),
    ({"name": 5, "starts_at": "2026-11-02T08:00:00Z", "ends_at": "2026-11-03T08:00:00Z"}, "name"),
    ({"name": "Bad date", "starts_at": "tomorrow", "ends_at": "2026-11-03T08:00:00Z"}, "starts_at"),
    ({"name": "", "starts_at": "2026-11-02T08:00:00Z", "ends_at": "2026-11-03T08:00:00Z"}, "name"),
    ({"name": "Backwards", "starts_at": "2026-11-03T08:00:00Z", "ends_at": "2026-11-02T08:00:00Z"},
     "ends_at"),
    ({"name": "Naive", "starts_at": "2026-11-02T08:00:00", "ends_at": "2026-11-03T08:00:00"}, ""),
]


@pytest.mark.parametrize(("payload", "field"), BAD_CAMPAIGNS)
async def test_bad_campaign_payload_is_a_422_and_changes_nothing(
    client: httpx.AsyncClient, clock: SimulatedClock, payload: Any, field: str
) -> None:
    _, editor = await token_for(clock, "editor")
    before = await row_counts()
    if isinstance(payload, bytes):
        response = await client.post("/api/v1/campaigns", headers=editor, content=payload)
    else:
        response = await client.post("/api/v1/campaigns", headers=editor, json=payload)
    error = assert_error(response, 422, "invalid_input")
    if field and field != "body":
        assert field in error["details"] or error["details"].get("field") == field, error
    assert await row_counts() == before


async def test_bad_post_payloads_are_4xx_and_change_nothing(
    client: httpx.AsyncClient, clock: SimulatedClock
) -> None:
    editor_user, editor = await token_for(clock, "editor")
    campaign, _ = await factories.create_campaign_with_post(clock, editor_user)
    pack = await ContentPack.get(campaign_id=campaign.id)
    url = f"/api/v1/packs/{pack.id}/posts"
    good = {"title": "T", "url": "https://example.org/x", "messages": {"x": ["Hi"]}}
    before = await row_counts()
    for payload, status, code in [
        ({**good, "messages": ["not", "a", "mapping"]}, 422, "invalid_input"),
        ({**good, "messages": {"x": "not a list"}}, 422, "invalid_input"),
        ({k: v for k, v in good.items() if k != "url"}, 422, "invalid_input"),
        ({**good, "url": "not a link"}, 422, "invalid_input"),
        ({**good, "messages": {"x": ["x" * 300]}}, 422, "invalid_input"),
        ({**good, "messages": {"myspace": ["Hi"]}}, 422, "invalid_input"),
    ]:
        assert_error(await client.post(url, headers=editor, json=payload), status, code)
    assert_error(await client.post("/api/v1/packs/999/posts", headers=editor, json=good), 404, "not_found")
    assert_error(await client.post("/api/v1/packs/999/submit", headers=editor), 404, "not_found")
    assert_error(await client.post("/api/v1/campaigns/999/launch", headers=editor), 404, "not_found")
    assert_error(await client.get("/api/v1/campaigns/999", headers=editor), 404, "not_found")
    assert await row_counts() == before


async def test_unknown_ids_too_large_for_the_database_are_404(
    client: httpx.AsyncClient, clock: SimulatedClock
) -> None:
    _, editor = await token_for(clock, "editor")
    _, ambassador = await token_for(clock, "ambassador")
    huge = 2**63
    assert_error(await client.get(f"/api/v1/campaigns/{huge}", headers=editor), 404, "not_found")
    assert_error(await client.post(f"/api/v1/packs/{2**31}/submit", headers=editor), 404, "not_found")
    assert_error(await client.post(f"/api/v1/shares/{huge}/cancel", headers=ambassador), 404, "not_found")
    # More digits than int() converts by default: still an address that names nothing.
    assert_error(await client.get("/api/v1/campaigns/" + "9" * 5000, headers=editor), 404, "not_found")


async def test_bad_review_payloads_are_422_and_leave_the_pack_in_review(
    client: httpx.AsyncClient, clock: SimulatedClock
) -> None:
    editor_user = await factories.create_user(clock, "editor")
    _, reviewer = await token_for(clock, "reviewer")
    campaign, _ = await factories.create_campaign_with_post(clock, editor_user)
    pack = await ContentPack.get(campaign_id=campaign.id)
    editor = bearer(await issue_api_token(clock, editor_user))
    assert (await client.post(f"/api/v1/packs/{pack.id}/submit", headers=editor)).status_code == 200
    for payload in ({}, {"approve": "perhaps"}, {"approve": False}, {"approve": False, "note": "  "}):
        response = await client.post(f"/api/v1/packs/{pack.id}/review", headers=reviewer, json=payload)
        assert_error(response, 422, "invalid_input")
    await pack.refresh_from_db()
    assert pack.status == PackStatus.IN_REVIEW and pack.reviewer_id is None


async def test_bad_share_payloads_are_4xx_and_change_nothing(
    client: httpx.AsyncClient, clock: SimulatedClock
) -> None:
    _, post = await factories.create_launched_campaign(clock)
    user, headers = await token_for(clock, "ambassador")
    account = await factories.create_account(clock, user, "x")
    good = {"post_id": post.id, "account_id": account.id, "text": "Proud #employee"}
    before = await row_counts()
    for payload, status, code in [
        (b"not json", 422, "invalid_input"),
        ({"account_id": account.id, "text": "Hi"}, 422, "invalid_input"),
        ({**good, "post_id": "first"}, 422, "invalid_input"),
        ({**good, "post_id": 0}, 422, "invalid_input"),
        ({**good, "account_id": 2**40}, 422, "invalid_input"),
        ({**good, "scheduled_at": "soon"}, 422, "invalid_input"),
        ({**good, "scheduled_at": "2026-11-03T09:00:00"}, 422, "invalid_input"),
        ({**good, "scheduled_at": (clock.now() - timedelta(days=1)).isoformat()}, 422, "invalid_input"),
        ({**good, "scheduled_at": (clock.now() + timedelta(days=30)).isoformat()}, 422, "invalid_input"),
        ({**good, "text": "x" * 281}, 422, "invalid_input"),
        ({**good, "post_id": 999}, 404, "not_found"),
        ({**good, "account_id": 999}, 404, "not_found"),
        ({**good, "variant_id": 999}, 404, "not_found"),
    ]:
        if isinstance(payload, bytes):
            response = await client.post("/api/v1/shares", headers=headers, content=payload)
        else:
            response = await client.post("/api/v1/shares", headers=headers, json=payload)
        assert_error(response, status, code)
    assert await row_counts() == before
    assert (await client.post("/api/v1/shares", headers=headers, json=good)).status_code == 201


async def test_opted_out_ambassador_sharing_through_the_api_is_forbidden(
    client: httpx.AsyncClient, clock: SimulatedClock
) -> None:
    _, post = await factories.create_launched_campaign(clock)
    user, headers = await token_for(clock, "ambassador", opted_in=False)
    account = await factories.create_account(clock, user, "x")
    response = await client.post("/api/v1/shares", headers=headers,
                                 json={"post_id": post.id, "account_id": account.id, "text": "Hi"})
    assert_error(response, 403, "forbidden")
    assert await Share.all().count() == 0


async def test_report_returns_the_summary(client: httpx.AsyncClient, clock: SimulatedClock) -> None:
    campaign, _ = await factories.create_launched_campaign(clock)
    _, leader = await token_for(clock, "leader")
    params = {"campaign_id": campaign.id, "start": "2026-11-01", "end": "2026-11-30"}
    response = await client.get("/api/v1/reports/campaign", headers=leader, params=params)
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["campaign_id"] == campaign.id
    assert body["start"].startswith("2026-11-01T00:00:00") and body["end"].startswith("2026-12-01T00:00:00")
    assert body["shares_published"] == 0 and body["amplification"] is None
    assert body["advocacy"]["provenance"] == "none"


@pytest.mark.parametrize(
    "params",
    [
        {"start": "yesterday"},
        {"end": "2026-13-01"},
        {"start": "2026-11-10", "end": "2026-11-01"},
        {"campaign_id": "abc"},
        {"campaign_id": "0"},
    ],
)
async def test_report_with_bad_query_is_a_422(
    client: httpx.AsyncClient, clock: SimulatedClock, params: dict[str, str]
) -> None:
    _, leader = await token_for(clock, "leader")
    response = await client.get("/api/v1/reports/campaign", headers=leader, params=params)
    assert_error(response, 422, "invalid_input")


async def test_report_of_an_unknown_campaign_is_a_404(
    client: httpx.AsyncClient, clock: SimulatedClock
) -> None:
    _, leader = await token_for(clock, "leader")
    response = await client.get("/api/v1/reports/campaign", headers=leader, params={"campaign_id": 999})
    assert_error(response, 404, "not_found")


async def test_wrong_method_on_an_api_path_is_a_json_405(
    client: httpx.AsyncClient, clock: SimulatedClock
) -> None:
    _, editor = await token_for(clock, "editor")
    response = await client.delete("/api/v1/campaigns", headers=editor)
    assert_error(response, 405, "method_not_allowed")


async def test_openapi_document_describes_request_bodies_and_errors(client: httpx.AsyncClient) -> None:
    document = (await client.get("/api/openapi.json")).json()
    create = document["paths"]["/api/v1/shares"]["post"]
    assert create["requestBody"]["content"]["application/json"]["schema"]["$ref"].endswith("/ShareCreate")
    assert {"401", "403", "404", "409", "422"} <= set(create["responses"])
    assert "security" not in document["paths"]["/api/v1/auth/login"]["post"]
    assert "/api/v1/campaigns/{campaign_id}" in document["paths"]


async def test_the_document_states_the_values_the_parser_and_the_services_accept(
    client: httpx.AsyncClient, database: Settings
) -> None:
    from advocacy.localtime import zone_names

    schemas = (await client.get("/api/openapi.json")).json()["components"]["schemas"]
    assert schemas["UserCreate"]["properties"]["timezone"]["enum"] == list(zone_names())
    assert schemas["InvitationCreate"]["properties"]["timezone"]["enum"] == ["", *zone_names()]
    assert schemas["CostIn"]["properties"]["currency"]["enum"] == [database.currency]
    assert schemas["SharingPreferencesIn"]["properties"]["days"]["minItems"] == 1
    amount = next(branch["pattern"] for branch in schemas["CostIn"]["properties"]["amount"]["anyOf"]
                  if branch["type"] == "string")
    assert [text for text in ("0", "0.00", "00.0", "0.01", "0.10", "12.5") if re.search(amount, text)] == [
        "0.01", "0.10", "12.5"]
    document = (await client.get("/api/openapi.json")).json()
    refused = document["paths"]["/api/v1/campaigns"]["post"]["responses"]["422"]
    assert refused["x-refusals"] == ["The campaign must end after it starts."]
    assert "The campaign must end after it starts." in refused["description"]
    assert "x-refusals" not in document["paths"]["/api/v1/shares"]["post"]["responses"]["422"]


async def test_a_valid_looking_zone_or_address_outside_the_documented_ones_is_refused_by_the_parser(
    client: httpx.AsyncClient, clock: SimulatedClock
) -> None:
    _, headers = await token_for(clock, "admin")
    for body, field in (({"timezone": "posix/UTC"}, "timezone"),
                        ({"email": "nurse@ward.test"}, "email"),
                        ({"email": "nurse@example.org", "manager_email": "boss@example"}, "manager_email")):
        response = await client.post("/api/v1/programme/invitations", headers=headers,
                                     json={"email": "nurse@example.org", **body})
        error = assert_error(response, 422, "invalid_input")
        assert field in error["details"], error


async def test_settings_fixture_runs_on_the_chosen_database(database: Settings) -> None:
    assert database.env == "test"


def test_the_api_document_refuses_two_models_with_one_name() -> None:
    from pydantic import BaseModel
    from starlette.responses import Response

    from advocacy.api import ApiRoute, openapi_document

    def twin(field: str) -> type[BaseModel]:
        return type("Preferences", (BaseModel,), {"__annotations__": {field: int}})

    async def endpoint(request: Any) -> Response:
        return Response()

    routes = [ApiRoute("/a", endpoint, "GET", "a", "A", response=twin("hours")),
              ApiRoute("/b", endpoint, "GET", "b", "B", response=twin("channels"))]
    with pytest.raises(ValueError, match="both named Preferences"):
        openapi_document(routes, "t", "1")
    assert "Preferences" in openapi_document(routes[:1], "t", "1")["components"]["schemas"]


async def test_a_body_value_of_the_wrong_json_type_is_refused_not_converted(
    client: httpx.AsyncClient, clock: SimulatedClock
) -> None:
    _, headers = await token_for(clock, "ambassador")
    path = "/api/v1/me/sharing-preferences"
    before = (await client.get(path, headers=headers)).json()
    for body in ({"days": [False]}, {"daily_cap": "5"}, {"daily_cap": True}):
        error = assert_error(await client.put(path, json=body, headers=headers), 422, "invalid_input")
        assert error["message"] == "The request has invalid fields."
        assert (await client.get(path, headers=headers)).json() == before
    # A number written with a zero fraction is still the integer JSON Schema says it is.
    saved = await client.put(path, json={"daily_cap": 5.0, "days": [0.0, 2]}, headers=headers)
    assert saved.status_code == 200, saved.text
    assert (saved.json()["daily_cap"], saved.json()["days"]) == (5, [0, 2])
