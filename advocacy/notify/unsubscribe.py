"""The addresses notifications carry: the one-click unsubscribe link (a signed token naming the
person and when it was made, so it works without signing in, for a limited time) and the
preferences page."""

from __future__ import annotations

from datetime import datetime

from itsdangerous import BadSignature, URLSafeSerializer

from advocacy.settings import Settings
from advocacy.users.models import User

_SALT = "notify-unsubscribe"


def _serializer(settings: Settings) -> URLSafeSerializer:
    return URLSafeSerializer(settings.secret_key, salt=_SALT)


def absolute_url(settings: Settings, link: str) -> str:
    """A path of this service as a full address; full addresses are kept as they are."""
    if link.startswith("/"):
        return settings.public_base_url.rstrip("/") + link
    return link


def preferences_url(settings: Settings) -> str:
    return absolute_url(settings, "/me/notifications")


def unsubscribe_token(settings: Settings, user: User, now: datetime) -> str:
    # Signed, not stored; it carries when it was made, so it ends after `unsubscribe_link_days`.
    return str(_serializer(settings).dumps({"u": user.id, "t": int(now.timestamp())}))


def unsubscribe_url(settings: Settings, user: User, now: datetime) -> str:
    return absolute_url(settings, f"/notifications/unsubscribe/{unsubscribe_token(settings, user, now)}")


class LinkExpired(Exception):
    """A genuine unsubscribe link, too old to act on."""


def user_id_of_token(settings: Settings, token: str, now: datetime) -> int | None:
    """The person a token was made for; None for a token this service did not sign, LinkExpired
    for one older than `unsubscribe_link_days` (or made before links carried their time)."""
    try:
        payload = _serializer(settings).loads(token)
    except BadSignature:
        return None
    if not isinstance(payload, dict) or not isinstance(payload.get("u"), int):
        return None
    made = payload.get("t")
    if not isinstance(made, int) or now.timestamp() - made > settings.unsubscribe_link_days * 86_400:
        raise LinkExpired
    return int(payload["u"])
