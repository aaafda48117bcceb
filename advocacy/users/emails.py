"""The email addresses the API takes, as one pattern its document states.

Every address of this form is one the services' own check (`EmailStr`) accepts: plain ASCII, a local
part of at most three dotted atoms, a domain of up to five labels, and none of the special-use names
(`.test`, `.localhost`, …) that check refuses. The pages still take any address that check accepts.
"""

from __future__ import annotations

_ATOM = "[A-Za-z0-9_%+'-]{1,20}"
_LABEL = "[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
# Case-insensitive without a flag, which JSON Schema patterns have no way to give.
_SPECIAL_USE = "|".join("".join(f"[{c.upper()}{c}]" for c in name)
                        for name in ("arpa", "invalid", "localhost", "local", "onion", "test"))

EMAIL_ADDRESS = (f"^{_ATOM}(?:\\.{_ATOM}){{0,2}}@(?:{_LABEL}\\.){{1,4}}"
                 f"(?!(?:{_SPECIAL_USE})$)[A-Za-z]{{2,24}}$")
# The same, or nothing, for an address that may be left out.
OPTIONAL_EMAIL_ADDRESS = f"^$|{EMAIL_ADDRESS}"
