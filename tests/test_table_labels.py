"""Every table cell names its column: on a phone the tables stack and their header row is hidden, so
each cell carries its column's header as `data-label`, which the phone layout shows before it."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import httpx

from advocacy.clock import SimulatedClock
from advocacy.settings import Settings
from tests.test_links import crawl, seed
from tests.test_pages import sign_in

# A column whose cells are buttons names itself to screen readers only; its cells need no label.
UNLABELLED_COLUMNS = {"Actions"}


class Tables(HTMLParser):
    """The rows of every table inside <main>: per row, its cells as (tag, attributes, text, colspan)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tables: list[list[list[tuple[str, dict[str, str], str, int]]]] = []
        self._in_main = 0
        self._depth = 0  # tables open inside main
        self._cell: list[object] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: value or "" for name, value in attrs}
        if tag == "main":
            self._in_main += 1
        elif self._in_main and tag == "table":
            self._depth += 1
            self.tables.append([])
        elif self._depth and tag == "tr":
            self.tables[-1].append([])
        elif self._depth and tag in ("td", "th"):
            self._cell = [tag, values, "", int(values.get("colspan") or 1)]

    def handle_endtag(self, tag: str) -> None:
        if tag == "main":
            self._in_main -= 1
        elif self._depth and tag == "table":
            self._depth -= 1
        elif self._cell is not None and tag == self._cell[0]:
            tag_, values, text, span = self._cell
            self.tables[-1][-1].append((str(tag_), values, " ".join(str(text).split()), int(str(span))))
            self._cell = None

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell[2] = str(self._cell[2]) + data


def unlabelled_cells(path: str, html: str) -> tuple[int, list[str]]:
    """How many cells the page's tables hold, and each one whose label is not its column's header."""
    parser = Tables()
    parser.feed(html)
    checked, wrong = 0, []
    for table in parser.tables:
        rows = [row for row in table if row]
        if not rows:
            continue
        header = [text for tag, _, text, _ in rows[0] if tag == "th"]
        for row in rows[1:]:
            column = 0
            for tag, values, text, span in row:
                expected = header[column] if column < len(header) else "?"
                if tag == "td" and span == 1 and expected not in UNLABELLED_COLUMNS:
                    checked += 1
                    if values.get("data-label") != expected:
                        wrong.append(f"{path}: {text[:40]!r} is labelled {values.get('data-label')!r}, "
                                     f"not {expected!r}")
                column += span
    return checked, wrong


async def test_every_table_cell_on_every_page_names_its_column(
    client: httpx.AsyncClient, database: Settings, clock: SimulatedClock
) -> None:
    people, _ = await seed(database, clock)
    checked, wrong, pages_with_tables = 0, [], set()
    for person in people.values():
        await sign_in(client, person)
        pages: dict[str, str] = {}
        await crawl(client, pages)
        for path, html in pages.items():
            cells, problems = unlabelled_cells(path, html)
            checked += cells
            wrong += problems
            if cells:
                pages_with_tables.add(re.sub(r"/\d+", "/N", path))
    assert wrong == []
    # The crawl met the stacked tables of every audience, not a page or two.
    assert {"/feed", "/me/results", "/accounts", "/studio", "/dashboard", "/admin/audit"} <= pages_with_tables
    assert checked > 100
