"""The compliance policy versions, and which policy version judged a share, a pack, an override."""

from tortoise import migrations
from tortoise.migrations import operations as ops
import functools
from json import dumps, loads
from tortoise.fields.base import OnDelete
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('models', '0016_account_status_enum')]

    initial = False

    operations = [
        ops.CreateModel(
            name='FindingOverride',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('variant', fields.ForeignKeyField('models.MessageVariant', source_field='variant_id', db_constraint=True, to_field='id', related_name='overrides', on_delete=OnDelete.CASCADE)),
                ('message_text', fields.TextField(unique=False)),
                ('rule', fields.CharField(max_length=64)),
                ('start', fields.IntField()),
                ('end', fields.IntField()),
                ('words', fields.TextField(default='', unique=False)),
                ('policy_version', fields.IntField()),
                ('reason', fields.TextField(unique=False)),
                ('reviewer', fields.ForeignKeyField('models.User', source_field='reviewer_id', db_constraint=True, to_field='id', related_name='finding_overrides', on_delete=OnDelete.RESTRICT)),
                ('at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'finding_overrides', 'app': 'models', 'pk_attr': 'id', 'table_description': 'A reviewer accepted one compliance warning on a message, with their reason. Kept, never edited.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='PolicyVersion',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('version', fields.IntField(unique=True)),
                ('allowed_numbers', fields.JSONField(default=list, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('allowed_addresses', fields.JSONField(default=list, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('allowed_emails', fields.JSONField(default=list, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('allowed_domains', fields.JSONField(default=list, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('blocked_terms', fields.JSONField(default=list, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('disclosures', fields.JSONField(default=list, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('severities', fields.JSONField(default=dict, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('created_by', fields.ForeignKeyField('models.User', source_field='created_by_id', null=True, db_constraint=True, to_field='id', related_name='policy_versions', on_delete=OnDelete.SET_NULL)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('note', fields.TextField(default='', unique=False)),
            ],
            options={'table': 'compliance_policy_versions', 'app': 'models', 'pk_attr': 'id', 'table_description': 'One saved version of the compliance policy. Versions are kept, never edited.'},
            bases=['Model'],
        ),
        ops.AddField(
            model_name='ContentPack',
            name='policy_version',
            field=fields.IntField(null=True),
        ),
        ops.AddField(
            model_name='Share',
            name='policy_version',
            field=fields.IntField(null=True),
        ),
    ]
