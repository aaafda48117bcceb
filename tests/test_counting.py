"""Counts in words: the noun follows the number, as on a pack's history ("History (1 change)")."""

from __future__ import annotations

from advocacy.counting import counted
from advocacy.templating import environment


def test_one_is_singular_and_every_other_count_plural() -> None:
    assert [counted(n, "change") for n in (0, 1, 2, 1200)] == [
        "0 changes", "1 change", "2 changes", "1,200 changes"]
    assert counted(3, "person", "people") == "3 people"


def test_templates_count_with_the_same_words() -> None:
    summary = environment.from_string('History ({{ n | counted("change") }})')
    assert [summary.render(n=n) for n in (1, 4)] == ["History (1 change)", "History (4 changes)"]
