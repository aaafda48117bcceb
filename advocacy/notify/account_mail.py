"""Mail about a person's account (a password reset link), sent through the outbox.

Not sent in the request: the reset form only records the reset (`start_password_reset`), so it costs
the same whether or not the address has an account; the delivery job puts recorded resets into the
outbox (`queue_pending_resets`) and sends them, and a mail server that is down delays the email
instead of losing it. It goes by email
at once, whatever the person's notification preferences. The link is made only when the email
leaves (`reset_item`): the outbox and the in-app notice never hold a token that works.
"""

from __future__ import annotations

from advocacy.clock import Clock
from advocacy.notify.channels import Item
from advocacy.notify.models import Notification
from advocacy.notify.service import notify
from advocacy.settings import Settings
from advocacy.users.models import PasswordReset
from advocacy.users.service import issue_reset_token

PASSWORD_RESET = "password_reset"
_KEY_PREFIX = "password-reset:"


# Resets put in the outbox per round of the delivery job.
QUEUE_BATCH = 100


async def queue_pending_resets(clock: Clock, settings: Settings) -> int:
    """Put the emails of recorded resets into the outbox; returns how many. Two workers may take
    the same reset: the notice's key queues it once."""
    now = clock.now()
    pending = await PasswordReset.filter(queued_at=None, used_at=None, expires_at__gt=now) \
        .select_related("user").order_by("id").limit(QUEUE_BATCH)
    for reset in pending:
        await _queue(clock, settings, reset)
    if pending:
        await PasswordReset.filter(id__in=[reset.id for reset in pending]).update(queued_at=now)
    return len(pending)


async def _queue(clock: Clock, settings: Settings, reset: PasswordReset) -> None:
    await notify(
        clock, reset.user, PASSWORD_RESET, f"{settings.organization_name}: choose a new password",
        f"Someone (hopefully you) asked to reset the password of {reset.user.email}. The link to "
        f"choose a new one was emailed; it works once, for {settings.password_reset_minutes} minutes. "
        "If it was not you, ignore it: your password stays as it is.",
        dedupe_key=f"{_KEY_PREFIX}{reset.id}",
    )


async def reset_item(clock: Clock, settings: Settings, notice: Notification, email: str) -> Item | None:
    """The email's content with a fresh working link, or None when the reset was used, replaced
    or expired before the email could leave."""
    token = await issue_reset_token(clock, int(notice.dedupe_key.removeprefix(_KEY_PREFIX)))
    if token is None:
        return None
    link = f"{settings.public_base_url.rstrip('/')}/password/reset/{token}"
    return Item(
        subject=notice.subject,
        body=(f"Someone (hopefully you) asked to reset the password of {email}.\n\n"
              f"Choose a new one here (the link works once, for {settings.password_reset_minutes} "
              "minutes from the request):"),
        link=link,
    )
