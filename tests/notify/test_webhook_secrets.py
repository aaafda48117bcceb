"""Webhook addresses are kept encrypted, including those saved before they were."""

from __future__ import annotations

from tortoise import Tortoise, connections
from tortoise.migrations.api import migrate

from advocacy.db import tortoise_config
from advocacy.notify.models import NotificationPreference
from advocacy.notify.service import WebhookAddresses
from advocacy.settings import Settings
from advocacy.users.models import User

SLACK = "https://hooks.slack.com/services/T000/B000/XXXX"


async def test_addresses_saved_in_the_clear_are_encrypted_by_the_upgrade(tmp_path) -> None:
    settings = Settings(database_url=f"sqlite://{tmp_path}/upgrade.sqlite3")
    config = tortoise_config(settings.database_url)
    await migrate(config=config, target="models.0011_snapshot_partitions")
    await Tortoise.init(config=config)
    try:
        # Written as the tables stood then: the model of today has columns added since.
        connection = connections.get("default")
        await connection.execute_query(
            "INSERT INTO users (email, name, role, password_hash, department, region, timezone,"
            " is_active, manager_email, created_at) VALUES ('early@example.org', 'Early', 'ambassador',"
            " '!', '', '', 'UTC', 1, '', '2026-01-05T00:00:00+00:00')")
        person = await User.get(email="early@example.org").only("id")
        await connection.execute_query(
            "INSERT INTO notification_preferences (user_id, email_enabled, slack_webhook_url, "
            "teams_webhook_url, frequency, updated_at) VALUES (?, 1, ?, '', 'daily', "
            "'2026-01-05T00:00:00+00:00')", [person.id, SLACK])
    finally:
        await Tortoise.close_connections()
    await migrate(config=config)
    await Tortoise.init(config=config)
    try:
        preference = await NotificationPreference.get(user_id=person.id)
        assert preference.slack_webhook_encrypted and SLACK not in preference.slack_webhook_encrypted
        assert preference.teams_webhook_encrypted == ""
        assert WebhookAddresses.of(settings, preference) == WebhookAddresses(slack=SLACK, teams="")
    finally:
        await Tortoise.close_connections()
