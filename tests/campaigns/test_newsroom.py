"""The newsroom import, through the real fetch path against a local newsroom serving RSS 2.0 and Atom:
items become draft posts with their Open Graph preview, each once; unchanged feeds cost a 304; failing
feeds keep their error and back off; bad subscriptions are refused and save nothing."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime, timedelta

import httpx
import pytest

from advocacy.audit.models import AuditEntry
from advocacy.clock import SimulatedClock
from advocacy.errors import Conflict, DomainError, InvalidInput
from advocacy.settings import Settings
from advocacy.users.models import User
from campaigns import post_edits
from campaigns import service as campaigns
from campaigns.models import ContentPack, MessageVariant, PackStatus, Post, Revision
from campaigns.newsroom import service
from campaigns.newsroom.importing import ImportReport, NewsroomImporter
from campaigns.newsroom.models import NewsroomFeed, NewsroomItem
from tests import factories
from tests.fakes.newsroom_server import Article, FakeNewsroom, build_app
from tests.fakes.serving import serve


@pytest.fixture(scope="session")
def newsroom_server() -> Iterator[FakeNewsroom]:
    state = FakeNewsroom()
    with serve(build_app(state)) as url:
        state.base_url = url
        yield state


@pytest.fixture
def newsroom(newsroom_server: FakeNewsroom) -> FakeNewsroom:
    newsroom_server.reset()
    return newsroom_server


@pytest.fixture
async def http() -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient() as client:
        yield client


@pytest.fixture
def local(database: Settings) -> Settings:
    """The settings of a service whose newsroom lives on this machine (127.0.0.1)."""
    return database.model_copy(update={"link_preview_private_addresses": True})


async def editor_and_pack(clock: SimulatedClock) -> tuple[User, ContentPack]:
    editor = await factories.create_user(clock, "editor")
    campaign, _ = await factories.create_campaign_with_post(clock, editor)
    return editor, await ContentPack.get(campaign_id=campaign.id)


async def subscribed(clock: SimulatedClock, url: str) -> tuple[User, ContentPack, NewsroomFeed]:
    editor, pack = await editor_and_pack(clock)
    feed = await service.subscribe(clock, editor, url=url, pack_id=pack.id, allow_private=True)
    return editor, pack, feed


def imported_posts(pack: ContentPack) -> list[Post]:
    return Post.filter(pack_id=pack.id, newsroom_items__id__not_isnull=True).order_by("id")  # type: ignore[return-value]


async def test_rss_items_become_draft_posts_of_the_chosen_pack_with_their_open_graph_preview(
    local: Settings, clock: SimulatedClock, http: httpx.AsyncClient, newsroom: FakeNewsroom
) -> None:
    _, pack, feed = await subscribed(clock, f"{newsroom.base_url}/rss.xml")

    report = await NewsroomImporter(local, clock, http).run_once()

    assert (report.feeds_read, report.imported, report.failed) == (1, 2, 0)
    posts = await imported_posts(pack)
    # The oldest item first, as the newsroom published them.
    assert [(p.title, p.url) for p in posts] == [
        ("Flu clinics this weekend", f"{newsroom.base_url}/news/flu-clinics"),
        ("A new heart unit opens", f"{newsroom.base_url}/news/heart-unit"),
    ]
    heart = posts[1]
    assert heart.link_title == "A new heart unit opens"
    assert heart.link_description == "Twelve beds on the third floor. (Open Graph)"
    assert heart.link_image == f"{newsroom.base_url}/images/heart-unit.jpg"
    # A draft with no suggested message yet, in a pack that stays a draft: nothing approved by itself.
    assert not await MessageVariant.filter(post_id=heart.id).exists()
    assert (await ContentPack.get(id=pack.id)).status == PackStatus.DRAFT
    imported = await Revision.filter(pack_id=pack.id, action="post_imported").order_by("id")
    assert [r.detail for r in imported] == [
        "“Flu clinics this weekend” from the newsroom feed Northbrook newsroom.",
        "“A new heart unit opens” from the newsroom feed Northbrook newsroom.",
    ]
    feed = await NewsroomFeed.get(id=feed.id)
    assert (feed.title, feed.failures, feed.last_error) == ("Northbrook newsroom", 0, "")
    assert feed.checked_at == clock.now()
    assert feed.next_check_at == clock.now() + timedelta(seconds=local.newsroom_poll_seconds)
    items = await NewsroomItem.filter(feed_id=feed.id).order_by("id")
    assert [i.published_at for i in items] == [datetime(2026, 11, 28, 9, tzinfo=UTC),
                                                datetime(2026, 12, 1, 9, tzinfo=UTC)]


async def test_atom_entries_become_draft_posts_too(
    local: Settings, clock: SimulatedClock, http: httpx.AsyncClient, newsroom: FakeNewsroom
) -> None:
    _, pack, feed = await subscribed(clock, f"{newsroom.base_url}/atom.xml")

    await NewsroomImporter(local, clock, http).run_once()

    posts = await imported_posts(pack)
    assert [p.title for p in posts] == ["Flu clinics this weekend", "A new heart unit opens"]
    assert posts[0].link_description == "Walk in, no appointment needed. (Open Graph)"
    assert (await NewsroomFeed.get(id=feed.id)).title == "Northbrook research"


async def test_an_unchanged_feed_answers_304_and_a_new_item_is_imported_once(
    local: Settings, clock: SimulatedClock, http: httpx.AsyncClient, newsroom: FakeNewsroom
) -> None:
    _, pack, _ = await subscribed(clock, f"{newsroom.base_url}/rss.xml")
    importer = NewsroomImporter(local, clock, http)
    await importer.run_once()

    assert (await importer.run_once()).feeds_read == 0  # not due before its poll interval
    clock.advance(timedelta(seconds=local.newsroom_poll_seconds))
    unchanged = await importer.run_once()

    first, second = newsroom.requests_to("/rss.xml")
    assert (first.if_none_match, first.status) == ("", 200)
    assert second.if_none_match.startswith('"') and second.if_modified_since.endswith("GMT")
    assert second.status == 304
    assert (unchanged.feeds_read, unchanged.unchanged, unchanged.imported) == (1, 1, 0)

    newsroom.publish(Article("night-school", "Night school for nurses", "Courses start in January.",
                             datetime(2026, 12, 3, 9, tzinfo=UTC)))
    clock.advance(timedelta(seconds=local.newsroom_poll_seconds))
    changed = await importer.run_once()

    assert newsroom.requests_to("/rss.xml")[-1].status == 200
    assert changed.imported == 1
    assert [p.title for p in await imported_posts(pack)] == [
        "Flu clinics this weekend", "A new heart unit opens", "Night school for nurses"]


async def test_two_workers_reading_the_same_feed_at_once_import_each_item_once(
    local: Settings, clock: SimulatedClock, http: httpx.AsyncClient, newsroom: FakeNewsroom
) -> None:
    _, pack, feed = await subscribed(clock, f"{newsroom.base_url}/rss.xml")
    first, second = NewsroomImporter(local, clock, http), NewsroomImporter(local, clock, http)
    # Past the claim, as two workers that both took the feed (one's hold ran out mid-read):
    # only the unique (feed, item) row stands between them and a second post.
    one, two = ImportReport(), ImportReport()
    await asyncio.gather(first.read(feed, one), second.read(feed, two))

    assert one.imported + two.imported == 2
    assert await NewsroomItem.filter(feed_id=feed.id).count() == 2
    assert [p.title for p in await imported_posts(pack)] == ["Flu clinics this weekend",
                                                              "A new heart unit opens"]
    assert await Post.filter(pack_id=pack.id).count() == 3  # the factory's post and the two items


async def test_a_failing_feed_keeps_its_error_backs_off_and_recovers(
    local: Settings, clock: SimulatedClock, http: httpx.AsyncClient, newsroom: FakeNewsroom
) -> None:
    _, pack, feed = await subscribed(clock, f"{newsroom.base_url}/error.xml")
    importer = NewsroomImporter(local, clock, http)
    started = clock.now()

    waits = []
    for _ in range(3):
        report = await importer.run_once()
        assert report.failed == 1
        failing = await NewsroomFeed.get(id=feed.id)
        waits.append(failing.next_check_at - clock.now())
        assert await importer.run_once() == ImportReport()  # not tried again before its backoff ends
        clock.set(failing.next_check_at)

    assert waits == [timedelta(minutes=1), timedelta(minutes=2), timedelta(minutes=4)]
    assert failing.last_error == "The feed answered HTTP 500."
    assert (failing.failures, failing.failing_since) == (3, started)
    assert not await NewsroomItem.filter(feed_id=feed.id).exists()

    newsroom.failing.clear()
    assert (await importer.run_once()).imported == 2
    recovered = await NewsroomFeed.get(id=feed.id)
    assert (recovered.failures, recovered.last_error, recovered.failing_since) == (0, "", None)
    assert len(await imported_posts(pack)) == 2


def test_the_backoff_stops_at_its_cap(local: Settings, clock: SimulatedClock) -> None:
    importer = NewsroomImporter(local.model_copy(update={"newsroom_retry_cap_seconds": 600}), clock,
                                httpx.AsyncClient())
    assert [importer.backoff.delay(n) for n in (1, 4, 5, 30)] == [
        timedelta(minutes=1), timedelta(minutes=8), timedelta(minutes=10), timedelta(minutes=10)]


@pytest.mark.parametrize(("path", "error"), [
    ("/broken.xml", "The feed could not be read: "),
    ("/page.html", "The address answered, but not with an RSS or Atom feed."),
    ("/missing.xml", "The feed answered HTTP 404."),
])
async def test_what_is_not_a_readable_feed_is_shown_with_its_reason(
    local: Settings, clock: SimulatedClock, http: httpx.AsyncClient, newsroom: FakeNewsroom,
    path: str, error: str,
) -> None:
    _, _, feed = await subscribed(clock, f"{newsroom.base_url}{path}")

    assert (await NewsroomImporter(local, clock, http).run_once()).failed == 1

    failing = await NewsroomFeed.get(id=feed.id)
    assert failing.last_error.startswith(error)
    assert not await NewsroomItem.filter(feed_id=feed.id).exists()


async def test_an_unreachable_feed_is_shown_as_such(
    local: Settings, clock: SimulatedClock, http: httpx.AsyncClient
) -> None:
    _, _, feed = await subscribed(clock, "http://127.0.0.1:1/feed.xml")

    await NewsroomImporter(local, clock, http).run_once()

    assert (await NewsroomFeed.get(id=feed.id)).last_error == "The feed could not be reached."


PRIVATE = "The feed address points inside a private network."


async def test_the_feed_address_is_checked_again_at_every_read_and_at_every_redirect(
    database: Settings, local: Settings, clock: SimulatedClock, http: httpx.AsyncClient,
    newsroom: FakeNewsroom,
) -> None:
    # Subscribed while private addresses were allowed; read by a worker that refuses them.
    _, _, direct = await subscribed(clock, f"{newsroom.base_url}/rss.xml")
    await NewsroomImporter(database, clock, http).run_once()

    assert (await NewsroomFeed.get(id=direct.id)).last_error == PRIVATE
    assert newsroom.requests_to("/rss.xml") == []  # nothing was sent to it

    # A public-looking start that redirects inside: the hop is refused before it is fetched.
    editor, pack = await editor_and_pack(clock)
    hop = await service.subscribe(clock, editor, url=f"{newsroom.base_url}/moved?to=http://10.0.0.8/feed",
                                  pack_id=pack.id, allow_private=True)
    await NewsroomImporter(local.model_copy(update={"link_preview_private_addresses": True}), clock,
                           http).run_once()
    assert newsroom.requests_to("/moved")  # followed with private addresses allowed...
    await NewsroomFeed.filter(id=hop.id).update(next_check_at=clock.now())
    newsroom.seen.clear()
    await NewsroomImporter(database, clock, http).run_once()
    assert newsroom.requests_to("/moved") == []  # ...and not even its first hop without
    assert (await NewsroomFeed.get(id=hop.id)).last_error == PRIVATE


BAD_ADDRESSES = [
    ("", "Enter the feed's address."),
    ("news.example.org/feed", "The feed address must be a full http(s) address."),
    ("ftp://news.example.org/feed", "The feed address must be a full http(s) address."),
    ("http://[::1/feed", "The feed address is not a valid web address: invalid ipv6 url."),
    ("http://news.example.org:99999/feed", "The feed address is not a valid web address: "),
    ("http://10.0.0.8/feed.xml", "The feed address points inside a private network."),
    ("http://169.254.169.254/latest/meta-data/", "The feed address points inside a private network."),
    ("http://127.0.0.1/rss.xml", "The feed address points inside a private network."),
    ("http://newsroom.invalid/feed.xml", "The feed address names a host that cannot be found."),
    ("https://example.org/" + "a" * 2000, "The feed address is longer than 2,000 characters."),
]


@pytest.mark.parametrize(("url", "message"), BAD_ADDRESSES)
async def test_a_bad_feed_address_is_refused_and_nothing_is_saved(
    database: Settings, clock: SimulatedClock, url: str, message: str
) -> None:
    editor, pack = await editor_and_pack(clock)

    with pytest.raises(InvalidInput) as refused:
        await service.subscribe(clock, editor, url=url, pack_id=pack.id)

    assert refused.value.message.startswith(message)
    assert not await NewsroomFeed.exists()
    assert not await AuditEntry.filter(action="newsroom.subscribe").exists()


async def test_a_feed_goes_to_a_pack_in_draft_and_is_subscribed_once(
    database: Settings, clock: SimulatedClock, newsroom: FakeNewsroom
) -> None:
    editor, pack = await editor_and_pack(clock)
    url = f"{newsroom.base_url}/rss.xml"
    await campaigns.submit_pack(clock, editor, pack.id)

    with pytest.raises(InvalidInput, match="is in review: choose a pack in draft"):
        await service.subscribe(clock, editor, url=url, pack_id=pack.id, allow_private=True)
    with pytest.raises(InvalidInput, match="Choose the content pack"):
        await service.subscribe(clock, editor, url=url, pack_id=None, allow_private=True)
    assert not await NewsroomFeed.exists()

    _, draft = await editor_and_pack(clock)
    await service.subscribe(clock, editor, url=url, pack_id=draft.id, allow_private=True)
    with pytest.raises(Conflict, match="subscribed already"):
        await service.subscribe(clock, editor, url=url, pack_id=draft.id, allow_private=True)
    assert await NewsroomFeed.all().count() == 1


async def test_only_editors_subscribe(
    database: Settings, clock: SimulatedClock, newsroom: FakeNewsroom
) -> None:
    _, pack = await editor_and_pack(clock)
    for role in ("ambassador", "reviewer", "leader"):
        person = await factories.create_user(clock, role)
        with pytest.raises(DomainError, match="Only editors"):
            await service.subscribe(clock, person, url=f"{newsroom.base_url}/rss.xml", pack_id=pack.id,
                                    allow_private=True)
    assert not await NewsroomFeed.exists()


async def test_subscribing_and_unsubscribing_are_audited_and_a_feed_subscribed_again_imports_nothing_twice(
    local: Settings, clock: SimulatedClock, http: httpx.AsyncClient, newsroom: FakeNewsroom
) -> None:
    editor, pack, feed = await subscribed(clock, f"{newsroom.base_url}/rss.xml")
    await NewsroomImporter(local, clock, http).run_once()

    await service.unsubscribe(clock, editor, feed.id)
    clock.advance(timedelta(days=1))
    assert (await NewsroomImporter(local, clock, http).run_once()).feeds_read == 0  # no longer read
    again = await service.subscribe(clock, editor, url=feed.url, pack_id=pack.id, allow_private=True)
    report = await NewsroomImporter(local, clock, http).run_once()

    assert again.id == feed.id
    assert (report.feeds_read, report.imported) == (1, 0)
    assert len(await imported_posts(pack)) == 2
    entries = await AuditEntry.filter(target=f"newsroom-feed:{feed.id}").order_by("id")
    assert [(e.action, e.actor_id, e.details["url"]) for e in entries] == [
        ("newsroom.subscribe", editor.id, feed.url), ("newsroom.unsubscribe", editor.id, feed.url),
        ("newsroom.subscribe", editor.id, feed.url)]


async def test_items_wait_while_the_pack_is_in_review_and_an_editor_files_them_into_a_draft(
    local: Settings, clock: SimulatedClock, http: httpx.AsyncClient, newsroom: FakeNewsroom
) -> None:
    editor, pack, feed = await subscribed(clock, f"{newsroom.base_url}/rss.xml")
    await campaigns.submit_pack(clock, editor, pack.id)

    report = await NewsroomImporter(local, clock, http).run_once()

    assert report.imported == 2
    assert await imported_posts(pack) == []
    waiting = await NewsroomItem.filter(feed_id=feed.id, filed_at__isnull=True).order_by("id")
    assert len(waiting) == 2
    _, draft = await editor_and_pack(clock)
    post = await service.file_item(clock, editor, waiting[0].id, draft.id, {"title": "Flu clinics"})
    assert (post.pack_id, post.title, post.link_title) == (  # type: ignore[attr-defined]
        draft.id, "Flu clinics this weekend", "Flu clinics")
    with pytest.raises(Conflict, match="filed already"):
        await service.file_item(clock, editor, waiting[0].id, draft.id, {})
    assert await Post.filter(pack_id=draft.id, title="Flu clinics this weekend").count() == 1


async def test_an_imported_post_gets_a_suggested_message_before_its_pack_goes_to_review(
    local: Settings, clock: SimulatedClock, http: httpx.AsyncClient, newsroom: FakeNewsroom
) -> None:
    editor, pack, _ = await subscribed(clock, f"{newsroom.base_url}/rss.xml")
    await NewsroomImporter(local, clock, http).run_once()
    flu, heart = await imported_posts(pack)

    with pytest.raises(InvalidInput, match="“Flu clinics this weekend”, “A new heart unit opens” have none"):
        await campaigns.submit_pack(clock, editor, pack.id)
    await post_edits.add_message(clock, editor, flu.id, network="linkedin",
                                 text="Flu clinics at my hospital this weekend, walk in. #employee")
    with pytest.raises(InvalidInput, match="“A new heart unit opens” has none"):
        await campaigns.submit_pack(clock, editor, pack.id)
    assert (await ContentPack.get(id=pack.id)).status == PackStatus.DRAFT

    await post_edits.add_message(clock, editor, heart.id, network="x",
                                 text="Our new heart unit is open #employee")
    submitted = await campaigns.submit_pack(clock, editor, pack.id)
    assert submitted.status == PackStatus.IN_REVIEW  # a reviewer approves it, never the import


async def test_an_item_whose_link_is_no_web_address_never_becomes_a_post(
    local: Settings, clock: SimulatedClock, http: httpx.AsyncClient, newsroom: FakeNewsroom
) -> None:
    newsroom.odd_links = ["javascript:alert(document.cookie)", "data:text/html,<script>1</script>",
                          "/news/relative-path"]
    _, pack, feed = await subscribed(clock, f"{newsroom.base_url}/rss.xml")

    await NewsroomImporter(local, clock, http).run_once()

    # The relative link is resolved against the feed's own address, as a reader would.
    assert sorted(p.url for p in await imported_posts(pack)) == sorted([
        f"{newsroom.base_url}/news/flu-clinics", f"{newsroom.base_url}/news/heart-unit",
        f"{newsroom.base_url}/news/relative-path"])
    assert await NewsroomItem.filter(feed_id=feed.id).count() == 3


async def test_items_past_the_limit_of_one_read_come_at_the_next_reads(
    local: Settings, clock: SimulatedClock, http: httpx.AsyncClient, newsroom: FakeNewsroom
) -> None:
    _, pack, feed = await subscribed(clock, f"{newsroom.base_url}/rss.xml")
    importer = NewsroomImporter(local.model_copy(update={"newsroom_items_per_read": 1}), clock, http)

    imported = []
    for _ in range(3):
        imported.append((await importer.run_once()).imported)
        clock.advance(timedelta(seconds=local.newsroom_poll_seconds))

    assert imported == [1, 1, 0]
    # The newest first; the feed is asked again in full until nothing is left, then conditionally.
    assert [p.title for p in await imported_posts(pack)] == ["A new heart unit opens",
                                                              "Flu clinics this weekend"]
    assert [(seen.if_none_match != "", seen.status) for seen in newsroom.requests_to("/rss.xml")] == [
        (False, 200), (False, 200), (True, 304)]
    assert (await NewsroomFeed.get(id=feed.id)).etag != ""
