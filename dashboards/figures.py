"""Plotly figures of a campaign report: pure functions from a report to figures."""

from __future__ import annotations

import plotly.graph_objects as go

from advocacy.accounts.models import NETWORK_LABELS
from dashboards.report import CampaignReport

ADVOCACY_COLOUR = "#2a9d8f"
BRAND_COLOUR = "#6c757d"


def _layout(fig: go.Figure, title: str, provenance: str) -> go.Figure:
    fig.update_layout(
        title={"text": f"{title} <sup>({provenance})</sup>"},
        template="plotly_white",
        margin={"l": 50, "r": 20, "t": 60, "b": 40},
        legend={"orientation": "h", "y": -0.15},
        height=360,
    )
    return fig


def daily_impressions(report: CampaignReport) -> go.Figure:
    days = [day.isoformat() for day, _, _ in report.daily]
    fig = go.Figure(
        [
            go.Bar(name="Ambassadors", x=days, y=[a for _, a, _ in report.daily],
                   marker_color=ADVOCACY_COLOUR),
            go.Bar(name="Brand channels", x=days, y=[b for _, _, b in report.daily],
                   marker_color=BRAND_COLOUR),
        ]
    )
    fig.update_layout(barmode="group", yaxis_title="new impressions")
    return _layout(fig, "Impressions per day", report.advocacy.provenance)


def engagement_rate_by_network(report: CampaignReport) -> go.Figure:
    networks = list(report.by_network)
    labels = [NETWORK_LABELS.get(n, n) for n in networks]

    def pct(value: float | None) -> float | None:
        return None if value is None else round(100 * value, 2)
    fig = go.Figure(
        [
            go.Bar(name="Ambassadors", x=labels, marker_color=ADVOCACY_COLOUR,
                   y=[pct(report.by_network[n][0].engagement_rate) for n in networks]),
            go.Bar(name="Brand channels", x=labels, marker_color=BRAND_COLOUR,
                   y=[pct(report.by_network[n][1].engagement_rate) for n in networks]),
        ]
    )
    fig.update_layout(barmode="group", yaxis_title="engagement rate (%)")
    return _layout(fig, "Engagement rate, ambassadors vs brand", report.advocacy.provenance)


def impressions_by_department(report: CampaignReport) -> go.Figure:
    names = list(report.by_department)
    fig = go.Figure(
        go.Bar(x=names, y=[report.by_department[n].impressions for n in names],
               marker_color=ADVOCACY_COLOUR)
    )
    fig.update_layout(yaxis_title="impressions")
    return _layout(fig, "Ambassador impressions by department", report.advocacy.provenance)


def campaign_figures(report: CampaignReport) -> dict[str, go.Figure]:
    """Every figure of the leadership dashboard, keyed by a stable id."""
    return {
        "daily-impressions": daily_impressions(report),
        "engagement-rate": engagement_rate_by_network(report),
        "departments": impressions_by_department(report),
    }
