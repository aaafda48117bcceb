"""The share lifecycle: the table of transitions walked whole, its guards, and that it is the only writer."""

from __future__ import annotations

import ast
import itertools
from datetime import timedelta
from pathlib import Path

import pytest
from tortoise.expressions import Q
from tortoise.transactions import in_transaction

from advocacy.clock import SimulatedClock
from advocacy.settings import Settings
from advocacy.shares import lifecycle
from advocacy.shares.lifecycle import TRANSITIONS, Change, Transition
from advocacy.shares.models import Share, ShareEvent, ShareStatus
from tests import factories

ROOT = Path(__file__).resolve().parents[2]


async def share_in(clock: SimulatedClock, status: ShareStatus, **columns: object) -> Share:
    """A share put straight into `status` (set up here, not through a transition)."""
    _, post = await factories.create_launched_campaign(clock)
    user, account = await factories.create_ambassador(clock)
    share = await lifecycle.create_queued(clock.now(), reason="picked", user=user, account=account,
                                          post=post, network=account.network.value, text="Proud #employee",
                                          due_at=clock.now())
    # needs_reconcile: an unconfirmed share the claim and the pause may take is one due to reconcile.
    await Share.filter(id=share.id).update(status=status, needs_reconcile=True, **columns)
    return await Share.get(id=share.id)


def label(transition: Transition, status: ShareStatus) -> str:
    return f"{transition.name}-from-{status.value}"


ALLOWED = [(t, s) for t in TRANSITIONS for s in sorted(t.sources)]
REFUSED = [(t, s) for t in TRANSITIONS for s in ShareStatus if not t.allows(s)]
# Every (from, to) pair of states that no transition allows, with each transition reaching `to`.
FORBIDDEN_PAIRS = [
    (t, source) for source, target in itertools.product(ShareStatus, ShareStatus)
    if not lifecycle.allowed(source, target) for t in TRANSITIONS if t.target == target
]


@pytest.mark.parametrize(("transition", "source"), ALLOWED, ids=[label(*case) for case in ALLOWED])
async def test_every_allowed_transition_moves_the_share_and_records_its_event(
    database: Settings, clock: SimulatedClock, transition: Transition, source: ShareStatus
) -> None:
    share = await share_in(clock, source)
    clock.advance(timedelta(minutes=5))

    moved = await lifecycle.apply(transition, clock.now(), Q(id=share.id), reason=f"walk {transition.name}")

    assert moved == [Change(share.id, source)]
    after = await Share.get(id=share.id)
    assert (after.status, after.updated_at) == (transition.target, clock.now())
    event = await ShareEvent.filter(share_id=share.id).order_by("-id").first()
    assert event is not None
    assert (event.from_status, event.to_status, event.reason, event.at) == (
        source, transition.target, f"walk {transition.name}", clock.now())


@pytest.mark.parametrize(("transition", "source"), REFUSED, ids=[label(*case) for case in REFUSED])
async def test_every_transition_refuses_a_share_in_another_state_and_changes_nothing(
    database: Settings, clock: SimulatedClock, transition: Transition, source: ShareStatus
) -> None:
    share = await share_in(clock, source)
    events = await ShareEvent.filter(share_id=share.id).count()
    clock.advance(timedelta(minutes=5))

    moved = await lifecycle.apply(transition, clock.now(), Q(id=share.id), reason="must not happen",
                                  values={"text": "changed"})

    assert moved == []
    after = await Share.get(id=share.id)
    assert (after.status, after.text, after.updated_at) == (source, share.text, share.updated_at)
    assert await ShareEvent.filter(share_id=share.id).count() == events


@pytest.mark.parametrize(("transition", "source"), FORBIDDEN_PAIRS,
                         ids=[label(*case) for case in FORBIDDEN_PAIRS])
async def test_no_transition_reaches_a_state_from_a_state_the_table_does_not_allow(
    database: Settings, clock: SimulatedClock, transition: Transition, source: ShareStatus
) -> None:
    share = await share_in(clock, source)
    assert await lifecycle.apply(transition, clock.now(), Q(id=share.id), reason="x") == []
    assert (await Share.get(id=share.id)).status == source


def test_every_state_is_reached_and_left_by_some_transition() -> None:
    # A state nothing reaches, or one nothing leaves but the final ones, is a hole in the table.
    final = {ShareStatus.CANCELLED}
    assert {t.target for t in TRANSITIONS} == set(ShareStatus)
    assert set().union(*(t.sources for t in TRANSITIONS)) == set(ShareStatus) - final


