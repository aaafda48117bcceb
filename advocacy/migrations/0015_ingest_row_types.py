"""Row types for the collector's batch write on PostgreSQL (see
dashboards.collection.ingest.batch_write): a batch goes to each table as one array of rows, which the driver encodes many times faster than
one array per column. SQLite writes row by row and needs nothing, so the migration does nothing
there. The shapes are written out here, as they were when made; a test checks that they still
match the columns dashboards.collection.ingest sends."""

from tortoise import migrations
from tortoise.migrations import operations as ops

ROW_TYPES = (
    "CREATE TYPE ingest_snapshot AS (share_id int, brand_post_id int, network text,"
    " captured_at timestamptz, impressions int, reach int, reactions int, comments int, reshares int,"
    " clicks int, provenance text)",
    "CREATE TYPE ingest_rollup AS (day date, tracked_id int, campaign_id int, is_brand bool,"
    " network text, user_id int, department text, region text, impressions int, reach int,"
    " engagements int, clicks int, provenance text)",
    "CREATE TYPE ingest_total AS (day date, campaign_id int, published_on date, is_brand bool,"
    " network text, department text, region text, provenance text, impressions bigint, reach bigint,"
    " engagements bigint, clicks bigint)",
    "CREATE TYPE ingest_post AS (id int, latest_impressions int, latest_reach int,"
    " latest_engagements int, latest_clicks int, latest_provenance text, collections_done int,"
    " next_collect_at timestamptz)",
)


async def create_row_types(apps, schema_editor) -> None:
    client = schema_editor.client
    if client.capabilities.dialect != "postgres":
        return
    for statement in ROW_TYPES:
        await client.execute_script(statement)


class Migration(migrations.Migration):
    dependencies = [('models', '0014_daily_totals')]

    initial = False

    operations = [ops.RunPython(create_row_types)]
