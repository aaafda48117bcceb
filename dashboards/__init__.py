"""Measurement: the metric models; collection/ gathers them, reporting/ reads them, web/ shows them."""
