"""Whether a URL the service is asked to call points at the public internet.

The service fetches link previews and posts to webhooks that people type in: neither may become a
way to reach the hospital's internal services, so both refuse hosts that resolve to private,
loopback or link-local addresses unless a setting allows them.
"""

from __future__ import annotations

import asyncio
import ipaddress
import socket
from urllib.parse import urlsplit


async def is_public_url(url: str) -> bool:
    """Whether every address the URL's host resolves to is a public one."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return False
    try:
        infos = await asyncio.get_running_loop().getaddrinfo(
            parts.hostname, parts.port or (443 if parts.scheme == "https" else 80),
            type=socket.SOCK_STREAM,
        )
    except OSError:
        return True  # unresolvable: the request itself will say the host cannot be reached
    return all(ipaddress.ip_address(info[4][0]).is_global for info in infos)
