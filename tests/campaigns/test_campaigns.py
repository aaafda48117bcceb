"""Campaign rules: composing, validation, review by another person, launch, and who may do what."""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta
from typing import Any

import pytest

from advocacy.clock import SimulatedClock
from advocacy.errors import Conflict, Forbidden, InvalidInput
from advocacy.settings import Settings
from campaigns import service
from campaigns.models import Campaign, CampaignStatus, ContentPack, MessageVariant, PackStatus, Post
from campaigns.queries import shareable_posts
from campaigns.text_limits import message_length
from tests import factories

URL = "https://example.org/news/cardiac-unit"


async def row_counts() -> tuple[int, int, int, int]:
    return (
        await Campaign.all().count(),
        await ContentPack.all().count(),
        await Post.all().count(),
        await MessageVariant.all().count(),
    )


async def draft_pack(clock: SimulatedClock) -> tuple[Any, ContentPack]:
    editor = await factories.create_user(clock, "editor")
    campaign = await service.create_campaign(
        clock, editor, name="Winter vaccines",
        starts_at=clock.now(), ends_at=clock.now() + timedelta(days=14),
    )
    pack = await ContentPack.get(campaign_id=campaign.id)
    return editor, pack


async def test_create_campaign_makes_a_draft_with_its_first_pack(
    database: Settings, clock: SimulatedClock
) -> None:
    editor = await factories.create_user(clock, "editor")
    campaign = await service.create_campaign(
        clock, editor, name="  Winter vaccines ", starts_at=clock.now(),
        ends_at=clock.now() + timedelta(days=7), pack_title="Week one",
    )
    assert (campaign.name, campaign.slug, campaign.status) == (
        "Winter vaccines", "winter-vaccines", CampaignStatus.DRAFT
    )
    pack = await ContentPack.get(campaign_id=campaign.id)
    assert (pack.title, pack.status, pack.author_id) == ("Week one", PackStatus.DRAFT, editor.id)


async def test_campaigns_with_the_same_name_get_distinct_slugs(
    database: Settings, clock: SimulatedClock
) -> None:
    editor = await factories.create_user(clock, "editor")
    window = {"starts_at": clock.now(), "ends_at": clock.now() + timedelta(days=7)}
    first = await service.create_campaign(clock, editor, name="Flu season", **window)
    second = await service.create_campaign(clock, editor, name="Flu Season!", **window)
    assert (first.slug, second.slug) == ("flu-season", "flu-season-2")


@pytest.mark.parametrize(
    ("name", "starts", "ends", "field"),
    [
        ("", timedelta(0), timedelta(days=1), "name"),
        ("   ", timedelta(0), timedelta(days=1), "name"),
        ("Backwards", timedelta(days=2), timedelta(days=1), "ends_at"),
        ("No length", timedelta(days=1), timedelta(days=1), "ends_at"),
    ],
)
async def test_create_campaign_refuses_invalid_input_and_writes_nothing(
    database: Settings, clock: SimulatedClock, name: str, starts: timedelta, ends: timedelta, field: str
) -> None:
    editor = await factories.create_user(clock, "editor")
    with pytest.raises(InvalidInput) as refused:
        await service.create_campaign(
            clock, editor, name=name, starts_at=clock.now() + starts, ends_at=clock.now() + ends
        )
    assert refused.value.details["field"] == field
    assert await row_counts() == (0, 0, 0, 0)


async def test_create_campaign_refuses_naive_datetimes(database: Settings, clock: SimulatedClock) -> None:
    editor = await factories.create_user(clock, "editor")
    with pytest.raises(InvalidInput, match="time zone"):
        await service.create_campaign(
            clock, editor, name="Naive", starts_at=datetime(2026, 11, 3, 9),
            ends_at=clock.now() + timedelta(days=3),
        )
    assert await row_counts() == (0, 0, 0, 0)


async def test_add_post_saves_the_post_and_every_suggested_message(
    database: Settings, clock: SimulatedClock
) -> None:
    editor, pack = await draft_pack(clock)
    post = await service.add_post(
        clock, editor, pack.id, title=" Cardiac unit ", url=f" {URL} ",
        messages={"linkedin": ["First ", "  ", "Second"], "x": ["Short one"]},
    )
    assert (post.title, post.url) == ("Cardiac unit", URL)
    variants = await MessageVariant.filter(post_id=post.id).order_by("id").values_list("network", "text")
    assert variants == [("linkedin", "First"), ("linkedin", "Second"), ("x", "Short one")]


