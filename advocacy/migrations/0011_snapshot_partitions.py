"""Partitions the metric snapshot table by month on PostgreSQL (see dashboards.collection.partitions);
SQLite keeps one plain table, so the migration does nothing there."""

from tortoise import migrations
from tortoise.migrations import operations as ops


async def partition(apps, schema_editor) -> None:
    from dashboards.collection.partitions import PARTITION_TABLE

    client = schema_editor.client
    if client.capabilities.dialect != "postgres":
        return
    for statement in PARTITION_TABLE:
        await client.execute_script(statement)
    # Every month that already holds snapshots gets its partition. The current and coming months
    # are the collector's to make, on the service's clock, at its first round; until then new rows
    # wait in the default partition and move into their month when it is made.
    months = await client.execute_query_dict(
        "SELECT DISTINCT date_trunc('month', captured_at AT TIME ZONE 'UTC')::date AS month FROM metric_snapshots")
    for row in months:
        await client.execute_query("SELECT metric_snapshots_month($1)", [row["month"]])


class Migration(migrations.Migration):
    dependencies = [('models', '0010_notifications')]

    initial = False

    operations = [ops.RunPython(partition)]
