"""The ambassador's feed page: cards kept rendered with the shareable posts."""

from __future__ import annotations

from datetime import timedelta

import httpx
from markupsafe import escape

from advocacy.clock import SimulatedClock
from advocacy.settings import Settings
from advocacy.shares import pages
from advocacy.shares.schemas import AccountOut
from advocacy.templating import environment
from campaigns import service as campaigns
from campaigns.models import MessageVariant
from campaigns.shareable import SHAREABLE
from tests import factories
from tests.test_feed import shared_by_colleagues
from tests.test_pages import ambassador_with, csrf_of, element, sign_in

# ---- kept cards -------------------------------------------------------------------------------------


async def test_a_card_filled_in_is_the_card_rendered_with_its_values(
    database: Settings, clock: SimulatedClock
) -> None:
    _, [post] = await factories.create_launched_campaign_with_posts(clock, 1)
    [kept] = (await SHAREABLE.get(clock, 5)).posts
    connected = [AccountOut.model_construct(id=7, network="x", handle="@a<b>&c", followers=3,
                                            status="connected")]
    counts = 'No "colleague" <shared> this & that.'
    card = pages.feed_card(kept, [], connected, "2026-11-02T10:15", counts)
    card.account_options = pages.account_options(card.open_accounts, card.form.account_id)
    values = {"csrf_token": "tok'en<", "now_input": "2026-11-02T09:00", "zone": "Europe/Berlin"}
    fresh = environment.get_template("feed_card.html").render(
        card=card, can_share=True, connected=True, network_name=pages.network_name, **values)
    filled = pages.card_with_slots(card, can_share=True, connected=True).fill({
        **{name: escape(value) for name, value in values.items()},
        "scheduled_at": escape("2026-11-02T10:15"), "counts": escape(counts),
        "account_options": card.account_options,
    })
    assert filled == fresh
    assert "@a&lt;b&gt;&amp;c" in filled and "tok&#39;en&lt;" in filled and post.title in filled


async def test_people_see_their_own_accounts_token_and_suggestions_on_kept_cards(
    client: httpx.AsyncClient, clock: SimulatedClock
) -> None:
    _, post = await factories.create_launched_campaign(clock)
    first, [first_account] = await ambassador_with(clock, "linkedin")
    second, [second_account] = await ambassador_with(clock, "linkedin")
    on_x, [x_account] = await ambassador_with(clock, "x")
    seen = {}
    for person in (first, second, on_x):
        await sign_in(client, person)
        page = (await client.get("/feed")).text
        seen[person.id] = (element(page, f"post-{post.id}"), csrf_of(page))
    first_card, first_token = seen[first.id]
    second_card, second_token = seen[second.id]
    x_card, _ = seen[on_x.id]
    assert f'<option value="{first_account.id}"' in first_card and second_account.handle not in first_card
    assert f'<option value="{first_account.id}"' not in second_card
    assert first_account.handle not in second_card
    assert f'<option value="{second_account.id}"' in second_card and second_account.handle in second_card
    assert second_token in second_card and first_token not in second_card
    linkedin = await MessageVariant.filter(post_id=post.id, network="linkedin").first()
    x = await MessageVariant.filter(post_id=post.id, network="x").first()
    assert linkedin is not None and x is not None
    def suggests(card: str, variant: MessageVariant) -> bool:
        return f'name="variant_id" value="{variant.id}"' in card

    assert suggests(second_card, linkedin) and not suggests(second_card, x)
    assert suggests(x_card, x) and not suggests(x_card, linkedin)
    assert f'<option value="{x_account.id}"' in x_card


async def test_a_correction_shows_on_the_kept_card_at_once(
    client: httpx.AsyncClient, clock: SimulatedClock
) -> None:
    editor = await factories.create_user(clock, "editor")
    reviewer = await factories.create_user(clock, "reviewer")
    _, post = await factories.create_launched_campaign(clock, editor, reviewer)
    variant = await MessageVariant.filter(post_id=post.id, network="linkedin").order_by("id").first()
    assert variant is not None
    person, _ = await ambassador_with(clock, "linkedin")
    await sign_in(client, person)
    assert variant.text in element((await client.get("/feed")).text, f"post-{post.id}")
    correction = await campaigns.propose_correction(
        clock, editor, variant.id, text="Our new heart unit is open. #employee", reason="Heart, not cardiac.")
    assert variant.text in element((await client.get("/feed")).text, f"post-{post.id}")  # not reviewed yet
    await campaigns.review_correction(clock, reviewer, correction.id, approve=True)
    card = element((await client.get("/feed")).text, f"post-{post.id}")
    assert "Our new heart unit is open. #employee" in card and variant.text not in card


async def test_a_newly_approved_post_and_an_expired_one_show_on_the_next_page(
    client: httpx.AsyncClient, clock: SimulatedClock
) -> None:
    editor = await factories.create_user(clock, "editor")
    campaign, post = await factories.create_launched_campaign(clock, editor)
    person, _ = await ambassador_with(clock, "linkedin")
    await sign_in(client, person)
    assert f'id="post-{post.id}"' in (await client.get("/feed")).text
    _, newer = await factories.create_launched_campaign(clock)
    pack = await campaign.packs.all().first()
    assert pack is not None
    await campaigns.set_pack_expiry(clock, editor, pack.id, clock.now() + timedelta(minutes=10))
    page = (await client.get("/feed")).text
    assert f'id="post-{newer.id}"' in page and f'id="post-{post.id}"' in page
    clock.advance(timedelta(minutes=20))  # inside the idle timeout: the same session
    later = (await client.get("/feed")).text
    assert f'id="post-{newer.id}"' in later and f'id="post-{post.id}"' not in later


async def test_colleagues_counts_and_own_shares_are_current_on_kept_cards(
    client: httpx.AsyncClient, clock: SimulatedClock
) -> None:
    _, post = await factories.create_launched_campaign(clock)
    person, _ = await ambassador_with(clock, "linkedin", "x")
    await sign_in(client, person)
    card = element((await client.get("/feed")).text, f"post-{post.id}")
    assert "No colleague has shared this yet." in card and "Already shared" not in card
    await shared_by_colleagues(clock, post, published=2, scheduled=1)
    card = element((await client.get("/feed")).text, f"post-{post.id}")
    assert "2 colleagues shared this, 1 has it scheduled." in card
