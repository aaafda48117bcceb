"""Benchmarks: each prints our figure, a raw baseline measured in the same run, and their ratio."""
