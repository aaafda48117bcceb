"""Sends due notifications from the outbox: claims deliveries atomically, then emails or posts them.

A delivery moves pending -> sending -> sent | failed | unconfirmed (| back to pending, later, after
a failure that may pass: a mail server that is down, a webhook's 5xx or 429). The claim is the
share dispatcher's queue (`advocacy.leasing`): candidate rows locked with FOR UPDATE SKIP LOCKED on
PostgreSQL and a conditional UPDATE that only takes rows still pending, so two workers never take
the same row.

At most once per channel: the claim itself, in its transaction, moves the row out of `pending`
(owned by this worker under a lease) before anything is sent. Nothing ever sends a row that is not
pending, so a delivery can go out once at most. A row whose worker stopped mid-send (its lease ran
out) or whose webhook did not answer is marked `unconfirmed` and never sent again on its own;
admins see it (and failures) on the outbox page and may send it again on purpose.

Deliveries that wait for a person's daily or weekly digest are due at the digest hour; the ones of a
person and channel claimed together go out as one message.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import timedelta

import httpx
from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.expressions import F, Q

from advocacy.clock import Clock
from advocacy.leasing import RELEASED, Backoff, Lease, LeasedQueue
from advocacy.notify.account_mail import queue_pending_resets, reset_item
from advocacy.notify.channels import (
    DeliveryError,
    Item,
    OutgoingMessage,
    PostActions,
    post_webhook,
    send_email,
    slack_payload,
    teams_payload,
)
from advocacy.notify.models import (
    Channel,
    Delivery,
    DeliveryStatus,
    Frequency,
    Notification,
    NotificationPreference,
)
from advocacy.notify.service import (
    ACCOUNT_KINDS,
    WebhookAddresses,
    default_preference,
    organisation_channels,
    post_ids_of,
    receives,
)
from advocacy.notify.slack_app import send_direct_message
from advocacy.notify.unsubscribe import absolute_url, preferences_url, unsubscribe_url
from advocacy.settings import Settings
from advocacy.users.models import User

log = logging.getLogger(__name__)

# The wait before attempt n+1: 1 min, 4 min, 16 min ... at most 6 hours.
BACKOFF = Backoff(first=timedelta(minutes=1), factor=4, cap=timedelta(hours=6))
PENDING = Q(status=DeliveryStatus.PENDING)
SENDING = Q(status=DeliveryStatus.SENDING)

# The share actions of the posts a notice names, for its person (signed links are per person); the
# sharing layer provides it, so notifications never reach into shares.
PostActionsFor = Callable[[User, list[int]], Awaitable[list[PostActions]]]


@dataclass
class DeliveryReport:
    claimed: int = 0
    messages: int = 0
    sent: int = 0
    retrying: int = 0
    failed: int = 0
    unconfirmed: int = 0
    skipped: int = 0


def backoff(attempts: int) -> timedelta:
    """How long to wait after `attempts` failed tries before the next one."""
    return BACKOFF.delay(attempts)


class NotificationDeliverer:
    """Claims due deliveries in batches and sends each (or each digest) on its channel."""

    def __init__(
        self,
        settings: Settings,
        clock: Clock,
        http: httpx.AsyncClient,
        *,
        worker_name: str = "worker",
        use_skip_locked: bool = False,
        post_actions: PostActionsFor | None = None,
    ) -> None:
        self.settings = settings
        self.post_actions = post_actions
        self.clock = clock
        self.http = http
        self.worker_name = worker_name
        self.use_skip_locked = use_skip_locked
        self.batch_size = settings.notify_batch_size
        self.lease = timedelta(seconds=settings.notify_lease_seconds)
        self.max_attempts = settings.notify_max_attempts
        self.queue = LeasedQueue(
            Delivery, waiting=PENDING, held=SENDING, batch_size=self.batch_size, lease=self.lease,
            worker_name=worker_name, use_skip_locked=use_skip_locked,
        )

    async def run_once(self) -> DeliveryReport:
        """Mark stale sends unconfirmed, then claim and send one batch. One failure never stops
        the rest of the batch."""
        report = DeliveryReport()
        await queue_pending_resets(self.clock, self.settings)
        report.unconfirmed += await self.expire_stale_leases()
        owner, claimed = await self.claim_due()
        report.claimed = len(claimed)
        if not claimed:
            return report
        notifications = {
            n.id: n for n in await Notification.filter(id__in={d.notification_id for d in claimed})
        }
        user_ids = {d.user_id for d in claimed}
        users = {u.id: u for u in await User.filter(id__in=user_ids)}
        preferences = {
            p.user_id: p for p in await NotificationPreference.filter(user_id__in=user_ids)
        }
        groups: dict[tuple[int, Channel, bool], list[Delivery]] = defaultdict(list)
        for delivery in claimed:
            if delivery.in_digest:
                groups[(delivery.user_id, delivery.channel, True)].append(delivery)
            else:
                # Notices of their own go out one by one: a key per delivery.
                groups[(delivery.user_id, delivery.channel, False)].append(delivery)
        for (user_id, channel, in_digest), deliveries in groups.items():
            batches = [deliveries] if in_digest else [[d] for d in deliveries]
            for batch in batches:
                user = users[user_id]
                preference = preferences.get(user_id) or default_preference(user)
                try:
                    await self._send_one(owner, user, preference, channel, batch, notifications, report)
                except Exception:
                    # A fault of ours: the message may or may not have left, so never resend it.
                    log.exception("notification deliveries %s failed unexpectedly",
                                  [d.id for d in batch])
                    await self._finish(owner, batch, DeliveryStatus.UNCONFIRMED,
                                       "internal error while sending (see the worker log)")
                    report.unconfirmed += len(batch)
        return report

    async def run_until_idle(self) -> DeliveryReport:
        """Send everything due now (tests and the demo's simulated clock)."""
        total = DeliveryReport()
        while True:
            report = await self.run_once()
            for name in vars(total):
                setattr(total, name, getattr(total, name) + getattr(report, name))
            if report.claimed == 0:
                return total

    async def claim_due(self) -> tuple[str, list[Delivery]]:
        """Atomically take up to `batch_size` due deliveries for this worker."""
        now = self.clock.now()

        async def take(conn: BaseDBAsyncClient, ids: list[int], lease: Lease) -> None:
            await Delivery.filter(PENDING, id__in=ids).using_db(conn).update(
                status=DeliveryStatus.SENDING, attempts=F("attempts") + 1, updated_at=now, **lease.columns())

        lease, claimed = await self.queue.claim(now, take)
        return lease.owner, claimed

    async def expire_stale_leases(self) -> int:
        """Sends whose worker stopped before it wrote down the outcome: unconfirmed, never resent."""
        now = self.clock.now()

        async def release(conn: BaseDBAsyncClient, ids: list[int]) -> int:
            return await Delivery.filter(SENDING, id__in=ids).using_db(conn).update(
                status=DeliveryStatus.UNCONFIRMED, updated_at=now, **RELEASED,
                last_error="the worker stopped while sending; not sent again so nobody gets it twice",
            )

        return await self.queue.sweep(now, release)

    async def _send_one(
        self,
        owner: str,
        user: User,
        preference: NotificationPreference,
        channel: Channel,
        batch: list[Delivery],
        notifications: dict[int, Notification],
        report: DeliveryReport,
    ) -> None:
        notices = [notifications[d.notification_id] for d in batch]
        account = notices[0].kind in ACCOUNT_KINDS
        if not user.is_active or not (account or receives(user, preference, channel)):
            # Turned off since the notice was queued: the person chose not to get it this way.
            await self._finish(owner, batch, DeliveryStatus.SKIPPED,
                               "the person turned this channel off before it was sent")
            report.skipped += len(batch)
            return
        if account:
            item = await reset_item(self.clock, self.settings, notices[0], user.email)
            if item is None:
                await self._finish(owner, batch, DeliveryStatus.SKIPPED,
                                   "the reset was used or expired before its email could leave")
                report.skipped += len(batch)
                return
            # No unsubscribe link: this is not a notification one can turn off.
            message = OutgoingMessage(title=item.subject, items=[item],
                                      preferences_url=preferences_url(self.settings))
        else:
            message = await self._message(user, preference, channel, notices, digest=batch[0].in_digest)
        report.messages += 1
        try:
            await self._post(user, preference, channel, message)
        except DeliveryError as error:
            log.info("notification to user %s on %s failed: %s", user.id, channel, error.message)
            attempts = max(d.attempts for d in batch)
            if error.maybe_sent:
                await self._finish(owner, batch, DeliveryStatus.UNCONFIRMED, error.message)
                report.unconfirmed += len(batch)
            elif error.retryable and attempts < self.max_attempts:
                await self._retry_later(owner, batch, error.message, attempts, error.retry_after)
                report.retrying += len(batch)
            else:
                reason = error.message if not error.retryable else (
                    f"{error.message} (gave up after {attempts} attempts)")
                await self._finish(owner, batch, DeliveryStatus.FAILED, reason)
                report.failed += len(batch)
            return
        await self._finish(owner, batch, DeliveryStatus.SENT, "")
        report.sent += len(batch)

    async def _post(
        self, user: User, preference: NotificationPreference, channel: Channel, message: OutgoingMessage
    ) -> None:
        """Send one message on one channel; DeliveryError says what went wrong."""
        if channel == Channel.EMAIL:
            await send_email(self.settings, user.email, message)
            return
        if channel in (Channel.SLACK_APP, Channel.TEAMS_APP) and channel not in organisation_channels(
                self.settings):
            raise DeliveryError(f"the organisation's {channel.value} is no longer set up", retryable=False)
        if channel == Channel.SLACK_APP:
            await send_direct_message(self.settings, user.email, message)
        elif channel == Channel.TEAMS_APP:
            # One card per person: a workflow sends it on to them by the recipient's address.
            await post_webhook(self.settings, self.http, self.settings.teams_workflow_url,
                               {**teams_payload(message), "recipient": user.email})
        else:
            addresses = WebhookAddresses.of(self.settings, preference)
            address = addresses.slack if channel == Channel.SLACK else addresses.teams
            if not address:
                raise DeliveryError("the webhook address cannot be read with the current token key; "
                                    "the person has to enter it again", retryable=False)
            payload = slack_payload(message) if channel == Channel.SLACK else teams_payload(message)
            await post_webhook(self.settings, self.http, address, payload)

    async def _message(
        self,
        user: User,
        preference: NotificationPreference,
        channel: Channel,
        notices: list[Notification],
        *,
        digest: bool,
    ) -> OutgoingMessage:
        items = [
            Item(subject=n.subject, body=n.body,
                 link=absolute_url(self.settings, n.link) if n.link else None,
                 posts=tuple(await self.post_actions(user, post_ids_of(n)))
                 if self.post_actions and n.post_ids else ())
            for n in notices
        ]
        if digest:
            period = "weekly" if preference.frequency == Frequency.WEEKLY else "daily"
            count = f"{len(items)} notice" + ("s" if len(items) != 1 else "")
            title = f"Your {period} digest from {self.settings.organization_name}: {count}"
        else:
            title = notices[0].subject
        return OutgoingMessage(
            title=title,
            items=items,
            preferences_url=preferences_url(self.settings),
            unsubscribe_url=(unsubscribe_url(self.settings, user, self.clock.now())
                             if channel == Channel.EMAIL else ""),
        )

    async def _finish(
        self, owner: str, batch: list[Delivery], status: DeliveryStatus, reason: str
    ) -> None:
        now = self.clock.now()
        # Only rows this worker still owns: a row whose lease ran out belongs to nobody any more.
        await Delivery.filter(SENDING, id__in=[d.id for d in batch], lease_owner=owner).update(
            status=status,
            **RELEASED,
            sent_at=now if status == DeliveryStatus.SENT else None,
            last_error=reason[:2000],
            updated_at=now,
        )

    async def _retry_later(
        self, owner: str, batch: list[Delivery], reason: str, attempts: int,
        asked: timedelta | None = None,
    ) -> None:
        now = self.clock.now()
        # A receiver that says how long to wait (Slack's 429) is waited for, within our own limit;
        # retrying sooner only earns another 429 and uses up an attempt.
        wait = backoff(attempts) if asked is None else min(max(asked, backoff(attempts)), BACKOFF.cap)
        await Delivery.filter(SENDING, id__in=[d.id for d in batch], lease_owner=owner).update(
            status=DeliveryStatus.PENDING,
            **RELEASED,
            due_at=now + wait,
            last_error=f"attempt {attempts} of {self.max_attempts}: {reason}"[:2000],
            updated_at=now,
        )
