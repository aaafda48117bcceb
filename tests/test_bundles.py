"""plotly.js reaches browsers compressed, under a content-hashed name cached for a year."""

from __future__ import annotations

import gzip
import hashlib

import brotli
import httpx
import plotly

from advocacy.bundles import chosen_encoding, plotly_src
from advocacy.clock import SimulatedClock
from tests import factories
from tests.dashboards.reporting.test_report import World
from tests.test_pages import sign_in

RAW = plotly.offline.get_plotlyjs().encode()


def test_the_bundle_is_named_by_its_content() -> None:
    assert plotly_src() == f"/static/plotly-{hashlib.sha256(RAW).hexdigest()[:16]}.min.js"


async def test_plotly_is_served_compressed_under_its_hashed_name_with_a_long_cache(
    client: httpx.AsyncClient,
) -> None:
    for accepted, decode in (("br", brotli.decompress), ("gzip, deflate", gzip.decompress)):
        async with client.stream("GET", plotly_src(), headers={"Accept-Encoding": accepted}) as response:
            wire = b"".join([chunk async for chunk in response.aiter_raw()])
        assert response.status_code == 200
        assert accepted.startswith(response.headers["content-encoding"])
        assert int(response.headers["content-length"]) == len(wire) < 1_500_000
        assert decode(wire) == RAW
        assert response.headers["cache-control"] == "public, max-age=31536000, immutable"
        assert "Accept-Encoding" in response.headers["vary"]
        assert response.headers["content-type"].startswith("application/javascript")
    raw = await client.get(plotly_src(), headers={"Accept-Encoding": "identity"})
    assert "content-encoding" not in raw.headers and raw.content == RAW
    again = await client.get(plotly_src(), headers={"If-None-Match": raw.headers["etag"]})
    assert again.status_code == 304 and again.content == b""


def test_the_encoding_follows_what_the_browser_accepts() -> None:
    assert chosen_encoding("gzip, deflate, br, zstd") == "br"
    assert chosen_encoding("gzip") == "gzip"
    assert chosen_encoding("br;q=0, gzip;q=0.5") == "gzip"
    assert chosen_encoding("") is None and chosen_encoding("identity") is None
    assert chosen_encoding("*") == "br"


async def test_the_dashboard_loads_plotly_by_its_hashed_name(
    database: object, clock: SimulatedClock, client: httpx.AsyncClient
) -> None:
    world = World(database, clock)  # type: ignore[arg-type]
    campaign, post = await world.launch()
    await world.share(post)
    await world.collect_for(2)
    await sign_in(client, await factories.create_user(clock, "leader"))
    for url in ("/dashboard", f"/dashboard/campaigns/{campaign.id}"):
        page = (await client.get(url)).text
        assert f'<script src="{plotly_src()}" defer></script>' in page, url
        assert "/static/plotly.min.js" not in page
