"""The admin's compliance policy page, driven through its forms: saving a version, inline errors
that save nothing, the history, and the try-a-text box judged by the policy as drafted."""

from __future__ import annotations

import httpx

from advocacy.clock import SimulatedClock
from advocacy.compliance import versions
from advocacy.compliance.catalogue import RULES
from advocacy.compliance.models import PolicyVersion
from advocacy.settings import Settings
from tests import factories
from tests.compliance.test_policy_versions import PHONE_TEXT
from tests.test_pages import csrf_of, element, sign_in, submit

PAGE = "/admin/compliance"


def policy_form(settings: Settings, **changes: str) -> dict[str, str]:
    """The page's form as it comes (the defaults), with `changes` typed over it."""
    draft = versions.draft_of_settings(settings)
    form = {name: "\n".join(getattr(draft, name)) for name in versions.LIST_FIELDS}
    form |= {f"severity_{entry.name}": draft.setting(entry.name) for entry in RULES}
    form |= {"note": "", "base_version": "0"}
    return form | changes


async def test_an_admin_saves_a_version_and_sees_it_in_the_history(
    client: httpx.AsyncClient, clock: SimulatedClock, database: Settings
) -> None:
    admin = await factories.create_user(clock, "admin", name="Ada Admin")
    await sign_in(client, admin)
    page = await client.get(PAGE)
    assert page.status_code == 200 and "Version 0 is in use" in page.text
    saved = await submit(client, PAGE, PAGE, policy_form(
        database, allowed_numbers="312-555-0148", note="The Lakeside clinic line is public."))
    assert saved.status_code == 303 and saved.headers["location"] == PAGE
    page = await client.get(PAGE)
    assert "Version 1 of the compliance policy is saved" in page.text
    entry = element(page.text, "version-1")
    assert "Ada Admin" in entry and "The Lakeside clinic line is public." in entry
    assert "Allowed phone numbers: added “312-555-0148”" in entry
    assert ">312-555-0148</textarea>" in element(page.text, "policy-form")


async def test_an_unreadable_number_is_an_inline_error_that_keeps_what_was_typed_and_saves_nothing(
    client: httpx.AsyncClient, clock: SimulatedClock, database: Settings
) -> None:
    await sign_in(client, await factories.create_user(clock, "admin"))
    response = await submit(client, PAGE, PAGE, policy_form(
        database, allowed_numbers="312-555-0148\n555-12", allowed_domains="example.org", note="Lines."))
    assert response.status_code == 422
    error = element(response.text, "e-allowed_numbers")
    assert "“555-12” is not a phone number" in error
    assert 'aria-describedby="e-allowed_numbers"' in response.text
    form = element(response.text, "policy-form")
    assert ">312-555-0148\n555-12</textarea>" in form and ">example.org</textarea>" in form
    assert await PolicyVersion.all().count() == 0


async def test_lowering_a_patient_rule_is_an_inline_error_and_saves_nothing(
    client: httpx.AsyncClient, clock: SimulatedClock, database: Settings
) -> None:
    await sign_in(client, await factories.create_user(clock, "admin"))
    page = await client.get(PAGE)
    # The page offers only "block" for patient identifiers; a hand-made form is refused all the same.
    options = element(page.text, "s-patient_name")
    assert '<option value="warn"' in options and "disabled" in options.split('value="warn"')[1].split(">")[0]
    response = await submit(client, PAGE, PAGE, policy_form(database, severity_patient_name="off",
                                                            note="Names are fine."))
    assert response.status_code == 422
    assert "Patient name guards patient identifiers" in element(response.text, "e-severities")
    assert await PolicyVersion.all().count() == 0


async def test_the_try_box_judges_the_text_by_the_policy_as_drafted(
    client: httpx.AsyncClient, clock: SimulatedClock, database: Settings
) -> None:
    await sign_in(client, await factories.create_user(clock, "admin"))
    token = csrf_of((await client.get(PAGE)).text)
    flagged = await client.post(f"{PAGE}/try", data={**policy_form(database), "csrf_token": token,
                                                     "try_text": PHONE_TEXT, "try_network": "linkedin"})
    assert flagged.status_code == 200
    body = flagged.json()
    assert body["ok"] is False
    [finding] = body["findings"]
    assert (finding["rule"], finding["severity"]) == ("phone_number", "block")
    assert finding["label"] == "Phone number"
    assert finding["words"] == "312-555-0148"
    assert '<mark class="finding block"' in body["html"] and ">312-555-0148</mark>" in body["html"]
    allowed = await client.post(f"{PAGE}/try", data={
        **policy_form(database, allowed_numbers="(312) 555-0148"), "csrf_token": token,
        "try_text": PHONE_TEXT, "try_network": "linkedin"})
    assert allowed.json() == {"ok": True, "html": PHONE_TEXT.replace("'", "&#39;"), "findings": []}
    broken = await client.post(f"{PAGE}/try", data={
        **policy_form(database, allowed_numbers="call us"), "csrf_token": token, "try_text": PHONE_TEXT})
    assert broken.status_code == 422 and "not a phone number" in broken.json()["problems"]["allowed_numbers"]
    assert await PolicyVersion.all().count() == 0


async def test_only_admins_open_the_policy_page(client: httpx.AsyncClient, clock: SimulatedClock) -> None:
    for role in ("editor", "reviewer", "leader", "ambassador"):
        await sign_in(client, await factories.create_user(clock, role))
        assert (await client.get(PAGE)).status_code == 403
