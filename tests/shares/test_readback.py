"""The post-publication check: shares read back from their platform, compared and flagged."""

from __future__ import annotations

import csv
import io
from collections.abc import AsyncIterator, Sequence

import httpx
import pytest

from advocacy.accounts.networks import NetworkRegistry
from advocacy.audit.models import AuditEntry
from advocacy.clock import SimulatedClock
from advocacy.compliance.engine import disclosure_pattern
from advocacy.compliance.policy import CompliancePolicy
from advocacy.compliance.readback import compare, normalised
from advocacy.settings import Settings
from advocacy.shares.dispatch import ShareDispatcher
from advocacy.shares.models import ReadbackCheck, ReadbackState, ShareEvent
from advocacy.shares.readback import ReadbackChecker, campaign_readback
from dashboards.collection.collect import MetricsCollector
from tests import factories
from tests.dashboards.reporting.test_report import World
from tests.fakes.linkedin_server import FakeLinkedIn
from tests.fakes.x_server import FakeX
from tests.shares.test_live_dispatch import connected_ambassador, live_settings, share_everything
from tests.test_pages import element, sign_in


async def latest_checks(share_ids: Sequence[int]) -> dict[int, ReadbackCheck]:
    """The most recent check of each of these shares, recounted row by row (the service counts in
    SQL): the last by check time, then by id."""
    latest: dict[int, ReadbackCheck] = {}
    for check in await ReadbackCheck.filter(share_id__in=list(share_ids)).order_by("checked_at", "id"):
        latest[check.share_id] = check  # type: ignore[attr-defined]
    return latest


DISCLOSURE = disclosure_pattern(CompliancePolicy(organization="Northbrook Health"))
APPROVED = "Proud of our new cardiac unit (finally open)! #employee\n\nhttps://nb.example/l/abc"


def test_x_link_shortening_and_html_escaping_are_not_an_edit() -> None:
    shown = "Proud of our new cardiac unit (finally open)! #employee\n\nhttps://t.co/xyz"
    assert not compare(APPROVED, shown, "x", DISCLOSURE).flagged
    assert normalised("Care &amp; cure &lt;3", "x") == "Care & cure <3"


def test_linkedin_escapes_and_hashtag_markup_are_not_an_edit() -> None:
    shown = ("Proud of our new cardiac unit \\(finally open\\)! {hashtag|\\#|employee}  \n"
             "https://nb.example/l/abc")
    assert not compare(APPROVED, shown, "linkedin", DISCLOSURE).flagged


def test_edited_words_are_flagged_and_the_disclosure_is_checked_apart() -> None:
    edited = compare(APPROVED, "Proud of our new cardiac unit! #employee", "x", DISCLOSURE)
    assert edited.flagged and not edited.approved_text_kept and edited.disclosure_kept
    stripped = compare(APPROVED, "Proud of our new cardiac unit (finally open)!", "x", DISCLOSURE)
    assert stripped.flagged and not stripped.disclosure_kept
    assert "disclosure" in stripped.describe()


def test_text_added_around_the_approved_text_is_not_flagged() -> None:
    shown = "Look! " + APPROVED + " See you there"
    assert not compare(APPROVED, shown, "x", DISCLOSURE).flagged


def test_a_share_approved_without_disclosure_is_not_flagged_for_lacking_one() -> None:
    assert not compare("Plain words", "Plain words", "x", DISCLOSURE).flagged


async def test_collector_reads_a_new_share_back_then_flags_an_edit_and_a_deletion(
    database: Settings, clock: SimulatedClock
) -> None:
    world = World(database, clock)
    _, post = await world.launch()
    share = await world.share(post, "linkedin")
    other = await world.share(post, "x")
    await world.collector.run_once()  # right after publication
    assert {c.state for c in (await latest_checks([share.id, other.id])).values()} == {ReadbackState.INTACT}

    sandbox = world.networks.sandbox
    assert share.external_id and other.external_id
    sandbox.edit_post(share.external_id, "Something else entirely")
    sandbox.delete_post(other.external_id)
    await world.collect_for(1)  # the next snapshots are due: the shares are read again
    latest = await latest_checks([share.id, other.id])
    assert latest[share.id].state == ReadbackState.FLAGGED
    assert latest[share.id].approved_text_kept is False and latest[share.id].disclosure_kept is False
    assert latest[share.id].shown_text == "Something else entirely"
    assert latest[other.id].state == ReadbackState.DELETED
    history = await ShareEvent.filter(share_id=share.id).order_by("at", "id").values_list("reason", flat=True)
    assert any("approved text" in reason for reason in history)
    assert await AuditEntry.filter(action="share.readback.flagged", target=f"share:{share.id}").exists()
    assert await AuditEntry.filter(action="share.readback.deleted", target=f"share:{other.id}").exists()


async def test_unchanged_readings_do_not_repeat_in_the_share_history(
    database: Settings, clock: SimulatedClock
) -> None:
    world = World(database, clock)
    _, post = await world.launch()
    share = await world.share(post, "x")
    await world.collect_for(3)
    assert await ReadbackCheck.filter(share_id=share.id).count() > 2
    readbacks = [r for r in await ShareEvent.filter(share_id=share.id).values_list("reason", flat=True)
                 if r.startswith("Post-publication check")]
    assert len(readbacks) == 1


