"""Reviewers' overrides of compliance warnings on a pack's messages: which warning, who, and why.

A reviewer may accept a *warning* on a message of a pack in review, with a written reason that is
audited and shown next to the finding from then on. A block is never overridden here: a block from
a patient-identifier rule stays until the message changes (those rules cannot be lowered), and any
other block is lifted only by editing the message or by a new policy version. An override holds
for the exact text it was made on.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from tortoise.transactions import in_transaction

from advocacy.clock import Clock
from advocacy.compliance import ComplianceEngine, Purpose
from advocacy.compliance.catalogue import is_patient_rule, label
from advocacy.errors import Conflict, Forbidden, InvalidInput
from advocacy.users.models import User
from campaigns.models import FindingOverride, MessageVariant, PackStatus
from campaigns.queries import message_with_pack
from campaigns.service import REVIEWING_ROLES, record, refuse_a_writer

MAX_REASON = 2000


async def override_warning(
    clock: Clock, reviewer: User, variant_id: int, *, rule: str, start: int, end: int, reason: str,
    compliance: ComplianceEngine,
) -> FindingOverride:
    """Accept the warning of `rule` at [start, end) on a message of a pack in review."""
    if reviewer.role not in REVIEWING_ROLES:
        raise Forbidden("Only reviewers override compliance warnings.")
    variant = await message_with_pack(variant_id)
    pack = variant.post.pack
    if pack.status != PackStatus.IN_REVIEW:
        raise Conflict(f"The pack is {pack.status.value.replace('_', ' ')}; warnings are overridden "
                       "while it is in review.")
    await refuse_a_writer(reviewer, pack, "its warnings")
    reason = reason.strip()
    if not reason or len(reason) > MAX_REASON:
        raise InvalidInput(f"Say why this warning does not apply (up to {MAX_REASON} characters): "
                           "the reason is kept with the message.", {"field": "reason"})
    findings = compliance.check(variant.text, variant.network, Purpose.SUGGESTION)
    finding = next((f for f in findings if f.rule == rule and f.span == (start, end)), None)
    if finding is None:
        raise Conflict("That finding is no longer on the message (its text or the policy changed): "
                       "reload the page.")
    words = finding.words(variant.text)
    if finding.blocks:
        if is_patient_rule(rule):
            raise Forbidden(f"{label(rule)} is a patient identifier and blocks: no reviewer can override "
                            "it. Change the message; patient identifiers always block.",
                            {"rule": rule, "severity": "block"})
        raise Forbidden(f"{label(rule)} blocks this message, and only warnings can be overridden: "
                        "edit the message, or an admin changes the policy.",
                        {"rule": rule, "severity": "block"})
    if await FindingOverride.filter(variant_id=variant.id, rule=rule, start=start, end=end,
                                    message_text=variant.text).exists():
        raise Conflict("This warning is already overridden.")
    async with in_transaction():
        made = await FindingOverride.create(
            variant=variant, message_text=variant.text, rule=rule, start=start, end=end, words=words,
            policy_version=compliance.policy.version, reason=reason, reviewer=reviewer, at=clock.now(),
        )
        await record(clock, pack, reviewer, "warning_overridden", f"{label(rule)} “{words}”: {reason}",
                     variant.post, target=f"message:{variant.id}",
                     changes={"rule": rule, "span": [start, end], "words": words, "reason": reason,
                              "policy_version": compliance.policy.version})
    return made


async def with_overrides(
    findings: Mapping[int, list[dict[str, Any]]], variants: Iterable[MessageVariant]
) -> dict[int, list[dict[str, Any]]]:
    """Each message's findings (as JSON) with `override` set on the warnings a reviewer accepted."""
    texts = {variant.id: variant.text for variant in variants}
    made: dict[tuple[int, str, int, int], FindingOverride] = {}
    for override in await FindingOverride.filter(variant_id__in=list(texts)).select_related("reviewer"):
        if texts.get(override.variant_id) == override.message_text:
            made[(override.variant_id, override.rule, override.start, override.end)] = override
    marked: dict[int, list[dict[str, Any]]] = {}
    for variant_id, items in findings.items():
        marked[variant_id] = []
        for item in items:
            found = made.get((variant_id, item["rule"], *item["span"]))
            if found is not None and item["severity"] == "warn":
                item = {**item, "override": {"reason": found.reason, "by": found.reviewer.name,
                                             "at": found.at, "policy_version": found.policy_version}}
            item = {**item, "patient": is_patient_rule(item["rule"])}
            marked[variant_id].append(item)
    return marked
