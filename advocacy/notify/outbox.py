"""The outbox as admins see it: how many deliveries are in each state, each delivery page by page
(the ones that went wrong with why), and sending one again on purpose."""

from __future__ import annotations

from dataclasses import dataclass

from tortoise.functions import Count

from advocacy import audit
from advocacy.clock import Clock
from advocacy.errors import Conflict, NotFound
from advocacy.notify.models import Delivery, DeliveryStatus
from advocacy.users.models import User

PROBLEMS = (DeliveryStatus.FAILED, DeliveryStatus.UNCONFIRMED)
PAGE_SIZE = 50


@dataclass(frozen=True, order=True)
class OutboxCount:
    channel: str
    status: str
    count: int


async def outbox_counts() -> list[OutboxCount]:
    rows = await (
        Delivery.all().annotate(count=Count("id")).group_by("channel", "status")
        .values_list("channel", "status", "count")
    )
    return sorted(OutboxCount(str(channel), str(status), int(count)) for channel, status, count in rows)


async def deliveries(status: str | None = None, limit: int = 100) -> list[Delivery]:
    """The latest deliveries (of one status, or the failed and unconfirmed ones), newest first."""
    query = Delivery.filter(status=status) if status else Delivery.filter(status__in=PROBLEMS)
    return await query.select_related("notification", "user").order_by("-updated_at", "-id").limit(limit)


async def delivery_page(status: DeliveryStatus | None, page: int) -> tuple[list[Delivery], int]:
    """One page of deliveries (all of them, or those of one status), latest queued first, and how
    many there are in all."""
    query = Delivery.filter(status=status) if status else Delivery.all()
    rows = await (query.select_related("notification", "user").order_by("-created_at", "-id")
                  .offset((max(page, 1) - 1) * PAGE_SIZE).limit(PAGE_SIZE))
    return rows, await query.count()


async def send_again(clock: Clock, admin: User, delivery_id: int) -> Delivery:
    """Queue a failed or unconfirmed delivery once more, now. An unconfirmed one may then arrive
    twice: that is the admin's informed choice, recorded in the audit log."""
    delivery = await Delivery.get_or_none(id=delivery_id)
    if delivery is None:
        raise NotFound(f"There is no delivery {delivery_id}.")
    if delivery.status not in PROBLEMS:
        raise Conflict("Only failed or unconfirmed deliveries are sent again; "
                       f"this one is {delivery.status}.")
    now = clock.now()
    updated = await Delivery.filter(id=delivery.id, status__in=PROBLEMS).update(
        status=DeliveryStatus.PENDING, due_at=now, attempts=0, updated_at=now,
        last_error=f"sent again by an admin after: {delivery.last_error}"[:2000],
    )
    if not updated:
        raise Conflict("The delivery changed meanwhile; reload the page.")
    await audit.record(clock, admin, "notifications.send-again", f"delivery:{delivery.id}",
                       {"channel": delivery.channel.value, "was": delivery.status.value})
    await delivery.refresh_from_db()
    return delivery