@pytest.mark.parametrize(
    ("title", "url", "messages", "problem_key"),
    [
        ("Title", "example.org/news", {"linkedin": ["Hi"]}, "url"),
        ("Title", "ftp://example.org/file", {"linkedin": ["Hi"]}, "url"),
        ("Title", "https://exa mple.org", {"linkedin": ["Hi"]}, "url"),
        ("Title", URL, {}, "messages"),
        ("Title", URL, {"linkedin": ["   "], "x": []}, "messages"),
        ("  ", URL, {"linkedin": ["Hi"]}, "title"),
        ("Title", URL, {"x": ["a" * 281]}, "messages.x.0"),
        ("Title", URL, {"linkedin": ["a" * 3001]}, "messages.linkedin.0"),
        ("Title", URL, {"facebook": ["Hello"]}, "messages.facebook.0"),
    ],
)
async def test_add_post_refuses_invalid_input_and_writes_nothing(
    database: Settings, clock: SimulatedClock, title: str, url: str,
    messages: dict[str, list[str]], problem_key: str,
) -> None:
    editor, pack = await draft_pack(clock)
    before = await row_counts()
    with pytest.raises(InvalidInput) as refused:
        await service.add_post(clock, editor, pack.id, title=title, url=url, messages=messages)
    assert problem_key in refused.value.details
    assert await row_counts() == before


async def test_x_message_counts_a_link_as_23_characters(database: Settings, clock: SimulatedClock) -> None:
    editor, pack = await draft_pack(clock)
    long_link = "https://example.org/" + "a" * 150
    fits = "b" * (280 - 23 - 1) + " " + long_link
    assert message_length("x", fits) == 280
    post = await service.add_post(clock, editor, pack.id, title="Fits", url=URL, messages={"x": [fits]})
    assert await MessageVariant.filter(post_id=post.id).count() == 1

    too_long = "b" + fits
    before = await row_counts()
    with pytest.raises(InvalidInput, match="281 characters"):
        await service.add_post(clock, editor, pack.id, title="Too long", url=URL, messages={"x": [too_long]})
    assert await row_counts() == before


async def test_post_cannot_be_added_once_the_pack_is_in_review(
    database: Settings, clock: SimulatedClock
) -> None:
    editor, pack = await draft_pack(clock)
    await service.add_post(clock, editor, pack.id, title="One", url=URL, messages={"x": ["Hi"]})
    await service.submit_pack(clock, editor, pack.id)
    with pytest.raises(Conflict):
        await service.add_post(clock, editor, pack.id, title="Two", url=URL, messages={"x": ["Hi"]})
    assert await Post.all().count() == 1


async def test_submit_needs_at_least_one_post(database: Settings, clock: SimulatedClock) -> None:
    editor, pack = await draft_pack(clock)
    with pytest.raises(InvalidInput, match="at least one post"):
        await service.submit_pack(clock, editor, pack.id)
    await pack.refresh_from_db()
    assert pack.status == PackStatus.DRAFT and pack.submitted_at is None


async def test_submit_moves_a_draft_pack_to_review(database: Settings, clock: SimulatedClock) -> None:
    editor, pack = await draft_pack(clock)
    await service.add_post(clock, editor, pack.id, title="One", url=URL, messages={"x": ["Hi"]})
    await service.submit_pack(clock, editor, pack.id)
    await pack.refresh_from_db()
    assert pack.status == PackStatus.IN_REVIEW and pack.submitted_at == clock.now()
    with pytest.raises(Conflict):
        await service.submit_pack(clock, editor, pack.id)


async def test_author_cannot_review_their_own_pack(database: Settings, clock: SimulatedClock) -> None:
    admin = await factories.create_user(clock, "admin")
    campaign, _ = await factories.create_campaign_with_post(clock, admin)
    pack = await ContentPack.get(campaign_id=campaign.id)
    await service.submit_pack(clock, admin, pack.id)
    with pytest.raises(Forbidden, match="You wrote part of this pack"):
        await service.review_pack(clock, admin, pack.id, approve=True)
    await pack.refresh_from_db()
    assert pack.status == PackStatus.IN_REVIEW and pack.reviewer_id is None


async def test_another_reviewer_approves_the_pack(database: Settings, clock: SimulatedClock) -> None:
    editor = await factories.create_user(clock, "editor")
    reviewer = await factories.create_user(clock, "reviewer")
    campaign, _ = await factories.create_campaign_with_post(clock, editor)
    pack = await ContentPack.get(campaign_id=campaign.id)
    await service.submit_pack(clock, editor, pack.id)
    clock.advance(timedelta(hours=2))
    await service.review_pack(clock, reviewer, pack.id, approve=True, note="Fine")
    await pack.refresh_from_db()
    assert (pack.status, pack.reviewer_id, pack.reviewed_at, pack.review_note) == (
        PackStatus.APPROVED, reviewer.id, clock.now(), "Fine"
    )


