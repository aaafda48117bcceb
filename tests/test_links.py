"""Every link on every page, followed as each role: none leads to a refusal, a missing page or an error."""

from __future__ import annotations

import re
from datetime import timedelta
from urllib.parse import urljoin, urlsplit

import httpx
import pytest

from advocacy.clock import SimulatedClock
from advocacy.notify.models import Channel
from advocacy.settings import Settings
from advocacy.suggestions.models import Suggestion
from advocacy.suggestions.service import accept, suggest
from advocacy.users.models import User
from campaigns.models import Campaign, ContentPack
from tests import factories
from tests.test_pages import element, sign_in

HREF = re.compile(r'<a\b[^>]*\bhref="([^"]*)"')
# Signing out ends the crawl's session; a download link is a link like any other and is followed.
SKIPPED = ("/logout",)


async def seed(settings: Settings, clock: SimulatedClock) -> tuple[dict[str, User], int]:
    """A programme in use: brand channels, a launched campaign with posts published by an ambassador
    and by the brand, metrics collected, a draft campaign, and the launch notices in everyone's inbox
    and the outbox."""
    await factories.create_brand_channels(clock)
    ambassador, account = await factories.create_ambassador(clock, "linkedin", name="Ada Ambassador")
    people = {role: await factories.create_user(clock, role)
              for role in ("editor", "reviewer", "leader", "admin")}
    campaign, post = await factories.create_launched_campaign(
        clock, people["editor"], people["reviewer"], organisation=(Channel.EMAIL,))
    # A draft beside it, as the team is always preparing the next one.
    draft, _ = await factories.create_campaign_with_post(clock, people["editor"], opens_in=timedelta(days=7))
    await factories.publish_and_measure(settings, clock, campaign, post, ambassador, account, days=3)
    # The ambassador's suggestions: one waiting in the editors' inbox, one made a post of the draft.
    for url in ("https://example.org/waiting", "https://example.org/taken"):
        await suggest(clock, ambassador, url=url, note="Worth a share", per_day=5)
    taken = await Suggestion.get(url="https://example.org/taken")
    pack = await ContentPack.get(campaign_id=draft.id)
    await accept(clock, people["editor"], taken.id, pack_id=pack.id, title="Taken",
                 messages={"linkedin": ["Proud of this #employee"]})
    return {"ambassador": ambassador, **people}, campaign.id


def links_of(page_url: str, html: str) -> list[str]:
    """The same-origin addresses the page links to, without their fragment."""
    found = []
    for href in HREF.findall(html):
        href = href.replace("&amp;", "&")
        if href.startswith(("mailto:", "tel:", "javascript:", "#")):
            continue
        url = urljoin(page_url, href)
        parts = urlsplit(url)
        if parts.netloc != "testserver":
            continue
        found.append(parts._replace(fragment="").geturl())
    return found


async def crawl(
    client: httpx.AsyncClient, pages: dict[str, str] | None = None
) -> tuple[set[str], list[str]]:
    """Follow every same-origin link from the home page (each path once, with the first query string
    seen for it): the paths reached, and each link that answers 403, 404 or 5xx with the page it was
    on. `pages`, if given, receives each HTML page's markup by path."""
    seen_paths: set[str] = set()
    queue: list[tuple[str, str]] = [("http://testserver/", "(start)")]
    dead = []
    while queue:
        url, found_on = queue.pop(0)
        path = urlsplit(url).path
        if path in seen_paths or path in SKIPPED:
            continue
        seen_paths.add(path)
        response = await client.get(url, follow_redirects=True)
        if response.status_code in (403, 404) or response.status_code >= 500:
            dead.append(f"{urlsplit(url).path}{'?' + urlsplit(url).query if urlsplit(url).query else ''}"
                        f" answers {response.status_code} (linked from {found_on})")
            continue
        if "text/html" in response.headers.get("content-type", ""):
            page = str(response.url)
            if pages is not None:
                pages[urlsplit(page).path] = response.text
            queue.extend((link, urlsplit(page).path) for link in links_of(page, response.text))
    return seen_paths, dead


@pytest.mark.parametrize("role", ["ambassador", "editor", "reviewer", "leader", "admin"])
async def test_no_page_links_to_a_refusal_a_missing_page_or_an_error(
    role: str, client: httpx.AsyncClient, database: Settings, clock: SimulatedClock
) -> None:
    people, campaign_id = await seed(database, clock)
    await sign_in(client, people[role])
    reached, dead = await crawl(client)
    assert dead == []
    # The crawl went through the pages of the role, not just the home page.
    assert "/notifications" in " ".join(reached) and "/me/profile" in reached
    if role in ("editor", "leader", "admin"):
        # The dashboard lists the campaigns, each with a link to its own dashboard.
        assert f"/dashboard/campaigns/{campaign_id}" in reached
    # Admins reach the people page from the menu; nobody else is offered it.
    assert ("/admin/users" in reached) == (role == "admin")
    if role in ("editor", "admin"):
        waiting = await Suggestion.get(url="https://example.org/waiting")
        assert {"/studio/suggestions", f"/studio/suggestions/{waiting.id}"} <= reached


async def test_the_dashboard_lists_each_campaign_with_links_to_its_dashboards(
    client: httpx.AsyncClient, database: Settings, clock: SimulatedClock
) -> None:
    people, campaign_id = await seed(database, clock)
    await sign_in(client, people["leader"])
    page = await client.get("/dashboard")
    listing = element(page.text, "campaign-list")
    name = (await Campaign.get(id=campaign_id)).name
    assert f'<a href="/dashboard/campaigns/{campaign_id}">Delivery of {name}</a>' in listing
    assert f'<a href="/dashboard?campaign_id={campaign_id}">Results of {name}</a>' in listing
    assert "launched" in listing
    # The shares and their history are on the campaign dashboard itself, which leaders may open
    # (the studio they may not).
    delivery = await client.get(f"/dashboard/campaigns/{campaign_id}")
    assert '<a href="#readback">see the shares and their history</a>' in element(
        delivery.text, "readback-summary")
    check = element(delivery.text, "readback")
    assert "Post-publication check" in check and "1 published" in element(check, "readback-counts")
