"""The addresses notifications carry: the one-click unsubscribe link (a signed token naming the
person, so it works without signing in) and the preferences page."""

from __future__ import annotations

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


def unsubscribe_token(settings: Settings, user: User) -> str:
    # Signed, not stored: the link works for as long as the secret key stays the same, which is
    # what people expect of an unsubscribe link in an old email.
    return str(_serializer(settings).dumps({"u": user.id}))


def unsubscribe_url(settings: Settings, user: User) -> str:
    return absolute_url(settings, f"/notifications/unsubscribe/{unsubscribe_token(settings, user)}")


def user_id_of_token(settings: Settings, token: str) -> int | None:
    """The person a token was made for, or None for a token this service did not sign."""
    try:
        payload = _serializer(settings).loads(token)
    except BadSignature:
        return None
    user_id = payload.get("u") if isinstance(payload, dict) else None
    return user_id if isinstance(user_id, int) else None
