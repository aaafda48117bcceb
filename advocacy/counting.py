"""A count with its noun in the right number ("1 change", "3 changes"), for sentences shown to people."""

from __future__ import annotations


def counted(count: int, noun: str, plural: str | None = None) -> str:
    """`count` and `noun`, the noun plural unless the count is one; `plural` for irregular nouns."""
    return f"{count:,} {noun if count == 1 else plural or noun + 's'}"
