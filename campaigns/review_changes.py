"""What changed in a pack since its last review, for the reviewer who looks at it again: each
change from the pack's history, with a word-by-word diff of every edited message."""

from __future__ import annotations

import difflib
from dataclasses import dataclass

from markupsafe import Markup, escape

from campaigns.models import ContentPack, PackStatus, Revision

# How a message edit is written in the history: “before” → “after” (campaigns.service.edit_message).
EDIT_SEPARATOR = "” → “"
# Moments in the review itself, not changes to the content.
NOT_CHANGES = frozenset({"submitted", "changes_requested", "approved"})


@dataclass(frozen=True)
class Change:
    revision: Revision
    diff: Markup | None  # the edited message, words removed struck through and words added marked


def word_diff(before: str, after: str) -> Markup:
    """`after` with the words taken out of `before` in <del> and the words put in in <ins>."""
    old, new = before.split(" "), after.split(" ")
    parts: list[str] = []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(a=old, b=new, autojunk=False).get_opcodes():
        if tag in ("delete", "replace"):
            parts.append(f"<del>{escape(' '.join(old[i1:i2]))}</del>")
        if tag in ("insert", "replace"):
            parts.append(f"<ins>{escape(' '.join(new[j1:j2]))}</ins>")
        if tag == "equal":
            parts.append(str(escape(" ".join(old[i1:i2]))))
    return Markup(" ".join(parts))


def message_edit(detail: str) -> tuple[str, str] | None:
    """(before, after) of a message edit's history line, or None when it is not one."""
    if not (detail.startswith("“") and detail.endswith("”")) or detail.count(EDIT_SEPARATOR) != 1:
        return None
    before, after = detail[1:-1].split(EDIT_SEPARATOR)
    return before, after


def changes_since_review(pack: ContentPack, history: list[Revision]) -> list[Change]:
    """The changes made to a pack back in review since its last review; empty on a first review."""
    if pack.status != PackStatus.IN_REVIEW or pack.reviewed_at is None:
        return []
    changes = []
    for revision in history:
        if revision.at <= pack.reviewed_at or revision.action in NOT_CHANGES:
            continue
        edit = message_edit(revision.detail) if revision.action == "message_edited" else None
        changes.append(Change(revision, word_diff(*edit) if edit else None))
    return changes
