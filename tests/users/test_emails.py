"""The email address pattern the API document states admits only addresses the services accept."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import EmailStr, TypeAdapter

from advocacy.users.emails import EMAIL_ADDRESS

_email = TypeAdapter(EmailStr)


@settings(max_examples=300, deadline=None)
@given(st.from_regex(EMAIL_ADDRESS, fullmatch=True).filter(lambda address: len(address) <= 254))
def test_every_address_of_the_documented_form_is_one_the_services_accept(address: str) -> None:
    _email.validate_python(address)


def test_the_documented_form_leaves_out_the_special_use_names_the_services_refuse() -> None:
    assert re.fullmatch(EMAIL_ADDRESS, "nurse@example.org")
    assert re.fullmatch(EMAIL_ADDRESS, "first.last+tag@mail.example.co.uk")
    for refused in ("nurse@example.test", "nurse@ward.LocalHost", "nurse@x.onion", "a..b@example.org"):
        assert not re.fullmatch(EMAIL_ADDRESS, refused), refused
