"""The tables behind every dashboard chart: one shape for drawing, for CSV export and for tests."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from advocacy.spreadsheets import as_text_cell


@dataclass(frozen=True)
class Table:
    title: str
    columns: tuple[str, ...]
    rows: Sequence[tuple[Any, ...]]
    provenance: str  # measured, estimated, simulated, or none
    subtitle: str = ""
    # What the chart says when there is no row: an empty chart with bare axes explains nothing.
    empty: str = "Nothing to show yet."
    # How the figures were made, in sentences shown under the chart (a forecast states its method).
    method: str = ""

    def column(self, index: int) -> list[Any]:
        return [row[index] for row in self.rows]

    @property
    def has_figures(self) -> bool:
        """Whether any cell after the label column is a number other than zero: a chart of only
        zeros and gaps would draw bare axes from -1 to 1."""
        return any(isinstance(value, int | float) and value != 0 for row in self.rows for value in row[1:])


def to_csv(table: Table) -> str:
    """CSV with a header row; empty cells for figures that were not reported."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(table.columns)
    for row in table.rows:
        writer.writerow(["" if value is None else as_text_cell(value) for value in row])
    return out.getvalue()
