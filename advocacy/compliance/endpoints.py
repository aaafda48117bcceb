"""JSON API of the compliance engine, so editors' tools and other services can check a text."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field
from starlette.responses import Response

from advocacy.api import ApiRoute, parse_body, respond
from advocacy.auth import signed_in_user
from advocacy.compliance import versions
from advocacy.compliance.current import compliance_engine
from advocacy.compliance.engine import Purpose
from advocacy.compliance.findings import Finding
from advocacy.compliance.schemas import PolicyIn, PolicyOut, PolicyVersionOut
from advocacy.state import AppRequest


class CheckRequest(BaseModel):
    text: str = Field(max_length=10_000)
    network: Literal["x", "linkedin"]
    purpose: Purpose = Field(
        default=Purpose.SHARE,
        description="'share' for an ambassador's text (disclosure required), 'suggestion' for an editor's",
    )


class FindingOut(BaseModel):
    rule: str
    severity: Literal["block", "warn"]
    span: tuple[int, int]
    message: str
    suggestion: str

    @classmethod
    def of(cls, finding: Finding) -> FindingOut:
        return cls.model_validate(finding.as_json())


class CheckResult(BaseModel):
    ok: bool = Field(description="False when any finding blocks")
    findings: list[FindingOut]
    policy_version: int = Field(description="The policy version that judged the text (0: the defaults)")


def check_result(findings: list[Finding], policy_version: int) -> CheckResult:
    return CheckResult(
        ok=not any(finding.blocks for finding in findings),
        findings=[FindingOut.of(finding) for finding in findings],
        policy_version=policy_version,
    )


async def check(request: AppRequest) -> Response:
    body = await parse_body(request, CheckRequest)
    engine = await compliance_engine(request)
    findings = engine.check(body.text, body.network, body.purpose)
    return respond(check_result(findings, engine.policy.version))


async def policy_overview(request: AppRequest) -> Response:
    settings = request.state["settings"]
    number, draft = await versions.current_draft(settings)
    return respond(PolicyOut.of(number, draft, await versions.history(settings)))


async def save_policy(request: AppRequest) -> Response:
    settings = request.state["settings"]
    body = await parse_body(request, PolicyIn)
    draft = versions.parse_draft(body.lists(), body.severities, settings.compliance_phone_region or "US")
    created = await versions.save_version(request.state["clock"], signed_in_user(request), draft, body.note,
                                          settings, base_version=body.base_version)
    request.state["compliance"].forget()
    entry = next(item for item in await versions.history(settings) if item.version.id == created.id)
    return respond(PolicyVersionOut.of(entry), status=201)


api_routes = [
    ApiRoute("/compliance/check", check, "POST", "api-compliance-check",
             "Check a text against the organisation's compliance policy", body=CheckRequest,
             response=CheckResult, errors=(401, 422)),
    ApiRoute("/compliance/policy", policy_overview, "GET", "api-compliance-policy",
             "The current compliance policy and every saved version", response=PolicyOut,
             errors=(401, 403)),
    ApiRoute("/compliance/policy", save_policy, "POST", "api-compliance-policy-save",
             "Save a new version of the compliance policy (admins)", body=PolicyIn,
             response=PolicyVersionOut, status=201, errors=(401, 403, 409, 422),
             refusals=("is not a phone number we can read", "is not a street address",
                       "is not an email address", "is not a domain",
                       "the policy is the same as the current version")),
]
