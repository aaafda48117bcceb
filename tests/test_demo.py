"""The demo, small: its printed summary must agree with what the database holds."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from advocacy.clock import SimulatedClock
from advocacy.demo.run import DemoOptions, print_summary, simulate
from advocacy.links.models import LinkClickDay, ShortLink
from advocacy.notify.models import Notification
from advocacy.programme.targeting import programme_members
from advocacy.settings import Settings
from advocacy.shares.models import Share, ShareStatus
from campaigns.models import BrandPost
from dashboards.models import MetricSnapshot, TrackedPost
from dashboards.reporting.summary import build_summary


async def test_small_demo_summary_matches_the_database(
    database: Settings, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    start = datetime(2026, 10, 5, 6, 0, tzinfo=UTC)
    clock = SimulatedClock(start)
    options = DemoOptions(ambassadors=25, days=4, out_dir=tmp_path, seed=3, start=start)
    result = await simulate(database, options, clock)

    assert clock.now() >= start + timedelta(days=4)
    published = await Share.filter(status=ShareStatus.PUBLISHED).count()
    assert published > 0
    assert result.report.shares_published == published
    assert sum(result.status_counts.values()) == await Share.all().count()
    assert result.status_counts["queued"] + result.status_counts["publishing"] == 0
    assert result.report.ambassadors_sharing == len(
        set(await Share.filter(status=ShareStatus.PUBLISHED).values_list("user_id", flat=True))
    )
    assert result.report.brand.posts == await BrandPost.all().count() == 8
    # The launch told every ambassador in the programme, in the app (the demo sends no email).
    members = await programme_members().count()
    assert await Notification.filter(kind="campaign_launched").count() == members > 0

    # Totals are the latest snapshot of every ambassador post, recomputed here from raw rows.
    latest: dict[int, MetricSnapshot] = {}
    for snap in await MetricSnapshot.filter(share_id__not_isnull=True).order_by("captured_at", "id"):
        latest[snap.share_id] = snap  # type: ignore[attr-defined]
    assert len(latest) == published
    assert result.report.advocacy.impressions == sum(s.impressions or 0 for s in latest.values())
    assert result.report.advocacy.clicks == sum(s.clicks or 0 for s in latest.values())
    assert result.report.advocacy.engagements == sum(
        (s.reactions or 0) + (s.comments or 0) + (s.reshares or 0) for s in latest.values()
    )
    assert {s.provenance.value for s in latest.values()} == {"simulated"}
    assert await TrackedPost.filter(collections_done=0).count() == 0

    html = result.dashboard.read_text()
    assert "Plotly.newPlot" in html or "Plotly.react" in html
    assert 'id="daily-impressions"' in html and "simulated" in html
    # The bundled plotly.js is inlined, so the file opens without a network.
    assert "<script src=" not in html and len(html) > 1_000_000

    # Every published share carried its own short link, and the clicks on them were counted.
    slugs = {link.share_id: link.slug for link in await ShortLink.all()}  # type: ignore[attr-defined]
    assert all(s.text.endswith(f"/l/{slugs[s.id]}") for s in await Share.filter(status=ShareStatus.PUBLISHED))
    days = await LinkClickDay.all()
    link_clicks = sum(d.clicks for d in days)
    assert link_clicks > 0 and result.summary.figure("link_clicks").value == link_clicks
    assert sum(d.bot_clicks for d in days) > 0

    print_summary(result, database)
    printed = capsys.readouterr().out
    assert f"Shares published {published:,}" in printed
    assert f"{result.report.advocacy.impressions:,}" in printed
    # One click total, the one EMV values, said once with its definition and no nested brackets.
    clicks = result.summary.figure("clicks").value
    assert clicks is not None and clicks >= link_clicks - sum(d.bot_clicks for d in days) > 0
    click_lines = [line.split() for line in printed.splitlines() if line.strip().lower().startswith("clicks")]
    assert [words[:2] for words in click_lines] == [["clicks", f"{int(clicks):,}"], ["Clicks:", "on"]]
    assert "short links" not in printed.split("Clicks:")[0], "no second total before the definition"
    definition = " ".join(click_lines[1])
    assert definition.count("(") == definition.count(")") == 1, definition
    # The standalone dashboard gives the same click total, with the same definition.
    assert f"<tr><th>Clicks</th><td>{int(clicks):,}</td>" in html
    assert "Clicks: on each network the larger of" in html
    # EMV and ROI as the database gives them now, with the formula version they used.
    again = await build_summary(clock, database, result.campaign_id)
    assert again.formula.version == 1
    assert f"Earned media value {again.emv:,.2f} USD (simulated), by EMV formula v1 (USD)" in printed
    assert again.cost == 4 * 120
    assert f"ROI {100 * again.roi:.2f} %" in printed  # type: ignore[operator]


async def test_demo_programme_has_guidelines_training_and_ambassadors_cleared_to_share(
    database: Settings, tmp_path: Path
) -> None:
    from advocacy.demo.programme import seed_programme
    from advocacy.demo.seed import seed_organisation
    from advocacy.programme import guidelines
    from advocacy.programme.gate import sharing_blockers
    from advocacy.programme.models import ConsentEvent, TrainingModule

    clock = SimulatedClock(datetime(2026, 10, 5, 6, 0, tzinfo=UTC))
    org = await seed_organisation(clock, ambassadors=12, seed=3)
    await seed_programme(clock, org.admin, org.ambassadors)
    current = await guidelines.current_version()
    assert current is not None and current.version == 1 and "first person" in current.body
    assert await TrainingModule.all().count() == 4 and await TrainingModule.filter(required=True).count() == 1
    assert len(org.ambassadors) < org.invited  # some invitees did not opt in: nobody is forced
    for person in org.ambassadors:
        assert await sharing_blockers(person) == []
        assert await ConsentEvent.filter(user_id=person.id, guideline_version=1).count() == 1
