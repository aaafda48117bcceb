"""Segments and campaign targeting: the audience is one query, and the per-person answer agrees."""

from __future__ import annotations

import pytest

from advocacy.accounts.networks import NetworkRegistry
from advocacy.clock import SimulatedClock
from advocacy.errors import NotFound
from advocacy.programme import consent, segments, targeting
from advocacy.settings import Settings
from advocacy.shares import feed
from advocacy.shares.models import Share
from advocacy.shares.service import create_share
from tests import factories


async def test_campaign_without_segments_reaches_every_opted_in_ambassador(
    database: Settings, clock: SimulatedClock
) -> None:
    campaign, _ = await factories.create_launched_campaign(clock)
    a = await factories.create_user(clock, "ambassador")
    b = await factories.create_user(clock, "ambassador")
    out = await factories.create_user(clock, "ambassador", opted_in=False)
    ids = set(await targeting.audience_of(campaign).values_list("id", flat=True))
    assert ids == {a.id, b.id}
    assert await targeting.campaign_ids_for(out, [campaign.id]) == set()
    assert await targeting.campaign_ids_for(a, [campaign.id]) == {campaign.id}


async def test_segments_combine_all_and_any_conditions(database: Settings, clock: SimulatedClock) -> None:
    campaign, _ = await factories.create_launched_campaign(clock)
    other, _ = await factories.create_launched_campaign(clock)
    admin = await factories.create_user(clock, "admin")
    nurse_north = await factories.create_user(clock, "ambassador", department="Nursing", region="North")
    nurse_south = await factories.create_user(clock, "ambassador", department="Nursing", region="South")
    pharmacist = await factories.create_user(clock, "ambassador", department="Pharmacy", region="South")
    researcher = await factories.create_user(clock, "ambassador", department="Research", region="West")
    committee = await segments.create_group(clock, admin, "Wellbeing committee")
    await segments.add_to_group(clock, admin, committee.id, [researcher.email])

    north_nurses = await segments.save_segment(
        clock, admin, name="Nurses in the north", match="all",
        conditions=[("department", "Nursing"), ("region", "North")])
    south_or_committee = await segments.save_segment(
        clock, admin, name="South or committee", match="any",
        conditions=[("region", "South"), ("group", str(committee.id))])
    assert await (await segments.segment_members(north_nurses)).count() == 1
    assert await (await segments.segment_members(south_or_committee)).count() == 3

    await segments.set_campaign_segments(clock, admin, campaign.id, [north_nurses.id])
    assert set(await targeting.audience_of(campaign).values_list("id", flat=True)) == {nurse_north.id}
    await segments.set_campaign_segments(clock, admin, campaign.id, [north_nurses.id, south_or_committee.id])
    expected = {nurse_north.id, nurse_south.id, pharmacist.id, researcher.id}
    assert set(await targeting.audience_of(campaign).values_list("id", flat=True)) == expected
    assert await targeting.audience_of(campaign).count() == 4

    await segments.set_campaign_segments(clock, admin, other.id, [north_nurses.id])
    for person in (nurse_north, nurse_south, pharmacist, researcher):
        reached = await targeting.campaign_ids_for(person, [campaign.id, other.id])
        in_other = person.id == nurse_north.id
        assert reached == ({campaign.id, other.id} if in_other else {campaign.id})

    # Leaving the programme takes a person out of every audience at once.
    await consent.opt_out(clock, nurse_north, NetworkRegistry(database, clock))
    assert nurse_north.id not in set(await targeting.audience_of(campaign).values_list("id", flat=True))


async def test_only_the_targeted_see_a_post_in_their_feed_and_may_share_it(
    database: Settings, clock: SimulatedClock
) -> None:
    campaign, post = await factories.create_launched_campaign(clock)
    admin = await factories.create_user(clock, "admin")
    nurse, nurse_account = await factories.create_ambassador(clock, department="Nursing")
    pharmacist, pharmacist_account = await factories.create_ambassador(clock, department="Pharmacy")
    nurses = await segments.save_segment(clock, admin, name="Nurses", match="all",
                                         conditions=[("department", "Nursing")])
    await segments.set_campaign_segments(clock, admin, campaign.id, [nurses.id])

    assert [p.id for p in (await feed.build(clock, nurse)).posts] == [post.id]
    assert (await feed.build(clock, pharmacist)).posts == []
    await create_share(clock, nurse, post_id=post.id, account_id=nurse_account.id, text="Proud of our nurses")
    # Answered like a post that does not exist, so post ids outside one's campaigns cannot be probed;
    # an expired one too, rather than saying it has expired.
    missing = f"There is no post {post.id + 1000}."
    with pytest.raises(NotFound) as unknown:
        await create_share(clock, pharmacist, post_id=post.id + 1000, account_id=pharmacist_account.id)
    assert unknown.value.message == missing
    for expires_at in (None, clock.now()):
        post.expires_at = expires_at
        await post.save(update_fields=["expires_at"])
        with pytest.raises(NotFound) as refused:
            await create_share(clock, pharmacist, post_id=post.id, account_id=pharmacist_account.id,
                               text="Not my campaign")
        assert refused.value.message == f"There is no post {post.id}."
    assert await Share.filter(user_id=pharmacist.id).count() == 0
