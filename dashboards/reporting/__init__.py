"""Reading the figures: reports, summaries, EMV/ROI, forecasts, points, tables and Plotly figures."""
