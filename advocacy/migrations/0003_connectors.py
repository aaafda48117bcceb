from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('models', '0002_content')]

    initial = False

    operations = [
        ops.CreateModel(
            name='AppParking',
            fields=[
                ('network', fields.CharField(primary_key=True, unique=True, db_index=True, max_length=16)),
                ('until', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('reason', fields.TextField(default='', unique=False)),
            ],
            options={'table': 'app_parkings', 'app': 'models', 'pk_attr': 'network', 'table_description': 'A network on which the whole application is rate limited until `until` (per-app quotas).'},
            bases=['Model'],
        ),
        ops.AddField(
            model_name='Share',
            name='needs_reconcile',
            field=fields.BooleanField(default=False),
        ),
        ops.AddField(
            model_name='SocialAccount',
            name='access_token_encrypted',
            field=fields.TextField(null=True, unique=False),
        ),
        ops.AddField(
            model_name='SocialAccount',
            name='parked_reason',
            field=fields.TextField(default='', unique=False),
        ),
        ops.AddField(
            model_name='SocialAccount',
            name='parked_until',
            field=fields.DatetimeField(null=True, auto_now=False, auto_now_add=False),
        ),
        ops.AddField(
            model_name='SocialAccount',
            name='refresh_token_encrypted',
            field=fields.TextField(null=True, unique=False),
        ),
        ops.AddField(
            model_name='SocialAccount',
            name='status_reason',
            field=fields.TextField(default='', unique=False),
        ),
        ops.AddField(
            model_name='SocialAccount',
            name='token_expires_at',
            field=fields.DatetimeField(null=True, auto_now=False, auto_now_add=False),
        ),
    ]
