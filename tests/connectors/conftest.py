"""Fixtures: one platform per test, for the contract suite."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from tests.connectors.platforms import LinkedInPlatform, Platform, SandboxPlatform, XPlatform


@pytest.fixture(params=["sandbox", "x-fake", "linkedin-fake"])
async def platform(request: pytest.FixtureRequest, fake_x, fake_linkedin) -> AsyncIterator[Platform]:  # type: ignore[no-untyped-def]
    made: Platform
    if request.param == "sandbox":
        made = SandboxPlatform.create()
    elif request.param == "x-fake":
        made = XPlatform.create(*fake_x)
    else:
        made = LinkedInPlatform.create(*fake_linkedin)
    yield made
    await made.close()
