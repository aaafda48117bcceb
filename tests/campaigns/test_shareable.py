"""The shareable posts each process keeps for the feed: expiry honoured while kept, content changes
made in the process shown at once, targeting decided per person, and the kept JSON faithful."""

from __future__ import annotations

import asyncio
import json
from datetime import timedelta

from advocacy.clock import Clock, SimulatedClock
from advocacy.settings import Settings
from advocacy.shares import feed as feeds
from advocacy.shares.models import Share, ShareStatus
from advocacy.shares.service import cancel_share, create_share
from advocacy.users.models import User
from campaigns import service as campaigns
from campaigns import shareable
from campaigns.models import ContentPack, MessageVariant, Post
from tests import factories

KEPT = 600.0  # seconds: longer than any test, so whatever changes below is not the TTL running out


async def shown(clock: Clock, person: User) -> list[int]:
    return [post.id for post in (await feeds.build(clock, person, cache_seconds=KEPT)).posts]


async def test_a_kept_post_leaves_the_feed_the_moment_it_expires(
    database: Settings, clock: SimulatedClock
) -> None:
    _, (lasting, expiring) = await factories.create_launched_campaign_with_posts(clock, 2, days=10)
    await Post.filter(id=expiring.id).update(expires_at=clock.now() + timedelta(hours=1))
    person, _ = await factories.create_ambassador(clock)
    assert sorted(await shown(clock, person)) == sorted([lasting.id, expiring.id])
    clock.advance(timedelta(hours=1))
    assert await shown(clock, person) == [lasting.id]  # no write, no job: the clock alone
    clock.advance(timedelta(days=10))
    assert await shown(clock, person) == []  # the campaign ended


async def test_a_kept_post_leaves_when_its_pack_expires(database: Settings, clock: SimulatedClock) -> None:
    _, post = await factories.create_launched_campaign(clock)
    pack = await ContentPack.get(id=post.pack_id)  # type: ignore[attr-defined]
    editor = await factories.create_user(clock, "editor")
    person, _ = await factories.create_ambassador(clock)
    await campaigns.set_pack_expiry(clock, editor, pack.id, clock.now() + timedelta(minutes=5))
    assert await shown(clock, person) == [post.id]
    clock.advance(timedelta(minutes=5))
    assert await shown(clock, person) == []


async def test_content_changed_in_this_process_shows_at_once(
    database: Settings, clock: SimulatedClock
) -> None:
    editor = await factories.create_user(clock, "editor")
    reviewer = await factories.create_user(clock, "reviewer")
    person, _ = await factories.create_ambassador(clock)
    assert await shown(clock, person) == []  # kept: nothing to share yet
    _, (older, newer) = await factories.create_launched_campaign_with_posts(clock, 2)
    await Post.filter(id=older.id).update(created_at=clock.now() - timedelta(hours=1))
    assert await shown(clock, person) == [newer.id, older.id]  # the launch emptied the cache

    await campaigns.set_featured(clock, editor, older.id, True)
    assert await shown(clock, person) == [older.id, newer.id]

    variant = await MessageVariant.filter(post_id=older.id, network="linkedin").first()
    assert variant is not None
    correction = await campaigns.propose_correction(
        clock, editor, variant.id, text="Corrected words #employee", reason="A wrong figure")
    await campaigns.review_correction(clock, reviewer, correction.id, approve=True)
    [first, _] = (await feeds.build(clock, person, cache_seconds=KEPT)).posts
    assert "Corrected words #employee" in [v.text for v in first.variants]

    await campaigns.archive_pack(clock, editor, older.pack_id)  # type: ignore[attr-defined]
    assert await shown(clock, person) == []  # both posts were in the one pack


async def test_a_change_made_by_another_process_shows_once_the_copy_is_old(
    database: Settings, clock: SimulatedClock
) -> None:
    _, post = await factories.create_launched_campaign(clock)
    ticks = [0.0]
    cache = shareable.ShareableCache(monotonic=lambda: ticks[0])
    assert [p.title for p in (await cache.get(clock, 5)).posts] == [post.title]
    await Post.filter(id=post.id).update(title="Renamed elsewhere")  # not through this process's services
    ticks[0] = 4.9
    assert [p.title for p in (await cache.get(clock, 5)).posts] == [post.title]
    ticks[0] = 5.0
    assert [p.title for p in (await cache.get(clock, 5)).posts] == ["Renamed elsewhere"]


async def test_requests_that_miss_together_read_once_and_a_read_overtaken_by_a_change_is_not_kept(
    database: Settings, clock: SimulatedClock
) -> None:
    reads = 0
    gate = asyncio.Event()

    async def read(clock: Clock) -> shareable.Shareable:
        nonlocal reads
        reads += 1
        await gate.wait()
        return shareable.Shareable((), {}, False)

    cache = shareable.ShareableCache(read)
    waiting = [asyncio.ensure_future(cache.get(clock, 60)) for _ in range(5)]
    await asyncio.sleep(0)
    cache.invalidate()  # content changed while the read was under way
    gate.set()
    await asyncio.gather(*waiting)
    assert reads == 1
    await cache.get(clock, 60)
    assert reads == 2  # the overtaken read was not kept
    await cache.get(clock, 60)
    assert reads == 2


