"""Joining and leaving the programme: consent log, guidelines, training, the sharing gate, opt-out."""

from __future__ import annotations

from datetime import timedelta

import pytest

from advocacy.accounts.models import SocialAccount
from advocacy.accounts.networks import NetworkRegistry
from advocacy.accounts.tokens import store_tokens
from advocacy.audit.models import AuditEntry
from advocacy.cipher import TokenCipher
from advocacy.clock import SimulatedClock
from advocacy.errors import Conflict, Forbidden, InvalidInput
from advocacy.programme import consent, guidelines, invitations, training
from advocacy.programme.gate import sharing_blockers
from advocacy.programme.models import ConsentAction, ConsentEvent, TrainingModule
from advocacy.settings import Settings
from advocacy.shares.models import Share, ShareEvent, ShareStatus
from advocacy.shares.service import create_share
from advocacy.users.models import LoginAttempt, User
from dashboards.models import DailyRollup, TrackedPost
from dashboards.reporting.ambassador import leaderboard
from tests import factories

# A password the rules accept (long enough, not guessable).
PHRASE = "long enough phrase"


async def test_no_guidelines_and_no_required_training_means_no_blockers(
    database: Settings, clock: SimulatedClock
) -> None:
    ambassador = await factories.create_user(clock, "ambassador")
    assert await sharing_blockers(ambassador) == []


async def test_share_waits_for_the_current_guidelines_to_be_acknowledged(
    database: Settings, clock: SimulatedClock
) -> None:
    admin = await factories.create_user(clock, "admin")
    _, post = await factories.create_launched_campaign(clock)
    ambassador, account = await factories.create_ambassador(clock)
    await guidelines.publish_version(clock, admin, title="Guidelines", body="Disclose your connection.")

    [blocker] = await sharing_blockers(ambassador)
    assert blocker.link == "/guidelines" and "version 1" in blocker.message
    with pytest.raises(Forbidden, match="acknowledge the social media guidelines"):
        await create_share(clock, ambassador, post_id=post.id, account_id=account.id, text="Proud #employee")
    assert await Share.all().count() == 0

    await guidelines.acknowledge(clock, ambassador, 1)
    assert await sharing_blockers(ambassador) == []
    await create_share(clock, ambassador, post_id=post.id, account_id=account.id, text="Proud #employee")

    # A new version asks again, naming that it changed.
    await guidelines.publish_version(clock, admin, title="Guidelines", body="Disclose. No patient details.")
    [again] = await sharing_blockers(ambassador)
    assert "version 2" in again.message and "changed" in again.message
    with pytest.raises(InvalidInput, match="version 2 is current"):
        await guidelines.acknowledge(clock, ambassador, 1)


async def test_publishing_keeps_every_version_and_refuses_an_unchanged_text(
    database: Settings, clock: SimulatedClock
) -> None:
    admin = await factories.create_user(clock, "admin")
    await guidelines.publish_version(clock, admin, title="G", body="One")
    await guidelines.publish_version(clock, admin, title="G", body="Two")
    with pytest.raises(InvalidInput, match="Nothing changed"):
        await guidelines.publish_version(clock, admin, title="G", body="Two")
    assert [v.body for v in await guidelines.versions()] == ["Two", "One"]
    assert await AuditEntry.filter(action="guidelines.version").count() == 2


def test_guidelines_render_markdown_subset_and_escape_everything_else() -> None:
    source = "# Rules\n\n- **Disclose** it\n- be *kind*\n\n<script>alert(1)</script>"
    html = str(guidelines.render_text(source))
    assert "<h2>Rules</h2>" in html
    assert "<ul><li><strong>Disclose</strong> it</li><li>be <em>kind</em></li></ul>" in html
    assert "<script>" not in html and "&lt;script&gt;" in html


async def test_required_training_blocks_sharing_until_completed(
    database: Settings, clock: SimulatedClock
) -> None:
    admin = await factories.create_user(clock, "admin")
    ambassador = await factories.create_user(clock, "ambassador")
    module = await TrainingModule.create(slug="privacy", title="Patient privacy", created_at=clock.now())
    await TrainingModule.create(slug="extra", title="Extra", created_at=clock.now())
    assert await sharing_blockers(ambassador) == []  # not required yet
    await training.set_required(clock, admin, module.id, True)
    [blocker] = await sharing_blockers(ambassador)
    assert "Patient privacy" in blocker.message and blocker.link == "/training"
    await training.complete(clock, ambassador, module.id)
    await training.complete(clock, ambassador, module.id)  # twice is harmless
    assert await sharing_blockers(ambassador) == []


