"""Tools run with `python -m scripts.<name>`: benchmarks, screenshots and data tools."""
