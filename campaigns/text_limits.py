"""Per-network length rules for messages, checked when a message is saved or shared."""

from __future__ import annotations

from twitter_text import parse_tweet

from advocacy.accounts.models import network_name

LIMITS = {"x": 280, "linkedin": 3000}


def message_length(network: str, text: str) -> int:
    if network == "x":
        # X's own counting rules: every link weighs 23 (t.co wrapping), most emoji and CJK weigh 2.
        return int(parse_tweet(text).weightedLength)
    return len(text)


def length_problem(network: str, text: str) -> str | None:
    """A sentence saying what is wrong with the message's length, or None when it fits."""
    if network not in LIMITS:
        return f"Unknown network {network!r}: choose one of {', '.join(LIMITS)}."
    if not text.strip():
        return "The message is empty."
    length, limit = message_length(network, text), LIMITS[network]
    if length > limit:
        return f"The {network_name(network)} message is {length} characters long; the limit is {limit}."
    return None
