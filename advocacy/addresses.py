"""Whether a URL people type is a well-formed web address, and whether it points at the public internet.

The service fetches link previews and posts to webhooks that people type in: neither may become a
way to reach the hospital's internal services, so both refuse hosts that resolve to private,
loopback or link-local addresses unless a setting allows them. A malformed address (an unclosed
IPv6 bracket, a port past 65535, an empty or 64-character label) is refused with a reason before
anything is resolved.
"""

from __future__ import annotations

import asyncio
import enum
import ipaddress
import socket
from urllib.parse import SplitResult, urlsplit

# The form of a link people give: http(s), a host, no spaces. The API document states it as a
# pattern; `web_address_problem` then reads the host and port.
WEB_LINK = r"https?://[^\s/$.?#]\S*"

# RFC 1035: a label is 1 to 63 octets, a name at most 253 once written out.
MAX_LABEL = 63
MAX_NAME = 253


class Reach(enum.Enum):
    PUBLIC = "public"
    PRIVATE = "private"
    UNRESOLVED = "unresolved"  # no address found for the name (now)


def web_address_problem(url: str) -> str | None:
    """Why `url` is no http(s) address a client can call; None when it is one."""
    if any(c.isspace() for c in url):
        return "it contains spaces"
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - reading it checks the range
    except ValueError as error:  # an unclosed [IPv6] bracket, a port outside 0-65535
        return str(error).replace("0-65535", "1 to 65535").lower()
    if parts.scheme not in ("http", "https"):
        return "it must start with http:// or https://"
    if not parts.hostname:
        return "it names no host"
    return host_problem(parts)


def host_problem(parts: SplitResult) -> str | None:
    host = parts.hostname or ""
    try:
        ipaddress.ip_address(host)
        return None
    except ValueError:
        pass
    try:
        encoded = host.rstrip(".").encode("idna")
    except UnicodeError:
        return f"the host name {host[:80]!r} is not a valid name (a part is empty or too long)"
    labels = encoded.split(b".")
    if len(encoded) > MAX_NAME or any(not 0 < len(label) <= MAX_LABEL for label in labels):
        return f"the host name {host[:80]!r} is not a valid name (a part is empty or too long)"
    return None


async def reach_of(url: str) -> Reach:
    """Where a well-formed URL's host resolves: public only when every address it has is public."""
    parts = urlsplit(url)
    try:
        infos = await asyncio.get_running_loop().getaddrinfo(
            parts.hostname, parts.port or (443 if parts.scheme == "https" else 80),
            type=socket.SOCK_STREAM,
        )
    except (OSError, UnicodeError):
        return Reach.UNRESOLVED
    if not infos:
        return Reach.UNRESOLVED
    public = all(ipaddress.ip_address(str(info[4][0]).split("%", 1)[0]).is_global for info in infos)
    return Reach.PUBLIC if public else Reach.PRIVATE


async def is_public_url(url: str) -> bool:
    """Whether the URL is well formed and every address its host resolves to is a public one.

    An unresolvable host counts as public here: the request itself then says it cannot be reached.
    A caller that must know the host exists (a webhook saved for later) asks `reach_of`."""
    if web_address_problem(url) is not None:
        return False
    return await reach_of(url) != Reach.PRIVATE
