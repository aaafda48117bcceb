from tortoise import migrations
from tortoise.migrations import operations as ops
from advocacy.shares.models import ShareStatus
from tortoise.fields.base import OnDelete
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('models', '0006_readback_checks')]

    initial = False

    operations = [
        ops.CreateModel(
            name='AccountNotice',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('user', fields.ForeignKeyField('models.User', source_field='user_id', db_constraint=True, to_field='id', related_name='account_notices', on_delete=OnDelete.CASCADE)),
                ('account', fields.ForeignKeyField('models.SocialAccount', source_field='account_id', db_constraint=True, to_field='id', related_name='notices', on_delete=OnDelete.CASCADE)),
                ('kind', fields.CharField(max_length=32)),
                ('key', fields.CharField(unique=True, max_length=200)),
                ('message', fields.TextField(unique=False)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('dismissed_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'account_notices', 'app': 'models', 'pk_attr': 'id', 'table_description': 'A message to an ambassador about one of their accounts, shown on their pages until dismissed.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='ConnectAttempt',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('user', fields.ForeignKeyField('models.User', source_field='user_id', db_constraint=True, to_field='id', related_name='connect_attempts', on_delete=OnDelete.CASCADE)),
                ('network', fields.CharField(max_length=16)),
                ('state_hash', fields.CharField(unique=True, max_length=64)),
                ('session_hash', fields.CharField(max_length=64)),
                ('code_verifier_encrypted', fields.TextField(null=True, unique=False)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('expires_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'connect_attempts', 'app': 'models', 'pk_attr': 'id', 'table_description': 'One OAuth authorization in flight, bound to the person and the browser session that began it.'},
            bases=['Model'],
        ),
        ops.AlterField(
            model_name='Share',
            name='status',
            field=fields.CharEnumField(default=ShareStatus.QUEUED, description='QUEUED: queued\nPUBLISHING: publishing\nPUBLISHED: published\nFAILED: failed\nUNCONFIRMED: unconfirmed\nCANCELLED: cancelled\nPAUSED: paused', enum_type=ShareStatus, max_length=16),
        ),
    ]