async def test_request_changes_needs_a_note(database: Settings, clock: SimulatedClock) -> None:
    editor = await factories.create_user(clock, "editor")
    reviewer = await factories.create_user(clock, "reviewer")
    campaign, _ = await factories.create_campaign_with_post(clock, editor)
    pack = await ContentPack.get(campaign_id=campaign.id)
    await service.submit_pack(clock, editor, pack.id)
    with pytest.raises(InvalidInput) as refused:
        await service.review_pack(clock, reviewer, pack.id, approve=False, note="   ")
    assert refused.value.details == {"field": "note"}
    await pack.refresh_from_db()
    assert pack.status == PackStatus.IN_REVIEW


async def test_request_changes_returns_the_pack_to_draft_with_the_note(
    database: Settings, clock: SimulatedClock
) -> None:
    editor = await factories.create_user(clock, "editor")
    reviewer = await factories.create_user(clock, "reviewer")
    campaign, _ = await factories.create_campaign_with_post(clock, editor)
    pack = await ContentPack.get(campaign_id=campaign.id)
    await service.submit_pack(clock, editor, pack.id)
    await service.review_pack(clock, reviewer, pack.id, approve=False, note=" Add the disclosure. ")
    await pack.refresh_from_db()
    assert (pack.status, pack.review_note, pack.reviewer_id) == (
        PackStatus.DRAFT, "Add the disclosure.", reviewer.id
    )
    # The editor can fix it and send it again.
    await service.add_post(clock, editor, pack.id, title="Fixed", url=URL, messages={"x": ["#employee"]})
    await service.submit_pack(clock, editor, pack.id)
    await pack.refresh_from_db()
    assert pack.status == PackStatus.IN_REVIEW


async def test_only_a_pack_in_review_can_be_reviewed(database: Settings, clock: SimulatedClock) -> None:
    editor, pack = await draft_pack(clock)
    reviewer = await factories.create_user(clock, "reviewer")
    with pytest.raises(Conflict):
        await service.review_pack(clock, reviewer, pack.id, approve=True)
    await pack.refresh_from_db()
    assert pack.status == PackStatus.DRAFT


async def test_launch_needs_an_approved_pack(database: Settings, clock: SimulatedClock) -> None:
    editor = await factories.create_user(clock, "editor")
    campaign, _ = await factories.create_campaign_with_post(clock, editor)
    pack = await ContentPack.get(campaign_id=campaign.id)
    with pytest.raises(Conflict, match="approved"):
        await service.launch_campaign(clock, editor, campaign.id)
    await service.submit_pack(clock, editor, pack.id)
    with pytest.raises(Conflict, match="approved"):
        await service.launch_campaign(clock, editor, campaign.id)
    await campaign.refresh_from_db()
    assert campaign.status == CampaignStatus.DRAFT and campaign.launched_at is None


async def test_launch_marks_the_campaign_launched(database: Settings, clock: SimulatedClock) -> None:
    campaign, post = await factories.create_launched_campaign(clock)
    await campaign.refresh_from_db()
    assert campaign.status == CampaignStatus.LAUNCHED and campaign.launched_at == clock.now()
    assert [p.id for p in await shareable_posts(clock)] == [post.id]


async def test_campaign_cannot_be_launched_twice(database: Settings, clock: SimulatedClock) -> None:
    editor = await factories.create_user(clock, "editor")
    campaign, _ = await factories.create_launched_campaign(clock, editor)
    launched_at = clock.now()
    clock.advance(timedelta(hours=1))
    with pytest.raises(Conflict, match="already launched"):
        await service.launch_campaign(clock, editor, campaign.id)
    await campaign.refresh_from_db()
    assert campaign.launched_at == launched_at


async def _approved_campaign(clock: SimulatedClock, editor: Any) -> Campaign:
    reviewer = await factories.create_user(clock, "reviewer")
    campaign, _ = await factories.create_campaign_with_post(clock, editor)
    pack = await ContentPack.get(campaign_id=campaign.id)
    await service.submit_pack(clock, editor, pack.id)
    await service.review_pack(clock, reviewer, pack.id, approve=True)
    return campaign


