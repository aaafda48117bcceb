"""Plotly figures of the dashboards: pure functions from tables to figures."""

from __future__ import annotations

from collections.abc import Callable

import plotly.graph_objects as go

from dashboards.reporting.report import CampaignReport, report_tables_of_report
from dashboards.reporting.tables import Table

ADVOCACY_COLOUR = "#2a9d8f"
BRAND_COLOUR = "#6c757d"
THIRD_COLOUR = "#e9c46a"


def _layout(fig: go.Figure, table: Table) -> go.Figure:
    subtitle = f"<br><sub>{table.subtitle}</sub>" if table.subtitle else ""
    # The legend sits between the title and the plot, where nothing else is drawn: under the plot
    # it ran into the axis labels (long post titles are slanted down into it).
    legend = sum(1 for trace in fig.data if trace.showlegend is not False) > 1
    top = (80 if subtitle else 55) + (30 if legend else 0)
    fig.update_layout(
        title={"text": f"{table.title} <sup>({table.provenance})</sup>{subtitle}",
               "yref": "container", "y": 1, "yanchor": "top", "pad": {"t": 12}},
        template="plotly_white",
        margin={"l": 50, "r": 20, "t": top, "b": 40},
        legend={"orientation": "h", "yanchor": "bottom", "y": 1.02, "xanchor": "left", "x": 0},
        showlegend=legend,
        height=380 + (30 if legend else 0),
    )
    if not table.has_figures:
        fig.update_xaxes(visible=False)
        fig.update_yaxes(visible=False)
        fig.add_annotation(text=table.empty, showarrow=False, x=0.5, y=0.5, xref="paper", yref="paper",
                           font={"size": 15, "color": "#5b6770"})
    return fig


def paired_bars(table: Table, y_title: str) -> go.Figure:
    """Ambassadors next to the brand channels: columns 1 and 2 against column 0."""
    fig = go.Figure([
        go.Bar(name="Ambassadors", x=table.column(0), y=table.column(1), marker_color=ADVOCACY_COLOUR),
        go.Bar(name="Brand channels", x=table.column(0), y=table.column(2), marker_color=BRAND_COLOUR),
    ])
    fig.update_layout(barmode="group", yaxis_title=y_title)
    return _layout(fig, table)


def impressions_and_engagements(table: Table) -> go.Figure:
    # Two axes (engagements are a hundredth of impressions); the offset groups put the bars side
    # by side, since grouping alone does not separate bars drawn on different axes.
    fig = go.Figure([
        go.Bar(name="Impressions", x=table.column(0), y=table.column(1), marker_color=ADVOCACY_COLOUR,
               offsetgroup="impressions"),
        go.Bar(name="Engagements", x=table.column(0), y=table.column(2), marker_color=THIRD_COLOUR,
               yaxis="y2", offsetgroup="engagements"),
    ])
    fig.update_layout(barmode="group", yaxis_title="impressions",
                      yaxis2={"title": "engagements", "overlaying": "y", "side": "right"})
    return _layout(fig, table)


def value_by_network(table: Table) -> go.Figure:
    fig = go.Figure(go.Bar(name=table.columns[-1], x=table.column(0), y=table.column(4),
                           marker_color=ADVOCACY_COLOUR))
    fig.update_layout(yaxis_title=table.columns[-1])
    return _layout(fig, table)


def participation(table: Table) -> go.Figure:
    fig = go.Figure([
        go.Scatter(name=name, x=table.column(0), y=table.column(i + 1), mode="lines+markers",
                   line={"color": colour})
        for i, (name, colour) in enumerate(
            (("Invited", BRAND_COLOUR), ("Opted in", THIRD_COLOUR), ("Sharing", ADVOCACY_COLOUR)))
    ])
    fig.update_layout(yaxis_title="ambassadors")
    return _layout(fig, table)


def table_figure(table: Table) -> go.Figure:
    fig = go.Figure(go.Table(
        header={"values": list(table.columns), "fill_color": "#e9eef2", "align": "left"},
        cells={"values": [["" if v is None else v for v in table.column(i)]
                          for i in range(len(table.columns))], "align": "left"},
    ))
    return _layout(fig, table)