async def test_targeting_is_decided_per_person_from_the_kept_rules(
    database: Settings, clock: SimulatedClock
) -> None:
    from advocacy.programme import segments

    campaign, post = await factories.create_launched_campaign(clock)
    admin = await factories.create_user(clock, "admin")
    nurse, _ = await factories.create_ambassador(clock, department="Nursing")
    pharmacist, _ = await factories.create_ambassador(clock, department="Pharmacy")
    researcher, _ = await factories.create_ambassador(clock, department="Research")
    committee = await segments.create_group(clock, admin, "Committee")
    await segments.add_to_group(clock, admin, committee.id, [researcher.email])
    nurses = await segments.save_segment(clock, admin, name="Nurses or committee", match="any",
                                         conditions=[("department", "Nursing"), ("group", str(committee.id))])
    assert await shown(clock, pharmacist) == [post.id]  # kept while the campaign targets everyone
    await segments.set_campaign_segments(clock, admin, campaign.id, [nurses.id])
    assert await shown(clock, nurse) == [post.id]
    assert await shown(clock, researcher) == [post.id]
    assert await shown(clock, pharmacist) == []
    # Group membership is the person's own state, read on every request.
    await segments.add_to_group(clock, admin, committee.id, [pharmacist.email])
    assert await shown(clock, pharmacist) == [post.id]


async def test_the_least_used_suggestion_comes_first_while_kept(
    database: Settings, clock: SimulatedClock
) -> None:
    _, post = await factories.create_launched_campaign(clock)
    [first, second] = await MessageVariant.filter(post_id=post.id, network="linkedin").order_by("id")
    person, account = await factories.create_ambassador(clock)

    async def linkedin_order() -> list[int]:
        [card] = (await feeds.build(clock, person, cache_seconds=KEPT)).posts
        return [v.id for v in card.variants if v.network == "linkedin"]

    assert await linkedin_order() == [first.id, second.id]
    share = await create_share(clock, person, post_id=post.id, account_id=account.id, variant_id=first.id)
    assert await linkedin_order() == [second.id, first.id]
    await cancel_share(clock, person, share.id)
    assert await linkedin_order() == [first.id, second.id]


async def test_the_feed_json_is_the_feed_document(database: Settings, clock: SimulatedClock) -> None:
    _, (one, two) = await factories.create_launched_campaign_with_posts(clock, 2)
    person, account = await factories.create_ambassador(clock, timezone="Europe/Paris")
    await factories.create_account(clock, person, "x", followers=None)
    mine = await create_share(clock, person, post_id=one.id, account_id=account.id, text="Mine “quoted”")
    await Share.filter(id=mine.id).update(status=ShareStatus.PUBLISHED, published_at=clock.now(),
                                          external_url="https://li.example/p/1")
    colleague, theirs = await factories.create_ambassador(clock, name="Ada Colleague")
    await create_share(clock, colleague, post_id=two.id, account_id=theirs.id, text="Theirs")
    feed = await feeds.personal_feed(clock, person, show_names=True, cache_seconds=KEPT)
    document = feed.out().model_dump(mode="json")
    assert json.loads(feed.json()) == document
    assert [p["my_share_networks"] for p in document["posts"]] == [["linkedin"], []] or \
        [p["my_share_networks"] for p in document["posts"]] == [[], ["linkedin"]]
    by_id = {p["id"]: p for p in document["posts"]}
    assert by_id[two.id]["colleagues"] == {"published": 0, "scheduled": 1, "names": ["Ada Colleague"]}
    assert document["my_shares"][0]["external_url"] == "https://li.example/p/1"
    assert [a["network"] for a in document["accounts"]] == ["linkedin", "x"]
    assert document["timezone"] == "Europe/Paris"


async def test_the_feed_json_gives_every_post_its_own_networks_and_counts(
    database: Settings, clock: SimulatedClock
) -> None:
    # Posts nobody shared end alike and are encoded once: the others must each keep their own.
    _, posts = await factories.create_launched_campaign_with_posts(clock, 5)
    person, account = await factories.create_ambassador(clock)
    ada, ada_account = await factories.create_ambassador(clock, name="Ada Colleague")
    bob, bob_account = await factories.create_ambassador(clock, name="Bob Colleague")
    await create_share(clock, person, post_id=posts[0].id, account_id=account.id, text="Mine")
    await create_share(clock, ada, post_id=posts[1].id, account_id=ada_account.id, text="Ada's")
    await create_share(clock, ada, post_id=posts[2].id, account_id=ada_account.id, text="Ada's too")
    await create_share(clock, bob, post_id=posts[2].id, account_id=bob_account.id, text="Bob's")
    feed = await feeds.personal_feed(clock, person, cache_seconds=KEPT)
    document = feed.out().model_dump(mode="json")
    assert json.loads(feed.json()) == document
    by_id = {p["id"]: p for p in document["posts"]}
    assert [(by_id[post.id]["my_share_networks"], by_id[post.id]["colleagues"]["scheduled"])
            for post in posts] == [(["linkedin"], 0), ([], 1), ([], 2), ([], 0), ([], 0)]
