"""The three connectors under test, each with the controls its platform offers for faults.

`Platform` is the one shape the contract suite drives: the sandbox in-process, and the X and
LinkedIn connectors over real HTTP against the local fake servers.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import Any, Protocol

from advocacy.clock import SimulatedClock
from connectors.base import AccountRef, AmbiguousOutcome, AuthExpired, Connector, TransientError
from connectors.linkedin import LinkedInConnector
from connectors.sandbox import SandboxConnector, SandboxNetwork, SandboxParameters
from connectors.x import XConnector
from tests.fakes.linkedin_server import FakeLinkedIn
from tests.fakes.x_server import FakeX

START = datetime(2026, 11, 2, 8, 0, tzinfo=UTC)
# Short enough that a fake which holds its answer back makes the client give up quickly.
AMBIGUOUS_TIMEOUT = 0.5


class Platform(Protocol):
    connector: Connector
    account: AccountRef
    followers: int
    unknown_id: str

    def now(self) -> datetime: ...
    def posts_with(self, text: str) -> int: ...
    def allow_one_post_per_window(self) -> None: ...
    def revoke_token(self) -> None: ...
    def fail_next_with_server_error(self) -> None: ...
    def lose_the_next_answer_after_posting(self) -> None: ...
    def answer_promptly(self) -> None: ...
    async def close(self) -> None: ...


@dataclass
class SandboxPlatform:
    connector: Any
    account: AccountRef
    network: SandboxNetwork
    clock: SimulatedClock
    followers: int = 777
    # Sandbox ids encode their post, so only a malformed one is unknown to it.
    unknown_id: str = "linkedin-never-issued"

    @classmethod
    def create(cls) -> SandboxPlatform:
        clock = SimulatedClock(START)
        network = SandboxNetwork(SandboxParameters(), now=clock.now)
        account = AccountRef("linkedin", "member-1", "ada", followers=777)
        return cls(SandboxConnector("linkedin", network), account, network, clock)

    def now(self) -> datetime:
        return self.clock.now()

    def posts_with(self, text: str) -> int:
        return self.network.posts_for(text)

    def allow_one_post_per_window(self) -> None:
        self.network.parameters = replace(self.network.parameters, daily_post_limit=1)

    def revoke_token(self) -> None:
        self.network.inject_fault("linkedin", AuthExpired("sandbox: token revoked"), times=5)

    def fail_next_with_server_error(self) -> None:
        self.network.inject_fault("linkedin", TransientError("sandbox: 503"))

    def lose_the_next_answer_after_posting(self) -> None:
        self.network.inject_fault("linkedin", AmbiguousOutcome("sandbox: timeout"), after_publish=True)

    def answer_promptly(self) -> None:
        return None

    async def close(self) -> None:
        return None


@dataclass
class XPlatform:
    connector: XConnector
    account: AccountRef
    state: FakeX
    token: str
    followers: int = 321
    unknown_id: str = "1799999999999999999"

    @classmethod
    def create(cls, state: FakeX, base_url: str) -> XPlatform:
        user, token = state.add_user(f"ambassador{len(state.users)}", followers=321)
        connector = XConnector(api_base_url=base_url, now=lambda: datetime.now(UTC),
                               timeout_seconds=AMBIGUOUS_TIMEOUT)
        return cls(connector, AccountRef("x", user.id, user.username, access_token=token), state, token)

    def now(self) -> datetime:
        return datetime.now(UTC)

    def posts_with(self, text: str) -> int:
        return len(self.state.posts_with(text))

    def allow_one_post_per_window(self) -> None:
        self.state.posts_per_window = 1

    def revoke_token(self) -> None:
        self.state.revoked.add(self.token)

    def fail_next_with_server_error(self) -> None:
        self.state.fail_next(503, {"title": "Service Unavailable", "detail": "Service Unavailable",
                                   "type": "about:blank", "status": 503})

    def lose_the_next_answer_after_posting(self) -> None:
        self.state.hang_after_create_seconds = AMBIGUOUS_TIMEOUT * 3

    def answer_promptly(self) -> None:
        self.state.hang_after_create_seconds = 0

    async def close(self) -> None:
        self.state.hang_after_create_seconds = 0
        self.state.posts_per_window = 300
        await self.connector.close()


@dataclass
class LinkedInPlatform:
    connector: LinkedInConnector
    account: AccountRef
    state: FakeLinkedIn
    token: str
    followers: int = 961
    unknown_id: str = "urn:li:share:6999999999999999999"

    @classmethod
    def create(cls, state: FakeLinkedIn, base_url: str, version: str = "202611",
               **member_options: Any) -> LinkedInPlatform:
        member, token = state.add_member(f"Member {len(state.members)}", followers=961, **member_options)
        connector = LinkedInConnector(api_base_url=base_url, version=version,
                                      now=lambda: datetime.now(UTC), timeout_seconds=AMBIGUOUS_TIMEOUT)
        account = AccountRef("linkedin", member.sub, member.name, access_token=token)
        return cls(connector, account, state, token)

    def now(self) -> datetime:
        return datetime.now(UTC)

    def posts_with(self, text: str) -> int:
        return len(self.state.posts_with(text))

    def allow_one_post_per_window(self) -> None:
        self.state.posts_per_day = 1

    def revoke_token(self) -> None:
        self.state.revoked.add(self.token)

    def fail_next_with_server_error(self) -> None:
        self.state.fail_next(503, {"status": 503, "message": "Service Unavailable"})

    def lose_the_next_answer_after_posting(self) -> None:
        self.state.hang_after_create_seconds = AMBIGUOUS_TIMEOUT * 3

    def answer_promptly(self) -> None:
        self.state.hang_after_create_seconds = 0

    async def close(self) -> None:
        self.state.hang_after_create_seconds = 0
        self.state.posts_per_day = 150
        await self.connector.close()
