"""The programme's per-day totals by slice, which the leadership dashboard reads instead of the
per-post rollups; filled from the rollups already kept."""

from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise.fields.base import OnDelete
from tortoise import fields

async def fill_from_rollups(apps, schema_editor) -> None:
    from dashboards.collection.ingest import totals_from_rollups

    client = schema_editor.client
    await client.execute_script(totals_from_rollups(client.capabilities.dialect))


class Migration(migrations.Migration):
    dependencies = [('models', '0013_daily_visitor_salts')]

    initial = False

    operations = [
        ops.CreateModel(
            name='DailyTotal',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('day', fields.DateField()),
                ('campaign', fields.ForeignKeyField('models.Campaign', source_field='campaign_id', db_constraint=True, to_field='id', related_name='daily_totals', on_delete=OnDelete.CASCADE)),
                ('published_on', fields.DateField()),
                ('is_brand', fields.BooleanField()),
                ('network', fields.CharField(max_length=16)),
                ('department', fields.CharField(default='', max_length=100)),
                ('region', fields.CharField(default='', max_length=100)),
                ('provenance', fields.CharField(max_length=16)),
                ('impressions', fields.BigIntField(null=True)),
                ('reach', fields.BigIntField(null=True)),
                ('engagements', fields.BigIntField(null=True)),
                ('clicks', fields.BigIntField(null=True)),
            ],
            options={'table': 'daily_totals', 'app': 'models', 'unique_together': (('day', 'campaign', 'published_on', 'is_brand', 'network', 'department', 'region', 'provenance'),), 'pk_attr': 'id', 'table_description': 'What the programme gained on one day, summed over the posts of one slice.'},
            bases=['Model'],
        ),
        ops.RunPython(fill_from_rollups),
    ]
