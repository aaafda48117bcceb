"""JSON API of the compliance engine, so editors' tools and other services can check a text."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field
from starlette.requests import Request
from starlette.responses import Response

from advocacy.api import ApiRoute, parse_body, respond
from advocacy.compliance.engine import Purpose, engine_for
from advocacy.compliance.findings import Finding


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


def check_result(findings: list[Finding]) -> CheckResult:
    return CheckResult(
        ok=not any(finding.blocks for finding in findings),
        findings=[FindingOut.of(finding) for finding in findings],
    )


async def check(request: Request) -> Response:
    body = await parse_body(request, CheckRequest)
    findings = engine_for(request.state.settings).check(body.text, body.network, body.purpose)
    return respond(check_result(findings))


api_routes = [
    ApiRoute("/compliance/check", check, "POST", "api-compliance-check",
             "Check a text against the organisation's compliance policy", body=CheckRequest,
             response=CheckResult, errors=(401, 422)),
]