def funnel(table: Table) -> go.Figure:
    fig = go.Figure(go.Funnel(y=table.column(0), x=table.column(1), marker={"color": ADVOCACY_COLOUR},
                              textinfo="value+percent initial"))
    return _layout(fig, table)


def bars(table: Table, y_title: str) -> go.Figure:
    fig = go.Figure(go.Bar(x=table.column(0), y=table.column(1), marker_color=ADVOCACY_COLOUR))
    fig.update_layout(yaxis_title=y_title)
    return _layout(fig, table)


def forecast_vs_actual(table: Table) -> go.Figure:
    expected = table.column(2)
    fig = go.Figure([
        go.Bar(name="Forecast (low to high)", x=table.column(0), y=expected, marker_color=BRAND_COLOUR,
               error_y={"type": "data", "symmetric": False,
                        "array": [h - e for h, e in zip(table.column(3), expected, strict=True)],
                        "arrayminus": [e - lo for e, lo in zip(expected, table.column(1), strict=True)]}),
        go.Bar(name="Actual", x=table.column(0), y=table.column(4), marker_color=ADVOCACY_COLOUR),
    ])
    fig.update_layout(barmode="group", yaxis_type="log")
    return _layout(fig, table)


def schedule_heat_map(table: Table) -> go.Figure:
    """Weekday rows x hour columns. Colour is the engagement rate where any share reported one,
    else the number of shares; each cell is labelled with its number of shares."""
    weekdays = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
    hours = list(range(24))
    by_cell = {(row[0], row[1]): row for row in table.rows}
    rated = any(row[3] is not None for row in table.rows)
    colour_column, colour_title = (3, "engagement rate (%)") if rated else (2, "shares")
    z = [[(by_cell[(d, h)][colour_column] if (d, h) in by_cell else None) for h in hours] for d in weekdays]
    text = [[(str(by_cell[(d, h)][2]) if (d, h) in by_cell else "") for h in hours] for d in weekdays]
    fig = go.Figure(go.Heatmap(
        x=hours, y=list(weekdays), z=z, text=text, texttemplate="%{text}", colorscale="Teal",
        colorbar={"title": {"text": colour_title}}, hoverongaps=False,
        hovertemplate="%{y} %{x}:00<br>shares: %{text}<br>" + colour_title + ": %{z}<extra></extra>",
    ))
    fig.update_layout(xaxis={"title": "hour", "dtick": 2}, yaxis={"autorange": "reversed"})
    return _layout(fig, table)


DRAWERS: dict[str, Callable[[Table], go.Figure]] = {
    "forecast": forecast_vs_actual,
    "funnel": funnel,
    "failures": lambda t: bars(t, "shares"),
    "schedule": schedule_heat_map,
    "readback": lambda t: bars(t, "shares"),
    "per-post": lambda t: paired_bars(t, "impressions"),
    "my-daily": lambda t: bars(t, "new impressions"),
    "daily-impressions": lambda t: paired_bars(t, "new impressions"),
    "engagement-rate": lambda t: paired_bars(t, "engagement rate (%)"),
    "departments": impressions_and_engagements,
    "regions": impressions_and_engagements,
    "emv": value_by_network,
    "participation": participation,
}

# Tables the pages show as tables of their own: a chart of them would clip long titles and rows.
TABULAR = frozenset({"top-posts"})


def figures_of(tables: dict[str, Table]) -> dict[str, go.Figure]:
    """A figure for each table but the TABULAR ones, keyed like the table (a table without a drawer
    becomes a Plotly table)."""
    return {key: DRAWERS.get(key, table_figure)(table) for key, table in tables.items() if key not in TABULAR}


def campaign_figures(report: CampaignReport) -> dict[str, go.Figure]:
    """The report's own figures (used by the standalone HTML export)."""
    return figures_of(report_tables_of_report(report))
