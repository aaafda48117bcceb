"""Whether a published post, read back from its platform, still says what was approved.

Pure functions. Platforms return the text changed in harmless ways that must not raise a flag:
X shortens every link to t.co and HTML-escapes `&`, `<` and `>`; LinkedIn returns commentary in
its "little text" format (reserved characters backslash-escaped, hashtags as
`{hashtag|\\#|name}`); both may fold runs of whitespace. Both sides are normalised the same way
(links removed, escapes undone, whitespace collapsed, Unicode NFC) before comparing, so only a
real edit of the words, or a removed disclosure, is flagged.
"""

from __future__ import annotations

import html
import re
import unicodedata
from dataclasses import dataclass

from advocacy.compliance.context import LINK

LINKEDIN_HASHTAG = re.compile(r"\{hashtag\|\\?#\|([^}]*)\}")
LINKEDIN_ESCAPE = re.compile(r"\\(.)")


@dataclass(frozen=True)
class TextVerdict:
    """The outcome of comparing a published text with the approved one."""

    approved_text_kept: bool
    disclosure_kept: bool

    @property
    def flagged(self) -> bool:
        return not (self.approved_text_kept and self.disclosure_kept)

    def describe(self) -> str:
        problems = []
        if not self.approved_text_kept:
            problems.append("no longer contains the approved text")
        if not self.disclosure_kept:
            problems.append("no longer carries the disclosure")
        if not problems:
            return "Matches the approved text."
        return "The published post " + " and ".join(problems) + "."


def normalised(text: str, network: str) -> str:
    """The words of a post as a reader sees them, for comparison across platforms."""
    if network == "linkedin":
        text = LINKEDIN_HASHTAG.sub(r"#\1", text)
        text = LINKEDIN_ESCAPE.sub(r"\1", text)
    elif network == "x":
        text = html.unescape(text)
    text = LINK.sub(" ", unicodedata.normalize("NFC", text))
    return " ".join(text.split())


def compare(approved: str, published: str, network: str, disclosure: re.Pattern[str] | None) -> TextVerdict:
    """Whether `published` still contains `approved` and, when `approved` carried a disclosure
    (matched by `disclosure`), still carries one."""
    want, have = normalised(approved, network), normalised(published, network)
    needs_disclosure = disclosure is not None and disclosure.search(want) is not None
    kept = not needs_disclosure or (disclosure is not None and disclosure.search(have) is not None)
    return TextVerdict(approved_text_kept=want in have, disclosure_kept=kept)
