"""The admin page of the compliance policy: edit it as a new version, read the history, try a text."""

from __future__ import annotations

from collections.abc import Mapping

from starlette.datastructures import FormData
from starlette.responses import JSONResponse, RedirectResponse, Response
from starlette.routing import Route

from advocacy.api import MAX_ID
from advocacy.auth import signed_in_user
from advocacy.compliance import versions
from advocacy.compliance.catalogue import RULES, Setting, label
from advocacy.compliance.engine import Purpose, engine_for_policy
from advocacy.compliance.highlight import highlight
from advocacy.compliance.policy import CompliancePolicy
from advocacy.compliance.versions import FIELD_LABELS, LIST_FIELDS, PolicyDraft
from advocacy.errors import DomainError
from advocacy.forms import form_text, whole_number
from advocacy.state import AppRequest
from advocacy.templating import flash, render

NETWORKS = (("linkedin", "LinkedIn"), ("x", "X"))


def typed_lists(form: FormData) -> dict[str, list[str]]:
    return {name: form_text(form, name).splitlines() for name in LIST_FIELDS}


def typed_severities(form: FormData) -> dict[str, str]:
    return {entry.name: value for entry in RULES if (value := form_text(form, f"severity_{entry.name}"))}


def region(request: AppRequest) -> str:
    return request.state["settings"].compliance_phone_region or "US"


def draft_from(request: AppRequest, form: FormData) -> PolicyDraft:
    return versions.parse_draft(typed_lists(form), typed_severities(form), region(request))


async def policy_page(
    request: AppRequest, *, status: int = 200, error: str | None = None,
    problems: Mapping[str, str] | None = None, form: FormData | None = None,
) -> Response:
    settings = request.state["settings"]
    number, current = await versions.current_draft(settings)
    if form is not None:  # back with an error: everything as it was typed
        lists = {name: form_text(form, name) for name in LIST_FIELDS}
        chosen = {entry.name: form_text(form, f"severity_{entry.name}") or entry.default.value
                  for entry in RULES}
        note, base = form_text(form, "note"), form_text(form, "base_version")
    else:
        lists = {name: "\n".join(getattr(current, name)) for name in LIST_FIELDS}
        chosen = {entry.name: current.setting(entry.name) for entry in RULES}
        note, base = "", str(number)
    return render(
        request, "compliance_policy.html", status=status, error=error, problems=problems or {},
        number=number, base_version=base, lists=lists, chosen=chosen, note=note, rules=RULES,
        settings_choices=tuple(Setting), field_labels=FIELD_LABELS, networks=NETWORKS,
        history=await versions.history(settings),
    )


async def policy_view(request: AppRequest) -> Response:
    return await policy_page(request)


async def policy_save(request: AppRequest) -> Response:
    form = await request.form()
    base = form_text(form, "base_version").strip()
    try:
        draft = draft_from(request, form)
        created = await versions.save_version(
            request.state["clock"], signed_in_user(request), draft, form_text(form, "note"),
            request.state["settings"], base_version=whole_number(base, most=MAX_ID),
        )
    except DomainError as error:
        return await policy_page(request, status=error.status_code, error=error.message,
                                 problems=error.details.get("problems"), form=form)
    request.state["compliance"].forget()
    flash(request, f"Version {created.version} of the compliance policy is saved and in use.")
    return RedirectResponse("/admin/compliance", status_code=303)


async def policy_try(request: AppRequest) -> Response:
    """While the admin edits: the text in the try box judged by the policy as drafted on the page."""
    form = await request.form()
    text = form_text(form, "try_text")[:10_000]
    network = form_text(form, "try_network")
    if network not in dict(NETWORKS):
        network = "linkedin"
    purpose = Purpose.SUGGESTION if form_text(form, "try_purpose") == Purpose.SUGGESTION else Purpose.SHARE
    try:
        draft = draft_from(request, form)
    except DomainError as error:
        return JSONResponse({"error": error.message, "problems": error.details.get("problems", {})},
                            status_code=error.status_code)
    base = CompliancePolicy.from_settings(request.state["settings"])
    findings = engine_for_policy(draft.policy(base, version=0)).check(text, network, purpose)
    return JSONResponse({
        "ok": not any(finding.blocks for finding in findings),
        "html": str(highlight(text, [finding.as_json() for finding in findings])),
        "findings": [{**finding.as_json(), "label": label(finding.rule), "words": finding.words(text)}
                     for finding in findings],
    })


routes = [
    Route("/admin/compliance", policy_view, methods=["GET"], name="compliance-policy"),
    Route("/admin/compliance", policy_save, methods=["POST"], name="compliance-policy-save"),
    Route("/admin/compliance/try", policy_try, methods=["POST"], name="compliance-policy-try"),
]
