"""The post-publication check: read published shares back and flag the ones that drifted.

A share is flagged when the platform now shows a text that no longer contains the approved text
(the share's own text, which passed compliance) or that lost the disclosure; a deleted post is its
own state. Each check is a `ReadbackCheck` row; a change of state is also written to the share's
history (a `ShareEvent`) and to the audit log, so editors and compliance see when and what.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from tortoise import get_connection

from advocacy import audit
from advocacy.accounts.networks import NetworkRegistry
from advocacy.clock import Clock
from advocacy.compliance.engine import disclosure_pattern
from advocacy.compliance.policy import CompliancePolicy
from advocacy.compliance.readback import compare
from advocacy.db import placeholder
from advocacy.shares import lifecycle
from advocacy.shares.models import (
    FLAGGED_STATES,
    ReadbackCheck,
    ReadbackState,
    Share,
    ShareEvent,
    ShareStatus,
)
from connectors.base import ConnectorError, PostContent

log = logging.getLogger(__name__)
SHOWN_TEXT_LIMIT = 3000


@dataclass
class ReadbackReport:
    checked: int = 0
    flagged: int = 0
    deleted: int = 0
    unavailable: int = 0
    errors: int = 0


def state_sentence(state: str, detail: str = "") -> str:
    """What a check found, in words for the share's history."""
    sentences = {
        ReadbackState.INTACT: "Post-publication check: the post shows the approved text and the disclosure.",
        ReadbackState.FLAGGED: f"Post-publication check: {detail}",
        ReadbackState.DELETED: "Post-publication check: the post was deleted on the platform.",
        ReadbackState.UNAVAILABLE: "Post-publication check: the platform does not let us read the post back.",
    }
    return sentences[ReadbackState(state)]


class ReadbackChecker:
    """Reads shares back through their network's connector and records what it found."""

    def __init__(self, networks: NetworkRegistry, clock: Clock) -> None:
        self.networks = networks
        self.clock = clock
        self.disclosure = disclosure_pattern(CompliancePolicy.from_settings(networks.settings))

    async def check(self, share_ids: Sequence[int]) -> ReadbackReport:
        """Check these published shares now (one platform call per account and batch)."""
        report = ReadbackReport()
        shares = await Share.filter(id__in=list(share_ids), status=ShareStatus.PUBLISHED,
                                    external_id__not_isnull=True).select_related("account")
        by_account: dict[int, list[Share]] = defaultdict(list)
        for share in shares:
            by_account[share.account.id].append(share)
        for group in by_account.values():
            account = group[0].account
            try:
                found = await self.networks.connector(group[0].network).fetch_posts(
                    await self.networks.account_ref(account), [str(s.external_id) for s in group]
                )
            except ConnectorError as error:
                # One account failing never stops the others; the shares are checked next time.
                log.warning("read-back of account %s failed: %s", account.id, error.message)
                report.errors += 1
                continue
            contents = {c.external_id: c for c in found}
            for share in group:
                content = contents.get(str(share.external_id)) or PostContent(
                    str(share.external_id), "unavailable", detail="the platform did not answer for it")
                state = await self._record(share, content)
                report.checked += 1
                if state == ReadbackState.FLAGGED:
                    report.flagged += 1
                elif state == ReadbackState.DELETED:
                    report.deleted += 1
                elif state == ReadbackState.UNAVAILABLE:
                    report.unavailable += 1
        return report

    async def _record(self, share: Share, content: PostContent) -> ReadbackState:
        now = self.clock.now()
        kept_text: bool | None = None
        kept_disclosure: bool | None = None
        detail = content.detail
        if content.state == "found":
            verdict = compare(share.text, content.text or "", share.network, self.disclosure)
            kept_text, kept_disclosure = verdict.approved_text_kept, verdict.disclosure_kept
            state = ReadbackState.FLAGGED if verdict.flagged else ReadbackState.INTACT
            detail = verdict.describe()
        else:
            state = ReadbackState(content.state)
        previous = await ReadbackCheck.filter(share_id=share.id).order_by("-checked_at", "-id").first()
        await ReadbackCheck.create(
            share_id=share.id, checked_at=now, state=state, approved_text_kept=kept_text,
            disclosure_kept=kept_disclosure, shown_text=(content.text or "")[:SHOWN_TEXT_LIMIT],
            detail=detail[:1000],
        )
        changed = previous is None or previous.state != state or previous.detail != detail[:1000]
        # The history records changes, not every identical reading; a first intact reading is
        # recorded too, so the history shows that the check ran.
        if changed:
            await lifecycle.note(now, share.id, state_sentence(state, detail))
            if state in FLAGGED_STATES:
                await audit.record(self.clock, None, f"share.readback.{state.value}", f"share:{share.id}",
                                   {"network": share.network, "detail": detail[:300]})
        return state


