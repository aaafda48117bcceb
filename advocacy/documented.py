"""Field metadata for the API's request models that checks a value and states the same rule in the
OpenAPI document: one of a list of values (`OneOf`), an instant inside the calendar (`InCalendar`).

pydantic describes its own constraints; these state what it cannot, from the same values the check
uses, so the document and the parser never disagree.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cached_property
from typing import Any

from pydantic import GetCoreSchemaHandler, GetJsonSchemaHandler
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import core_schema

from advocacy.api import years_pattern
from advocacy.clock import EARLIEST, LATEST


class DocumentedCheck(ABC):
    """Field metadata (`Annotated[T, SomeCheck(...)]`) that checks the parsed value after pydantic's
    own checks and states the same rule in the field's JSON Schema. A kind of check says both
    halves (`check` and `state`); this class only hands them to pydantic."""

    @abstractmethod
    def check(self, value: Any) -> Any:
        """The value, or ValueError saying why it is refused."""

    @abstractmethod
    def state(self, schema: JsonSchemaValue) -> None:
        """Write the rule into the field's schema."""

    def __get_pydantic_core_schema__(
        self, source: Any, handler: GetCoreSchemaHandler
    ) -> core_schema.CoreSchema:
        return core_schema.no_info_after_validator_function(self.check, handler(source))

    def __get_pydantic_json_schema__(
        self, schema: core_schema.CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        value = handler(schema)
        self.state(value)
        return value


@dataclass(frozen=True)
class OneOf(DocumentedCheck):
    """A text field's metadata: only these values, refused otherwise with `problem` (where the
    value goes in `{value}`), and listed as the field's `enum` in the document (`Annotated[str,
    OneOf(...)]`)."""

    values: tuple[str, ...]
    problem: str

    @cached_property
    def allowed(self) -> frozenset[str]:
        return frozenset(self.values)

    def check(self, value: str) -> str:
        if value not in self.allowed:
            raise ValueError(self.problem.format(value=repr(value[:60])))
        return value

    def state(self, schema: JsonSchemaValue) -> None:
        schema.pop("pattern", None)
        schema["enum"] = list(self.values)


# The days an instant given to the API may be written on: the calendar's range (`advocacy.clock`)
# less a day at each end, so that whatever its UTC offset the instant falls inside the range.
FIRST_INSTANT_DAY = EARLIEST.date() + timedelta(days=1)
LAST_INSTANT_DAY = LATEST.date() - timedelta(days=1)


def _instant_pattern() -> str:
    """RFC 3339 date-times written on a day from FIRST_INSTANT_DAY to LAST_INSTANT_DAY."""
    first, last = FIRST_INSTANT_DAY, LAST_INSTANT_DAY
    assert (first.month, first.day, last.month, last.day) == (1, 2, 12, 30), "spelled out below"
    day = "(?:0[1-9]|[12][0-9]|3[01])"
    month_day = f"(?:0[1-9]|1[0-2])-{day}"
    days = "|".join([
        f"(?:{years_pattern(first.year + 1, last.year - 1)})-{month_day}",
        f"{first.year}-(?:01-(?:0[2-9]|[12][0-9]|3[01])|(?:0[2-9]|1[0-2])-{day})",
        f"{last.year}-(?:(?:0[1-9]|1[01])-{day}|12-(?:0[1-9]|[12][0-9]|30))",
    ])
    time = "(?:[01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9](?:\\.[0-9]{1,6})?"
    offset = "(?:[Zz]|[+-](?:[01][0-9]|2[0-3]):[0-5][0-9])"
    return f"^(?:{days})[Tt]{time}{offset}$"


class InCalendar(DocumentedCheck):
    """A datetime field's metadata: an instant with its UTC offset, written on a day from
    FIRST_INSTANT_DAY to LAST_INSTANT_DAY, refused otherwise and stated as a pattern in the document
    (`Annotated[datetime, InCalendar()]`)."""

    def check(self, value: datetime) -> datetime:
        if value.tzinfo is None:
            raise ValueError("give the time with its UTC offset, e.g. 2026-12-01T09:00:00Z")
        if not FIRST_INSTANT_DAY <= value.date() <= LAST_INSTANT_DAY:
            raise ValueError(f"choose a day from {FIRST_INSTANT_DAY} to {LAST_INSTANT_DAY}")
        return value

    def state(self, schema: JsonSchemaValue) -> None:
        schema["pattern"] = _instant_pattern()
