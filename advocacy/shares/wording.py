"""The text a share publishes for a message, made in one place: the words, its link, the disclosure.

Creating a share and correcting its message both ask here, so a queued share's text can be told
apart from one the ambassador edited, and rebuilt with the corrected words around its own link.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime

from advocacy.compliance import ComplianceEngine
from advocacy.links.models import ShortLink
from advocacy.links.service import LinkMaker
from advocacy.shares import lifecycle
from advocacy.shares.models import Share, ShareStatus

log = logging.getLogger(__name__)


def compose_text(message: str, url: str, link: str | None = None) -> str:
    """The message with the post's link added when the message lacks it.

    With a tracking `link`, the link stands in for the post's URL wherever the message has it.
    """
    shown = link or url
    if url in message:
        return message.replace(url, shown)
    return message if shown in message else f"{message}\n\n{shown}"


def share_text(
    compliance: ComplianceEngine, message: str, *, url: str, network: str, link: str | None = None
) -> str:
    """What a share of `message` publishes: the message, the link, and the disclosure where the
    network shows it."""
    return compliance.with_disclosure(compose_text(message, url, link), network)


@dataclass(frozen=True)
class MessageCorrection:
    """An approved correction of one message (a post's suggestion for one network)."""

    variant_id: int
    url: str
    network: str
    original: str
    corrected: str


async def correct_queued_shares(
    now: datetime, compliance: ComplianceEngine, links: LinkMaker | None, correction: MessageCorrection,
    reason: str,
) -> list[int]:
    """Queued shares carrying the original message unedited get the corrected one, each around its
    own tracking link; returns the ids corrected.

    A share whose text the ambassador edited is left as written: it is their words. `links` makes
    the shares' tracking links; it may be None only where shares carry none.
    """
    queued = await Share.filter(variant_id=correction.variant_id, status=ShareStatus.QUEUED).values_list(
        "id", "text")
    slugs = dict(await ShortLink.filter(share_id__in=[share_id for share_id, _ in queued]).values_list(
        "share_id", "slug"))
    corrected = []
    for share_id, text in queued:
        slug = slugs.get(share_id)
        if slug is not None and links is None:
            raise ValueError(f"share {share_id} carries a tracking link: correcting it needs the LinkMaker")
        link = links.short_url(slug) if slug is not None and links is not None else None
        was = share_text(compliance, correction.original, url=correction.url, network=correction.network,
                         link=link)
        if text != was:
            continue
        now_text = share_text(compliance, correction.corrected, url=correction.url,
                              network=correction.network, link=link)
        if await lifecycle.correct(now, share_id, was=was, text=now_text, reason=reason):
            corrected.append(share_id)
    return corrected
