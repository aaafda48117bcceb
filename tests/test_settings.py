"""Settings: one typed object, every key documented in .env.example, safe defaults."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from cryptography.fernet import Fernet
from pydantic import ValidationError

from advocacy.app import create_app
from advocacy.settings import Settings

ROOT = Path(__file__).resolve().parent.parent


def test_env_example_documents_every_setting() -> None:
    text = (ROOT / ".env.example").read_text()
    documented = set(re.findall(r"^ADVOCACY_([A-Z_]+)=", text, flags=re.MULTILINE))
    assert documented == {name.upper() for name in Settings.model_fields}


def test_settings_read_the_advocacy_prefix(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ADVOCACY_DISPATCH_BATCH_SIZE", "7")
    monkeypatch.setenv("ADVOCACY_X_API_BASE_URL", "http://127.0.0.1:9999")
    settings = Settings()
    assert settings.dispatch_batch_size == 7
    assert settings.x_api_base_url == "http://127.0.0.1:9999"


def test_invalid_setting_is_refused_with_its_name(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ADVOCACY_SANDBOX_FAULT_RATE", "2")
    with pytest.raises(ValidationError, match="sandbox_fault_rate"):
        Settings()


def test_production_refuses_the_default_secret_key() -> None:
    with pytest.raises(RuntimeError, match="ADVOCACY_SECRET_KEY"):
        create_app(Settings(env="production"))
    with pytest.raises(RuntimeError, match="ADVOCACY_TOKEN_KEY"):
        create_app(Settings(env="production", secret_key="a-real-secret-" * 4))
    create_app(Settings(env="production", secret_key="a-real-secret-" * 4,
                        token_key=Fernet.generate_key().decode()))
