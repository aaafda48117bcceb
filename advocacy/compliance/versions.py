"""The organisation's compliance policy versions: checking a draft, saving it as a new audited
version, the history with what each version changed, and the policy a version makes."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace

import phonenumbers
from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from advocacy import audit
from advocacy.clock import Clock
from advocacy.compliance.catalogue import BY_NAME, choice_problem, label
from advocacy.compliance.models import PolicyVersion
from advocacy.compliance.policy import CompliancePolicy
from advocacy.errors import Conflict, InvalidInput
from advocacy.settings import Settings
from advocacy.users.models import User

MAX_ENTRIES = 200
MAX_ENTRY = 200
MAX_NOTE = 2000
EMAIL = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}")
DOMAIN = re.compile(r"(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\.)+[a-z]{2,}")
LIST_FIELDS = ("allowed_numbers", "allowed_addresses", "allowed_emails", "allowed_domains",
               "blocked_terms", "disclosures")
FIELD_LABELS = {
    "allowed_numbers": "Allowed phone numbers",
    "allowed_addresses": "Allowed addresses",
    "allowed_emails": "Allowed email addresses",
    "allowed_domains": "Allowed email domains",
    "blocked_terms": "Blocked phrases",
    "disclosures": "Disclosure texts",
    "severities": "Severity per rule",
    "note": "Note",
}


@dataclass(frozen=True)
class PolicyDraft:
    """What one version holds, checked: every entry readable, no patient rule lowered."""

    allowed_numbers: tuple[str, ...] = ()
    allowed_addresses: tuple[str, ...] = ()
    allowed_emails: tuple[str, ...] = ()
    allowed_domains: tuple[str, ...] = ()
    blocked_terms: tuple[str, ...] = ()
    disclosures: tuple[str, ...] = ()
    # Only the rules set to something other than their default, sorted by rule name.
    severities: tuple[tuple[str, str], ...] = ()

    def policy(self, base: CompliancePolicy, version: int) -> CompliancePolicy:
        return replace(
            base, version=version, disclosures=self.disclosures, blocked_terms=self.blocked_terms,
            allowed_contacts=self.allowed_numbers + self.allowed_addresses + self.allowed_emails,
            allowed_domains=self.allowed_domains, severities=self.severities,
        )

    def setting(self, rule: str) -> str:
        return dict(self.severities).get(rule, BY_NAME[rule].default.value)


def _unique(values: Sequence[str]) -> tuple[str, ...]:
    seen: dict[str, str] = {}
    for value in values:
        cleaned = " ".join(value.split())
        if cleaned:
            seen.setdefault(cleaned.lower(), cleaned)
    return tuple(seen.values())


def _entry_problem(name: str, value: str, region: str) -> str | None:
    if len(value) > MAX_ENTRY:
        return f"“{value[:40]}…” is longer than {MAX_ENTRY} characters."
    if name == "allowed_numbers":
        try:
            number = phonenumbers.parse(value, region)
        except phonenumbers.NumberParseException:
            number = None
        if number is None or not phonenumbers.is_valid_number(number):
            return (f"“{value}” is not a phone number we can read (a number without its country code "
                    f"is read as {region}).")
    if name == "allowed_emails" and not EMAIL.fullmatch(value):
        return f"“{value}” is not an email address (name@example.org)."
    if name == "allowed_domains" and not DOMAIN.fullmatch(value):
        return f"“{value}” is not a domain (example.org)."
    if name == "allowed_addresses" and not (re.search(r"\d", value) and re.search(r"[A-Za-z]", value)):
        return f"“{value}” is not a street address: give its number and street (1200 Lakeshore Drive)."
    return None


def parse_draft(
    lists: Mapping[str, Sequence[str]], severities: Mapping[str, str], region: str
) -> PolicyDraft:
    """A draft from what was typed, or InvalidInput naming every problem by field (`problems`)."""
    problems: dict[str, str] = {}
    values: dict[str, tuple[str, ...]] = {}
    for name in LIST_FIELDS:
        entries = _unique(lists.get(name, ()))
        if name == "allowed_emails":
            entries = tuple(entry.lower() for entry in entries)
        if name == "allowed_domains":
            entries = tuple(entry.lower().lstrip("@") for entry in entries)
        if len(entries) > MAX_ENTRIES:
            problems[name] = f"Keep the list under {MAX_ENTRIES} entries."
        found = next((p for entry in entries if (p := _entry_problem(name, entry, region))), None)
        if found:
            problems[name] = found
        values[name] = entries
    if not values["disclosures"]:
        problems["disclosures"] = "Keep at least one disclosure: the first is added to shares that have none."
    chosen: dict[str, str] = {}
    for rule, setting in severities.items():
        problem = choice_problem(rule, setting)
        if problem:
            problems["severities"] = problem
        elif setting != BY_NAME[rule].default:
            chosen[rule] = setting
    if problems:
        raise InvalidInput(
            "Nothing was saved: " + " ".join(problems.values()), {"problems": problems})
    return PolicyDraft(**values, severities=tuple(sorted(chosen.items())))


def draft_of(row: PolicyVersion) -> PolicyDraft:
    return PolicyDraft(
        **{name: tuple(getattr(row, name)) for name in LIST_FIELDS},
        severities=tuple(sorted(row.severities.items())),
    )


def draft_of_settings(settings: Settings) -> PolicyDraft:
    """Version 0: the policy settings supply, its contacts sorted by kind."""
    policy = CompliancePolicy.from_settings(settings)
    kinds: dict[str, list[str]] = {"allowed_numbers": [], "allowed_addresses": [], "allowed_emails": [],
                                   "allowed_domains": []}
    for contact in policy.allowed_contacts:
        if contact.startswith("@"):
            kinds["allowed_domains"].append(contact[1:].lower())
        elif "@" in contact:
            kinds["allowed_emails"].append(contact.lower())
        elif _entry_problem("allowed_numbers", contact, policy.phone_region) is None:
            kinds["allowed_numbers"].append(contact)
        else:
            kinds["allowed_addresses"].append(contact)
    return PolicyDraft(
        allowed_numbers=tuple(kinds["allowed_numbers"]), allowed_addresses=tuple(kinds["allowed_addresses"]),
        allowed_emails=tuple(kinds["allowed_emails"]), allowed_domains=tuple(kinds["allowed_domains"]),
        blocked_terms=policy.blocked_terms, disclosures=policy.disclosures,
    )


def changes(before: PolicyDraft, after: PolicyDraft) -> list[str]:
    """What `after` changed, one line per change a person reads in the history."""
    lines: list[str] = []
    for name in LIST_FIELDS:
        old, new = getattr(before, name), getattr(after, name)
        added = [value for value in new if value not in old]
        removed = [value for value in old if value not in new]
        if added:
            lines.append(f"{FIELD_LABELS[name]}: added " + ", ".join(f"“{v}”" for v in added))
        if removed:
            lines.append(f"{FIELD_LABELS[name]}: removed " + ", ".join(f"“{v}”" for v in removed))
        if not added and not removed and old != new:
            lines.append(f"{FIELD_LABELS[name]}: reordered")
    for rule in BY_NAME:
        old_setting, new_setting = before.setting(rule), after.setting(rule)
        if old_setting != new_setting:
            lines.append(f"{label(rule)}: {old_setting} → {new_setting}")
    return lines


async def newest_number() -> int:
    """The newest saved version's number; 0 while none is saved (the settings' policy)."""
    newest = await PolicyVersion.all().order_by("-version").only("id", "version").first()
    return newest.version if newest else 0


async def policy_at(number: int, settings: Settings) -> CompliancePolicy:
    base = CompliancePolicy.from_settings(settings)
    row = await PolicyVersion.get_or_none(version=number) if number else None
    return draft_of(row).policy(base, row.version) if row else base


@dataclass(frozen=True)
class HistoryEntry:
    version: PolicyVersion
    author: str
    changes: list[str]


async def history(settings: Settings) -> list[HistoryEntry]:
    """Every saved version, newest first, with who saved it and what it changed."""
    rows = await PolicyVersion.all().order_by("version").select_related("created_by")
    entries, before = [], draft_of_settings(settings)
    for row in rows:
        after = draft_of(row)
        author = row.created_by.name if row.created_by else "a removed account"
        entries.append(HistoryEntry(row, author, changes(before, after)))
        before = after
    return entries[::-1]


async def current_draft(settings: Settings) -> tuple[int, PolicyDraft]:
    row = await PolicyVersion.all().order_by("-version").first()
    return (row.version, draft_of(row)) if row else (0, draft_of_settings(settings))


async def save_version(
    clock: Clock, actor: User | None, draft: PolicyDraft, note: str, settings: Settings,
    *, base_version: int | None = None,
) -> PolicyVersion:
    """Save `draft` as the next version: earlier versions stay, the save is audited, and every
    process's engine follows at its next check. `base_version` (the version the editor started
    from) refuses a save that would silently undo someone else's newer one."""
    note = note.strip()
    if not note or len(note) > MAX_NOTE:
        raise InvalidInput("Nothing was saved: say in a short note what changed and why.",
                           {"problems": {"note": f"Write a note of up to {MAX_NOTE} characters."}})
    try:
        async with in_transaction():
            latest = await PolicyVersion.all().order_by("-version").select_for_update().first()
            number = latest.version if latest else 0
            if base_version is not None and base_version != number:
                raise Conflict(f"Nothing was saved: version {number} was saved while you were editing. "
                               "Reload the page to see it, then make your change again.")
            changed = changes(draft_of(latest) if latest else draft_of_settings(settings), draft)
            if not changed:
                raise InvalidInput("Nothing was saved: the policy is the same as the current version.",
                                   {"problems": {"note": "Change something before saving."}})
            created = PolicyVersion(version=number + 1, created_by=actor, created_at=clock.now(), note=note,
                                    severities=dict(draft.severities))
            for name in LIST_FIELDS:
                setattr(created, name, list(getattr(draft, name)))
            await created.save()
            await audit.record(clock, actor, "compliance.policy", f"compliance-policy:{created.version}",
                               {"note": note, "changes": changed})
    except IntegrityError:
        raise Conflict("Nothing was saved: another version was saved at the same moment. "
                       "Reload the page and make your change again.") from None
    return created

