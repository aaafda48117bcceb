"""Encryption at rest of secrets we must read back (OAuth tokens, webhook addresses), with key rotation."""

from __future__ import annotations

from cryptography.fernet import Fernet, InvalidToken, MultiFernet

from advocacy.settings import DEFAULT_TOKEN_KEY
from connectors.base import AuthExpired


class TokenCipher:
    """Encrypts and decrypts tokens with the keys from settings.

    `key` may list several comma-separated keys: the first encrypts, every one decrypts, so a key
    can be rotated by putting the new one first and re-encrypting with `rotate`.
    """

    def __init__(self, key: str, env: str) -> None:
        if env == "production" and key == DEFAULT_TOKEN_KEY:
            raise RuntimeError("ADVOCACY_TOKEN_KEY must be set to a new Fernet key in production")
        try:
            self._fernet = MultiFernet([Fernet(k.strip().encode()) for k in key.split(",") if k.strip()])
        except ValueError as error:
            raise RuntimeError(f"ADVOCACY_TOKEN_KEY is not a Fernet key: {error}") from None

    def rotate(self, stored: str | None) -> str | None:
        """The stored token re-encrypted with the first (newest) key."""
        return None if stored is None else self._fernet.rotate(stored.encode()).decode()

    def encrypt(self, token: str | None) -> str | None:
        return None if token is None else self._fernet.encrypt(token.encode()).decode()

    def decrypt(self, stored: str | None) -> str | None:
        if stored is None:
            return None
        try:
            return self._fernet.decrypt(stored.encode()).decode()
        except InvalidToken:
            # Encrypted with another key (a rotated ADVOCACY_TOKEN_KEY): only a reconnect helps.
            raise AuthExpired("the stored token cannot be decrypted with the current token key") from None
