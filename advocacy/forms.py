"""Reading fields of submitted HTML forms into typed values, with errors a person can act on."""

from __future__ import annotations

from starlette.datastructures import FormData

from advocacy.api import MAX_ID
from advocacy.errors import InvalidInput


def form_text(form: FormData, name: str) -> str:
    """A text field; absent or a file upload reads as empty."""
    value = form.get(name)
    # NUL cannot be stored in PostgreSQL text and is never meant: dropped rather than a server error.
    return value.replace("\x00", "") if isinstance(value, str) else ""


def form_id(form: FormData, name: str, label: str) -> int:
    """A required id chosen in the form (a select, a radio button or a hidden field)."""
    value = form_text(form, name).strip()
    if not value:
        raise InvalidInput(f"Choose the {label}.", {"field": name})
    return _to_id(value, name, label)


def optional_form_id(form: FormData, name: str, label: str) -> int | None:
    value = form_text(form, name).strip()
    return _to_id(value, name, label) if value else None


def whole_number(value: str, *, least: int = 0, most: int) -> int | None:
    """The number a field or query parameter holds when it is plain digits in [least, most], else None.

    ASCII only: "²" passes `str.isdigit` and then fails `int`. The length is checked before `int`,
    which is slow on a huge digit string."""
    value = value.strip()
    if not (value.isascii() and value.isdigit() and len(value) <= len(str(most))):
        return None
    number = int(value)
    return number if least <= number <= most else None


def _to_id(value: str, name: str, label: str) -> int:
    # Ids share the bound of ids in addresses: a bigger number can only be a tampered form.
    number = whole_number(value, least=1, most=MAX_ID)
    if number is None:
        raise InvalidInput(f"The {label} {value[:40]!r} is not a valid choice.", {"field": name})
    return number

