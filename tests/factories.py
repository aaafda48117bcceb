"""Plain async factories for tests: each builds a real record through the service layer."""

from __future__ import annotations

import itertools
from collections.abc import Collection, Mapping
from datetime import timedelta
from typing import Any

from advocacy.accounts.models import Network, SocialAccount
from advocacy.accounts.networks import NetworkRegistry
from advocacy.clock import Clock, SimulatedClock
from advocacy.links.service import LinkMaker
from advocacy.notify.models import Channel
from advocacy.settings import Settings
from advocacy.shares.dispatch import ShareDispatcher
from advocacy.shares.service import create_share
from advocacy.users.models import User
from advocacy.users.service import create_user as service_create_user
from advocacy.users.service import hash_password
from campaigns import service as campaigns
from campaigns.brand import BrandPublisher
from campaigns.link_preview import LinkImage
from campaigns.models import Campaign, MessageVariant, Post
from dashboards.collection.collect import MetricsCollector

PASSWORD = "correct horse battery"
_numbers = itertools.count(1)
# Hashing once keeps factories fast; every user made here signs in with PASSWORD.
_PASSWORD_HASH = hash_password(PASSWORD)


async def create_user(clock: Clock, role: str = "ambassador", **overrides: Any) -> User:
    n = next(_numbers)
    values: dict[str, Any] = {
        "email": f"{role}{n}@example.org",
        "role": role,
        "password": PASSWORD,
        "password_hash": _PASSWORD_HASH,
        "name": f"{role.title()} {n}",
        "opted_in": role == "ambassador",
        "department": "Nursing",
        "region": "North",
    }
    values.update(overrides)
    return await service_create_user(clock, **values)


async def create_account(
    clock: Clock, user: User | None, network: str = "linkedin", **overrides: Any
) -> SocialAccount:
    n = next(_numbers)
    values: dict[str, Any] = {
        "user": user,
        "network": Network(network),
        "handle": f"{network}-handle-{n}",
        "external_id": f"ext{n}",
        "followers": 500,
        "connected_at": clock.now(),
    }
    values.update(overrides)
    return await SocialAccount.create(**values)


async def create_brand_channels(clock: Clock) -> list[SocialAccount]:
    return [
        await create_account(clock, None, "linkedin", is_brand=True, followers=40_000,
                             handle="northbrook-health"),
        await create_account(clock, None, "x", is_brand=True, followers=25_000,
                             handle="NorthbrookHealth"),
    ]


async def create_campaign_with_post(
    clock: Clock,
    editor: User,
    *,
    days: int = 14,
    messages: dict[str, list[str]] | None = None,
    opens_in: timedelta = timedelta(0),
    link_preview: Mapping[str, str] | None = None,
    link_image: LinkImage | None = None,
) -> tuple[Campaign, Post]:
    """A draft campaign (its window opens `opens_in` from now and lasts `days`) with one post (with
    the link preview and picture given, as the studio fetched them)."""
    campaign = await campaigns.create_campaign(
        clock,
        editor,
        name=f"Campaign {next(_numbers)}",
        starts_at=clock.now() + opens_in,
        ends_at=clock.now() + opens_in + timedelta(days=days),
    )
    pack = await campaign.packs.all().first()
    assert pack is not None
    post = await campaigns.add_post(
        clock,
        editor,
        pack.id,
        title="Our new cardiac unit opens",
        url="https://example.org/news/cardiac-unit",
        messages=messages
        or {
            "linkedin": ["Proud of my colleagues who opened our new cardiac unit. #employee",
                         "A new cardiac unit for our community. I work here and I'm proud."],
            "x": ["Proud of my colleagues: our new cardiac unit is open #employee"],
        },
        link_preview=link_preview,
        link_image=link_image,
    )
    return campaign, post


async def create_launched_campaign(
    clock: Clock, editor: User | None = None, reviewer: User | None = None, *,
    organisation: Collection[Channel] = (), **kwargs: Any
) -> tuple[Campaign, Post]:
    """A campaign whose single-post pack is approved and which is launched (announced on the
    `organisation`'s channels too)."""
    editor = editor or await create_user(clock, "editor")
    reviewer = reviewer or await create_user(clock, "reviewer")
    campaign, post = await create_campaign_with_post(clock, editor, **kwargs)
    pack = await campaign.packs.all().first()
    assert pack is not None
    await campaigns.submit_pack(clock, editor, pack.id)
    await campaigns.review_pack(clock, reviewer, pack.id, approve=True)
    await campaigns.launch_campaign(clock, editor, campaign.id, organisation=organisation)
    return campaign, post


async def create_launched_message(
    clock: Clock, network: str = "linkedin"
) -> tuple[User, User, Post, MessageVariant]:
    """A launched campaign's post by a new editor and reviewer, and its first message for `network`."""
    editor = await create_user(clock, "editor")
    reviewer = await create_user(clock, "reviewer")
    _, post = await create_launched_campaign(clock, editor, reviewer)
    variant = await MessageVariant.filter(post_id=post.id, network=network).order_by("id").first()
    assert variant is not None
    return editor, reviewer, post, variant


async def create_ambassador(
    clock: Clock, network: str = "linkedin", **overrides: Any
) -> tuple[User, SocialAccount]:
    """An opted-in ambassador with one connected account on `network`."""
    user = await create_user(clock, "ambassador", **overrides)
    return user, await create_account(clock, user, network)


async def create_launched_campaign_with_posts(
    clock: Clock, count: int, *, days: int = 14
) -> tuple[Campaign, list[Post]]:
    """A launched campaign whose approved pack holds `count` posts with distinct links and messages."""
    editor = await create_user(clock, "editor")
    reviewer = await create_user(clock, "reviewer")
    campaign = await campaigns.create_campaign(
        clock, editor, name=f"Campaign {next(_numbers)}",
        starts_at=clock.now(), ends_at=clock.now() + timedelta(days=days),
    )
    pack = await campaign.packs.all().first()
    assert pack is not None
    posts = [
        await campaigns.add_post(
            clock, editor, pack.id, title=f"Story {i}", url=f"https://example.org/news/{i}",
            messages={"linkedin": [f"Story {i} from my hospital #employee"],
                      "x": [f"Story {i} #employee"]},
        )
        for i in range(count)
    ]
    await campaigns.submit_pack(clock, editor, pack.id)
    await campaigns.review_pack(clock, reviewer, pack.id, approve=True)
    await campaigns.launch_campaign(clock, editor, campaign.id)
    return campaign, posts


async def publish_and_measure(
    settings: Settings, clock: SimulatedClock, campaign: Campaign, post: Post,
    ambassador: User, account: SocialAccount, *, days: int = 7
) -> None:
    """The brand publishes the launched `campaign`, the ambassador shares `post` (published a minute
    later), and the metrics are collected once a day for `days` days."""
    networks = NetworkRegistry(settings, clock)
    await BrandPublisher(networks, clock).publish_campaign(campaign.id)
    await create_share(clock, ambassador, post_id=post.id, account_id=account.id, text="Proud of us",
                       links=LinkMaker.from_settings(settings))
    clock.advance(timedelta(minutes=1))
    assert (await ShareDispatcher(networks, clock).run_until_idle()).published == 1
    collector = MetricsCollector(networks, clock)
    for _ in range(days):
        clock.advance(timedelta(days=1))
        await collector.run_once()
