"""The share's text for a message: made in one place for a new share and for a correction."""

from __future__ import annotations

from datetime import timedelta

import pytest

from advocacy.clock import SimulatedClock
from advocacy.compliance import default_engine
from advocacy.links.service import LinkMaker
from advocacy.settings import Settings
from advocacy.shares.models import Share, ShareEvent
from advocacy.shares.service import create_share
from advocacy.shares.wording import MessageCorrection, correct_queued_shares, share_text
from tests import factories


async def queued_with_link(
    database: Settings, clock: SimulatedClock, text: str | None = None
) -> tuple[Share, MessageCorrection, LinkMaker]:
    """A share queued with its tracking link from a launched message (edited when `text` is
    given), and a correction of that message."""
    _, _, post, variant = await factories.create_launched_message(clock)
    person, account = await factories.create_ambassador(clock)
    links = LinkMaker.from_settings(database)
    share = await create_share(clock, person, post_id=post.id, account_id=account.id, variant_id=variant.id,
                               text=text, scheduled_at=clock.now() + timedelta(hours=1), links=links)
    correction = MessageCorrection(variant_id=variant.id, url=post.url, network=variant.network,
                                   original=variant.text, corrected="Our heart unit is open. #employee")
    return share, correction, links


async def test_a_correction_without_the_link_maker_refuses_shares_that_carry_a_tracking_link(
    database: Settings, clock: SimulatedClock
) -> None:
    share, correction, links = await queued_with_link(database, clock)
    events = await ShareEvent.filter(share_id=share.id).count()

    with pytest.raises(ValueError, match="tracking link"):
        await correct_queued_shares(clock.now(), default_engine(), None, correction, "corrected")
    assert (await Share.get(id=share.id)).text == share.text
    assert await ShareEvent.filter(share_id=share.id).count() == events

    assert await correct_queued_shares(clock.now(), default_engine(), links, correction, "corrected") == [
        share.id]
    slug = share.text.rsplit("/l/", 1)[1]
    assert (await Share.get(id=share.id)).text == share_text(
        default_engine(), correction.corrected, url=correction.url, network=correction.network,
        link=links.short_url(slug))


async def test_a_share_the_ambassador_edited_keeps_their_words(
    database: Settings, clock: SimulatedClock
) -> None:
    share, correction, links = await queued_with_link(
        database, clock, text="Proud of my colleagues who opened our new cardiac unit. My team built it. "
        "#employee")

    assert await correct_queued_shares(clock.now(), default_engine(), links, correction, "corrected") == []
    assert (await Share.get(id=share.id)).text == share.text