async def test_two_launches_at_once_launch_once(database: Settings, clock: SimulatedClock) -> None:
    editor = await factories.create_user(clock, "editor")
    campaign = await _approved_campaign(clock, editor)
    results = await asyncio.gather(service.launch_campaign(clock, editor, campaign.id),
                                   service.launch_campaign(clock, editor, campaign.id),
                                   return_exceptions=True)
    assert sorted(type(r).__name__ for r in results) == ["Campaign", "Conflict"]
    await campaign.refresh_from_db()
    assert campaign.status == CampaignStatus.LAUNCHED


async def test_a_launch_whose_announcement_fails_leaves_the_campaign_unlaunched(
    database: Settings, clock: SimulatedClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    editor = await factories.create_user(clock, "editor")
    campaign = await _approved_campaign(clock, editor)

    async def broken(*args: Any, **kwargs: Any) -> int:
        raise RuntimeError("the outbox is unavailable")

    monkeypatch.setattr(service, "announce_launch", broken)
    with pytest.raises(RuntimeError):
        await service.launch_campaign(clock, editor, campaign.id)
    await campaign.refresh_from_db()
    assert campaign.status != CampaignStatus.LAUNCHED and campaign.launched_at is None
    monkeypatch.undo()
    await service.launch_campaign(clock, editor, campaign.id)  # launching again works
    await campaign.refresh_from_db()
    assert campaign.status == CampaignStatus.LAUNCHED


async def test_campaign_whose_window_ended_cannot_be_launched(
    database: Settings, clock: SimulatedClock
) -> None:
    editor = await factories.create_user(clock, "editor")
    reviewer = await factories.create_user(clock, "reviewer")
    campaign, _ = await factories.create_campaign_with_post(clock, editor, days=1)
    pack = await ContentPack.get(campaign_id=campaign.id)
    await service.submit_pack(clock, editor, pack.id)
    await service.review_pack(clock, reviewer, pack.id, approve=True)
    clock.advance(timedelta(days=2))
    with pytest.raises(Conflict, match="ended"):
        await service.launch_campaign(clock, editor, campaign.id)


async def test_ended_campaign_posts_leave_the_feed(database: Settings, clock: SimulatedClock) -> None:
    await factories.create_launched_campaign(clock, days=3)
    assert len(await shareable_posts(clock)) == 1
    clock.advance(timedelta(days=3))
    assert await shareable_posts(clock) == []


@pytest.mark.parametrize("role", ["reviewer", "leader", "ambassador"])
async def test_only_editors_create_campaigns(database: Settings, clock: SimulatedClock, role: str) -> None:
    someone = await factories.create_user(clock, role)
    with pytest.raises(Forbidden):
        await service.create_campaign(
            clock, someone, name="Nope", starts_at=clock.now(), ends_at=clock.now() + timedelta(days=1)
        )
    assert await row_counts() == (0, 0, 0, 0)


@pytest.mark.parametrize("role", ["reviewer", "leader", "ambassador"])
async def test_only_editors_add_submit_and_launch(
    database: Settings, clock: SimulatedClock, role: str
) -> None:
    editor, pack = await draft_pack(clock)
    someone = await factories.create_user(clock, role)
    with pytest.raises(Forbidden):
        await service.add_post(clock, someone, pack.id, title="T", url=URL, messages={"x": ["Hi"]})
    await service.add_post(clock, editor, pack.id, title="T", url=URL, messages={"x": ["Hi"]})
    with pytest.raises(Forbidden):
        await service.submit_pack(clock, someone, pack.id)
    with pytest.raises(Forbidden):
        await service.launch_campaign(clock, someone, pack.campaign_id)  # type: ignore[attr-defined]
    await pack.refresh_from_db()
    assert pack.status == PackStatus.DRAFT and await Post.all().count() == 1


@pytest.mark.parametrize("role", ["editor", "leader", "ambassador"])
async def test_only_reviewers_approve(database: Settings, clock: SimulatedClock, role: str) -> None:
    author = await factories.create_user(clock, "editor")
    campaign, _ = await factories.create_campaign_with_post(clock, author)
    pack = await ContentPack.get(campaign_id=campaign.id)
    await service.submit_pack(clock, author, pack.id)
    someone = await factories.create_user(clock, role)
    with pytest.raises(Forbidden, match="reviewers"):
        await service.review_pack(clock, someone, pack.id, approve=True)
    await pack.refresh_from_db()
    assert pack.status == PackStatus.IN_REVIEW


async def test_admin_may_compose_and_another_admin_may_approve(
    database: Settings, clock: SimulatedClock
) -> None:
    author = await factories.create_user(clock, "admin")
    other = await factories.create_user(clock, "admin")
    campaign, _ = await factories.create_launched_campaign(clock, author, other)
    await campaign.refresh_from_db()
    assert campaign.status == CampaignStatus.LAUNCHED