async def test_opt_in_and_out_are_appended_to_the_consent_log_with_the_guideline_version(
    database: Settings, clock: SimulatedClock
) -> None:
    admin = await factories.create_user(clock, "admin")
    await guidelines.publish_version(clock, admin, title="G", body="Text")
    person = await factories.create_user(clock, "ambassador", opted_in=False)
    await consent.opt_in(clock, person)
    clock.advance(timedelta(days=1))
    await consent.opt_out(clock, person, NetworkRegistry(database, clock))
    clock.advance(timedelta(days=1))
    await consent.opt_in(clock, person)
    events = await ConsentEvent.filter(user_id=person.id).order_by("id")
    assert [e.action for e in events] == [ConsentAction.OPT_IN, ConsentAction.OPT_OUT, ConsentAction.OPT_IN]
    assert {e.guideline_version for e in events} == {1}
    assert all(e.by_id == person.id for e in events)  # type: ignore[attr-defined]
    fresh = await User.get(id=person.id)
    assert fresh.is_opted_in_ambassador and fresh.opted_out_at is None
    await consent.opt_out(clock, person, NetworkRegistry(database, clock))
    with pytest.raises(Conflict, match="not in the programme"):
        await consent.opt_out(clock, person, NetworkRegistry(database, clock))


async def test_opt_out_cancels_waiting_shares_drops_tokens_and_leaves_the_leaderboard(
    database: Settings, clock: SimulatedClock
) -> None:
    campaign, post = await factories.create_launched_campaign(clock)
    person, account = await factories.create_ambassador(clock)
    other, other_account = await factories.create_ambassador(clock)
    cipher = TokenCipher(database.token_key, database.env)
    await store_tokens(cipher, account, access_token="secret-access", refresh_token="secret-refresh",
                       expires_at=clock.now() + timedelta(days=30))
    queued = await create_share(clock, person, post_id=post.id, account_id=account.id,
                                text="Proud #employee", scheduled_at=clock.now() + timedelta(hours=3))
    published = await create_share(clock, other, post_id=post.id, account_id=other_account.id,
                                   text="Also proud #employee")
    for n, (user, acc) in enumerate(((person, account), (other, other_account))):
        tracked = await TrackedPost.create(account=acc, campaign=campaign, network="linkedin",
                                           external_id=f"urn:li:share:{n}", published_at=clock.now())
        await DailyRollup.create(day=clock.now().date(), tracked=tracked, user_id=user.id, network="linkedin",
                                 is_brand=False, impressions=100, campaign_id=campaign.id,
                                 department=user.department, region=user.region, provenance="simulated")
    assert {s.name for s in await leaderboard("individual", other)} == {person.name, other.name}

    outcome = await consent.opt_out(clock, person, NetworkRegistry(database, clock))

    assert outcome.cancelled_share_ids == [queued.id]
    share = await Share.get(id=queued.id)
    assert share.status == ShareStatus.CANCELLED
    assert await ShareEvent.filter(share_id=queued.id, to_status=ShareStatus.CANCELLED).count() == 1
    assert (await Share.get(id=published.id)).status == ShareStatus.QUEUED  # someone else's stays
    stored = await SocialAccount.get(id=account.id)
    assert stored.status == "disconnected"
    assert stored.access_token_encrypted is None and stored.refresh_token_encrypted is None
    assert {s.name for s in await leaderboard("individual", other)} == {other.name}
    # History stays for the totals.
    assert await DailyRollup.filter(user_id=person.id).count() == 1
    assert await AuditEntry.filter(action="programme.opt-out", target=f"user:{person.id}").exists()
    with pytest.raises(Forbidden):
        await create_share(clock, await User.get(id=person.id), post_id=post.id, account_id=account.id,
                           text="Again")


