"""Writes a campaign report as one self-contained HTML file: figures, KPI table, bundled plotly.js."""

from __future__ import annotations

import html
from pathlib import Path

import plotly.io as pio

from dashboards.reporting.figures import campaign_figures
from dashboards.reporting.formats import number, percent, times
from dashboards.reporting.report import CampaignReport
from dashboards.reporting.summary import Summary


def write_dashboard_html(report: CampaignReport, summary: Summary, path: Path, title: str) -> Path:
    """The file opens offline: plotly.js is embedded once, from the installed plotly package.

    Its click total is the summary's, the one the pages show and EMV values, with its definition."""
    figures = campaign_figures(report)
    parts = [
        pio.to_html(fig, include_plotlyjs=(index == 0), full_html=False, div_id=name)
        for index, (name, fig) in enumerate(figures.items())
    ]
    a, b = report.advocacy, report.brand
    clicks = summary.figure("clicks")
    rows = [
        ("Posts", f"{a.posts:,}", f"{b.posts:,}"),
        ("Reach", number(a.reach), number(b.reach)),
        ("Impressions", number(a.impressions), number(b.impressions)),
        ("Engagements", number(a.engagements), number(b.engagements)),
        ("Clicks", number(None if clicks.value is None else int(clicks.value)), number(b.clicks)),
        ("Engagement rate", percent(a.engagement_rate), percent(b.engagement_rate)),
        ("Click-through rate", percent(a.click_through_rate), percent(b.click_through_rate)),
    ]
    table = "".join(
        f"<tr><th>{html.escape(label)}</th><td>{x}</td><td>{y}</td></tr>" for label, x, y in rows
    )
    provenance = html.escape(a.provenance)
    document = f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{html.escape(title)}</title>
<style>
body {{ font: 15px/1.5 system-ui, sans-serif; margin: 2rem auto; max-width: 1100px; color: #1d2733; }}
table {{ border-collapse: collapse; margin: 1rem 0; }}
th, td {{ padding: .3rem .9rem; border-bottom: 1px solid #d9e0e6; text-align: right; }}
th {{ text-align: left; }}
.note {{ color: #5c6b7a; }}
</style></head><body>
<h1>{html.escape(title)}</h1>
<p class="note">Every figure is <strong>{provenance}</strong>. Shares published:
{report.shares_published:,} by {report.ambassadors_sharing:,} ambassadors.
Engagement rate {times(report.engagement_rate_ratio)} the brand channels'; impressions
{times(report.amplification)} the brand channels' for the same content.</p>
<table><tr><th></th><th>Ambassadors</th><th>Brand channels</th></tr>{table}</table>
<p class="note">Clicks: {html.escape(clicks.note)}; the platforms' own count gives the click-through
rates.</p>
{"".join(parts)}
</body></html>
"""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(document, encoding="utf-8")
    return path
