"""Request and response shapes of the compliance policy API."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, Field

from advocacy.api import NOT_BLANK
from advocacy.compliance.catalogue import RULES, Setting
from advocacy.compliance.versions import (
    LIST_FIELDS,
    MAX_ENTRIES,
    MAX_ENTRY,
    MAX_NOTE,
    HistoryEntry,
    PolicyDraft,
    draft_of,
)

# At most MAX_ENTRIES of at most MAX_ENTRY characters each, as given (the service counts them again
# once blanks and repeats are dropped, which only ever lowers the count).
Entries = Annotated[list[Annotated[str, Field(max_length=MAX_ENTRY)]], Field(max_length=MAX_ENTRIES)]


class PolicyLists(BaseModel):
    allowed_numbers: Entries = []
    allowed_addresses: Entries = []
    allowed_emails: Entries = []
    allowed_domains: Entries = []
    blocked_terms: Entries = []
    disclosures: Entries = []


# The severities a rule may be set to: any for most, only "block" for the rules guarding patient
# identifiers (`choice_problem` refuses the rest with its reason).
def _severity_choices(schema: dict[str, Any]) -> None:
    schema.pop("patternProperties", None)
    schema["properties"] = {entry.name: {"enum": [Setting.BLOCK.value] if entry.patient
                                         else [setting.value for setting in Setting]}
                            for entry in RULES}
    schema["additionalProperties"] = False


class PolicyIn(PolicyLists):
    disclosures: Entries = Field(json_schema_extra={"contains": {"pattern": NOT_BLANK}},
                                 description="At least one that is not blank: the first is added to "
                                             "shares that have none")
    severities: dict[str, str] = Field(
        default_factory=dict, json_schema_extra=_severity_choices,
        description="rule → block | warn | off; rules left out keep their default")
    note: str = Field(max_length=MAX_NOTE, pattern=NOT_BLANK, description="What changed and why (required)")
    base_version: int | None = Field(
        default=None, ge=0, le=2**31 - 1,
        description="The version the change starts from; refused if another was saved since")

    def lists(self) -> dict[str, list[str]]:
        return {name: getattr(self, name) for name in LIST_FIELDS}


class PolicyBody(PolicyLists):
    severities: dict[str, Literal["block", "warn", "off"]]

    @classmethod
    def of(cls, draft: PolicyDraft) -> PolicyBody:
        return cls(**{name: list(getattr(draft, name)) for name in LIST_FIELDS},
                   severities=dict(draft.severities))


class PolicyVersionOut(BaseModel):
    version: int
    created_at: datetime
    created_by: str
    note: str
    changes: list[str]
    policy: PolicyBody

    @classmethod
    def of(cls, entry: HistoryEntry) -> PolicyVersionOut:
        row = entry.version
        return cls(version=row.version, created_at=row.created_at, created_by=entry.author, note=row.note,
                   changes=entry.changes, policy=PolicyBody.of(draft_of(row)))


class PolicyOut(BaseModel):
    version: int = Field(description="The current version (0: the defaults from settings)")
    policy: PolicyBody
    history: list[PolicyVersionOut]

    @classmethod
    def of(cls, number: int, draft: PolicyDraft, history: list[HistoryEntry]) -> PolicyOut:
        return cls(version=number, policy=PolicyBody.of(draft),
                   history=[PolicyVersionOut.of(entry) for entry in history])
