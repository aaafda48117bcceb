"""One-tap sharing from a notification: the actions a launch email carries, and the signed,
single-use, expiring, personal confirmation they open (the feed's own share rules behind it)."""

from __future__ import annotations

import html
import re
from datetime import UTC, datetime, timedelta

import httpx
import pytest

from advocacy.accounts.networks import NetworkRegistry
from advocacy.clock import SimulatedClock
from advocacy.notify.delivery import NotificationDeliverer
from advocacy.notify.models import Frequency, NotificationPreference
from advocacy.scheduler import build_scheduler
from advocacy.settings import Settings
from advocacy.shares.models import OneTapUse, Share
from advocacy.shares.one_tap import actions_provider
from advocacy.shares.service import create_share
from advocacy.users.models import User
from campaigns.announce import send_posts_digests
from campaigns.models import Campaign, MessageVariant, Post
from tests import factories
from tests.factories import PASSWORD
from tests.test_pages import csrf_of, element, sign_in
from tests.users.test_password_reset import Inbox, body, inbox  # noqa: F401 (the SMTP server fixture)

BASE = "https://advocacy.example"


@pytest.fixture
def mail_settings(database: Settings, inbox: tuple[Inbox, int]) -> Settings:  # noqa: F811
    return database.model_copy(update={"smtp_host": "127.0.0.1", "smtp_port": inbox[1],
                                       "public_base_url": BASE})


@pytest.fixture
def deliverer(mail_settings: Settings, clock: SimulatedClock) -> NotificationDeliverer:
    return NotificationDeliverer(mail_settings, clock, httpx.AsyncClient(), worker_name="test",
                                 post_actions=actions_provider(mail_settings, clock))


async def immediate_ambassador(clock: SimulatedClock, *networks: str) -> User:
    person = await factories.create_user(clock, "ambassador")
    for network in networks:
        await factories.create_account(clock, person, network)
    await NotificationPreference.create(user=person, frequency=Frequency.IMMEDIATE, email_enabled=True,
                                        updated_at=clock.now())
    return person


async def launch(clock: SimulatedClock) -> Post:
    return (await factories.create_launched_campaign(clock))[1]


async def emailed_actions(deliverer: NotificationDeliverer, inbox: Inbox, person: User) -> dict[str, str]:  # noqa: F811
    """The actions of the launch email `person` received: label -> path of the link."""
    await deliverer.run_until_idle()
    [message] = [m for m in inbox.messages if m["To"] == person.email]
    found = re.findall(rf"^  (Share on LinkedIn|Share on X|Auto-queue): {BASE}(/share/\S+)$",
                       body(message).replace("\r\n", "\n"),
                       re.MULTILINE)
    return dict(found)


async def linkedin_link(
    deliverer: NotificationDeliverer, inbox: Inbox, clock: SimulatedClock  # noqa: F811
) -> tuple[User, str]:
    """A launch to an ambassador on LinkedIn: the person, and their emailed "Share on LinkedIn"."""
    person = await immediate_ambassador(clock, "linkedin")
    await launch(clock)
    return person, (await emailed_actions(deliverer, inbox, person))["Share on LinkedIn"]


async def confirm(client: httpx.AsyncClient, path: str, **data: str) -> httpx.Response:
    page = await client.get(path)
    return await client.post(path, data={"csrf_token": csrf_of(page.text) if page.status_code == 200
                                         else csrf_of((await client.get("/me/shares")).text), **data})


async def test_a_launch_email_offers_share_actions_for_the_networks_the_person_connected(
    deliverer: NotificationDeliverer, inbox: tuple[Inbox, int], clock: SimulatedClock  # noqa: F811
) -> None:
    on_linkedin = await immediate_ambassador(clock, "linkedin")
    on_both = await immediate_ambassador(clock, "linkedin", "x")
    post = await launch(clock)
    [message, _] = [m for m in inbox[0].messages] or [None, None]
    assert message is None  # nothing is sent before the deliverer runs
    actions = await emailed_actions(deliverer, inbox[0], on_linkedin)
    assert sorted(actions) == ["Auto-queue", "Share on LinkedIn"]
    assert sorted(await emailed_actions(deliverer, inbox[0], on_both)) == [
        "Auto-queue", "Share on LinkedIn", "Share on X"]
    [mail] = [m for m in inbox[0].messages if m["To"] == on_linkedin.email]
    assert f"{post.title}\n  Share on LinkedIn: {BASE}/share/" in body(mail).replace("\r\n", "\n")


