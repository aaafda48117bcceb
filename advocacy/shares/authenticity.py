"""The authenticity guard: how close an ambassador's text is to what colleagues already posted.

Twenty identical posts of one article look like bots (the most common complaint about advocacy
programmes), so before a share is queued its text is compared with the texts already queued or
published by others for the same post on the same network.

How the comparison works, and why:
- The link and the disclosure are taken out first: every share of a post carries both, so they
  would make any two texts look alike; what matters is the words the person chose.
- Texts are lower-cased and reduced to words, then scored with rapidfuzz's `token_sort_ratio`
  (0-100): word order does not hide a copy, while every added or changed word lowers the score.
  A token *set* ratio would be wrong here: it scores a suggestion with a personal sentence added as
  100, a copy, though that is exactly the edit we ask for.
- The default threshold, 88, sits between the cases that matter. On a ten-word suggestion,
  re-ordered words score 100 and one word added ("So proud of...") about 97: to a reader the same
  post, so copies. A sentence of one's own added scores about 75, well clear. A single word swapped
  for a synonym lands just under the threshold (about 87): a small edit, which we let count rather
  than nag. Tests pin these cases.
- The default nudge starts at the second copy: one colleague using the same suggestion is
  unremarkable, by the third identical post followers start to notice.
- The nudge only ever points somewhere better: it fires when the text was already used by at least
  `nudge_after` colleagues *and* another suggestion was used less, and it offers the least used one.
  Taking that offer can never be nudged in turn (no suggestion is used less than the least used),
  so the advice does not send a person back and forth between two equally used suggestions.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from rapidfuzz import fuzz, process

URL = re.compile(r"https?://\S+", re.IGNORECASE)
WORD = re.compile(r"[\w#@']+", re.UNICODE)


@dataclass(frozen=True)
class AuthenticityPolicy:
    """The organisation's thresholds (settings `authenticity_*`)."""

    similarity: int = 88
    nudge_after: int = 2
    require_edit: bool = False


def normalise(text: str, strip_disclosure: Callable[[str], str] = lambda text: text) -> str:
    """The words a person chose: no links, no disclosure, lower case, punctuation dropped."""
    return " ".join(WORD.findall(strip_disclosure(URL.sub(" ", text)).lower()))


def similarity(a: str, b: str) -> float:
    """0-100 similarity of two normalised texts (word-order insensitive, edit-distance based)."""
    return float(fuzz.token_sort_ratio(a, b))


def copies(text: str, others: Iterable[str], threshold: int) -> int:
    """How many of `others` (normalised) are near copies of `text` (normalised)."""
    if not text:
        return 0
    matches = process.extract(
        text, list(others), scorer=fuzz.token_sort_ratio, score_cutoff=threshold, limit=None
    )
    return len(matches)


def least_used(
    mine: str, suggestions: Iterable[tuple[int, str]], others: list[str], threshold: int, used: int
) -> int | None:
    """The id of the suggestion (id, normalised text) with the fewest near copies among `others`,
    if it has fewer than `used` (the copies of `mine`); suggestions that read like `mine` are
    not another choice. Ties go to the lower id."""
    counted = sorted(
        (copies(text, others, threshold), suggestion_id)
        for suggestion_id, text in suggestions
        if similarity(mine, text) < threshold
    )
    return counted[0][1] if counted and counted[0][0] < used else None
