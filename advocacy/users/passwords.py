"""What a new password must be: long enough, and not guessable by zxcvbn's estimate (common
passwords, keyboard runs, dates, repeats, words from the person's own name and email)."""

from __future__ import annotations

from collections.abc import Iterable

from zxcvbn import zxcvbn

from advocacy.errors import InvalidInput

MIN_PASSWORD_LENGTH = 12
# zxcvbn scores 0-4; 3 is "safely unguessable: moderate protection from an offline attack".
MIN_SCORE = 3
# zxcvbn's time grows quickly with the length, and it refuses to score more than 72 characters;
# what lies beyond them is extra strength anyway.
CHECKED_LENGTH = 72


def check_password(password: str, hints: Iterable[str] = ()) -> None:
    """Refuse a password that is short or guessable, saying why; `hints` are the person's own
    words (email, name) that a guesser would try first."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise InvalidInput(f"Choose a password of at least {MIN_PASSWORD_LENGTH} characters.",
                           {"field": "password"})
    words = [form for hint in hints if hint for form in _forms(hint.lower())]
    verdict = zxcvbn(password[:CHECKED_LENGTH], user_inputs=words)
    if verdict["score"] < MIN_SCORE:
        feedback = verdict["feedback"]
        reason = feedback.get("warning") or "It would be easy to guess."
        advice = " ".join(feedback.get("suggestions") or ["Use a few uncommon words."])
        raise InvalidInput(f"Choose a harder password. {reason} {advice}".strip(), {"field": "password"})


def _forms(hint: str) -> list[str]:
    """A hint whole, its email's local part, its words apart and run together."""
    local = hint.split("@")[0]
    words = local.replace(".", " ").replace("-", " ").replace("_", " ").split()
    return [hint, local, *words, "".join(words)]
