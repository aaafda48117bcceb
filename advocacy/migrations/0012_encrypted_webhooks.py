"""Keeps the Slack and Teams webhook addresses encrypted, like OAuth tokens: an address lets whoever
holds it post to the channel. Addresses already saved are encrypted with the environment's
ADVOCACY_TOKEN_KEY on the way."""

from tortoise import fields, migrations
from tortoise.migrations import operations as ops


async def encrypt_saved_addresses(apps, schema_editor) -> None:
    from advocacy.cipher import TokenCipher
    from advocacy.settings import get_settings

    client = schema_editor.client
    settings = get_settings()
    cipher = TokenCipher(settings.token_key, settings.env)
    marks = ["$1", "$2", "$3"] if client.capabilities.dialect == "postgres" else ["?", "?", "?"]
    rows = await client.execute_query_dict(
        "SELECT id, slack_webhook_url, teams_webhook_url FROM notification_preferences "
        "WHERE slack_webhook_url <> '' OR teams_webhook_url <> ''")
    for row in rows:
        await client.execute_query(
            f"UPDATE notification_preferences SET slack_webhook_encrypted = {marks[0]}, "
            f"teams_webhook_encrypted = {marks[1]} WHERE id = {marks[2]}",
            [cipher.encrypt(row["slack_webhook_url"]) if row["slack_webhook_url"] else "",
             cipher.encrypt(row["teams_webhook_url"]) if row["teams_webhook_url"] else "", row["id"]])


class Migration(migrations.Migration):
    dependencies = [('models', '0011_snapshot_partitions')]

    initial = False

    operations = [
        ops.AddField(
            model_name='NotificationPreference',
            name='slack_webhook_encrypted',
            field=fields.TextField(default='', db_default='', unique=False),
        ),
        ops.AddField(
            model_name='NotificationPreference',
            name='teams_webhook_encrypted',
            field=fields.TextField(default='', db_default='', unique=False),
        ),
        ops.RunPython(encrypt_saved_addresses),
        ops.RemoveField(model_name='NotificationPreference', name='slack_webhook_url'),
        ops.RemoveField(model_name='NotificationPreference', name='teams_webhook_url'),
    ]
