"""Compliance findings shown inline: the message with the flagged words marked, and each reason."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from markupsafe import Markup, escape


def highlight(text: str, findings: Iterable[Mapping[str, Any]]) -> Markup:
    """`text` as HTML with every finding's span in a <mark> (block wins over warn where they overlap)."""
    level = [0] * len(text)  # 0 clean, 1 warn, 2 block
    reasons: list[list[str]] = [[] for _ in text]
    for finding in findings:
        start, end = finding["span"]
        rank = 2 if finding["severity"] == "block" else 1
        for index in range(max(0, start), min(end, len(text))):
            level[index] = max(level[index], rank)
            reasons[index].append(finding["message"])
    parts: list[str] = []
    index = 0
    while index < len(text):
        end = index
        while end < len(text) and level[end] == level[index] and reasons[end] == reasons[index]:
            end += 1
        chunk = escape(text[index:end])
        if level[index]:
            css = "block" if level[index] == 2 else "warn"
            title = escape(" ".join(dict.fromkeys(reasons[index])))
            parts.append(f'<mark class="finding {css}" title="{title}">{chunk}</mark>')
        else:
            parts.append(str(chunk))
        index = end
    return Markup("".join(parts))