async def test_a_weekly_new_posts_digest_offers_the_same_actions_per_post(
    deliverer: NotificationDeliverer, inbox: tuple[Inbox, int], clock: SimulatedClock  # noqa: F811
) -> None:
    person = await immediate_ambassador(clock, "x")
    await NotificationPreference.filter(user_id=person.id).update(frequency=Frequency.OFF)
    clock.advance(timedelta(days=1))
    _, post = await factories.create_launched_campaign(clock)
    await deliverer.run_until_idle()  # the launch notice: notifications are off, so no email
    await NotificationPreference.filter(user_id=person.id).update(frequency=Frequency.IMMEDIATE)
    clock.set(datetime(2026, 11, 9, 9, 0, tzinfo=UTC))  # Monday: the weekly digest is due
    assert await send_posts_digests(clock) == 1
    actions = await emailed_actions(deliverer, inbox[0], person)
    assert sorted(actions) == ["Auto-queue", "Share on X"]
    [mail] = [m for m in inbox[0].messages if m["To"] == person.email]
    assert "1 new post for you this week" in mail["Subject"]
    assert f"{post.title}\n  Share on X: {BASE}/share/" in body(mail).replace("\r\n", "\n")


async def test_the_confirmation_shows_the_least_used_suggestion_what_goes_out_and_when(
    deliverer: NotificationDeliverer, inbox: tuple[Inbox, int], clock: SimulatedClock,  # noqa: F811
    client: httpx.AsyncClient,
) -> None:
    person = await immediate_ambassador(clock, "linkedin")
    post = await launch(clock)
    first, second = await MessageVariant.filter(post_id=post.id, network="linkedin").order_by("id")
    colleague, account = await factories.create_ambassador(clock)
    await create_share(clock, colleague, post_id=post.id, account_id=account.id, variant_id=first.id)
    actions = await emailed_actions(deliverer, inbox[0], person)
    await sign_in(client, person)
    page = await client.get(actions["Share on LinkedIn"])
    assert page.status_code == 200
    card = html.unescape(element(page.text, "one-tap"))
    assert second.text in card and first.text not in card  # the least used suggestion
    # What goes out: the words, the post's link and the disclosure the suggestion lacked.
    assert f">{second.text}\n\n{post.url} #employee</p>" in element(card, "preview-linkedin")
    assert "Now: it goes out in a moment" in card
    auto = element((await client.get(actions["Auto-queue"])).text, "one-tap")
    assert "Auto-queued: placed in your sharing hours (08:00–18:00, UTC)" in auto


async def test_a_share_link_works_once_for_its_own_person_until_it_expires(
    deliverer: NotificationDeliverer, inbox: tuple[Inbox, int], clock: SimulatedClock,  # noqa: F811
    client: httpx.AsyncClient,
) -> None:
    person = await immediate_ambassador(clock, "linkedin", "x")
    someone_else = await immediate_ambassador(clock, "linkedin", "x")
    await launch(clock)
    actions = await emailed_actions(deliverer, inbox[0], person)

    await sign_in(client, someone_else)
    other = await client.get(actions["Share on LinkedIn"])
    assert other.status_code == 403 and "sent to someone else" in other.text
    assert (await confirm(client, actions["Share on LinkedIn"])).status_code == 403
    assert await Share.all().count() == 0

    await sign_in(client, person)
    done = await confirm(client, actions["Share on LinkedIn"])
    assert done.status_code == 303 and done.headers["location"] == "/me/shares"
    [share] = await Share.all()
    assert share.user_id == person.id and share.network == "linkedin"

    again = await client.get(actions["Share on LinkedIn"])
    assert again.status_code == 410 and "already used" in again.text
    assert (await confirm(client, actions["Share on LinkedIn"])).status_code == 410

    clock.advance(timedelta(hours=72))
    await sign_in(client, person)  # the session itself ended meanwhile
    expired = await client.get(actions["Share on X"])
    assert expired.status_code == 410 and "expired" in expired.text
    assert (await confirm(client, actions["Share on X"])).status_code == 410
    assert await Share.all().count() == 1