@pytest.fixture
async def live(
    database: Settings, clock: SimulatedClock, fake_x: tuple[FakeX, str],
    fake_linkedin: tuple[FakeLinkedIn, str],
) -> AsyncIterator[NetworkRegistry]:
    registry = NetworkRegistry(live_settings(database, fake_x[1], fake_linkedin[1]), clock)
    yield registry
    await registry.close()


@pytest.mark.parametrize("network", ["x", "linkedin"])
async def test_live_read_back_through_the_real_clients_flags_a_removed_disclosure(
    database: Settings, clock: SimulatedClock, live: NetworkRegistry, network: str,
    fake_x: tuple[FakeX, str], fake_linkedin: tuple[FakeLinkedIn, str],
) -> None:
    _, posts = await factories.create_launched_campaign_with_posts(clock, 2)
    fake = fake_x[0] if network == "x" else fake_linkedin[0]
    account = await connected_ambassador(clock, live, network, fake)
    kept, edited = await share_everything(clock, account, posts)
    await ShareDispatcher(live, clock, worker_name="readback").run_until_idle()
    await kept.refresh_from_db()
    await edited.refresh_from_db()
    assert "#employee" in edited.text  # the disclosure was added at share time
    # The member edits one post on the platform and removes the disclosure.
    if isinstance(fake, FakeX):
        fake.tweets[str(edited.external_id)].text = fake.tweets[str(edited.external_id)].text.replace(
            "#employee", "")
    else:
        post = fake.posts[str(edited.external_id)]
        post.commentary = post.commentary.replace("#employee", "")
    report = await ReadbackChecker(live, clock).check([kept.id, edited.id])
    assert (report.checked, report.flagged, report.errors) == (2, 1, 0)
    latest = await latest_checks([kept.id, edited.id])
    assert latest[kept.id].state == ReadbackState.INTACT
    assert latest[edited.id].state == ReadbackState.FLAGGED and latest[edited.id].disclosure_kept is False


async def test_live_linkedin_without_read_permission_records_unavailable(
    database: Settings, clock: SimulatedClock, live: NetworkRegistry,
    fake_linkedin: tuple[FakeLinkedIn, str],
) -> None:
    fake = fake_linkedin[0]
    _, posts = await factories.create_launched_campaign_with_posts(clock, 1)
    account = await connected_ambassador(clock, live, "linkedin", fake)
    [share] = await share_everything(clock, account, posts)
    await ShareDispatcher(live, clock, worker_name="readback").run_until_idle()
    fake.members[account.external_id].read_granted = False
    collector = MetricsCollector(live, clock)
    report = await collector.run_once()
    assert report.read_back == 1 and report.flagged == 0
    assert (await latest_checks([share.id]))[share.id].state == ReadbackState.UNAVAILABLE


async def test_editors_see_flagged_shares_with_their_history_and_the_dashboard_counts_them(
    database: Settings, clock: SimulatedClock, client: httpx.AsyncClient
) -> None:
    world = World(database, clock)
    campaign, post = await world.launch()
    changed = await world.share(post, "linkedin", name="Casey Changed")
    await world.share(post, "x", name="Ina Intact")
    await world.collector.run_once()
    assert changed.external_id
    world.networks.sandbox.edit_post(changed.external_id, "My own words now, no disclosure")
    await world.collect_for(1)

    await sign_in(client, await factories.create_user(clock, "reviewer"))
    studio = await client.get(f"/studio/campaigns/{campaign.id}")
    flagged = element(studio.text, "readback-flagged")
    assert "Casey Changed" in flagged and "Ina Intact" not in flagged
    assert "no longer contains the approved text" in flagged
    assert "My own words now, no disclosure" in flagged and "History of this share" in flagged
    assert "1 changed" in element(studio.text, "readback-counts")

    await sign_in(client, await factories.create_user(clock, "leader"))
    board = await client.get(f"/dashboard/campaigns/{campaign.id}")
    assert "1 published share changed or deleted" in element(board.text, "readback-summary")
    rows = dict(csv.reader(io.StringIO(
        (await client.get(f"/dashboard/campaigns/{campaign.id}/readback.csv")).text)))
    assert (rows["changed"], rows["as approved"], rows["deleted"]) == ("1", "1", "0")


async def test_the_campaign_overview_counts_each_shares_latest_check_and_the_unchecked(
    database: Settings, clock: SimulatedClock
) -> None:
    world = World(database, clock)
    campaign, post = await world.launch()
    edited_back = await world.share(post, "linkedin", name="Back To Approved")
    edited = await world.share(post, "x", name="Stays Edited")
    unchecked = await world.share(post, "linkedin", name="Never Checked")
    at = clock.now()
    # Edited then restored (flagged, then intact at the same moment but a later row), edited twice,
    # and one share never read back at all.
    for share, state in ((edited_back, ReadbackState.FLAGGED), (edited_back, ReadbackState.INTACT),
                         (edited, ReadbackState.INTACT), (edited, ReadbackState.FLAGGED),
                         (edited, ReadbackState.FLAGGED)):
        await ReadbackCheck.create(share=share, checked_at=at, state=state)
    latest = await latest_checks([edited_back.id, edited.id, unchecked.id])
    overview = await campaign_readback(campaign.id)
    assert overview.published == 3
    assert overview.counts == {"intact": 1, "flagged": 1, "deleted": 0, "unavailable": 0, "not yet": 1}
    assert [(f.share.id, f.check.id) for f in overview.flagged] == [(edited.id, latest[edited.id].id)]
    assert overview.flagged[0].share.user.name == "Stays Edited"