async def test_deidentify_replaces_name_and_email_but_keeps_shares(
    database: Settings, clock: SimulatedClock
) -> None:
    _, post = await factories.create_launched_campaign(clock)
    person, account = await factories.create_ambassador(clock, name="Jane Doe")
    share = await create_share(clock, person, post_id=post.id, account_id=account.id, text="Proud #employee")
    await Share.filter(id=share.id).update(status=ShareStatus.PUBLISHED)
    original_email = person.email
    await LoginAttempt.create(at=clock.now(), email=original_email, address="10.0.0.1", succeeded=True)
    await consent.deidentify(clock, person, NetworkRegistry(database, clock))
    assert await LoginAttempt.filter(email=original_email).count() == 0
    stored = await User.get(id=person.id)
    assert stored.name == f"Former ambassador {person.id}" and "Jane" not in stored.email
    assert not stored.is_active and stored.opted_in_at is None and stored.deidentified_at is not None
    assert (await Share.get(id=share.id)).user_id == person.id  # type: ignore[attr-defined]
    actions = await ConsentEvent.filter(user_id=person.id).order_by("id").values_list("action", flat=True)
    assert list(actions) == [ConsentAction.OPT_OUT, ConsentAction.DEIDENTIFY]
    with pytest.raises(Conflict):
        await consent.opt_in(clock, stored)


async def test_invitation_is_single_use_expires_and_needs_the_box_ticked(
    database: Settings, clock: SimulatedClock
) -> None:
    admin = await factories.create_user(clock, "admin")
    person, token = await invitations.invite(clock, database, admin, invitations.Invitee(
        email="New.Person@Example.org", name="New Person", department="Nursing", region="North",
        timezone="Europe/London", manager_email="boss@example.org"))
    assert person.email == "new.person@example.org" and person.opted_in_at is None
    assert person.manager_email == "boss@example.org"
    with pytest.raises(InvalidInput, match="tick the box"):
        await invitations.accept(clock, token, password=PHRASE, password_again=PHRASE,
                                 opt_in=False)
    assert (await User.get(id=person.id)).opted_in_at is None
    joined = await invitations.accept(clock, token, password=PHRASE, password_again=PHRASE,
                                      opt_in=True)
    assert joined.is_opted_in_ambassador
    with pytest.raises(InvalidInput, match="already used"):
        await invitations.accept(clock, token, password=PHRASE, password_again=PHRASE,
                                 opt_in=True)
    with pytest.raises(Conflict, match="already in the programme"):
        await invitations.invite(clock, database, admin, invitations.Invitee(email="new.person@example.org"))

    late = invitations.Invitee(email="late@example.org")
    _, old = await invitations.invite(clock, database, admin, late)
    _, newer = await invitations.invite(clock, database, admin, late)
    with pytest.raises(InvalidInput, match="newer one"):
        await invitations.invitation_for(clock, old)
    clock.advance(timedelta(days=database.invitation_days, seconds=1))
    with pytest.raises(InvalidInput, match="expired"):
        await invitations.invitation_for(clock, newer)


async def test_csv_import_is_all_or_nothing_and_reports_each_bad_line(
    database: Settings, clock: SimulatedClock
) -> None:
    admin = await factories.create_user(clock, "admin")
    member = await factories.create_user(clock, "ambassador")
    bad = (
        b"Email,Name,Department,Region,Time zone,Manager email\n"
        b"ann@example.org,Ann,Nursing,North,Europe/London,\n"
        b"not-an-address,Bob,Nursing,North,,\n"
        b"cy@example.org,Cy,Pharmacy,South,Mars/Olympus,\n"
        b"ANN@example.org,Ann again,,,,\n"
    )
    outcome = await invitations.import_csv(clock, database, admin, bad)
    assert [(p.row, p.email) for p in outcome.problems] == [
        (3, "not-an-address"), (4, "cy@example.org"), (5, "ann@example.org")]
    assert "line 2" in outcome.problems[2].message
    assert await User.filter(email__in=["ann@example.org", "cy@example.org"]).count() == 0

    good = (f"email;name;department;region;timezone;manager\n"
            f"ann@example.org;Ann;Nursing;North;Europe/London;boss@example.org\n"
            f"{member.email};Member;;;;\n").encode()
    outcome = await invitations.import_csv(clock, database, admin, good)
    assert outcome.problems == []
    assert [u.email for u in outcome.invited] == ["ann@example.org"]
    assert [p.email for p in outcome.skipped] == [member.email]
    ann = await User.get(email="ann@example.org")
    assert (ann.department, ann.timezone) == ("Nursing", "Europe/London")
    assert ann.manager_email == "boss@example.org"
    with pytest.raises(InvalidInput, match="email"):
        await invitations.import_csv(clock, database, admin, b"name,department\nAnn,Nursing\n")