async def test_a_signed_out_person_signs_in_and_lands_on_the_same_confirmation(
    deliverer: NotificationDeliverer, inbox: tuple[Inbox, int], clock: SimulatedClock,  # noqa: F811
    client: httpx.AsyncClient,
) -> None:
    person, path = await linkedin_link(deliverer, inbox[0], clock)
    client.cookies.clear()
    away = await client.get(path)
    assert away.status_code == 303 and away.headers["location"] == f"/login?next={path}"
    login = await client.get(away.headers["location"])
    assert f'name="next" value="{path}"' in login.text
    signed = await client.post("/login", data={"email": person.email, "password": PASSWORD,
                                                "next": path, "csrf_token": csrf_of(login.text)})
    assert signed.status_code == 303 and signed.headers["location"] == path
    assert (await client.get(path)).status_code == 200


async def test_confirming_needs_the_pages_csrf_token_and_passes_the_feeds_rules(
    deliverer: NotificationDeliverer, inbox: tuple[Inbox, int], clock: SimulatedClock,  # noqa: F811
    client: httpx.AsyncClient,
) -> None:
    person, path = await linkedin_link(deliverer, inbox[0], clock)
    await sign_in(client, person)
    forged = await client.post(path, data={"csrf_token": "not-the-token"})
    assert forged.status_code == 403 and await Share.all().count() == 0
    # Compliance runs on the words the person typed, as in the feed: refused inline, link unused.
    refused = await confirm(client, path,
                            text_linkedin="Visiting John Smith, MRN 12345678, in room 7B today.")
    assert refused.status_code == 422 and "cannot go out" in element(refused.text, "share-linkedin")
    assert await Share.all().count() == 0
    assert (await confirm(client, path)).status_code == 303
    assert await Share.all().count() == 1


async def test_before_the_campaign_starts_the_confirmation_says_when_it_will_go_out(
    deliverer: NotificationDeliverer, inbox: tuple[Inbox, int], clock: SimulatedClock,  # noqa: F811
    client: httpx.AsyncClient,
) -> None:
    person, path = await linkedin_link(deliverer, inbox[0], clock)
    starts = clock.now() + timedelta(days=2)
    await Campaign.all().update(starts_at=starts)
    await sign_in(client, person)
    page = html.unescape(element((await client.get(path)).text, "one-tap"))
    assert "When the campaign starts: Wed 4 Nov 2026, 08:00 UTC." in page
    assert (await confirm(client, path)).status_code == 303
    [share] = await Share.all()
    assert share.due_at == starts


async def test_the_expiry_job_forgets_used_links_once_they_expire_and_they_stay_refused(
    deliverer: NotificationDeliverer, inbox: tuple[Inbox, int], clock: SimulatedClock,  # noqa: F811
    client: httpx.AsyncClient, mail_settings: Settings,
) -> None:
    person, path = await linkedin_link(deliverer, inbox[0], clock)
    await sign_in(client, person)
    assert (await confirm(client, path)).status_code == 303
    [use] = await OneTapUse.all()
    assert use.expires_at == clock.now().replace(microsecond=0) + timedelta(hours=72)
    # Uses recorded before their link's expiry was kept: one older than any link can live, one not.
    await OneTapUse.create(nonce="old", user=person, used_at=clock.now() - timedelta(days=31))
    recent = await OneTapUse.create(nonce="recent", user=person, used_at=clock.now() - timedelta(days=26))
    expire = build_scheduler(mail_settings, clock, NetworkRegistry(mail_settings, clock)).get_job("expire")
    assert expire is not None

    await expire.func()
    assert sorted(u.id for u in await OneTapUse.all()) == sorted([use.id, recent.id])
    clock.advance(timedelta(hours=71))
    await expire.func()
    assert await OneTapUse.filter(id=use.id).exists(), "a link that still works keeps its use"
    await sign_in(client, person)
    assert "already used" in (await client.get(path)).text

    clock.advance(timedelta(hours=1))
    await expire.func()
    assert [u.id for u in await OneTapUse.all()] == [recent.id]
    await sign_in(client, person)
    gone = await client.get(path)
    assert gone.status_code == 410 and "expired" in gone.text
    assert (await confirm(client, path)).status_code == 410
    assert await Share.filter(user_id=person.id).count() == 1
