"""Sending email through the SMTP server named in settings."""

from __future__ import annotations

import asyncio
import smtplib
from email.message import EmailMessage
from email.policy import default as default_policy

from advocacy.settings import Settings


def _send(settings: Settings, message: EmailMessage) -> None:
    with smtplib.SMTP(settings.smtp_host, settings.smtp_port, timeout=15) as smtp:
        if settings.smtp_starttls:
            smtp.starttls()
        if settings.smtp_username:
            smtp.login(settings.smtp_username, settings.smtp_password)
        smtp.send_message(message)


async def send_mail(
    settings: Settings, to: str, subject: str, body: str, *, headers: dict[str, str] | None = None
) -> None:
    """Send one plain-text email; smtplib blocks, so it runs in a worker thread."""
    # RFC 5322's line limit rather than the 78-character fold, so that a long address in a header
    # (List-Unsubscribe) stays a plain URL instead of an encoded word mail clients cannot follow.
    message = EmailMessage(policy=default_policy.clone(max_line_length=998))
    message["From"] = settings.mail_from
    message["To"] = to
    message["Subject"] = subject
    for name, value in (headers or {}).items():
        message[name] = value
    message.set_content(body)
    await asyncio.to_thread(_send, settings, message)