async def test_a_new_share_starts_queued_with_its_first_event(
    database: Settings, clock: SimulatedClock
) -> None:
    share = await share_in(clock, ShareStatus.QUEUED)
    first = await ShareEvent.filter(share_id=share.id).order_by("id").first()
    assert first is not None and (first.from_status, first.to_status, first.reason) == (
        None, ShareStatus.QUEUED, "picked")


async def test_a_set_based_transition_moves_only_the_shares_still_in_a_from_state(
    database: Settings, clock: SimulatedClock
) -> None:
    waiting = [await share_in(clock, status) for status in (ShareStatus.QUEUED, ShareStatus.PAUSED)]
    publishing = await share_in(clock, ShareStatus.PUBLISHING)
    ids = [share.id for share in [*waiting, publishing]]

    moved = await lifecycle.cancel(clock.now(), Q(id__in=ids), "the pack was archived")

    assert moved == [Change(waiting[0].id, ShareStatus.QUEUED), Change(waiting[1].id, ShareStatus.PAUSED)]
    assert (await Share.get(id=publishing.id)).status == ShareStatus.PUBLISHING
    assert await ShareEvent.filter(share_id=publishing.id, to_status=ShareStatus.CANCELLED).count() == 0


async def test_only_the_holder_of_the_lease_ends_an_attempt(
    database: Settings, clock: SimulatedClock
) -> None:
    share = await share_in(clock, ShareStatus.PUBLISHING, lease_owner="worker-a")
    stranger = await Share.get(id=share.id)
    stranger.lease_owner = "worker-b"
    assert not await lifecycle.finish(clock.now(), stranger, ShareStatus.FAILED, "not mine")
    assert await lifecycle.finish(clock.now(), share, ShareStatus.FAILED, "permanent error")
    after = await Share.get(id=share.id)
    assert (after.status, after.lease_owner, after.last_error) == (
        ShareStatus.FAILED, None, "permanent error")


async def test_the_claim_takes_only_due_shares_and_counts_the_attempt(
    database: Settings, clock: SimulatedClock
) -> None:
    due = await share_in(clock, ShareStatus.QUEUED)
    later = await share_in(clock, ShareStatus.QUEUED, due_at=clock.now() + timedelta(hours=1))
    until = clock.now() + timedelta(minutes=5)
    async with in_transaction() as conn:
        moved = await lifecycle.claim(conn, clock.now(), [due.id, later.id], owner="w:1", lease_until=until,
                                      worker="w")
    assert moved == [Change(due.id, ShareStatus.QUEUED)]
    claimed = await Share.get(id=due.id)
    assert (claimed.status, claimed.lease_owner, claimed.lease_until, claimed.attempts) == (
        ShareStatus.PUBLISHING, "w:1", until, 1)
    assert (await Share.get(id=later.id)).status == ShareStatus.QUEUED


def _chain_root(node: ast.expr) -> str | None:
    """The name a call chain starts from: `Share` for `Share.filter(...).using_db(c).update(...)`."""
    while isinstance(node, ast.Call | ast.Attribute):
        node = node.func if isinstance(node, ast.Call) else node.value
    return node.id if isinstance(node, ast.Name) else None


def writes_share_state(call: ast.Call) -> bool:
    func = call.func
    if isinstance(func, ast.Name):
        return func.id == "ShareEvent"
    if not isinstance(func, ast.Attribute):
        return False
    root = _chain_root(func.value)
    if root == "ShareEvent" and func.attr in ("create", "bulk_create", "update", "delete"):
        return True
    if root == "Share" and func.attr in ("create", "bulk_create"):
        return True
    return root == "Share" and func.attr == "update" and any(k.arg == "status" for k in call.keywords)


def test_nothing_but_the_lifecycle_writes_a_share_status_or_event() -> None:
    found = []
    for package in ("advocacy", "campaigns", "connectors", "dashboards"):
        for path in sorted((ROOT / package).rglob("*.py")):
            if path == ROOT / "advocacy" / "shares" / "lifecycle.py" or "migrations" in path.parts:
                continue
            for node in ast.walk(ast.parse(path.read_text())):
                if isinstance(node, ast.Call) and writes_share_state(node):
                    found.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert found == []


def test_the_writer_check_sees_a_status_update_over_several_lines() -> None:
    source = "await Share.filter(id=1).using_db(conn).update(\n    status=ShareStatus.FAILED,\n)"
    calls = [node for node in ast.walk(ast.parse(source)) if isinstance(node, ast.Call)]
    assert any(writes_share_state(call) for call in calls)
