"""Measurement: metric snapshots, collection jobs, summaries and Plotly figures."""