@dataclass(frozen=True)
class FlaggedShare:
    """A share whose latest check found it edited away from the approved text, or deleted."""

    share: Share
    check: ReadbackCheck
    history: list[ShareEvent]


@dataclass(frozen=True)
class ReadbackOverview:
    """The post-publication check of one campaign's published shares, for editors and compliance."""

    published: int
    counts: dict[str, int]  # latest state -> shares; "not yet" for shares never read back
    flagged: list[FlaggedShare]

    @property
    def flagged_count(self) -> int:
        return len(self.flagged)


def _latest_of_campaign(dialect: str, select: str, where: str = "") -> str:
    """Raw SQL over the latest check of each published share of campaign $1: a check with no later
    one of the same share (later `checked_at`, or the same and a higher id)."""
    mark = placeholder(dialect, 1)
    return (
        f"SELECT {select} FROM share_readbacks c JOIN shares s ON s.id = c.share_id"
        " JOIN posts p ON p.id = s.post_id JOIN content_packs k ON k.id = p.pack_id"
        f" WHERE k.campaign_id = {mark} AND s.status = '{ShareStatus.PUBLISHED.value}'{where}"
        " AND NOT EXISTS (SELECT 1 FROM share_readbacks n WHERE n.share_id = c.share_id"
        " AND (n.checked_at > c.checked_at OR (n.checked_at = c.checked_at AND n.id > c.id)))"
    )


async def campaign_readback(campaign_id: int) -> ReadbackOverview:
    """Where each published share of the campaign stands, with the flagged ones in detail.

    Counted in the database: a campaign can have a hundred thousand published shares, and only the
    flagged ones are read as rows."""
    connection = get_connection("default")
    dialect = connection.capabilities.dialect
    published = await Share.filter(post__pack__campaign_id=campaign_id, status=ShareStatus.PUBLISHED).count()
    counts: dict[str, int] = {state.value: 0 for state in ReadbackState}
    by_state = _latest_of_campaign(dialect, "c.state AS state, COUNT(*) AS n") + " GROUP BY c.state"
    for row in await connection.execute_query_dict(by_state, [campaign_id]):
        counts[row["state"]] = row["n"]
    counts["not yet"] = published - sum(counts.values())
    flagged_states = ", ".join(f"'{state.value}'" for state in sorted(FLAGGED_STATES))
    flagged_ids = [row["id"] for row in await connection.execute_query_dict(
        _latest_of_campaign(dialect, "c.id AS id", f" AND c.state IN ({flagged_states})"), [campaign_id])]
    checks = await ReadbackCheck.filter(id__in=flagged_ids).order_by("share_id")
    shares = {s.id: s for s in await Share.filter(id__in=[c.share_id for c in checks]  # type: ignore[attr-defined]
                                                  ).select_related("user")}
    events: dict[int, list[ShareEvent]] = defaultdict(list)
    for event in await ShareEvent.filter(share_id__in=list(shares)).order_by("at", "id"):
        events[event.share_id].append(event)  # type: ignore[attr-defined]
    return ReadbackOverview(
        published=published, counts=counts,
        flagged=[FlaggedShare(shares[c.share_id], c, events[c.share_id]) for c in checks],  # type: ignore[attr-defined]
    )
