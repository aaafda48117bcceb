"""Fixtures: the fake X and LinkedIn servers (once per session) and one platform per test."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator

import pytest

from tests.connectors.platforms import LinkedInPlatform, Platform, SandboxPlatform, XPlatform
from tests.fakes import linkedin_server, x_server
from tests.fakes.serving import serve


@pytest.fixture(scope="session")
def fake_x() -> Iterator[tuple[x_server.FakeX, str]]:
    state = x_server.FakeX()
    with serve(x_server.build_app(state)) as url:
        yield state, url


@pytest.fixture(scope="session")
def fake_linkedin() -> Iterator[tuple[linkedin_server.FakeLinkedIn, str]]:
    state = linkedin_server.FakeLinkedIn()
    with serve(linkedin_server.build_app(state)) as url:
        yield state, url


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
